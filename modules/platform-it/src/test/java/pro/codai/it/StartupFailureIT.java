package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    static final int EX_UNAVAILABLE = 69;
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
                        + closedPort,
                EX_UNAVAILABLE);
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
    void aBooleanThatIsNotTrueOrFalse() throws Exception {
        // MicroProfile Config would read "ture" as false and open the Jobe API to anyone.
        assertRefused(
                Map.of("CODAIPRO_JOBE_REQUIRE_API_KEY", "ture"),
                "setting codaipro.jobe.require-api-key (CODAIPRO_JOBE_REQUIRE_API_KEY): 'ture' is"
                        + " not true or false");
    }

    @Test
    void aMisspeltKeyInTheSettingsFile() throws Exception {
        Path file =
                Files.writeString(
                        tempDir.resolve("codaipro.properties"),
                        "codaipro.site.name=North\ncodaipro.jobe.requre-api-key=false\n");
        assertRefused(
                Map.of("CODAIPRO_CONFIG_FILE", file.toString()),
                "settings file "
                        + file
                        + ", line 2: codaipro.jobe.requre-api-key is not a setting; did you mean"
                        + " codaipro.jobe.require-api-key?");
    }

    @Test
    void anUnknownCodaiproVariable() throws Exception {
        assertRefused(
                Map.of("CODAIPRO_IDE_GRACE_SECOND", "60"),
                "environment variable CODAIPRO_IDE_GRACE_SECOND: not a setting; did you mean"
                        + " CODAIPRO_IDE_GRACE_SECONDS?");
    }

    @Test
    void anAdminTokenShorterThan32Characters() throws Exception {
        String output =
                assertRefused(
                        Map.of("CODAIPRO_ADMIN_TOKEN", "short-admin-s3cret"),
                        "setting codaipro.admin.token (CODAIPRO_ADMIN_TOKEN): is shorter than 32"
                                + " characters");
        assertThat(output).doesNotContain("s3cret");
    }

    @Test
    void aBadApplicationSetting() throws Exception {
        assertRefused(
                Map.of("CODAIPRO_IDE_GIT_HOSTS", "github.com, https://gitlab.uni.example"),
                "setting codaipro.ide.git-hosts (CODAIPRO_IDE_GIT_HOSTS):"
                        + " 'https://gitlab.uni.example' is not a host or host:port");
    }

    @Test
    void aSettingsFileWithSecretsThatEveryUserMayRead() throws Exception {
        String token = "admin-token-" + "9".repeat(30);
        Path file =
                Files.writeString(
                        tempDir.resolve("codaipro.properties"), "codaipro.admin.token=" + token);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String output =
                assertRefused(
                        Map.of("CODAIPRO_CONFIG_FILE", file.toString()),
                        "settings file "
                                + file
                                + ": holds secrets (codaipro.admin.token) but every user may read"
                                + " it (mode 0644); make it readable by root and the server only:"
                                + " chmod 0640 "
                                + file);
        assertThat(output).doesNotContain(token);
    }

    @Test
    void aMalformedUnicodeEscapeInTheSettingsFile() throws Exception {
        Path file =
                Files.writeString(
                        tempDir.resolve("codaipro.properties"),
                        "# North campus\ncodaipro.site.name=Caf\\u00e\ncodaipro.http.port=8080\n");
        assertRefused(
                Map.of("CODAIPRO_CONFIG_FILE", file.toString()),
                "settings file " + file + ", line 2: malformed \\uXXXX escape");
    }

    @Test
    void sandboxdRefusesAMisspeltKeyAMalformedEscapeAndABadValue() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "sandboxd runs as root only");
        Path file = tempDir.resolve("sandboxd.properties");

        Files.writeString(file, "sandboxd.socket-group=root\nsandboxd.warm-pool-size=2\n");
        assertSandboxdRefused(
                file,
                "sandboxd: cannot start: settings file "
                        + file
                        + ", line 2: sandboxd.warm-pool-size is not a setting; did you mean"
                        + " sandboxd.warm-pool.size?");
        Files.writeString(file, "sandboxd.image-dir=C:\\users\\images\n");
        assertSandboxdRefused(
                file,
                "sandboxd: cannot start: settings file " + file + ", line 1: malformed \\uXXXX");
        Files.writeString(file, "sandboxd.max.pids=lots\n");
        assertSandboxdRefused(
                file,
                "sandboxd: cannot start: setting sandboxd.max.pids: 'lots' is not a non-negative"
                        + " integer");
    }

    /** Runs the built sandboxd's start script on the file; asserts exit 78 and the one line. */
    private void assertSandboxdRefused(Path file, String expectedLine) throws Exception {
        Path home = Path.of(System.getProperty("codaipro.it.sandboxd.home"));
        Path log = Files.createTempFile(tempDir, "sandboxd-", ".log");
        ProcessBuilder builder =
                new ProcessBuilder("bash", home.resolve("bin/sandboxd").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().put("SANDBOXD_JAVA_OPTS", "-Dsandboxd.config=" + file);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("sandboxd still running:\n" + Files.readString(log));
        }
        String output = Files.readString(log);

        assertThat(process.exitValue()).as(output).isEqualTo(EX_CONFIG);
        assertThat(output.lines().toList()).hasSize(1).first().asString().startsWith(expectedLine);
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
        return assertRefused(settings, expectedLine, EX_CONFIG);
    }

    private String assertRefused(Map<String, String> settings, String expectedLine, int status)
            throws Exception {
        Path dataDir = tempDir.resolve("data");
        long started = System.nanoTime();
        RunningServer script = RunningServer.launch(dataDir, settings);

        int exit = script.awaitExit(EXIT_TIMEOUT);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        String output = script.output();

        assertThat(exit).as(output).isEqualTo(status);
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
