package pro.codai.sandbox.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import pro.codai.sandbox.lxc.LxcDriver;
import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.SandboxClient;
import pro.codai.sandbox.protocol.TerminalChannel;

/** sandboxd on a real Unix socket with real LXC sandboxes: every operation, and bad input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxdIT {

    private Path root;
    private DaemonConfig config;
    private SandboxDaemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        String imageDir = System.getProperty("codaipro.it.image.dir", "");
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(
                    !imageDir.isBlank() && Files.isDirectory(Path.of(imageDir, "base", "rootfs")),
                    "no base image");
            assumeTrue(new LxcDriver().isAvailable(), new LxcDriver().unavailableReason());
        }
        root = Files.createTempDirectory("sandboxd-it-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        Properties settings = new Properties();
        settings.setProperty("sandboxd.socket", root.resolve("run/sandboxd.sock").toString());
        settings.setProperty("sandboxd.socket-group", "root");
        settings.setProperty("sandboxd.state-dir", root.resolve("sandboxes").toString());
        settings.setProperty("sandboxd.image-dir", imageDir);
        settings.setProperty("sandboxd.volume-root", root.resolve("volumes").toString());
        settings.setProperty("sandboxd.volume.default-size", "32m");
        settings.setProperty("sandboxd.volume.max-size", "128m");
        settings.setProperty("sandboxd.max.memory", "256m");
        settings.setProperty("sandboxd.default.memory", "128m");
        settings.setProperty("sandboxd.warm-pool.size", "2");
        settings.setProperty("sandboxd.warm-pool.max-size", "4");
        settings.setProperty("sandboxd.max-sandboxes", "20");
        // Few, to show that terminals and the admin do not need ordinary connections.
        settings.setProperty("sandboxd.max-connections", "8");
        settings.setProperty("sandboxd.network.allowed-hosts", "198.18.0.9:8000, 198.18.0.10");
        settings.setProperty("sandboxd.network.interface-prefix", "cpdit");
        settings.setProperty("sandboxd.network.subnet", "10.215.0.0/24");
        config = DaemonConfig.from(settings);
        daemon = new SandboxDaemon(config);
        daemon.start();
        assertThat(daemon.pool().awaitFull(30_000)).isTrue();
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
            try (var left = Files.list(config.stateDir())) {
                assertThat(left.filter(Files::isDirectory).toList())
                        .as("nothing left after shutdown")
                        .isEmpty();
            }
            assertThat(config.socket()).doesNotExist();
            assertThat(config.adminSocket()).doesNotExist();
        }
    }

    private SandboxClient client() throws Exception {
        return SandboxClient.connect(config.socket());
    }

    @Test
    void theSocketIsOpenOnlyToItsGroup() throws Exception {
        assertThat(Files.getPosixFilePermissions(config.socket()))
                .isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
    }

    @Test
    void helloNamesTheProtocolVersionAndDriver() throws Exception {
        try (SandboxClient client = client()) {
            JsonObject hello = client.call("hello", SandboxClient.fields());

            assertThat(hello.getInt("version")).isEqualTo(2);
            assertThat(hello.getJsonArray("versions").getValuesAs(JsonNumber::intValue))
                    .containsExactly(1, 2);
            assertThat(hello.getString("driver")).isEqualTo("lxc");
        }
    }

    @Test
    void aWarmSandboxIsAcquiredRunsCodeAndIsDestroyed() throws Exception {
        try (SandboxClient client = client()) {
            JsonObject acquired = client.call("acquire", SandboxClient.fields());
            String id = acquired.getString("sandbox");

            JsonObject run =
                    client.call(
                            "exec",
                            SandboxClient.fields()
                                    .add("sandbox", id)
                                    .add(
                                            "argv",
                                            Json.createArrayBuilder()
                                                    .add("python3")
                                                    .add("-c")
                                                    .add("print(input()[::-1])"))
                                    .add(
                                            "stdin",
                                            Base64.getEncoder()
                                                    .encodeToString(
                                                            "stressed\n"
                                                                    .getBytes(
                                                                            StandardCharsets
                                                                                    .UTF_8))));
            JsonObject stats = client.call("stats", SandboxClient.fields().add("sandbox", id));
            client.call("destroy", SandboxClient.fields().add("sandbox", id));

            assertThat(acquired.getBoolean("warm")).isTrue();
            assertThat(decode(run.getString("stdout"))).isEqualTo("desserts\n");
            assertThat(run.getInt("exitCode")).isZero();
            assertThat(run.getString("limitHit")).isEqualTo("NONE");
            assertThat(stats.getInt("pids")).isPositive();
            assertThat(
                            client.call("list", SandboxClient.fields())
                                    .getJsonArray("sandboxes")
                                    .toString())
                    .doesNotContain(id);
            assertThat(config.stateDir().resolve(id)).doesNotExist();
        }
    }

    @Test
    void aWarmSandboxIsNarrowedToSmallerLimitsAndAWiderRequestGetsAFreshOne() throws Exception {
        assertThat(daemon.pool().awaitFull(30_000)).isTrue();
        try (SandboxClient client = client()) {
            JsonObject narrow =
                    client.call(
                            "acquire",
                            SandboxClient.fields()
                                    .add(
                                            "limits",
                                            Json.createObjectBuilder()
                                                    .add("memoryBytes", 48L << 20)
                                                    .add("pids", 20)));
            String id = narrow.getString("sandbox");
            JsonObject memory = exec(client, id, "python3", "-c", "x = bytearray(80 << 20)");
            JsonObject wide =
                    client.call(
                            "acquire",
                            SandboxClient.fields()
                                    .add(
                                            "limits",
                                            Json.createObjectBuilder()
                                                    .add("memoryBytes", 200L << 20)));
            client.call("destroy", SandboxClient.fields().add("sandbox", id));
            client.call(
                    "destroy", SandboxClient.fields().add("sandbox", wide.getString("sandbox")));

            assertThat(narrow.getBoolean("warm")).isTrue();
            assertThat(memory.getString("limitHit")).as("narrowed to 48 MB").isEqualTo("MEMORY");
            assertThat(wide.getBoolean("warm"))
                    .as("more memory than the pool's 128 MB: a fresh sandbox")
                    .isFalse();
        }
    }

    @Test
    void aSandboxGoesThroughCreateStartStopAndDestroy() throws Exception {
        try (SandboxClient client = client()) {
            String id = client.call("create", SandboxClient.fields()).getString("sandbox");
            client.call("start", SandboxClient.fields().add("sandbox", id));
            JsonObject run = exec(client, id, "sh", "-c", "exit 7");
            client.call("stop", SandboxClient.fields().add("sandbox", id));
            client.call("kill", SandboxClient.fields().add("sandbox", id));

            assertThat(run.getInt("exitCode")).isEqualTo(7);
            assertThat(config.stateDir().resolve(id)).doesNotExist();
        }
    }

    @Test
    void onlyConfiguredDestinationsMayBeAllowed() throws Exception {
        try (SandboxClient client = client()) {
            assertError(
                    () ->
                            client.call(
                                    "acquire",
                                    SandboxClient.fields()
                                            .add(
                                                    "allowedHosts",
                                                    Json.createArrayBuilder()
                                                            .add("198.18.0.9:8000")
                                                            .add("169.254.169.254"))),
                    ProtocolException.FORBIDDEN);
            String id =
                    client.call(
                                    "acquire",
                                    SandboxClient.fields()
                                            .add(
                                                    "allowedHosts",
                                                    Json.createArrayBuilder()
                                                            .add("198.18.0.9:8000")))
                            .getString("sandbox");
            JsonObject addresses = exec(client, id, "ip", "-4", "-o", "addr");
            client.call("kill", SandboxClient.fields().add("sandbox", id));

            assertThat(
                            new String(
                                    java.util.Base64.getDecoder()
                                            .decode(addresses.getString("stdout")),
                                    java.nio.charset.StandardCharsets.UTF_8))
                    .contains("eth0", "inet 10.215.0.");
            assertThat(client.call("list", SandboxClient.fields()).toString()).doesNotContain(id);
        } finally {
            new ProcessBuilder("nft", "delete", "table", "inet", "codaipro_cpdit")
                    .start()
                    .waitFor();
        }
    }

    @Test
    void limitsAboveTheConfiguredMaximumAreCapped() throws Exception {
        try (SandboxClient client = client()) {
            String id =
                    client.call(
                                    "create",
                                    SandboxClient.fields()
                                            .add(
                                                    "limits",
                                                    Json.createObjectBuilder()
                                                            .add("memoryBytes", 100L << 30)
                                                            .add("pids", 1_000_000)))
                            .getString("sandbox");
            List<String> lxcConfig =
                    Files.readAllLines(config.stateDir().resolve(id).resolve("config"));
            client.call("destroy", SandboxClient.fields().add("sandbox", id));

            assertThat(lxcConfig)
                    .anyMatch(
                            line ->
                                    line.matches(
                                            "lxc\\.cgroup2?\\.memory\\.(limit_in_bytes|max) = "
                                                    + (256L << 20)));
            assertThat(lxcConfig)
                    .anyMatch(
                            line ->
                                    line.matches(
                                            "lxc\\.cgroup2?\\.pids\\.max = "
                                                    + config.maximum().pids()));
        }
    }

    @Test
    void sandboxesAcquiredWithAnOwnerAreListedByIt() throws Exception {
        try (SandboxClient client = client()) {
            String labelled =
                    client.call("acquire", SandboxClient.fields().add("owner", "try-now"))
                            .getString("sandbox");
            String plain = client.call("acquire", SandboxClient.fields()).getString("sandbox");
            try {
                assertThat(
                                client.call("list", SandboxClient.fields().add("owner", "try-now"))
                                        .getJsonArray("sandboxes")
                                        .getValuesAs(JsonString::getString))
                        .containsExactly(labelled);
                assertThat(
                                client.call("list", SandboxClient.fields())
                                        .getJsonArray("sandboxes")
                                        .getValuesAs(JsonString::getString))
                        .contains(labelled, plain);
                assertError(
                        () -> client.call("acquire", SandboxClient.fields().add("owner", "../x")),
                        ProtocolException.BAD_REQUEST);
                assertError(
                        () -> client.call("list", SandboxClient.fields().add("owner", "")),
                        ProtocolException.BAD_REQUEST);
            } finally {
                client.call("destroy", SandboxClient.fields().add("sandbox", labelled));
                client.call("destroy", SandboxClient.fields().add("sandbox", plain));
            }
            assertThat(
                            client.call("list", SandboxClient.fields().add("owner", "try-now"))
                                    .getJsonArray("sandboxes"))
                    .isEmpty();
        }
    }

    @Test
    void aSandboxWithAVolumeComesFromTheWarmPoolWithTheVolumeMounted() throws Exception {
        assertThat(daemon.pool().awaitFull(30_000)).isTrue();
        try (SandboxClient client = client()) {
            client.call("volume", SandboxClient.fields().add("volume", "home-warm"));
            Files.writeString(root.resolve("volumes/home-warm/notes.txt"), "from before");
            JsonObject acquired =
                    client.call(
                            "acquire",
                            SandboxClient.fields()
                                    .add(
                                            "mounts",
                                            Json.createArrayBuilder()
                                                    .add(
                                                            Json.createObjectBuilder()
                                                                    .add("volume", "home-warm")
                                                                    .add(
                                                                            "target",
                                                                            "/home/student"))));
            String id = acquired.getString("sandbox");
            JsonObject run =
                    exec(
                            client,
                            id,
                            "sh",
                            "-c",
                            "cat ~/notes.txt; echo; echo mine > ~/new.txt && echo written");
            client.call("destroy", SandboxClient.fields().add("sandbox", id));

            assertThat(acquired.getBoolean("warm")).as("taken from the pool").isTrue();
            assertThat(decode(run.getString("stdout"))).isEqualTo("from before\nwritten\n");
            // Unmounted with its last sandbox; the next request mounts it again.
            client.call("volume", SandboxClient.fields().add("volume", "home-warm"));
            assertThat(root.resolve("volumes/home-warm/new.txt")).hasContent("mine\n");
        }
    }

    @Test
    void aVolumeIsCreatedOnRequestOnceAndBadNamesAreRefused() throws Exception {
        try (SandboxClient client = client()) {
            assertThat(
                            client.call("volume", SandboxClient.fields().add("volume", "home-7"))
                                    .getBoolean("created"))
                    .isTrue();
            assertThat(
                            client.call("volume", SandboxClient.fields().add("volume", "home-7"))
                                    .getBoolean("created"))
                    .isFalse();
            assertThat(root.resolve("volumes/home-7")).isDirectory();
            assertError(
                    () -> client.call("volume", SandboxClient.fields().add("volume", "../etc")),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () -> client.call("volume", SandboxClient.fields().add("volume", 7)),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () -> client.call("volume", SandboxClient.fields()),
                    ProtocolException.BAD_REQUEST);
            assertThat(client.call("ping", SandboxClient.fields()).getBoolean("ok")).isTrue();
        }
    }

    @Test
    void aVolumeHasTheRequestedSizeCappedByTheMaximumAndAnswersHowFullItIs() throws Exception {
        try (SandboxClient client = client()) {
            client.call(
                    "volume",
                    SandboxClient.fields().add("volume", "sized").add("sizeBytes", 64L << 20));
            client.call(
                    "volume",
                    SandboxClient.fields().add("volume", "capped").add("sizeBytes", 10L << 30));
            client.call("volume", SandboxClient.fields().add("volume", "default"));

            var sized = client.call("volume-stats", SandboxClient.fields().add("volume", "sized"));
            assertThat(sized.getJsonNumber("totalBytes").longValue())
                    .isBetween(56L << 20, 64L << 20);
            assertThat(sized.getJsonNumber("usedBytes").longValue())
                    .isPositive()
                    .isLessThan(8L << 20);
            assertThat(sized.getJsonNumber("totalInodes").longValue()).isEqualTo(4096);
            assertThat(sized.getJsonNumber("usedInodes").longValue()).isPositive();
            assertThat(
                            client.call(
                                            "volume-stats",
                                            SandboxClient.fields().add("volume", "capped"))
                                    .getJsonNumber("totalBytes")
                                    .longValue())
                    .as("capped by sandboxd.volume.max-size")
                    .isBetween(120L << 20, 128L << 20);
            assertThat(
                            client.call(
                                            "volume-stats",
                                            SandboxClient.fields().add("volume", "default"))
                                    .getJsonNumber("totalBytes")
                                    .longValue())
                    .as("sandboxd.volume.default-size")
                    .isBetween(24L << 20, 32L << 20);
            for (var bad :
                    List.of(
                            SandboxClient.fields().add("volume", "x").add("sizeBytes", -1),
                            SandboxClient.fields().add("volume", "x").add("sizeBytes", 0),
                            SandboxClient.fields().add("volume", "x").add("sizeBytes", "1g"),
                            SandboxClient.fields().add("volume", "x").add("sizeBytes", 1.5))) {
                assertError(() -> client.call("volume", bad), ProtocolException.BAD_REQUEST);
            }
            assertError(
                    () ->
                            client.call(
                                    "volume-stats", SandboxClient.fields().add("volume", "../etc")),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () ->
                            client.call(
                                    "volume-stats", SandboxClient.fields().add("volume", "nobody")),
                    ProtocolException.SANDBOX_FAILED);
            assertThat(root.resolve("volumes/x")).doesNotExist();
        }
    }

    @Test
    void theWarmPoolGrowsToARaisedTargetAndShrinksBackWithRealContainers() throws Exception {
        try (SandboxClient client = client()) {
            assertThat(daemon.pool().awaitTarget(60_000)).isTrue();
            long containersBefore = containers();

            JsonObject grown = client.call("warm-pool", SandboxClient.fields().add("size", 4));
            JsonObject hello = client.call("hello", SandboxClient.fields());
            awaitTrue(
                    "4 pooled sandboxes started",
                    () -> client.call("hello", SandboxClient.fields()).getInt("warmPool") == 4);
            long containersGrown = containers();

            JsonObject shrunk = client.call("warm-pool", SandboxClient.fields().add("size", 2));
            awaitTrue(
                    "back to 2 pooled sandboxes, the other containers removed",
                    () ->
                            client.call("hello", SandboxClient.fields()).getInt("warmPool") == 2
                                    && containers() == containersBefore);
            JsonObject state = client.call("warm-pool", SandboxClient.fields());

            assertThat(grown.getInt("target")).isEqualTo(4);
            assertThat(grown.getInt("floor")).isEqualTo(2);
            assertThat(grown.getInt("max")).isEqualTo(4);
            assertThat(hello.getInt("warmPoolTarget")).isEqualTo(4);
            assertThat(containersGrown).isEqualTo(containersBefore + 2);
            assertThat(shrunk.getInt("target")).isEqualTo(2);
            assertThat(state.getInt("target")).isEqualTo(2);
            assertThat(state.getInt("available")).isEqualTo(2);
        }
    }

    @Test
    void aWarmPoolSizeOutsideItsBoundsIsRefusedAndChangesNothing() throws Exception {
        try (SandboxClient client = client()) {
            assertError(
                    () -> client.call("warm-pool", SandboxClient.fields().add("size", -1)),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () -> client.call("warm-pool", SandboxClient.fields().add("size", 1)),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () -> client.call("warm-pool", SandboxClient.fields().add("size", 5)),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () -> client.call("warm-pool", SandboxClient.fields().add("size", "4")),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () -> client.call("warm-pool", SandboxClient.fields().add("size", 3.5)),
                    ProtocolException.BAD_REQUEST);

            assertThat(client.call("warm-pool", SandboxClient.fields()).getInt("target"))
                    .isEqualTo(2);
        }
    }

    /** Sandbox containers on disk (pooled and handed out). */
    private long containers() throws Exception {
        try (var entries = Files.list(config.stateDir())) {
            return entries.filter(Files::isDirectory).count();
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls until the condition holds; fails after a generous timeout. */
    private static void awaitTrue(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(180);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void badRequestsGetErrorAnswersAndTheConnectionStaysUsable() throws Exception {
        try (SandboxClient client = client()) {
            assertError(
                    () -> client.call("format-disk", SandboxClient.fields()),
                    ProtocolException.UNKNOWN_OP);
            assertError(
                    () -> client.call("create", SandboxClient.fields().add("image", "../../etc")),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () ->
                            client.call(
                                    "create", SandboxClient.fields().add("image", "no-such-image")),
                    ProtocolException.SANDBOX_FAILED);
            assertError(
                    () ->
                            client.call(
                                    "create",
                                    SandboxClient.fields()
                                            .add(
                                                    "mounts",
                                                    Json.createArrayBuilder()
                                                            .add(
                                                                    Json.createObjectBuilder()
                                                                            .add(
                                                                                    "volume",
                                                                                    "../../etc")
                                                                            .add(
                                                                                    "target",
                                                                                    "/home/student")))),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () ->
                            client.call(
                                    "create",
                                    SandboxClient.fields()
                                            .add(
                                                    "mounts",
                                                    Json.createArrayBuilder()
                                                            .add(
                                                                    Json.createObjectBuilder()
                                                                            .add("volume", "ws-1")
                                                                            .add(
                                                                                    "target",
                                                                                    "/proc/../etc")))),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () ->
                            client.call(
                                    "create",
                                    SandboxClient.fields()
                                            .add(
                                                    "limits",
                                                    Json.createObjectBuilder().add("pids", -5))),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () -> client.call("create", SandboxClient.fields().add("limits", "lots")),
                    ProtocolException.BAD_REQUEST);
            assertError(
                    () -> client.call("exec", SandboxClient.fields().add("sandbox", "sbx-nope")),
                    ProtocolException.NOT_FOUND);
            assertError(
                    () -> client.call("exec", SandboxClient.fields().add("sandbox", 42)),
                    ProtocolException.BAD_REQUEST);
            JsonObject wrongVersion =
                    client.send(Json.createObjectBuilder().add("v", 99).add("op", "ping").build());
            JsonObject noOp = client.send(Json.createObjectBuilder().add("v", 1).build());
            client.sendRaw(frame("{not json".getBytes(StandardCharsets.UTF_8)));
            JsonObject notJson = client.readAnswer();
            client.sendRaw(frame("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
            JsonObject notObject = client.readAnswer();

            assertThat(wrongVersion.getJsonObject("error").getString("code"))
                    .isEqualTo(ProtocolException.UNSUPPORTED_VERSION);
            assertThat(noOp.getJsonObject("error").getString("code"))
                    .isEqualTo(ProtocolException.BAD_REQUEST);
            assertThat(notJson.getJsonObject("error").getString("code"))
                    .isEqualTo(ProtocolException.BAD_REQUEST);
            assertThat(notObject.getJsonObject("error").getString("code"))
                    .isEqualTo(ProtocolException.BAD_REQUEST);
            assertThat(client.call("ping", SandboxClient.fields()).getBoolean("ok")).isTrue();
        }
    }

    @Test
    void anOversizedFrameIsRefusedBeforeItIsReadAndOnlyThatConnectionCloses() throws Exception {
        try (SandboxClient client = client()) {
            client.sendRaw(new byte[] {0x7f, 0, 0, 0});
            JsonObject answer = client.readAnswer();

            assertThat(answer.getJsonObject("error").getString("code"))
                    .isEqualTo(ProtocolException.FRAME_TOO_LARGE);
            assertThat(client.readAnswer()).as("connection closed").isNull();
        }
        try (SandboxClient other = client()) {
            assertThat(other.call("ping", SandboxClient.fields()).getBoolean("ok")).isTrue();
        }
    }

    @Test
    void randomFramesNeverCrashTheDaemon() throws Exception {
        Random random = new Random(20261125);
        String[] fragments = {
            "{",
            "}",
            "\"v\":1",
            "\"op\":",
            "\"exec\"",
            "\"create\"",
            "\"sandbox\":",
            "[",
            "]",
            ",",
            "\"limits\":",
            "\"argv\":",
            "null",
            "1e999",
            "-1",
            "\"\\u0000\"",
            "true",
            "\"mounts\":",
            ":",
            "\"../\""
        };
        try (SandboxClient client = client()) {
            for (int i = 0; i < 300; i++) {
                byte[] payload;
                if (random.nextBoolean()) {
                    StringBuilder text = new StringBuilder();
                    for (int j = random.nextInt(12); j >= 0; j--) {
                        text.append(fragments[random.nextInt(fragments.length)]);
                    }
                    payload = text.toString().getBytes(StandardCharsets.UTF_8);
                } else {
                    payload = new byte[1 + random.nextInt(200)];
                    random.nextBytes(payload);
                }
                client.sendRaw(frame(payload));
                JsonObject answer = client.readAnswer();
                assertThat(answer).as("answer to frame %d", i).isNotNull();
            }
            assertThat(client.call("ping", SandboxClient.fields()).getBoolean("ok")).isTrue();
            assertThat(client.call("list", SandboxClient.fields()).getJsonArray("sandboxes"))
                    .isEmpty();
        }
    }

    @Test
    void sandboxctlListsStatsAndKills() throws Exception {
        String socket = config.socket().toString();
        String id;
        try (SandboxClient client = client()) {
            id = client.call("acquire", SandboxClient.fields()).getString("sandbox");
        }

        assertThat(Sandboxctl.run(new String[] {"--socket", socket, "ping"})).isZero();
        assertThat(Sandboxctl.run(new String[] {"--socket", socket, "list"})).isZero();
        assertThat(Sandboxctl.run(new String[] {"--socket", socket, "stats", id})).isZero();
        assertThat(Sandboxctl.run(new String[] {"--socket", socket, "kill", id})).isZero();
        assertThat(Sandboxctl.run(new String[] {"--socket", socket, "kill", id})).isEqualTo(1);
        assertThat(Sandboxctl.run(new String[] {"--socket", socket})).isEqualTo(64);
        assertThat(
                        Sandboxctl.run(
                                new String[] {
                                    "--socket", root.resolve("nothing.sock").toString(), "list"
                                }))
                .isEqualTo(2);
    }

    @Test
    void theAdminSocketIsRootsAloneAndAnswersWhenEveryOrdinaryConnectionIsTaken() throws Exception {
        assertThat(Files.getPosixFilePermissions(config.adminSocket()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String admin = config.adminSocket().toString();
        List<SandboxClient> taken = new java.util.ArrayList<>();
        try {
            // An earlier test's connections may still be closing: wait for every slot.
            await(
                    () -> daemon.freeConnections() == config.maxConnections(),
                    () -> daemon.freeConnections() + " free connections");
            String refusal = null;
            for (int i = 0; i <= config.maxConnections() && refusal == null; i++) {
                SandboxClient client = client();
                taken.add(client);
                try {
                    client.call("ping", SandboxClient.fields()); // served: it holds its slot
                } catch (ProtocolException e) {
                    refusal = e.code() + ": " + e.getMessage();
                } catch (java.io.IOException e) {
                    JsonObject answer = client.readAnswer(); // refused before the request
                    refusal =
                            answer.getJsonObject("error").getString("code")
                                    + ": "
                                    + answer.getJsonObject("error").getString("message");
                }
            }
            assertThat(refusal).isEqualTo("overloaded: too many connections");
            assertThat(
                            Sandboxctl.run(
                                    new String[] {"--socket", config.socket().toString(), "ping"}))
                    .as("the ordinary socket is full")
                    .isNotZero();

            assertThat(Sandboxctl.run(new String[] {"--socket", admin, "ping"})).isZero();
            assertThat(Sandboxctl.run(new String[] {"--socket", admin, "list"})).isZero();

            // The admin socket's own connections are few, and capped too.
            List<SandboxClient> admins = new java.util.ArrayList<>();
            await(
                    () -> daemon.freeAdminConnections() == SandboxDaemon.ADMIN_CONNECTIONS,
                    () -> daemon.freeAdminConnections() + " free admin connections");
            try {
                for (int i = 0; i < SandboxDaemon.ADMIN_CONNECTIONS; i++) {
                    SandboxClient client = SandboxClient.connect(config.adminSocket());
                    admins.add(client);
                    client.call("ping", SandboxClient.fields());
                }
                try (SandboxClient one = SandboxClient.connect(config.adminSocket())) {
                    assertThat(one.readAnswer().getJsonObject("error").getString("message"))
                            .isEqualTo("too many admin connections");
                }
            } finally {
                for (SandboxClient client : admins) {
                    client.close();
                }
            }
        } finally {
            for (SandboxClient client : taken) {
                client.close();
            }
        }
        // The slots come back as sandboxd notices the closes: wait for that, for the next tests.
        await(
                () -> {
                    try (SandboxClient client = client()) {
                        client.call("ping", SandboxClient.fields());
                        return true;
                    } catch (Exception e) {
                        return false;
                    }
                },
                () -> "ordinary connections did not come back");
    }

    @Test
    void twentyTerminalsInFourSandboxesShareOneConnectionAndAFloodHoldsUpOnlyItself()
            throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService executor =
                java.util.concurrent.Executors.newCachedThreadPool();
        try (SandboxClient client = client()) {
            for (int i = 0; i < 4; i++) {
                ids.add(client.call("acquire", SandboxClient.fields()).getString("sandbox"));
            }
            try (TerminalChannel channel = TerminalChannel.open(config.socket(), executor)) {
                List<Screen> screens = new java.util.ArrayList<>();
                List<TerminalChannel.Stream> streams = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    Screen screen = new Screen(i == 0);
                    screens.add(screen);
                    streams.add(channel.open(ids.get(i % 4), 80, 24, screen));
                }
                // The first terminal floods; its reader takes nothing.
                streams.get(0).input("yes\n".getBytes(StandardCharsets.UTF_8));
                for (int i = 1; i < 20; i++) {
                    streams.get(i)
                            .input(
                                    ("echo \"mux $((" + i + "*7))\"\n")
                                            .getBytes(StandardCharsets.UTF_8));
                }
                for (int i = 1; i < 20; i++) {
                    Screen screen = screens.get(i);
                    String expected = "mux " + (i * 7);
                    await(() -> screen.text().contains(expected), screen::text);
                }
                assertThat(screens.get(0).bytes()).isZero();

                // Ending one terminal leaves the others running.
                streams.get(1).close();
                await(screens.get(1)::isEnded, () -> "terminal 1 did not end");
                streams.get(2).input("echo after-close\n".getBytes(StandardCharsets.UTF_8));
                await(() -> screens.get(2).text().contains("after-close"), screens.get(2)::text);

                // The flood goes on once its reader does, and closing it stops yes.
                screens.get(0).release();
                await(() -> screens.get(0).bytes() > 1 << 20, () -> "no flood");
                streams.get(0).close();
                await(screens.get(0)::isEnded, () -> "the flood's terminal did not end");
                assertThat(
                                Sandboxctl.run(
                                        new String[] {
                                            "--socket", config.socket().toString(), "ping"
                                        }))
                        .isZero();
            }
            for (String id : ids) {
                client.call("destroy", SandboxClient.fields().add("sandbox", id));
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void terminalsNeedProtocolVersionTwoAndOtherVersionsAreRefused() throws Exception {
        try (SandboxClient client = client()) {
            JsonObject v1 =
                    client.send(
                            Json.createObjectBuilder().add("v", 1).add("op", "terminals").build());
            assertThat(v1.getJsonObject("error").getString("code"))
                    .isEqualTo(ProtocolException.UNSUPPORTED_VERSION);
            JsonObject v3 =
                    client.send(Json.createObjectBuilder().add("v", 3).add("op", "ping").build());
            assertThat(v3.getJsonObject("error").getString("code"))
                    .isEqualTo(ProtocolException.UNSUPPORTED_VERSION);
            JsonObject v2 =
                    client.send(Json.createObjectBuilder().add("v", 2).add("op", "ping").build());
            assertThat(v2.getBoolean("ok")).isTrue();
        }
    }

    /** A terminal's screen; optionally takes nothing until released. */
    private static final class Screen implements TerminalChannel.Listener {

        private final StringBuilder shown = new StringBuilder();
        private final java.util.concurrent.CountDownLatch gate;
        private long bytes;
        private volatile boolean ended;

        Screen(boolean stalled) {
            gate = new java.util.concurrent.CountDownLatch(stalled ? 1 : 0);
        }

        @Override
        public void output(byte[] output) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                bytes += output.length;
                if (shown.length() < 1 << 16) {
                    shown.append(new String(output, StandardCharsets.UTF_8).replace("\r", ""));
                }
            }
        }

        @Override
        public void ended() {
            ended = true;
        }

        void release() {
            gate.countDown();
        }

        synchronized String text() {
            return shown.toString();
        }

        synchronized long bytes() {
            return bytes;
        }

        boolean isEnded() {
            return ended;
        }
    }

    private static void await(
            java.util.function.BooleanSupplier condition,
            java.util.function.Supplier<String> describe)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + describe.get());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aTerminalCarriesKeystrokesAndScreenOutputUntilClosed() throws Exception {
        String id;
        try (SandboxClient client = client()) {
            id = client.call("acquire", SandboxClient.fields()).getString("sandbox");
        }
        try (SandboxClient terminal = client()) {
            JsonObject opened =
                    terminal.send(
                            Json.createObjectBuilder()
                                    .add("v", 1)
                                    .add("id", 1)
                                    .add("op", "terminal")
                                    .add("sandbox", id)
                                    .add("columns", 100)
                                    .add("rows", 30)
                                    .build());
            assertThat(opened.getBoolean("ok")).isTrue();

            terminal.sendRaw(frame(input("echo \"$((6*7)) $(stty size)\"\n")));
            String answer = screenUntil(terminal, "42 30 100");
            assertThat(answer).contains("42 30 100");
            // Readline reads the window size and writes it back whenever it prepares the terminal
            // for a line, which undoes a resize in between: resize at the prompt, as people do.
            if (!answer.substring(answer.indexOf("42 30 100")).contains("$ ")) {
                assertThat(screenUntil(terminal, "$ ")).contains("$ ");
            }

            terminal.sendRaw(
                    frame(
                            "{\"type\":\"resize\",\"columns\":120,\"rows\":40}"
                                    .getBytes(StandardCharsets.UTF_8)));
            terminal.sendRaw(frame(input("stty size\n")));
            assertThat(screenUntil(terminal, "40 120")).contains("40 120");

            terminal.sendRaw(frame("{\"type\":\"teleport\"}".getBytes(StandardCharsets.UTF_8)));
            terminal.sendRaw(
                    frame(
                            "{\"type\":\"input\",\"data\":\"***\"}"
                                    .getBytes(StandardCharsets.UTF_8)));
            assertThat(errorsUntil(terminal, 2)).containsOnly(ProtocolException.BAD_REQUEST);

            terminal.sendRaw(frame(input("exit\n")));
            assertThat(screenUntil(terminal, "\u0000exit")).contains("\u0000exit");
        }
        try (SandboxClient client = client()) {
            client.call("destroy", SandboxClient.fields().add("sandbox", id));
            assertThatThrownBy(
                            () ->
                                    client.call(
                                            "terminal",
                                            SandboxClient.fields()
                                                    .add("sandbox", id)
                                                    .add("columns", 80)
                                                    .add("rows", 24)))
                    .isInstanceOf(ProtocolException.class)
                    .extracting("code")
                    .isEqualTo(ProtocolException.NOT_FOUND);
        }
    }

    /** Runs {@code argv} in a sandbox (no stdin) and returns sandboxd's answer. */
    private static JsonObject exec(SandboxClient client, String sandbox, String... argv)
            throws Exception {
        var arguments = Json.createArrayBuilder();
        for (String argument : argv) {
            arguments.add(argument);
        }
        return client.call(
                "exec", SandboxClient.fields().add("sandbox", sandbox).add("argv", arguments));
    }

    private static byte[] input(String keys) {
        return ("{\"type\":\"input\",\"data\":\""
                        + Base64.getEncoder().encodeToString(keys.getBytes(StandardCharsets.UTF_8))
                        + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads terminal frames until the screen shows {@code expected}; an exit frame reads as NUL
     * "exit".
     */
    private static String screenUntil(SandboxClient terminal, String expected) throws Exception {
        StringBuilder screen = new StringBuilder();
        for (int frames = 0; frames < 500 && !screen.toString().contains(expected); frames++) {
            JsonObject frame = terminal.readAnswer();
            if (frame == null) {
                break;
            }
            switch (frame.getString("type", "")) {
                case "output" -> screen.append(decode(frame.getString("data")).replace("\r", ""));
                case "exit" -> screen.append("\u0000exit");
                default -> {}
            }
        }
        return screen.toString();
    }

    private static List<String> errorsUntil(SandboxClient terminal, int count) throws Exception {
        List<String> codes = new java.util.ArrayList<>();
        for (int frames = 0; frames < 500 && codes.size() < count; frames++) {
            JsonObject frame = terminal.readAnswer();
            if (frame != null && "error".equals(frame.getString("type", ""))) {
                codes.add(frame.getString("code"));
            }
        }
        return codes;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static byte[] frame(byte[] payload) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(payload.length);
        out.write(payload);
        return bytes.toByteArray();
    }

    interface Call {
        void run() throws Exception;
    }

    private static void assertError(Call call, String code) {
        assertThatThrownBy(call::run)
                .isInstanceOf(ProtocolException.class)
                .extracting("code")
                .isEqualTo(code);
    }
}
