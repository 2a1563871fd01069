package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad setting stops the start script with exit status 78 and one line naming the setting, before
 * Payara is started, and changes nothing.
 */
class StartupFailureIT {

    static final int EX_CONFIG = 78;
    // Generous: this only guards against a hang; the figure printed is what matters.
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir Path tempDir;

    @Test
    void anUnknownDatabaseUrl() throws Exception {
        assertRefused(
                Map.of("CODAIPRO_DB_URL", "jdbc:mysql://localhost:3306/codaipro"),
                "setting codaipro.db.url (CODAIPRO_DB_URL): unsupported database URL 'jdbc:mysql://localhost:3306/codaipro'");
    }

    @Test
    void anUnreachablePostgresqlServer() throws Exception {
        int closedPort = FreePorts.next();
        assertRefused(
                Map.of(
                        "CODAIPRO_DB_URL",
                                "jdbc:postgresql://127.0.0.1:" + closedPort + "/codaipro",
                        "CODAIPRO_DB_USER", "codaipro",
                        "CODAIPRO_DB_PASSWORD", "secret-not-to-be-printed"),
                "setting codaipro.db.url (CODAIPRO_DB_URL): cannot connect to PostgreSQL at 127.0.0.1:"
                        + closedPort);
    }

    @Test
    void wrongPostgresqlCredentials() throws Exception {
        try (TestPostgres postgres = TestPostgres.createDatabase()) {
            String output =
                    assertRefused(
                            Map.of(
                                    "CODAIPRO_DB_URL", postgres.url(),
                                    "CODAIPRO_DB_USER", postgres.user(),
                                    "CODAIPRO_DB_PASSWORD", "wrong-password-123"),
                            "setting codaipro.db.password (CODAIPRO_DB_PASSWORD): PostgreSQL at 127.0.0.1:5432 refused user '"
                                    + postgres.user()
                                    + "'");
            assertThat(output).doesNotContain("wrong-password-123");
        }
    }

    @Test
    void aPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            assertRefused(
                    Map.of("CODAIPRO_HTTP_PORT", Integer.toString(port)),
                    "setting codaipro.http.port (CODAIPRO_HTTP_PORT): port "
                            + port
                            + " is already in use");
        }
    }

    @Test
    void anUnwritableDataDirectory() throws Exception {
        Path file = Files.writeString(tempDir.resolve("not-a-directory"), "x");
        assertRefused(
                Map.of("CODAIPRO_DATA_DIR", file.resolve("data").toString()),
                "setting codaipro.data.dir (CODAIPRO_DATA_DIR): cannot write to "
                        + file.resolve("data"));
    }

    @Test
    void aMalformedHeapSize() throws Exception {
        assertRefused(
                Map.of("CODAIPRO_JVM_HEAP", "a lot"),
                "setting codaipro.jvm.heap (CODAIPRO_JVM_HEAP): 'a lot' is not a heap size");
    }

    @Test
    void anUnreadableSettingsFile() throws Exception {
        Path directory = Files.createDirectory(tempDir.resolve("settings-is-a-directory"));
        assertRefused(
                Map.of("CODAIPRO_CONFIG_FILE", directory.toString()),
                "cannot read settings file " + directory);
    }

    @Test
    void runningAsRootIsRefusedUnlessAllowed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "only meaningful as root");
        RunningServer script =
                RunningServer.launch(
                        tempDir.resolve("data"), Map.of("CODAIPRO_ALLOW_ROOT", "false"));
        assertThat(script.awaitExit(EXIT_TIMEOUT)).isEqualTo(77);
        assertThat(script.output()).contains("refusing to run the server as root");
    }

    /** Starts the script with a bad setting; asserts exit 78, the one line, and nothing started. */
    private String assertRefused(Map<String, String> settings, String expectedLine)
            throws Exception {
        Path dataDir = tempDir.resolve("data");
        long started = System.nanoTime();
        RunningServer script = RunningServer.launch(dataDir, settings);

        int exit = script.awaitExit(EXIT_TIMEOUT);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        String output = script.output();

        assertThat(exit).as(output).isEqualTo(EX_CONFIG);
        assertThat(output.lines().toList())
                .as("exactly one line, naming the setting")
                .hasSize(1)
                .first()
                .asString()
                .startsWith("codaipro: cannot start: ")
                .contains(expectedLine);
        assertThat(Files.exists(dataDir.resolve("payara")))
                .as("Payara was never started")
                .isFalse();
        System.out.printf(
                "FIGURE start-up refusal (%s): %d ms%n", expectedLine.split(":")[0], tookMillis);
        return output;
    }
}
