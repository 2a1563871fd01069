package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.persistence.TestDatabase;

/**
 * The admin console's people table against a database of {@code bench.people} people (50,000 by
 * default): server time of a first page (the page and the total, as the lazy table asks), a search
 * by part of a name or address, and a filter by role and status, each in a fresh entity manager as
 * a request has, against a trivial query in the same run. Prints medians and 99th percentiles;
 * asserts only that the answers are right. Not part of the suite:
 *
 * <pre>
 * ./mvnw -o -pl modules/platform-core verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=PeopleSearchBenchmark -Dcodaipro.it.postgres.url=… (as the test command sets them)
 * </pre>
 */
class PeopleSearchBenchmark {

    static final int PEOPLE = Integer.getInteger("bench.people", 50_000);
    static final int SAMPLES = Integer.getInteger("bench.samples", 50);
    static final int WARM_UP = 20;

    @TempDir Path tempDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void thePeopleTableWithFiftyThousandPeople(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            long seeding = System.nanoTime();
            seed(database);
            System.out.printf(
                    "%s: %,d people seeded in %.1f s%n",
                    kind, PEOPLE, (System.nanoTime() - seeding) / 1e9);

            String trivial = kind == TestDatabase.Kind.DERBY ? "VALUES 1" : "SELECT 1";
            measure(
                    kind + " baseline: a trivial query",
                    factory,
                    em -> () -> em.createNativeQuery(trivial).getSingleResult());
            measure(
                    kind + " first page (25) and the total",
                    factory,
                    em ->
                            () -> {
                                UserProfiles profiles = profiles(em);
                                assertThat(profiles.search(PeopleFilter.ALL, 0, 25)).hasSize(25);
                                assertThat(profiles.count(PeopleFilter.ALL)).isEqualTo(PEOPLE);
                                return null;
                            });
            measure(
                    kind + " a later page (page 1,000 or the last) and the total",
                    factory,
                    em ->
                            () -> {
                                UserProfiles profiles = profiles(em);
                                int offset = Math.min(24_975, PEOPLE - 25);
                                assertThat(profiles.search(PeopleFilter.ALL, offset, 25))
                                        .hasSize(25);
                                profiles.count(PeopleFilter.ALL);
                                return null;
                            });
            measure(
                    kind + " search 'person-4711' and the total",
                    factory,
                    em ->
                            () -> {
                                UserProfiles profiles = profiles(em);
                                PeopleFilter one = PeopleFilter.containing("person-4711@");
                                assertThat(profiles.search(one, 0, 25)).hasSize(1);
                                assertThat(profiles.count(one)).isEqualTo(1);
                                return null;
                            });
            measure(
                    kind + " search 'smith' (1 in 10) and the total",
                    factory,
                    em ->
                            () -> {
                                UserProfiles profiles = profiles(em);
                                PeopleFilter many = PeopleFilter.containing("smith");
                                assertThat(profiles.search(many, 0, 25)).hasSize(25);
                                assertThat(profiles.count(many)).isEqualTo(PEOPLE / 10);
                                return null;
                            });
            measure(
                    kind + " instructors, suspended, and the total",
                    factory,
                    em ->
                            () -> {
                                UserProfiles profiles = profiles(em);
                                PeopleFilter few =
                                        new PeopleFilter(null, Role.INSTRUCTOR, null, true);
                                profiles.search(few, 0, 25);
                                assertThat(profiles.count(few)).isPositive();
                                return null;
                            });
        }
    }

    /** {@code PEOPLE} profiles: one in 10 a Smith, one in 20 an instructor, one in 50 suspended. */
    private static void seed(TestDatabase database) throws Exception {
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO user_profile (subject, email, display_name, role,"
                                        + " plan, profile_completed, onboarding_done,"
                                        + " institution, last_sign_in_at, suspended_at,"
                                        + " created_at, updated_at, version)"
                                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < PEOPLE; i++) {
                insert.setString(1, "subject-" + i);
                insert.setString(2, "person-" + i + "@uni.example");
                insert.setString(3, (i % 10 == 0 ? "Ann Smith " : "Student ") + i);
                insert.setString(4, i % 20 == 0 ? "INSTRUCTOR" : "STUDENT");
                insert.setString(5, i % 3 == 0 ? "STUDENT" : "FREE");
                insert.setBoolean(6, true);
                insert.setBoolean(7, true);
                insert.setString(8, "University " + (i % 7));
                insert.setTimestamp(9, now);
                insert.setTimestamp(10, i % 50 == 0 ? now : null);
                insert.setTimestamp(11, now);
                insert.setTimestamp(12, now);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    private interface Work {
        Supplier<Object> in(EntityManager em);
    }

    /**
     * {@code SAMPLES} runs after {@code WARM_UP}, each in a fresh entity manager; prints figures.
     */
    private static void measure(String what, EntityManagerFactory factory, Work work) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < WARM_UP + SAMPLES; i++) {
            EntityManager em = factory.createEntityManager();
            try {
                long start = System.nanoTime();
                work.in(em).get();
                long took = System.nanoTime() - start;
                if (i >= WARM_UP) {
                    nanos.add(took);
                }
            } finally {
                em.close();
            }
        }
        Collections.sort(nanos);
        System.out.printf(
                "%-58s p50 %7.1f ms   p99 %7.1f ms   (n=%d)%n",
                what,
                nanos.get(nanos.size() / 2) / 1e6,
                nanos.get(Math.min(nanos.size() - 1, (int) Math.ceil(nanos.size() * 0.99) - 1))
                        / 1e6,
                nanos.size());
    }

    private static UserProfiles profiles(EntityManager em) {
        UserProfiles profiles = new UserProfiles();
        profiles.entityManager = em;
        return profiles;
    }
}
