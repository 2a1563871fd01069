package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pro.codai.platform.persistence.TestDatabase.inTransaction;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.apikey.ApiKeys;
import pro.codai.platform.audit.AuditEntry;
import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.audit.AuditQuery;
import pro.codai.platform.persistence.TestDatabase;
import pro.codai.platform.setup.SiteSettings;

/**
 * Suspensions and ended sessions: recorded in the database and the audit log, read back by every
 * node ({@link AccessChanges}), and enforced where the database is asked directly (API keys,
 * sign-in).
 */
class AccessChangesIT {

    @TempDir Path tempDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aSuspensionEndsWhatWasOpenAndIsLiftedByReinstating(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            people(factory);
            // Another node's view: it reads the database, not this test's objects.
            EntityManager reading = factory.createEntityManager();
            AccessChanges node = accessChanges(reading);
            Instant before = Instant.now().minusSeconds(5);
            assertThat(node.ended("kc-ada", before)).isFalse();

            assertThat((boolean) in(factory, p -> p.suspend("kc-ada", "kc-admin", "exam cheating")))
                    .isTrue();
            assertThat((boolean) in(factory, p -> p.suspend("kc-ada", "kc-admin", "again")))
                    .isFalse();
            reading.clear();
            node.look();

            assertThat(node.suspended("kc-ada")).isTrue();
            assertThat(node.ended("kc-ada", before)).isTrue();
            assertThat(node.ended("kc-ada", Instant.now().plusSeconds(5)))
                    .as("a suspended person has nothing open, whenever it was opened")
                    .isTrue();
            assertThat(node.ended("kc-grace", before)).isFalse();
            UserProfile ada = in(factory, p -> p.findBySubject("kc-ada").orElseThrow());
            assertThat(ada.isSuspended()).isTrue();
            assertThat(ada.getSuspendedBy()).isEqualTo("kc-admin");
            assertThat(ada.getSessionsEndedAt()).isEqualTo(ada.getSuspendedAt());

            assertThat((boolean) in(factory, p -> p.reinstate("kc-ada", "kc-admin"))).isTrue();
            assertThat((boolean) in(factory, p -> p.reinstate("kc-ada", "kc-admin"))).isFalse();
            reading.clear();
            node.look();
            assertThat(node.suspended("kc-ada")).isFalse();
            assertThat(node.ended("kc-ada", before))
                    .as("what was open before the suspension stays ended")
                    .isTrue();
            assertThat(node.ended("kc-ada", Instant.now().plusSeconds(5))).isFalse();

            assertThat(audit(factory, "kc-ada"))
                    .extracting(AuditEntry::action, AuditEntry::detail)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(UserProfiles.REINSTATED, null),
                            org.assertj.core.groups.Tuple.tuple(
                                    UserProfiles.SUSPENDED, "exam cheating"));
            reading.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void endingSessionsEndsOnlyWhatWasOpenedBefore(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            people(factory);
            EntityManager reading = factory.createEntityManager();
            AccessChanges node = accessChanges(reading);
            Instant before = Instant.now().minusSeconds(5);

            in(
                    factory,
                    p -> {
                        p.endSessions("kc-grace", "kc-admin");
                        return null;
                    });
            node.look();

            assertThat(node.ended("kc-grace", before)).isTrue();
            assertThat(node.ended("kc-grace", Instant.now().plusSeconds(5))).isFalse();
            assertThat(node.suspended("kc-grace")).isFalse();
            assertThat(audit(factory, "kc-grace"))
                    .extracting(AuditEntry::action)
                    .containsExactly(UserProfiles.SESSIONS_ENDED);
            assertThatThrownBy(() -> in(factory, p -> p.suspend("nobody", "kc-admin", null)))
                    .isInstanceOf(UnknownPersonException.class);
            reading.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aSuspendedPersonsKeysAndSignInAreRefused(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            people(factory);
            String[] secrets = new String[2];
            inTransaction(
                    factory,
                    em -> {
                        ApiKeys keys = apiKeys(em);
                        secrets[0] = keys.issuePersonal("kc-ada", "laptop", "kc-ada").secret();
                        secrets[1] = keys.issue("moodle", Set.of("jobe"), 0, "kc-admin").secret();
                    });
            in(factory, p -> p.suspend("kc-ada", "kc-admin", null));

            assertThat(verify(factory, secrets[0])).as("the suspended owner's key").isEmpty();
            assertThat(verify(factory, secrets[1])).as("a service key").isPresent();
            SignIn signIn =
                    new SignIn(
                            "kc-ada",
                            "ada",
                            "ada@uni.example",
                            true,
                            "Ada Lovelace",
                            Set.of("student"));
            UserProfile refused = in(factory, p -> p.signedIn(signIn));
            assertThat(refused.isSuspended()).isTrue();
            assertThat(refused.getLastSignInAt()).as("not a sign-in").isNull();
            assertThat(audit(factory, "kc-ada"))
                    .extracting(AuditEntry::action)
                    .startsWith(UserProfiles.SIGN_IN_REFUSED);

            in(factory, p -> p.reinstate("kc-ada", "kc-admin"));
            assertThat(verify(factory, secrets[0])).as("reinstated: the key works").isPresent();
            assertThat(in(factory, p -> p.signedIn(signIn)).getLastSignInAt()).isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRoleAndPlanSetByAnAdministratorWinOverTheDirectoryUntilCleared(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            people(factory);
            EntityManager reading = factory.createEntityManager();
            AccessChanges node = accessChanges(reading);
            Set<String> directory = Set.of("student", "plan-student", "offline_access");
            assertThat(node.roles("kc-ada", directory)).isEqualTo(directory);

            assertThat((boolean) in(factory, p -> p.overrideRole("kc-ada", Role.INSTRUCTOR, "a")))
                    .isTrue();
            assertThat((boolean) in(factory, p -> p.overridePlan("kc-ada", Plan.PRO, "a")))
                    .isTrue();
            assertThat((boolean) in(factory, p -> p.overridePlan("kc-ada", Plan.PRO, "a")))
                    .as("so already")
                    .isFalse();
            node.look();
            assertThat(node.roles("kc-ada", directory))
                    .containsExactlyInAnyOrder(
                            "student", "instructor", "plan-pro", "offline_access");
            assertThat(node.roles("kc-grace", directory)).isEqualTo(directory);

            // At a sign-in the directory says student and a student address: the override holds.
            SignIn signIn =
                    new SignIn(
                            "kc-ada",
                            "ada",
                            "ada@uni.example",
                            true,
                            "Ada Lovelace",
                            Set.of("student", "plan-student"));
            UserProfile signedIn = in(factory, p -> p.signedIn(signIn));
            assertThat(signedIn.getRole()).isEqualTo(Role.INSTRUCTOR);
            assertThat(signedIn.getPlan()).isEqualTo(Plan.PRO);
            assertThat(signedIn.getRoleOverride()).isEqualTo(Role.INSTRUCTOR);

            // Cleared: the directory's again at once — the role and plan of the last sign-in.
            in(factory, p -> p.overrideRole("kc-ada", null, "a"));
            in(factory, p -> p.overridePlan("kc-ada", null, "a"));
            UserProfile cleared = in(factory, p -> p.findBySubject("kc-ada").orElseThrow());
            assertThat(cleared.getRole()).isEqualTo(Role.STUDENT);
            assertThat(cleared.getPlan()).isEqualTo(Plan.STUDENT);
            assertThat(cleared.getRoleOverride()).isNull();
            reading.clear();
            node.look();
            assertThat(node.roles("kc-ada", directory)).isEqualTo(directory);
            UserProfile again = in(factory, p -> p.signedIn(signIn));
            assertThat(again.getRole()).isEqualTo(Role.STUDENT);
            assertThat(again.getPlan()).isEqualTo(Plan.STUDENT);
            assertThat(audit(factory, "kc-ada"))
                    .extracting(AuditEntry::action, AuditEntry::detail)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple(
                                    UserProfiles.ROLE_CHANGED,
                                    "STUDENT -> INSTRUCTOR, set by an administrator"),
                            org.assertj.core.groups.Tuple.tuple(
                                    UserProfiles.ROLE_CHANGED,
                                    "INSTRUCTOR -> STUDENT, the directory's"),
                            org.assertj.core.groups.Tuple.tuple(
                                    UserProfiles.PLAN_CHANGED, "PRO -> STUDENT, the directory's"));

            // An administrator's role brings the instructor's with it; a demotion takes both away.
            in(factory, p -> p.overrideRole("kc-grace", Role.ADMIN, "a"));
            node.look();
            assertThat(node.roles("kc-grace", Set.of("student")))
                    .containsExactlyInAnyOrder("student", "instructor", "admin");
            in(factory, p -> p.overrideRole("kc-grace", Role.STUDENT, "a"));
            in(factory, p -> p.overridePlan("kc-grace", Plan.FREE, "a"));
            reading.clear();
            node.look();
            assertThat(node.roles("kc-grace", Set.of("student", "instructor", "admin", "plan-pro")))
                    .containsExactly("student");
            reading.close();
        }
    }

