package pro.codai.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pro.codai.platform.persistence.TestDatabase.inTransaction;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.persistence.SchemaMigrator;
import pro.codai.platform.persistence.TestDatabase;

class AuditLogIT {

    @TempDir Path tempDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void recordedEventsAreReadBackNewestFirstAndCounted(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            inTransaction(factory, em -> log(em).record("admin", "user.suspend", "kc-1", "spam"));
            inTransaction(
                    factory, em -> log(em).record("kc-1", AuditEvent.SESSION_STARTED, null, null));
            inTransaction(
                    factory, em -> log(em).record("kc-2", AuditEvent.SESSION_STARTED, null, null));

            EntityManager em = factory.createEntityManager();
            AuditLog auditLog = log(em);
            assertThat(auditLog.mostRecent(10))
                    .extracting(AuditEvent::getActor)
                    .containsExactly("kc-2", "kc-1", "admin");
            assertThat(auditLog.mostRecent(10).get(2).getDetail()).isEqualTo("spam");
            assertThat(auditLog.count(AuditEvent.SESSION_STARTED)).isEqualTo(2);
            assertThat(auditLog.count(AuditEvent.DOWNLOAD_SERVED)).isZero();
            em.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anEventCannotBeChangedOrRemovedThroughTheApplication(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            inTransaction(
                    factory, em -> log(em).record("admin", "plan.change", "kc-1", "FREE->PRO"));

            assertThatThrownBy(
                            () -> TestDatabase.inTransaction(factory, em -> em.remove(first(em))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("append-only");

            EntityManager em = factory.createEntityManager();
            assertThat(log(em).mostRecent(10)).hasSize(1);
            em.close();
        }
    }

    @Test
    void postgresqlItselfRefusesToUpdateDeleteOrTruncateEvents() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, tempDir)) {
            SchemaMigrator.migrate(database.dataSource());
            try (Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.executeUpdate(
                        "INSERT INTO audit_event (occurred_at, actor, action) VALUES (CURRENT_TIMESTAMP, 'a', 'x')");

                assertThatThrownBy(
                                () -> statement.executeUpdate("UPDATE audit_event SET actor = 'b'"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("append-only");
                assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit_event"))
                        .hasMessageContaining("append-only");
                assertThatThrownBy(() -> statement.executeUpdate("TRUNCATE audit_event"))
                        .hasMessageContaining("append-only");
            }
        }
    }

    @Test
    void overlongTextIsCutToTheColumnSize() {
        AuditEvent event = new AuditEvent("a".repeat(300), "x", "t".repeat(300), "d".repeat(5000));
        assertThat(event.getActor()).hasSize(255);
        assertThat(event.getTarget()).hasSize(255);
        assertThat(event.getDetail()).hasSize(AuditEvent.MAX_DETAIL_LENGTH);
    }

    private static AuditLog log(EntityManager em) {
        AuditLog auditLog = new AuditLog();
        auditLog.entityManager = em;
        return auditLog;
    }

    private static AuditEvent first(EntityManager em) {
        return em.createNamedQuery(AuditEvent.MOST_RECENT, AuditEvent.class).getResultList().get(0);
    }
}
