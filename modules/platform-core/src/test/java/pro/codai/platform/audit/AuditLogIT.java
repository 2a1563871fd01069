package pro.codai.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pro.codai.platform.persistence.TestDatabase.inTransaction;

import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.account.Plan;
import pro.codai.platform.account.Role;
import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;
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

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aSearchFindsAPersonsEventsByNameAddressOrSubjectAndShowsTheirNames(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            recordSomeHistory(factory);
            EntityManager em = factory.createEntityManager();
            AuditLog auditLog = log(em);

            List<AuditEntry> everything = auditLog.search(AuditQuery.EVERYTHING, 0, 10);
            assertThat(everything)
                    .extracting(AuditEntry::action)
                    .containsExactly(
                            "account.role-changed",
                            "api-key.issued",
                            "account.plan-changed",
                            UserProfiles.SIGNED_IN);
            AuditEntry planChange = everything.get(2);
            assertThat(planChange.who()).isEqualTo("admin-token");
            assertThat(planChange.what()).isEqualTo("Bob Smith <bob_x@uni.example>");
            assertThat(everything.get(3).who()).isEqualTo("Ada Lovelace <ada@uni.example>");

            // As actor or as target, by part of the name (any case), the address, the subject.
            assertThat(actions(auditLog, query("LOVELACE", null, null)))
                    .containsExactly("account.role-changed", UserProfiles.SIGNED_IN);
            assertThat(actions(auditLog, query("kc-bob", null, null)))
                    .containsExactly("api-key.issued", "account.plan-changed");
            // A search's own wildcards are taken literally: "_x" is in Bob's address only.
            assertThat(actions(auditLog, query("_x", null, null)))
                    .containsExactly("api-key.issued", "account.plan-changed");
            assertThat(actions(auditLog, query("50%", null, null))).isEmpty();
            assertThat(actions(auditLog, query(null, "api-key.issued", null)))
                    .containsExactly("api-key.issued");
            assertThat(actions(auditLog, query(null, null, "API-KEY:")))
                    .containsExactly("api-key.issued");
            assertThat(actions(auditLog, query("ada", "account.role-changed", "user:")))
                    .containsExactly("account.role-changed");
            assertThat(auditLog.count(query("bob", null, null))).isEqualTo(2);
            assertThat(auditLog.count(AuditQuery.EVERYTHING)).isEqualTo(4);
            assertThat(auditLog.actions())
                    .containsExactly(
                            "account.plan-changed",
                            "account.role-changed",
                            UserProfiles.SIGNED_IN,
                            "api-key.issued");
            em.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aTimeRangeAndPagesNarrowTheSearch(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            Instant before = Instant.now().minusSeconds(1);
            recordSomeHistory(factory);
            Instant after = Instant.now().plusSeconds(1);
            EntityManager em = factory.createEntityManager();
            AuditLog auditLog = log(em);

            assertThat(auditLog.count(new AuditQuery(null, null, null, before, after)))
                    .isEqualTo(4);
            assertThat(auditLog.count(new AuditQuery(null, null, null, after, null))).isZero();
            assertThat(auditLog.count(new AuditQuery(null, null, null, null, before))).isZero();

            AuditLog.Page first = auditLog.page(AuditQuery.EVERYTHING, null, 3);
            inTransaction(factory, e -> log(e).record("late", "x.newer", null, null));
            AuditLog.Page next = auditLog.page(AuditQuery.EVERYTHING, first.nextBefore(), 3);
            // The next page goes on from where the first ended, whatever was recorded meanwhile.
            assertThat(first.entries()).hasSize(3);
            assertThat(first.nextBefore()).isEqualTo(first.entries().get(2).id());
            assertThat(next.entries())
                    .extracting(AuditEntry::action)
                    .containsExactly(UserProfiles.SIGNED_IN);
            assertThat(next.nextBefore()).as("the last page").isNull();
            // A last page that is exactly full says so too.
            AuditLog.Page exactlyFull =
                    auditLog.page(new AuditQuery(null, null, "user:", null, null), null, 3);
            assertThat(exactlyFull.entries()).hasSize(3);
            assertThat(exactlyFull.nextBefore()).isNull();
            assertThat(auditLog.search(AuditQuery.EVERYTHING, 4, 10))
                    .extracting(AuditEntry::action)
                    .containsExactly(UserProfiles.SIGNED_IN);
            em.close();
        }
    }

    @Test
    void aQueryNoEventCouldMatchForAReasonIsRefused() {
        Instant now = Instant.now();
        assertThatThrownBy(() -> new AuditQuery(null, null, null, now, now))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from must be before to");
        assertThatThrownBy(() -> new AuditQuery("x".repeat(256), null, null, null, null))
                .hasMessage("person must be at most 255 characters");
        assertThat(new AuditQuery("  ", " ", "", null, null)).isEqualTo(AuditQuery.EVERYTHING);
        assertThat(pro.codai.platform.persistence.Like.containing("A_b%c!"))
                .isEqualTo("%a!_b!%c!!%");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anExportWritesEveryMatchingEventAsSafeCsvAndIsItselfRecorded(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            recordSomeHistory(factory);
            inTransaction(
                    factory,
                    em -> {
                        AuditLog bulk = log(em);
                        for (int i = 0; i < AuditLog.MAX_PAGE + 5; i++) {
                            bulk.record("kc-bob", "file.saved", "file:" + i, null);
                        }
                    });
            StringWriter csv = new StringWriter();
            AuditLog.Export[] export = new AuditLog.Export[1];
            inTransaction(
                    factory,
                    em -> export[0] = log(em).beginExport(query("bob", null, null), "kc-ada"));
            // Events recorded once the export has begun are not in it.
            inTransaction(factory, em -> log(em).record("kc-bob", "file.saved", "late", null));
            EntityManager reader = factory.createEntityManager();
            long written = log(reader).write(export[0], csv);
            reader.close();

            String[] lines = csv.toString().split("\r\n");
            assertThat(written).isEqualTo(AuditLog.MAX_PAGE + 5 + 2).isEqualTo(export[0].events());
            assertThat(lines).hasSize(1 + AuditLog.MAX_PAGE + 5 + 2);
            assertThat(lines[0])
                    .isEqualTo(
                            "id,occurred_at,actor,actor_name,actor_email,action,target,target_name,"
                                    + "target_email,detail");
            // A name a student chose never runs as a formula in the reviewer's spreadsheet.
            assertThat(csv.toString())
                    .contains(
                            ",kc-bob,Bob Smith,bob_x@uni.example,api-key.issued,api-key:7,,,"
                                    + "\"'=HYPERLINK(\"\"http://x\"\", \"\"a\"\")\"\r\n");
            EntityManager em = factory.createEntityManager();
            List<AuditEntry> exported =
                    log(em).search(new AuditQuery(null, AuditLog.EXPORTED, null, null, null), 0, 5);
            assertThat(exported).hasSize(1);
            assertThat(exported.get(0).who()).isEqualTo("Ada Lovelace <ada@uni.example>");
            assertThat(exported.get(0).detail())
                    .isEqualTo((AuditLog.MAX_PAGE + 7) + " events: person=bob");
            em.close();
        }
    }

    private static void recordSomeHistory(EntityManagerFactory factory) {
        inTransaction(
                factory,
                em -> {
                    em.persist(
                            new UserProfile(
                                    "kc-ada",
                                    "ada@uni.example",
                                    "Ada Lovelace",
                                    Role.ADMIN,
                                    Plan.FREE));
                    em.persist(
                            new UserProfile(
                                    "kc-bob",
                                    "bob_x@uni.example",
                                    "Bob Smith",
                                    Role.STUDENT,
                                    Plan.PRO));
                });
        inTransaction(
                factory,
                em -> log(em).record("kc-ada", UserProfiles.SIGNED_IN, "user:kc-ada", null));
        inTransaction(
                factory,
                em ->
                        log(em).record(
                                        "admin-token",
                                        "account.plan-changed",
                                        "user:kc-bob",
                                        "FREE -> PRO"));
        inTransaction(
                factory,
                em ->
                        log(em).record(
                                        "kc-bob",
                                        "api-key.issued",
                                        "api-key:7",
                                        "=HYPERLINK(\"http://x\", \"a\")"));
        inTransaction(
                factory,
                em ->
                        log(em).record(
                                        "directory",
                                        "account.role-changed",
                                        "user:kc-ada",
                                        "STUDENT -> ADMIN"));
    }

    private static AuditQuery query(String person, String action, String target) {
        return new AuditQuery(person, action, target, null, null);
    }

    private static List<String> actions(AuditLog auditLog, AuditQuery query) {
        return auditLog.search(query, 0, 100).stream().map(AuditEntry::action).toList();
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
