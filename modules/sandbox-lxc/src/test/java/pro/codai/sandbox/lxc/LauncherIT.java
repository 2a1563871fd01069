package pro.codai.sandbox.lxc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import pro.codai.sandbox.api.DriverConfig;
import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.Sandbox;
import pro.codai.sandbox.api.SandboxDriver;
import pro.codai.sandbox.api.SandboxDrivers;
import pro.codai.sandbox.api.SandboxException;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.lxc.internal.LibC;

/**
 * The launcher co-process (src/main/c/launcher.c) against a real container: what a program it
 * starts inherits, what becomes of runs when it dies, and how it answers requests it cannot read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LauncherIT {

    private SandboxDriver driver;
    private Path stateDir;
    private Sandbox sandbox;
    private Launcher launcher;

    @BeforeAll
    void startASandbox() throws Exception {
        String imageDir = LxcDriverIT.imageDirOrSkip();
        stateDir = Files.createTempDirectory("codaipro-launcher-");
        Path volumes = Files.createDirectories(stateDir.resolve("volumes"));
        driver =
                SandboxDrivers.best(
                        new DriverConfig(
                                stateDir, Path.of(imageDir), volumes, LxcDriverIT.SMALL, "lt"));
        sandbox = driver.create(SandboxSpec.defaults("base").withLimits(LxcDriverIT.SMALL));
        sandbox.start();
        Path own = Files.createDirectories(stateDir.resolve("own-launcher"));
        launcher = new Launcher(Helpers.install(own, "launcher"), "test");
    }

    @AfterAll
    void destroy() throws Exception {
        if (launcher != null) {
            launcher.close();
        }
        if (sandbox != null) {
            sandbox.destroy();
        }
        if (driver != null) {
            driver.close();
            LxcDriver.Trees.delete(stateDir);
        }
    }

    @Test
    void anAttachedProgramInheritsNoDescriptorOfTheLauncher() throws Exception {
        // Straight through the launcher, without cleanexec (which closes descriptors anyway).
        Output listing = attach(List.of("/bin/ls", "-l", "/proc/self/fd"));

        assertThat(listing.exit().status()).as(listing.text()).isZero();
        List<String> descriptors =
                listing.text()
                        .lines()
                        .filter(line -> line.contains(" -> "))
                        .map(line -> line.substring(line.indexOf(" -> ") - 1).trim())
                        .toList();
        // stdin, stdout, stderr, and the directory ls is reading
        assertThat(descriptors).as(listing.text()).hasSize(4);
        assertThat(listing.text()).doesNotContain("socket:").doesNotContain("anon_inode:");
    }

    @Test
    void theLauncherReportsTheProgramsExitStatusAndCpuTime() throws Exception {
        Output busy =
                attach(
                        List.of(
                                "/usr/bin/python3",
                                "-c",
                                "import sys\nx = 0\nfor i in range(3_000_000): x += i\nsys.exit(3)"));

        assertThat(busy.exit().status() >> 8).isEqualTo(3);
        assertThat(busy.exit().cpuMicros()).isGreaterThan(50_000);
    }

    @Test
    void requestsItCannotReadAreRefusedAndItKeepsServing() throws Exception {
        int[] none = null;
        assertThatThrownBy(
                        () ->
                                launcher.exchange(
                                        Launcher.FORGET,
                                        tag -> request(Launcher.FORGET, tag, 0, 0, "only-one"),
                                        none))
                .hasMessageContaining("malformed request");
        assertThatThrownBy(
                        () ->
                                launcher.exchange(
                                        Launcher.FORGET,
                                        tag -> {
                                            byte[] whole =
                                                    request(
                                                            Launcher.FORGET,
                                                            tag,
                                                            0,
                                                            0,
                                                            "a",
                                                            "b",
                                                            "c");
                                            // the last string loses its terminating NUL
                                            return java.util.Arrays.copyOf(whole, whole.length - 1);
                                        },
                                        none))
                .hasMessageContaining("malformed request");
        assertThatThrownBy(
                        () ->
                                launcher.exchange(
                                        9, tag -> request(9, tag, 0, 0, "a", "b", "c"), none))
                .hasMessageContaining("unknown request");
        assertThatThrownBy(
                        () ->
                                launcher.exchange(
                                        Launcher.ATTACH,
                                        tag ->
                                                request(
                                                        Launcher.ATTACH,
                                                        tag,
                                                        1,
                                                        0,
                                                        stateDir.toString(),
                                                        sandbox.id(),
                                                        "/",
                                                        "/bin/true"),
                                        none))
                .hasMessageContaining("three descriptors");
        assertThatThrownBy(
                        () ->
                                launcher.attach(
                                        stateDir,
                                        "no-such-sandbox",
                                        "/",
                                        List.of("/bin/true"),
                                        List.of(),
                                        0,
                                        1,
                                        2))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> launcher.start(stateDir, "no-such-sandbox"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> attach(List.of("/bin/echo", "nul\0inside")))
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> attach(List.of("/bin/echo", "x".repeat(70_000))))
                .hasMessageContaining("exceed");

        Output still = attach(List.of("/bin/echo", "still serving"));
        assertThat(still.text()).isEqualTo("still serving\n");
    }

    @Test
    void aRunWhoseLauncherDiesFailsEndsAndTheNextRunWorks() throws Exception {
        CompletableFuture<ExecResult> run =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return sandbox.exec(
                                        ExecRequest.of("/bin/sleep", "30")
                                                .withTimes(
                                                        Duration.ofSeconds(5),
                                                        Duration.ofSeconds(20)));
                            } catch (SandboxException e) {
                                throw new IllegalStateException(e.getMessage(), e);
                            }
                        });
        long sleeper = waitForSleeper();
        long runLauncher = ProcessHandle.of(sleeper).orElseThrow().parent().orElseThrow().pid();
        assertThat(executable(runLauncher)).endsWith("/launcher");

        LibC.INSTANCE.kill((int) runLauncher, LibC.SIGKILL);

        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
                .hasMessageContaining("waiting for the run failed");
        assertThat(gone(sleeper)).as("the run's process ended with it").isTrue();
        ExecResult next = sandbox.exec(ExecRequest.of("/bin/echo", "next"));
        assertThat(next.stdoutText()).isEqualTo("next\n");
    }

    private long waitForSleeper() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> sleeper =
                    ProcessHandle.allProcesses()
                            .filter(p -> p.info().command().orElse("").endsWith("/sleep"))
                            .filter(
                                    p ->
                                            p.info()
                                                    .arguments()
                                                    .map(a -> a.length == 1 && a[0].equals("30"))
                                                    .orElse(false))
                            .filter(
                                    p ->
                                            p.parent()
                                                    .map(q -> executable(q.pid()))
                                                    .orElse("")
                                                    .startsWith(stateDir.toString()))
                            .findFirst();
            if (sleeper.isPresent()) {
                return sleeper.get().pid();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the run never started");
    }

    private static String executable(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Gone, or a zombie its new parent has yet to reap. */
    private static boolean gone(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (!Files.exists(stat)) {
                return true;
            }
            try {
                String text = Files.readString(stat);
                if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
            } catch (IOException e) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private record Output(String text, Launcher.Exit exit) {}

    /**
     * Runs argv as the sandbox's root through the test's own launcher; stdout and stderr merged.
     */
    private Output attach(List<String> argv) throws Exception {
        int[] input = pipe();
        int[] output = pipe();
        Launcher.Attached attached;
        try {
            attached =
                    launcher.attach(
                            stateDir,
                            sandbox.id(),
                            "/",
                            argv,
                            List.of("PATH=/usr/bin:/bin"),
                            input[0],
                            output[1],
                            output[1]);
        } finally {
            LibC.INSTANCE.close(input[0]);
            LibC.INSTANCE.close(input[1]);
            LibC.INSTANCE.close(output[1]);
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long n;
        while ((n = LibC.INSTANCE.read(output[0], buffer, buffer.length)) > 0) {
            text.write(buffer, 0, (int) n);
        }
        LibC.INSTANCE.close(output[0]);
        return new Output(
                text.toString(StandardCharsets.UTF_8), attached.exit().get(30, TimeUnit.SECONDS));
    }

    private static int[] pipe() {
        int[] fds = new int[2];
        assertThat(LibC.INSTANCE.pipe2(fds, LibC.O_CLOEXEC)).isZero();
        return fds;
    }

    private static byte[] request(int type, int tag, int argc, int envc, String... strings)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(
                ByteBuffer.allocate(16)
                        .order(ByteOrder.nativeOrder())
                        .putInt(type)
                        .putInt(tag)
                        .putInt(argc)
                        .putInt(envc)
                        .array());
        List<String> all = new ArrayList<>(List.of(strings));
        for (String text : all) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }
}
