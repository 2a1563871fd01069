package pro.codai.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pro.codai.platform.persistence.TestDatabase.inTransaction;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.persistence.TestDatabase;
import pro.codai.platform.setup.SiteSettings;

/** The audit log's retention, against real Derby and PostgreSQL. */
class AuditRetentionIT {

    @TempDir Path tempDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void eventsOlderThanTheRetentionGoAndTheRestStay(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            Instant now = Instant.now();
            insertEvent(database, now.minus(Duration.ofDays(400)), "old.one");
            insertEvent(database, now.minus(Duration.ofDays(91)), "old.two");
            insertEvent(database, now.minus(Duration.ofDays(89)), "recent.one");
            inTransaction(
                    factory, em -> retention(em).audit.record("kc-1", "recent.two", null, null));

            assertThat(purge(factory, now)).as("kept for ever until set").isZero();
            AtomicReference<AuditRetention.Retention> unset = new AtomicReference<>();
            inTransaction(factory, em -> unset.set(retention(em).retention()));
            assertThat(unset.get()).isEqualTo(new AuditRetention.Retention(0, null, null));

            inTransaction(factory, em -> assertThat(retention(em).set(90, "kc-admin")).isTrue());
            inTransaction(factory, em -> assertThat(retention(em).set(90, "kc-admin")).isFalse());
            assertThat(purge(factory, now)).isEqualTo(2);
            assertThat(purge(factory, now)).isZero();

            EntityManager em = factory.createEntityManager();
            List<String> actions =
                    em.createQuery("SELECT e.action FROM AuditEvent e ORDER BY e.id", String.class)
                            .getResultList();
            assertThat(actions)
                    .containsExactly(
                            "recent.one",
                            "recent.two",
                            AuditRetention.CHANGED,
                            AuditRetention.PURGED);
            AuditEvent purged =
                    em.createQuery(
                                    "SELECT e FROM AuditEvent e WHERE e.action = :a",
                                    AuditEvent.class)
                            .setParameter("a", AuditRetention.PURGED)
                            .getSingleResult();
            assertThat(purged.getDetail())
                    .startsWith("2 events from before")
                    .endsWith("(kept 90 days)");
            AuditRetention.Retention set = retention(em).retention();
            assertThat(set.days()).isEqualTo(90);
            assertThat(set.setBy()).isEqualTo("kc-admin");
            assertThat(set.setAt()).isAfter(now.minusSeconds(60));
            em.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRetentionOutsideItsBoundsIsRefusedAndChangesNothing(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            for (int days : new int[] {-1, 1, 29, 3651}) {
                assertThatThrownBy(
                                () ->
                                        inTransaction(
                                                factory, em -> retention(em).set(days, "kc-admin")))
                        .hasMessageContaining("0 days (for ever) or 30 to 3650 days");
            }
            EntityManager em = factory.createEntityManager();
            assertThat(retention(em).retention().days()).isZero();
            assertThat(
                            em.createQuery("SELECT COUNT(e) FROM AuditEvent e", Long.class)
                                    .getSingleResult())
                    .isZero();
            em.close();
        }
    }

    @Test
    void postgresqlLetsGoOfOnlyTheRowsOlderThanTheRetention() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            Instant now = Instant.now();
            insertEvent(database, now.minus(Duration.ofDays(40)), "old");
            insertEvent(database, now.minus(Duration.ofDays(10)), "recent");
            try (Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                assertThatThrownBy(
                                () ->
                                        statement.executeUpdate(
                                                "DELETE FROM audit_event WHERE action = 'old'"))
                        .as("no retention set: nothing goes")
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("append-only");
                inTransaction(factory, em -> retention(em).set(30, "kc-admin"));
                assertThat(statement.executeUpdate("DELETE FROM audit_event WHERE action = 'old'"))
                        .isEqualTo(1);
                assertThatThrownBy(
                                () ->
                                        statement.executeUpdate(
                                                "DELETE FROM audit_event WHERE action = 'recent'"))
                        .hasMessageContaining("append-only");
                assertThatThrownBy(
                                () -> statement.executeUpdate("UPDATE audit_event SET actor = 'b'"))
                        .hasMessageContaining("append-only");
                assertThatThrownBy(() -> statement.executeUpdate("TRUNCATE audit_event"))
                        .hasMessageContaining("append-only");
                // A setting changed behind the application's back still keeps 30 days.
                statement.executeUpdate(
                        "UPDATE site_setting SET setting_value = '1' WHERE name = '"
                                + AuditRetention.RETENTION_DAYS
                                + "'");
                assertThatThrownBy(
                                () ->
                                        statement.executeUpdate(
                                                "DELETE FROM audit_event WHERE action = 'recent'"))
                        .hasMessageContaining("append-only");
            }
            EntityManager em = factory.createEntityManager();
            assertThat(retention(em).retention().days()).isEqualTo(AuditRetention.MIN_DAYS);
            em.close();
        }
    }

    private static int purge(EntityManagerFactory factory, Instant now) {
        AtomicInteger removed = new AtomicInteger();
        int batch;
        do {
            AtomicInteger last = new AtomicInteger();
            inTransaction(factory, em -> last.set(retention(em).purgeBatch(now)));
            batch = last.get();
            removed.addAndGet(batch);
        } while (batch == AuditRetention.BATCH);
        return removed.get();
    }

    private static AuditRetention retention(EntityManager em) {
        AuditLog audit = new AuditLog();
        audit.entityManager = em;
        AuditRetention retention = new AuditRetention();
        retention.entityManager = em;
        retention.audit = audit;
        retention.settings = TestDatabase.wired(new SiteSettings(), em);
        return retention;
    }

    private static void insertEvent(TestDatabase database, Instant at, String action)
            throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO audit_event (occurred_at, actor, action) VALUES (?, 'a', ?)")) {
            insert.setTimestamp(1, Timestamp.from(at));
            insert.setString(2, action);
            insert.executeUpdate();
        }
    }
}
