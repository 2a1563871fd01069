package pro.codai.platform.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static pro.codai.platform.persistence.TestDatabase.inTransaction;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.persistence.TestDatabase;

/** Runs written and counted, against real Derby and PostgreSQL. */
class RunRecordsIT {

    @TempDir Path tempDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void runsAreWrittenAndCountedByOutcomeSinceATime(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            Instant now = Instant.now();
            inTransaction(
                    factory,
                    em ->
                            records(em)
                                    .saveAll(
                                            List.of(
                                                    noted(now.minusSeconds(120), "OK"),
                                                    noted(now.minusSeconds(30), "OK"),
                                                    noted(now.minusSeconds(20), "OK"),
                                                    noted(now.minusSeconds(10), "OVERLOAD"),
                                                    new RunRecords.Noted(
                                                            now,
                                                            "runs",
                                                            "person:" + "x".repeat(300),
                                                            "python3",
                                                            "COMPILE_ERROR",
                                                            12))));

            EntityManager em = factory.createEntityManager();
            assertThat(records(em).since(now.minusSeconds(60)).outcomes())
                    .containsExactly(
                            java.util.Map.entry("COMPILE_ERROR", 1L),
                            java.util.Map.entry("OK", 2L),
                            java.util.Map.entry("OVERLOAD", 1L));
            assertThat(records(em).since(now.plusSeconds(1)).outcomes()).isEmpty();
            RunRecord last =
                    em.createQuery(
                                    "SELECT r FROM RunRecord r WHERE r.outcome = 'COMPILE_ERROR'",
                                    RunRecord.class)
                            .getSingleResult();
            assertThat(last.getCaller()).hasSize(255);
            assertThat(last.getDurationMillis()).isEqualTo(12);
            assertThat(last.getApi()).isEqualTo("runs");
            em.close();

            // Kept 400 days: only what is older goes.
            inTransaction(
                    factory,
                    em2 ->
                            records(em2)
                                    .saveAll(
                                            List.of(
                                                    noted(
                                                            now.minus(
                                                                    java.time.Duration.ofDays(401)),
                                                            "OK"),
                                                    noted(
                                                            now.minus(
                                                                    java.time.Duration.ofDays(399)),
                                                            "OK"))));
            int[] removed = new int[1];
            inTransaction(factory, em2 -> removed[0] = records(em2).purgeBatch(now));
            assertThat(removed[0]).isEqualTo(1);
            inTransaction(factory, em2 -> removed[0] = records(em2).purgeBatch(now));
            assertThat(removed[0]).isZero();
            EntityManager after = factory.createEntityManager();
            assertThat(
                            after.createQuery("SELECT COUNT(r) FROM RunRecord r", Long.class)
                                    .getSingleResult())
                    .isEqualTo(6);
            after.close();
        }
    }

    private static RunRecords.Noted noted(Instant at, String outcome) {
        return new RunRecords.Noted(at, "jobe", "api-key:7", "c", outcome, 250);
    }

    private static RunRecords records(EntityManager em) {
        RunRecords records = new RunRecords();
        records.entityManager = em;
        return records;
    }
}
