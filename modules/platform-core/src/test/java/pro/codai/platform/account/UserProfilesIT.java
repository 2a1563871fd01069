package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pro.codai.platform.persistence.TestDatabase.inTransaction;

import java.nio.file.Path;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.persistence.TestDatabase;

class UserProfilesIT {

    @TempDir Path tempDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void provisionedProfileIsFoundBySubjectAndCounted(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            inTransaction(
                    factory,
                    em ->
                            em.persist(
                                    new UserProfile(
                                            "kc-subject-1",
                                            "ada@uni.example",
                                            "Ada Lovelace",
                                            Role.STUDENT,
                                            Plan.FREE)));

            EntityManager em = factory.createEntityManager();
            UserProfiles profiles = new UserProfiles();
            profiles.entityManager = em;
            UserProfile found = profiles.findBySubject("kc-subject-1").orElseThrow();

            assertThat(found.getEmail()).isEqualTo("ada@uni.example");
            assertThat(found.getRole()).isEqualTo(Role.STUDENT);
            assertThat(found.getPlan()).isEqualTo(Plan.FREE);
            assertThat(found.isProfileCompleted()).isFalse();
            assertThat(found.getCreatedAt()).isNotNull().isEqualTo(found.getUpdatedAt());
            assertThat(profiles.findBySubject("nobody")).isEmpty();
            assertThat(profiles.count()).isEqualTo(1);
            em.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void peopleAreFoundByPartOfTheirNameOrAddressInNameOrder(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            inTransaction(
                    factory,
                    em -> {
                        em.persist(
                                new UserProfile(
                                        "kc-3",
                                        "zoe@uni.example",
                                        "Zoe Adams",
                                        Role.STUDENT,
                                        Plan.FREE));
                        em.persist(
                                new UserProfile(
                                        "kc-1",
                                        "ada_l@uni.example",
                                        "Ada Lovelace",
                                        Role.ADMIN,
                                        Plan.PRO));
                        em.persist(
                                new UserProfile(
                                        "kc-2",
                                        "grace@navy.example",
                                        "Grace Hopper",
                                        Role.INSTRUCTOR,
                                        Plan.PRO));
                    });
            EntityManager em = factory.createEntityManager();
            UserProfiles profiles = new UserProfiles();
            profiles.entityManager = em;

            assertThat(profiles.search(PeopleFilter.containing(null), 0, 10))
                    .extracting(UserProfile::getDisplayName)
                    .containsExactly("Ada Lovelace", "Grace Hopper", "Zoe Adams");
            assertThat(profiles.search(PeopleFilter.containing("  ADA "), 0, 10))
                    .extracting(UserProfile::getSubject)
                    .containsExactly("kc-1", "kc-3");
            assertThat(profiles.search(PeopleFilter.containing("navy.example"), 0, 10))
                    .extracting(UserProfile::getSubject)
                    .containsExactly("kc-2");
            // The search's own wildcards are literal: "_l" is in Ada's address only.
            assertThat(profiles.search(PeopleFilter.containing("_l"), 0, 10))
                    .extracting(UserProfile::getSubject)
                    .containsExactly("kc-1");
            assertThat(profiles.search(PeopleFilter.containing("%"), 0, 10)).isEmpty();
            assertThat(profiles.search(PeopleFilter.containing(null), 1, 1))
                    .extracting(UserProfile::getSubject)
                    .containsExactly("kc-2");
            assertThat(profiles.count(PeopleFilter.containing("ada"))).isEqualTo(2);
            assertThat(profiles.count(PeopleFilter.containing(""))).isEqualTo(3);
            em.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void peopleAreFilteredByRolePlanAndSuspensionTogetherWithText(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            inTransaction(
                    factory,
                    em -> {
                        em.persist(
                                new UserProfile(
                                        "kc-1", "ada@uni.example", "Ada", Role.STUDENT, Plan.FREE));
                        em.persist(
                                new UserProfile(
                                        "kc-2",
                                        "alan@uni.example",
                                        "Alan",
                                        Role.STUDENT,
                                        Plan.STUDENT));
                        UserProfile grace =
                                new UserProfile(
                                        "kc-3",
                                        "grace@navy.example",
                                        "Grace",
                                        Role.INSTRUCTOR,
                                        Plan.PRO);
                        grace.suspend("kc-admin", java.time.Instant.now());
                        em.persist(grace);
                    });
            EntityManager em = factory.createEntityManager();
            UserProfiles profiles = new UserProfiles();
            profiles.entityManager = em;

            assertThat(profiles.search(new PeopleFilter(null, Role.STUDENT, null, null), 0, 10))
                    .extracting(UserProfile::getSubject)
                    .containsExactly("kc-1", "kc-2");
            assertThat(profiles.search(new PeopleFilter(null, null, Plan.PRO, null), 0, 10))
                    .extracting(UserProfile::getSubject)
                    .containsExactly("kc-3");
            assertThat(profiles.search(new PeopleFilter(null, null, null, true), 0, 10))
                    .extracting(UserProfile::getSubject)
                    .containsExactly("kc-3");
            assertThat(profiles.search(new PeopleFilter("UNI.example", null, null, false), 0, 10))
                    .extracting(UserProfile::getSubject)
                    .containsExactly("kc-1", "kc-2");
            assertThat(profiles.count(new PeopleFilter("a", Role.STUDENT, Plan.STUDENT, false)))
                    .isEqualTo(1);
            assertThat(profiles.count(PeopleFilter.ALL)).isEqualTo(3);
            assertThatThrownBy(() -> new PeopleFilter("x".repeat(256), null, null, null))
                    .isInstanceOf(IllegalArgumentException.class);
            em.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void changesAreVersionedAndStamped(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            inTransaction(
                    factory,
                    em ->
                            em.persist(
                                    new UserProfile(
                                            "kc-subject-2",
                                            "grace@uni.example",
                                            "Grace Hopper",
                                            Role.STUDENT,
                                            Plan.FREE)));
            long versionAtCreation;
            try (var em = new AutoClosingEntityManager(factory)) {
                versionAtCreation = find(em.get(), "kc-subject-2").getVersion();
            }
            Thread.sleep(5);
            inTransaction(
                    factory,
                    em -> {
                        UserProfile profile = find(em, "kc-subject-2");
                        profile.changePlan(Plan.STUDENT);
                        profile.markProfileCompleted();
                    });

            EntityManager em = factory.createEntityManager();
            UserProfile changed = find(em, "kc-subject-2");
            assertThat(changed.getPlan()).isEqualTo(Plan.STUDENT);
            assertThat(changed.isProfileCompleted()).isTrue();
            assertThat(changed.getVersion()).isEqualTo(versionAtCreation + 1);
            assertThat(changed.getUpdatedAt()).isAfter(changed.getCreatedAt());
            em.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aSecondProfileForTheSameSubjectIsRefused(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            inTransaction(
                    factory,
                    em ->
                            em.persist(
                                    new UserProfile(
                                            "kc-subject-3",
                                            "a@uni.example",
                                            "A",
                                            Role.STUDENT,
                                            Plan.FREE)));

            assertThatThrownBy(
                            () ->
                                    inTransaction(
                                            factory,
                                            em ->
                                                    em.persist(
                                                            new UserProfile(
                                                                    "kc-subject-3",
                                                                    "b@uni.example",
                                                                    "B",
                                                                    Role.ADMIN,
                                                                    Plan.PRO))))
                    .isInstanceOf(PersistenceException.class);

            EntityManager em = factory.createEntityManager();
            assertThat(find(em, "kc-subject-3").getEmail()).isEqualTo("a@uni.example");
            em.close();
        }
    }

    @org.junit.jupiter.api.Test
    void blankIdentityIsRefusedBeforeTheDatabase() {
        assertThatThrownBy(
                        () -> new UserProfile(" ", "a@uni.example", "A", Role.STUDENT, Plan.FREE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject");
    }

    private static UserProfile find(EntityManager em, String subject) {
        return em.createNamedQuery(UserProfile.FIND_BY_SUBJECT, UserProfile.class)
                .setParameter("subject", subject)
                .getSingleResult();
    }

    /** An EntityManager for try-with-resources. */
    record AutoClosingEntityManager(EntityManager get) implements AutoCloseable {
        AutoClosingEntityManager(EntityManagerFactory factory) {
            this(factory.createEntityManager());
        }

        @Override
        public void close() {
            get.close();
        }
    }
}
