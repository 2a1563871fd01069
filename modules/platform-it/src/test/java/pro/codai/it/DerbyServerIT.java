package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The appliance on its embedded default: Derby in the data directory, configured by a settings
 * file.
 */
class DerbyServerIT extends ServerContract {

    @Override
    Map<String, String> settings() throws IOException {
        Path file =
                Files.writeString(
                        workDir.resolve("codaipro.properties"),
                        "codaipro.site.name=Northfield University Code\n");
        return Map.of("CODAIPRO_CONFIG_FILE", file.toString());
    }

    @Override
    String expectedSiteName() {
        return "Northfield University Code";
    }

    @Override
    String expectedDatabase() {
        return "derby";
    }

    @Test
    void recordsSurviveARestartAndACrash() throws Exception {
        server.close();
        // The database is the server's own while it runs; between runs the test writes a record.
        String url = "jdbc:derby:" + workDir.resolve("data/derby/codaipro");
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "INSERT INTO audit_event (occurred_at, actor, action) VALUES (CURRENT_TIMESTAMP, 'it', 'session.started')");
        } finally {
            shutDownDerby(url);
        }

        server = RunningServer.start(workDir.resolve("data"), settings());
        assertThat(Http.get(server.uri("/")).body())
                .containsPattern("id=\"figure-sessions\" class=\"figure\">\\s*1<");

        server.process().destroyForcibly().waitFor();
        server = RunningServer.start(workDir.resolve("data"), settings());

        assertThat(Http.get(server.uri("/")).body())
                .containsPattern("id=\"figure-sessions\" class=\"figure\">\\s*1<");
        assertThat(server.output()).doesNotContain("Database schema migrated");
    }

    private static void shutDownDerby(String url) {
        try {
            DriverManager.getConnection(url + ";shutdown=true");
        } catch (java.sql.SQLException expected) {
            // Derby reports a clean shutdown as an exception (SQLState 08006).
        }
    }
}
