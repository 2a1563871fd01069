package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;
import static pro.codai.platform.persistence.TestDatabase.inTransaction;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.persistence.TestDatabase;
import pro.codai.platform.setup.SiteSettings;

/**
 * The copy of Keycloak's failed sign-ins against real Derby and PostgreSQL (the cursor's row lock
 * included); Keycloak's answers are given here (AdminAuditIT has the real Keycloak).
 */
class SignInFailuresIT {

    @TempDir Path tempDir;

    /** Keycloak's events as this test says they are. */
    static final class GivenEvents extends KeycloakAccounts {
        final List<SignInEvent> events = new ArrayList<>();

        @Override
        public List<SignInEvent> failedSignIns(long fromMillis, int max) {
            return events.stream().filter(e -> e.time() >= fromMillis).limit(max).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void eachEventIsCopiedOnceFromWhereTheLastCopyGot(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            EntityManagerFactory factory = database.migratedEntityManagerFactory();
            GivenEvents keycloak = new GivenEvents();
            Instant now = Instant.now();
            long old = now.minusSeconds(3600).toEpochMilli();
            long recent = now.minusSeconds(60).toEpochMilli();
            keycloak.events.add(event("e0", old, "kc-ada", "invalid_user_credentials"));
            keycloak.events.add(event("e1", recent, "kc-ada", "invalid_user_credentials"));

            assertThat(copy(factory, keycloak, now)).as("the first look sets the cursor").isZero();
            assertThat(copy(factory, keycloak, now)).isEqualTo(1);
            assertThat(copy(factory, keycloak, now)).as("copied already").isZero();

            keycloak.events.add(event("e2", recent, null, "user_not_found"));
            keycloak.events.add(
                    new KeycloakAccounts.SignInEvent(
                            "e3",
                            recent + 5,
                            "USER_DISABLED_BY_TEMPORARY_LOCKOUT",
                            "kc-ada",
                            "10.0.0.7",
                            null,
                            "ada@uni.example"));
            assertThat(copy(factory, keycloak, now)).isEqualTo(2);
            assertThat(copy(factory, keycloak, now)).isZero();

            EntityManager em = factory.createEntityManager();
            List<Object[]> rows =
                    em.createQuery(
                                    "SELECT e.actor, e.action, e.target, e.detail FROM AuditEvent e"
                                            + " ORDER BY e.id",
                                    Object[].class)
                            .getResultList();
            assertThat(rows)
                    .extracting(row -> row[0] + " " + row[1] + " " + row[2])
                    // One transaction's rows may take their ids in any order.
                    .containsExactlyInAnyOrder(
                            "kc-ada account.sign-in-failed user:kc-ada",
                            "keycloak account.sign-in-failed null",
                            "kc-ada account.locked-out user:kc-ada");
            assertThat(rows)
                    .extracting(row -> (String) row[3])
                    .contains(
                            "invalid_user_credentials, user name ada@uni.example, from 10.0.0.7, at "
                                    + Instant.ofEpochMilli(recent));
            em.close();
        }
    }

    private static KeycloakAccounts.SignInEvent event(
            String id, long time, String subject, String error) {
        return new KeycloakAccounts.SignInEvent(
                id, time, "LOGIN_ERROR", subject, "10.0.0.7", error, "ada@uni.example");
    }

    private static int copy(EntityManagerFactory factory, KeycloakAccounts keycloak, Instant now) {
        int[] copied = new int[1];
        inTransaction(
                factory,
                em -> {
                    SignInFailures failures = new SignInFailures();
                    failures.keycloak = keycloak;
                    failures.entityManager = em;
                    failures.settings = TestDatabase.wired(new SiteSettings(), em);
                    failures.audit = TestDatabase.wired(new AuditLog(), em);
                    try {
                        copied[0] = failures.copyBatch(now);
                    } catch (KeycloakAccounts.KeycloakException e) {
                        throw new IllegalStateException(e);
                    }
                });
        return copied[0];
    }
}
