package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Keycloak on PostgreSQL, as a campus runs it in production: the same start script with {@code
 * KC_DB=postgres} rebuilds the instance for PostgreSQL, imports the realm into a fresh database,
 * and signs people in from it.
 */
class KeycloakOnPostgresIT {

    @Test
    void theRealmLivesInPostgresql() throws Exception {
        try (TestPostgres database = TestPostgres.createDatabase()) {
            Keycloak keycloak =
                    Keycloak.startFresh(
                            Map.of(
                                    "KC_DB", "postgres",
                                    "KC_DB_URL", database.url(),
                                    "KC_DB_USERNAME", database.user(),
                                    "KC_DB_PASSWORD", database.password()));
            try {
                String email = "pg-user@mail.example";
                keycloak.createUser(email, email, "Postgres-pass-2026", true);

                assertThat(
                                Http.get(
                                                URI.create(
                                                        keycloak.issuer()
                                                                + "/.well-known/openid-configuration"))
                                        .statusCode())
                        .isEqualTo(200);
                assertThat(keycloak.accessToken(email, "Postgres-pass-2026")).isNotBlank();
                try (var connection =
                                java.sql.DriverManager.getConnection(
                                        database.url(), database.user(), database.password());
                        var query =
                                connection
                                        .createStatement()
                                        .executeQuery(
                                                "SELECT count(*) FROM realm WHERE name = 'codaipro'")) {
                    query.next();
                    assertThat(query.getInt(1)).isEqualTo(1);
                }
            } finally {
                keycloak.stop();
            }
        }
    }
}
