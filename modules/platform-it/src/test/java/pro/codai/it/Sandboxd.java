package pro.codai.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The built sandboxd (its distribution's start script), run as root on a socket, state directory
 * and volume root of its own, with the real base image. Tests that need it are skipped when there
 * is no image or no root, unless {@code codaipro.it.require-all} is set.
 */
final class Sandboxd implements AutoCloseable {

    final Path root;
    final Path socket;

    /** sandboxd's admin socket (root's alone, connections of its own), next to {@link #socket}. */
    final Path adminSocket;

    final Path stateDir;
    private final Path log;
    private final int warmPool;
    private Process process;

    private Sandboxd(Path root, int warmPool) {
        this.root = root;
        this.socket = root.resolve("run/sandboxd.sock");
        this.adminSocket = root.resolve("run/sandboxd-admin.sock");
        this.stateDir = root.resolve("sandboxes");
        this.log = root.resolve("sandboxd.log");
        this.warmPool = warmPool;
    }

    static Sandboxd start(int warmPool) throws Exception {
        return start(warmPool, java.util.Map.of());
    }

    /** A sandboxd with {@code settings} added to its properties (e.g. network ones). */
    static Sandboxd start(int warmPool, java.util.Map<String, String> settings) throws Exception {
        String imageDir = System.getProperty("codaipro.it.image.dir", "");
        boolean available =
                !imageDir.isBlank()
                        && Files.isDirectory(Path.of(imageDir, "base", "rootfs"))
                        && "root".equals(System.getProperty("user.name"));
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(available, "no base image or not root: no sandboxd");
        }
        // Under /tmp: a Unix socket path must stay under 108 bytes, a build directory may not.
        Path root = Files.createTempDirectory("codaipro-sandboxd-").toAbsolutePath();
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        Files.writeString(
                root.resolve("sandboxd.properties"),
                String.join(
                        "\n",
                        "sandboxd.socket=" + root.resolve("run/sandboxd.sock"),
                        "sandboxd.socket-group=root",
                        "sandboxd.state-dir=" + root.resolve("sandboxes"),
                        "sandboxd.image-dir=" + imageDir,
                        "sandboxd.volume-root=" + root.resolve("volumes"),
                        "sandboxd.warm-pool.size=" + warmPool,
                        "sandboxd.max-concurrent-runs=8",
                        ""));
        for (java.util.Map.Entry<String, String> setting : settings.entrySet()) {
            Files.writeString(
                    root.resolve("sandboxd.properties"),
                    setting.getKey() + "=" + setting.getValue() + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
        Sandboxd sandboxd = new Sandboxd(root, warmPool);
        sandboxd.launch();
        return sandboxd;
    }

    void launch() throws Exception {
        Path home = Path.of(System.getProperty("codaipro.it.sandboxd.home"));
        ProcessBuilder builder =
                new ProcessBuilder("bash", home.resolve("bin/sandboxd").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Options given to the tests (e.g. a GC log for a benchmark) come after the config file.
        String given = System.getenv().getOrDefault("SANDBOXD_JAVA_OPTS", "");
        builder.environment()
                .put(
                        "SANDBOXD_JAVA_OPTS",
                        ("-Dsandboxd.config=" + root.resolve("sandboxd.properties") + " " + given)
                                .strip());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("sandboxd did not start:\n" + log());
            }
            Thread.sleep(50);
        }
    }

    /** sandboxd's start script, and through its descendants the daemon and its launchers. */
    ProcessHandle processHandle() {
        return process.toHandle();
    }

    /** Kills sandboxd as a crash would, leaving its sandboxes for the next start's reaper. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the next start replaces it
        }
    }

    /** Sandbox directories that exist now (the warm pool's included). */
    List<String> sandboxes() throws IOException {
        if (!Files.isDirectory(stateDir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(stateDir)) {
            return entries.filter(Files::isDirectory)
                    .map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith("sbx-"))
                    .sorted()
                    .toList();
        }
    }

    /** The sandboxes sandboxd handed out with this owner label (its protocol's {@code list}). */
    List<String> ownedBy(String owner) throws Exception {
        try (pro.codai.sandbox.protocol.SandboxClient client =
                pro.codai.sandbox.protocol.SandboxClient.connect(socket)) {
            return client.call(
                            "list",
                            pro.codai.sandbox.protocol.SandboxClient.fields().add("owner", owner))
                    .getJsonArray("sandboxes")
                    .getValuesAs(jakarta.json.JsonString::getString);
        }
    }

    /**
     * Runs the built {@code sandboxctl} with {@code arguments}; returns its exit status and what it
     * printed (both streams).
     */
    SandboxctlResult sandboxctl(String... arguments) throws Exception {
        Path home = Path.of(System.getProperty("codaipro.it.sandboxd.home"));
        List<String> command = new java.util.ArrayList<>();
        command.add("bash");
        command.add(home.resolve("bin/sandboxctl").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process run = builder.start();
        String output = new String(run.getInputStream().readAllBytes());
        if (!run.waitFor(60, TimeUnit.SECONDS)) {
            run.destroyForcibly();
            throw new IllegalStateException("sandboxctl did not finish: " + output);
        }
        return new SandboxctlResult(run.exitValue(), output);
    }

    record SandboxctlResult(int status, String output) {}

    /** The daemon's process id (the start script execs the JVM). */
    long pid() {
        return process.pid();
    }

    int warmPool() {
        return warmPool;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: sandboxd drains its pool and removes its sandboxes
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        removeUnlessMounted();
    }

    /** Deletes the test's directory, unless sandboxd left something mounted in it. */
    private void removeUnlessMounted() {
        try {
            if (Files.readString(Path.of("/proc/self/mountinfo")).contains(root.toString())) {
                return;
            }
            try (Stream<Path> tree = Files.walk(root)) {
                for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (IOException e) {
            // left for the machine's tmp cleaner
        }
    }
}
