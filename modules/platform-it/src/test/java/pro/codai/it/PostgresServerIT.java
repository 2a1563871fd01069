package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The appliance on PostgreSQL, as in production: a fresh database on the local server. */
class PostgresServerIT extends ServerContract {

    private final TestPostgres postgres = TestPostgres.createDatabase();

    /** The settings file says one name, the environment another: the environment wins. */
    @Override
    Map<String, String> settings() throws IOException {
        Path file =
                Files.writeString(
                        workDir.resolve("codaipro.properties"),
                        "codaipro.site.name=Name From File\ncodaipro.db.url=jdbc:postgresql://127.0.0.1:1/overridden\n");
        return Map.of(
                "CODAIPRO_CONFIG_FILE", file.toString(),
                "CODAIPRO_SITE_NAME", "Name From Environment",
                "CODAIPRO_DB_URL", postgres.url(),
                "CODAIPRO_DB_USER", postgres.user(),
                "CODAIPRO_DB_PASSWORD", postgres.password());
    }

    @Override
    String expectedSiteName() {
        return "Name From Environment";
    }

    @Override
    String expectedDatabase() {
        return "postgresql";
    }

    @AfterAll
    void dropDatabase() throws Exception {
        server.close();
        postgres.close();
    }

    @Test
    void landingFiguresAreCountedFromTheDatabase() throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(
                                postgres.url(), postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < 3; i++) {
                statement.executeUpdate(
                        "INSERT INTO audit_event (occurred_at, actor, action)"
                                + " VALUES (CURRENT_TIMESTAMP, 'it', 'download.served')");
            }
        }

        assertThat(Http.get(server.uri("/")).body())
                .containsPattern("id=\"figure-downloads\" class=\"figure\">\\s*3<");
    }

    @Test
    void thePasswordAppearsNeitherInTheLogNorOnTheCommandLine() throws Exception {
        String commandLine =
                new String(
                        java.nio.file.Files.readAllBytes(
                                java.nio.file.Path.of(
                                        "/proc/" + server.process().pid() + "/cmdline")));
        // The start script execs the JVM, so the script's pid is the server's.
        assertThat(commandLine).contains("payara-micro.jar").doesNotContain(postgres.password());
        assertThat(server.output()).doesNotContain(postgres.password());
        assertThat(workDir.resolve("data/run/environment")).doesNotExist();
    }
}
