package pro.codai.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerPlanTest {

    @TempDir Path tempDir;

    private Settings settings(Map<String, String> env) throws SettingException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("CODAIPRO_CONFIG_FILE", tempDir.resolve("absent").toString());
        all.putIfAbsent("CODAIPRO_DATA_DIR", tempDir.resolve("data").toString());
        return Settings.load(all, new Properties());
    }

    @Test
    void deploysTheConnectorBeforeTheApplications() throws Exception {
        ServerPlan plan = ServerPlan.create(settings(Map.of()), Path.of("/opt/codaipro"), "java");

        List<String> deployed =
                plan.command().stream()
                        .filter(argument -> argument.startsWith("/opt/codaipro/deploy/"))
                        .toList();
        assertThat(deployed)
                .containsExactly(
                        "/opt/codaipro/deploy/sandbox-connector.rar",
                        "/opt/codaipro/deploy/portal.war",
                        "/opt/codaipro/deploy/api.war",
                        "/opt/codaipro/deploy/jobe.war");
        assertThat(plan.command())
                .contains(
                        "--nohazelcast",
                        "--disablephonehome",
                        "-Duser.timezone=UTC",
                        "-Duser.language=en",
                        "-Duser.country=US");
        assertThat(plan.command())
                .as("a JVM crash report kept in the owner-only run directory")
                .contains("-XX:ErrorFile=" + tempDir.resolve("data/run/hs_err_pid%p.log"));
        assertThat(plan.command()).noneMatch(argument -> argument.startsWith("-Dotel."));
        assertThat(plan.command())
                .as("the default preview address: the portal's listener under 127.0.0.1")
                .contains("-Dcodaipro.ide.preview-url=http://127.0.0.1:8080");
    }

    @Test
    void answersNameNoProductAndPreviewsAreOffWithoutAnAddress() throws Exception {
        ServerPlan plan =
                ServerPlan.create(
                        settings(Map.of("CODAIPRO_PUBLIC_URL", "https://ide.campus.edu")),
                        Path.of("/opt/codaipro"),
                        "java");

        assertThat(plan.command()).noneMatch(argument -> argument.contains("preview-url"));
        assertThat(plan.command()).contains("--prebootcommandfile");
        assertThat(ServerPlan.PRE_BOOT_COMMANDS)
                .contains(
                        "set configs.config.server-config.network-config.protocols.protocol"
                                + ".http-listener.http.server-header=false",
                        "set configs.config.server-config.network-config.protocols.protocol"
                                + ".http-listener.http.xpowered-by=false",
                        "set configs.config.server-config.network-config.protocols.protocol"
                                + ".http-listener.http.http2-enabled=false",
                        "set configs.config.server-config.network-config.protocols.protocol"
                                + ".https-listener.http.http2-enabled=false");
    }

    @Test
    void everyRunAllowedToWaitGetsARequestThreadAndOtherRequestsKeepTheDefault() throws Exception {
        ServerPlan defaults =
                ServerPlan.create(settings(Map.of()), Path.of("/opt/codaipro"), "java");
        ServerPlan bigQueue =
                ServerPlan.create(
                        settings(Map.of("CODAIPRO_RUNS_MAX_QUEUED", "100000")),
                        Path.of("/opt/codaipro"),
                        "java");

        assertThat(defaults.preBootCommands())
                .containsAll(ServerPlan.PRE_BOOT_COMMANDS)
                .contains(
                        "set configs.config.server-config.thread-pools.thread-pool"
                                + ".http-thread-pool.max-thread-pool-size=716"); // 4 + 512 + 200
        assertThat(bigQueue.preBootCommands())
                .contains(
                        "set configs.config.server-config.thread-pools.thread-pool"
                                + ".http-thread-pool.max-thread-pool-size=4096");
    }

    @Test
    void theConnectorIsConfiguredBeforeItIsDeployed() throws Exception {
        ServerPlan plan =
                ServerPlan.create(
                        settings(
                                Map.of(
                                        "CODAIPRO_SANDBOXD_SOCKET", "/run/sbx/sandboxd.sock",
                                        "CODAIPRO_RUNS_MAX_CONCURRENT", "3",
                                        "CODAIPRO_RUNS_QUEUE_TIMEOUT_SECONDS", "20",
                                        "CODAIPRO_SANDBOXD_TERMINAL_CONNECTIONS", "3")),
                        Path.of("/opt/codaipro"),
                        "java");

        assertThat(plan.postBootCommands())
                .contains(
                        "create-resource-adapter-config --property"
                                + " SocketPath=/run/sbx/sandboxd.sock:MaxConcurrentRuns=3"
                                + ":MaxRunsPerCaller=0:MaxQueuedRuns=512:QueueTimeoutMillis=20000"
                                + ":TerminalConnections=3 sandbox-connector");
    }

    @Test
    void badRunQueueSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(
                        () ->
                                ServerPlan.create(
                                        settings(Map.of("CODAIPRO_RUNS_MAX_CONCURRENT", "0")),
                                        Path.of("/opt/codaipro"),
                                        "java"))
                .isInstanceOf(SettingException.class)
                .extracting(e -> ((SettingException) e).setting())
                .isEqualTo(Setting.RUNS_MAX_CONCURRENT);
        assertThatThrownBy(
                        () ->
                                ServerPlan.create(
                                        settings(
                                                Map.of(
                                                        "CODAIPRO_SANDBOXD_SOCKET",
                                                        "relative.sock")),
                                        Path.of("/opt/codaipro"),
                                        "java"))
                .isInstanceOf(SettingException.class)
                .extracting(e -> ((SettingException) e).setting())
                .isEqualTo(Setting.SANDBOXD_SOCKET);
    }

    @Test
    void thePasswordTravelsOnlyInTheEnvironment() throws Exception {
        ServerPlan plan =
                ServerPlan.create(
                        settings(
                                Map.of(
                                        "CODAIPRO_DB_URL", "jdbc:postgresql://db:5432/codaipro",
                                        "CODAIPRO_DB_USER", "app",
                                        "CODAIPRO_DB_PASSWORD", "s3cr:t=pw")),
                        Path.of("/opt/codaipro"),
                        "java");

        assertThat(plan.environment()).containsEntry("CODAIPRO_DB_PASSWORD", "s3cr:t=pw");
        assertThat(String.join(" ", plan.command())).doesNotContain("s3cr");
        assertThat(String.join("\n", plan.postBootCommands()))
                .doesNotContain("s3cr")
                .contains("password=${ENV=CODAIPRO_DB_PASSWORD}")
                .contains("url=jdbc\\:postgresql\\://db\\:5432/codaipro")
                .contains("create-jdbc-resource --connectionpoolid codaipro jdbc/codaipro");
    }

    @Test
    void telemetryIsExportedOverOtlpWhenAnEndpointIsSet() throws Exception {
        ServerPlan plan =
                ServerPlan.create(
                        settings(Map.of("CODAIPRO_OTEL_ENDPOINT", "http://127.0.0.1:4318")),
                        Path.of("/opt/codaipro"),
                        "java");

        assertThat(plan.command())
                .contains(
                        "-Dotel.sdk.disabled=false",
                        "-Dotel.exporter.otlp.protocol=http/protobuf",
                        "-Dotel.exporter.otlp.endpoint=http://127.0.0.1:4318");
    }

    @Test
    void theApiChecksTokensOfTheConfiguredRealmOnly() throws Exception {
        ServerPlan plan =
                ServerPlan.create(
                        settings(
                                Map.of(
                                        "CODAIPRO_OIDC_ISSUER",
                                        "https://login.campus.edu/realms/codaipro",
                                        "CODAIPRO_PUBLIC_URL",
                                        "https://ide.campus.edu")),
                        Path.of("/opt/codaipro"),
                        "java");

        assertThat(plan.command())
                .contains(
                        "-Dcodaipro.public.url=https://ide.campus.edu",
                        "-Dmp.jwt.verify.issuer=https://login.campus.edu/realms/codaipro",
                        "-Dmp.jwt.verify.publickey.location=https://login.campus.edu/realms/codaipro/protocol/openid-connect/certs",
                        "-Dmp.jwt.verify.audiences=codaipro-api");
        assertThat(String.join(" ", plan.command())).doesNotContain("client-secret");
    }

    @Test
    void asadminPropertyValuesAreEscaped() {
        assertThat(ServerPlan.property("url", "jdbc:x://h:1/d?a=b"))
                .isEqualTo("url=jdbc\\:x\\://h\\:1/d?a\\=b");
    }

    @Test
    void writtenPlanIsPrivateToTheServerUserAndResetsPayarasRuntimeDirectory() throws Exception {
        ServerPlan plan = ServerPlan.create(settings(Map.of()), Path.of("/opt/codaipro"), "java");
        Path payaraRoot = tempDir.resolve("data/payara");
        Files.createDirectories(payaraRoot.resolve("old"));
        Files.writeString(payaraRoot.resolve("old/domain.xml"), "stale");
        Path outside = Files.writeString(tempDir.resolve("outside.txt"), "keep");
        Files.createSymbolicLink(payaraRoot.resolve("link"), outside);

        Path runDir = tempDir.resolve("data/run");
        plan.writeTo(runDir, payaraRoot);

        assertThat(Files.getPosixFilePermissions(runDir))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(runDir.resolve("environment")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(runDir.resolve("command"))).startsWith("java\0-Xmx768m\0");
        assertThat(Files.readString(runDir.resolve("pre-boot.asadmin")))
                .contains("http-listener.http.server-header=false");
        assertThat(runDir.resolve("post-deploy.asadmin"))
                .hasContent("create-system-properties codaipro.deployment.complete=true");
        assertThat(payaraRoot).doesNotExist();
        assertThat(outside)
                .as("a link inside the runtime directory is removed, not followed")
                .hasContent("keep");
    }
}
