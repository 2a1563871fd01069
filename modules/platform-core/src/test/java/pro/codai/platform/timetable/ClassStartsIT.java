package pro.codai.platform.timetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.audit.AuditEvent;
import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.persistence.TestDatabase;

/** The class-start timetable on the real databases: stored, listed, found by window, deleted. */
class ClassStartsIT {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");

    @TempDir Path tempDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void classStartsAreStoredListedFoundByWindowAndDeleted(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            List<ClassStarts.Entry> added = new ArrayList<>();
            TestDatabase.inTransaction(
                    factory,
                    em -> {
                        added.add(timetable(em).add(NOW.plusSeconds(3600), 30, 90, "admin"));
                        added.add(timetable(em).add(NOW.plusSeconds(600), 12, 45, "admin"));
                    });

            EntityManager em = factory.createEntityManager();
            List<ClassStarts.Entry> all = timetable(em).list();
            List<ClassStarts.Entry> soon =
                    timetable(em).startingBetween(NOW, NOW.plus(Duration.ofMinutes(30)));
            em.close();
            TestDatabase.inTransaction(
                    factory,
                    em2 -> assertThat(timetable(em2).delete(added.get(1).id(), "admin")).isTrue());
            TestDatabase.inTransaction(
                    factory, em2 -> assertThat(timetable(em2).delete(9999, "admin")).isFalse());
            EntityManager after = factory.createEntityManager();
            List<ClassStarts.Entry> left = timetable(after).list();
            after.close();

            assertThat(all)
                    .extracting(ClassStarts.Entry::students)
                    .as("earliest first")
                    .containsExactly(12, 30);
            assertThat(all.get(0).startsAt()).isEqualTo(NOW.plusSeconds(600));
            assertThat(all.get(0).durationMinutes()).isEqualTo(45);
            assertThat(all.get(0).createdBy()).isEqualTo("admin");
            assertThat(soon).extracting(ClassStarts.Entry::students).containsExactly(12);
            assertThat(left).extracting(ClassStarts.Entry::students).containsExactly(30);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRefusedClassStartStoresNothing(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();

            assertThatThrownBy(
                            () ->
                                    TestDatabase.inTransaction(
                                            factory,
                                            em ->
                                                    timetable(em)
                                                            .add(NOW.minusSeconds(1), 5, 60, "a")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(
                            () ->
                                    TestDatabase.inTransaction(
                                            factory,
                                            em ->
                                                    timetable(em)
                                                            .add(NOW.plusSeconds(60), 0, 60, "a")))
                    .isInstanceOf(IllegalArgumentException.class);

            EntityManager em = factory.createEntityManager();
            assertThat(timetable(em).list()).isEmpty();
            em.close();
        }
    }

    private static ClassStarts timetable(EntityManager em) {
        ClassStarts timetable =
                new ClassStarts(
                        new AuditLog() {
                            @Override
                            public AuditEvent record(
                                    String actor, String action, String target, String detail) {
                                return null; // the audit log is proven by AuditLogIT
                            }
                        });
        timetable.entityManager = em;
        timetable.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return timetable;
    }
}