    private static void people(EntityManagerFactory factory) {
        inTransaction(
                factory,
                em -> {
                    em.persist(
                            new UserProfile(
                                    "kc-ada",
                                    "ada@uni.example",
                                    "Ada Lovelace",
                                    Role.STUDENT,
                                    Plan.FREE));
                    em.persist(
                            new UserProfile(
                                    "kc-grace",
                                    "grace@uni.example",
                                    "Grace Hopper",
                                    Role.STUDENT,
                                    Plan.FREE));
                });
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aPersonAddedBeforeSigningInKeepsWhatWasChosenAtTheirFirstSignIn(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            in(
                    factory,
                    profiles ->
                            profiles.register(
                                    "kc-noor",
                                    "Noor@Uni.example",
                                    "Noor Newcomer",
                                    Role.INSTRUCTOR,
                                    null,
                                    "kc-admin",
                                    "imported"));
            Map<String, List<UserProfile>> found =
                    in(
                            factory,
                            profiles ->
                                    profiles.findByEmails(
                                            List.of("noor@uni.example", "nobody@uni.example")));
            assertThat(found).containsOnlyKeys("noor@uni.example");
            UserProfile registered = found.get("noor@uni.example").get(0);
            assertThat(registered.getRole()).isEqualTo(Role.INSTRUCTOR);
            assertThat(registered.getRoleOverride()).isEqualTo(Role.INSTRUCTOR);
            assertThat(registered.getPlan()).isEqualTo(Plan.FREE);
            assertThat(registered.getPlanOverride()).isNull();
            assertThat(registered.getLastSignInAt()).isNull();

            UserProfile signedIn =
                    in(
                            factory,
                            profiles ->
                                    profiles.signedIn(
                                            new SignIn(
                                                    "kc-noor",
                                                    "noor",
                                                    "noor@uni.example",
                                                    true,
                                                    "Noor N.",
                                                    Set.of("student", "plan-pro"))));
            assertThat(signedIn.getRole())
                    .as("the administrator's choice")
                    .isEqualTo(Role.INSTRUCTOR);
            assertThat(signedIn.getPlan()).as("the directory's, none chosen").isEqualTo(Plan.PRO);
            assertThat(signedIn.getDisplayName()).isEqualTo("Noor N.");
            assertThat(signedIn.getLastSignInAt()).isNotNull();
        }
    }

