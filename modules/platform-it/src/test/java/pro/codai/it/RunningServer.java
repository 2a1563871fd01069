package pro.codai.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built server ({@code codaipro-server} from the launcher's assembly) started as its own
 * process by its start script, exactly as the run command and systemd start it.
 */
final class RunningServer implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Process process;
    private final int port;
    private final Path log;
    private final Path dataDir;
    private final long startedAtNanos;
    private long readyAfterMillis = -1;

    private RunningServer(Process process, int port, Path log, Path dataDir, long startedAtNanos) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.dataDir = dataDir;
        this.startedAtNanos = startedAtNanos;
    }

    static Path serverHome() {
        return Path.of(
                System.getProperty("codaipro.it.server.home", "target/server/codaipro-server"));
    }

    /**
     * Starts the server with these settings (environment variables) and waits until it is ready.
     */
    static RunningServer start(Path dataDir, Map<String, String> settings) throws Exception {
        RunningServer server = launch(dataDir, settings);
        server.awaitReady();
        return server;
    }

    /**
     * Starts a server on Keycloak's settings and this sandboxd, its data under a new {@code
     * target/<name>-…} directory, and waits until it is ready.
     */
    static RunningServer start(Keycloak keycloak, Sandboxd sandboxd, String name) throws Exception {
        return start(keycloak, sandboxd, name, Map.of());
    }

    /** As {@link #start(Keycloak, Sandboxd, String)}, with these settings added. */
    static RunningServer start(
            Keycloak keycloak, Sandboxd sandboxd, String name, Map<String, String> extra)
            throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(keycloak.serverSettings());
        settings.put("CODAIPRO_SANDBOXD_SOCKET", sandboxd.socket.toString());
        settings.putAll(extra);
        Path workDir = Files.createTempDirectory(Path.of("target"), name + "-");
        return start(workDir.toAbsolutePath().resolve("data"), settings);
    }

    /** Runs the start script without waiting; for start-up failure tests. */
    static RunningServer launch(Path dataDir, Map<String, String> settings) throws IOException {
        int port =
                settings.containsKey("CODAIPRO_HTTP_PORT")
                        ? Integer.parseInt(settings.get("CODAIPRO_HTTP_PORT"))
                        : FreePorts.next();
        Files.createDirectories(dataDir);
        Path log = Files.createTempFile(dataDir.getParent(), "server-", ".log");
        Map<String, String> env = new HashMap<>();
        env.put("CODAIPRO_CONFIG_FILE", dataDir.resolve("no-settings-file.properties").toString());
        env.put("CODAIPRO_DATA_DIR", dataDir.toString());
        env.put("CODAIPRO_HTTP_PORT", Integer.toString(port));
        env.put("CODAIPRO_JVM_HEAP", "512m");
        // Sign-in needs a client secret; tests that sign in pass the real Keycloak's settings.
        env.put("CODAIPRO_OIDC_CLIENT_SECRET", Keycloak.PORTAL_CLIENT_SECRET);
        // The admin console's Keycloak client, for tests that suspend people.
        env.put("CODAIPRO_PEOPLE_CLIENT_SECRET", Keycloak.PEOPLE_CLIENT_SECRET);
        env.putAll(settings);
        ProcessBuilder builder =
                new ProcessBuilder(serverHome().resolve("bin/codaipro-server").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new RunningServer(builder.start(), port, log, dataDir, System.nanoTime());
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "server exited with "
                                + process.exitValue()
                                + " before it was ready:\n"
                                + tail());
            }
            try {
                HttpResponse<String> ready =
                        client.send(
                                HttpRequest.newBuilder(uri("/health/ready")).build(),
                                HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> info =
                        client.send(
                                HttpRequest.newBuilder(uri("/api/v1/info")).build(),
                                HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200 && info.statusCode() == 200) {
                    readyAfterMillis =
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos);
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        close();
        throw new IllegalStateException(
                "server not ready within " + START_TIMEOUT + ":\n" + tail());
    }

    /** An address of the portal (localhost, the default public URL's host). */
    URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /**
     * The secret of a new API key with these scopes, issued through the admin API with the server's
     * admin token; fails the test when the server refuses it.
     */
    String issueKey(String adminToken, String name, String... scopes) throws Exception {
        HttpResponse<String> issued =
                Http.json(
                        "POST",
                        uri("/api/v1/admin/api-keys"),
                        jakarta.json.Json.createObjectBuilder()
                                .add("name", name)
                                .add(
                                        "scopes",
                                        jakarta.json.Json.createArrayBuilder(List.of(scopes)))
                                .build()
                                .toString(),
                        "X-Admin-Token",
                        adminToken);
        if (issued.statusCode() != 201) {
            throw new AssertionError("issuing a key: " + issued.statusCode() + " " + issued.body());
        }
        return jakarta.json.Json.createReader(new java.io.StringReader(issued.body()))
                .readObject()
                .getString("secret");
    }

    /** The same server as the default preview address (127.0.0.1: another host to browsers). */
    URI previewUri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    Path dataDir() {
        return dataDir;
    }

    Process process() {
        return process;
    }

    long readyAfterMillis() {
        return readyAfterMillis;
    }

    /** Resident memory of the server process, from /proc. */
    long residentKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    String tail() {
        try {
            String all = output();
            return all.length() <= 6000 ? all : all.substring(all.length() - 6000);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits for the start script to exit on its own; for start-up failure tests. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("still running after " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    /** Stops the server as systemd does (SIGTERM), then waits for it. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