    /** {@code work} on profiles in a transaction of its own, as the container runs it. */
    private static <T> T in(EntityManagerFactory factory, Function<UserProfiles, T> work) {
        Object[] result = new Object[1];
        inTransaction(factory, em -> result[0] = work.apply(profiles(em)));
        @SuppressWarnings("unchecked")
        T typed = (T) result[0];
        return typed;
    }

    private static UserProfiles profiles(EntityManager em) {
        UserProfiles profiles = new UserProfiles();
        profiles.entityManager = em;
        profiles.audit = auditLog(em);
        profiles.studentEmailDomains = Optional.empty();
        profiles.siteSettings = TestDatabase.wired(new SiteSettings(), em);
        return profiles;
    }

    private static AccessChanges accessChanges(EntityManager em) {
        AccessChanges changes = new AccessChanges();
        changes.profiles = profiles(em);
        return changes;
    }

    private static ApiKeys apiKeys(EntityManager em) {
        return TestDatabase.wired(new ApiKeys(auditLog(em)), em);
    }

    private static Optional<?> verify(EntityManagerFactory factory, String secret) {
        Object[] found = new Object[1];
        inTransaction(factory, em -> found[0] = apiKeys(em).verify(secret));
        return (Optional<?>) found[0];
    }

    private static AuditLog auditLog(EntityManager em) {
        return TestDatabase.wired(new AuditLog(), em);
    }

    private static java.util.List<AuditEntry> audit(EntityManagerFactory factory, String subject) {
        EntityManager em = factory.createEntityManager();
        try {
            return auditLog(em)
                    .search(new AuditQuery(null, null, "user:" + subject, null, null), 0, 100);
        } finally {
            em.close();
        }
    }
}
