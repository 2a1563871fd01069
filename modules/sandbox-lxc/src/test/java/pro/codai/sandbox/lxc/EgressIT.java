package pro.codai.sandbox.lxc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import pro.codai.sandbox.api.DriverConfig;
import pro.codai.sandbox.api.EgressNetwork;
import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.NetworkPolicy;
import pro.codai.sandbox.api.Sandbox;
import pro.codai.sandbox.api.SandboxException;
import pro.codai.sandbox.api.SandboxSpec;

/**
 * Egress allowlists on real LXC and nftables (hostile item 29). A network namespace made here
 * stands for the outside world: a "mirror" answering on 198.18.0.2:8000 (allowed) and
 * 198.18.0.3:8000 (not allowed). The host itself listens on a port the sandboxes must not reach.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EgressIT {

    static final EgressNetwork NETWORK = new EgressNetwork("cpit", "10.214.0.0/16");
    static final String OUTSIDE = "cpit-outside";
    static final String OUTSIDE_LINK = "cpoutside0"; // not under the sandboxes' prefix

    private LxcDriver driver;
    private Path stateDir;
    private Process mirror;
    private final List<Sandbox> created = new ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        String imageDir = LxcDriverIT.imageDirOrSkip();
        removeOutside();
        run("ip", "netns", "add", OUTSIDE);
        run(
                "ip",
                "link",
                "add",
                OUTSIDE_LINK,
                "type",
                "veth",
                "peer",
                "name",
                "m1",
                "netns",
                OUTSIDE);
        run("ip", "addr", "add", "198.18.0.1/24", "dev", OUTSIDE_LINK);
        run("ip", "link", "set", OUTSIDE_LINK, "up");
        inOutside("ip", "addr", "add", "198.18.0.2/24", "dev", "m1");
        inOutside("ip", "addr", "add", "198.18.0.3/24", "dev", "m1");
        inOutside("ip", "link", "set", "m1", "up");
        inOutside("ip", "link", "set", "lo", "up");
        // Bounded: the mirror stops by itself after two minutes.
        String server =
                String.join(
                        "\n",
                        "import socket, threading",
                        "def serve(address):",
                        "    s = socket.socket()",
                        "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                        "    s.bind((address, 8000))",
                        "    s.listen()",
                        "    while True:",
                        "        c, _ = s.accept()",
                        "        c.sendall(('mirror ' + address + '\\n').encode())",
                        "        c.close()",
                        "for a in ('198.18.0.2', '198.18.0.3'):",
                        "    threading.Thread(target=serve, args=(a,), daemon=True).start()",
                        "print('ready', flush=True)",
                        "threading.Event().wait(120)");
        mirror =
                new ProcessBuilder("ip", "netns", "exec", OUTSIDE, "python3", "-c", server)
                        .redirectErrorStream(true)
                        .start();
        assertThat(new String(mirror.getInputStream().readNBytes(6), StandardCharsets.UTF_8))
                .isEqualTo("ready\n");

        stateDir = Files.createTempDirectory("codaipro-egress-");
        driver = new LxcDriver();
        driver.init(
                new DriverConfig(
                        stateDir,
                        Path.of(imageDir),
                        Files.createDirectories(stateDir.resolve("volumes")),
                        LxcDriverIT.SMALL,
                        "eg",
                        NETWORK));
    }

    @AfterEach
    void destroySandboxes() throws Exception {
        for (Sandbox sandbox : created) {
            sandbox.destroy();
        }
        created.clear();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (mirror != null) {
            mirror.destroyForcibly();
        }
        removeOutside();
        if (driver != null) {
            assertThat(driver.list()).isEmpty();
            driver.close();
            LxcDriver.Trees.delete(stateDir);
            new ProcessBuilder("nft", "delete", "table", "inet", "codaipro_cpit").start().waitFor();
        }
    }

    private Sandbox started(List<String> allowed) throws Exception {
        Sandbox sandbox =
                driver.create(
                        SandboxSpec.defaults("base")
                                .withLimits(LxcDriverIT.SMALL)
                                .withNetwork(new NetworkPolicy(allowed)));
        created.add(sandbox);
        sandbox.start();
        return sandbox;
    }

    /** What a TCP connection from the sandbox to host:port yields: the first line or "blocked". */
    private static String connect(Sandbox sandbox, String host, int port) throws Exception {
        ExecResult result =
                sandbox.exec(
                        ExecRequest.of(
                                "python3",
                                "-c",
                                "import socket, sys\n"
                                        + "try:\n"
                                        + "    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)\n"
                                        + "    print(s.makefile().readline().strip())\n"
                                        + "except OSError as e:\n"
                                        + "    print('blocked')\n",
                                host,
                                Integer.toString(port)));
        return result.stdoutText().strip();
    }

    @Test
    void aFreshSandboxsFirstConnectionGoesOutAtOnce() throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Sandbox sandbox = started(List.of("198.18.0.2:8000"));
            try (var links = Files.list(Path.of("/proc/sys/net/ipv4/neigh"))) {
                List<Path> mine =
                        links.filter(link -> link.getFileName().toString().startsWith("cpit-"))
                                .toList();
                assertThat(mine).hasSize(1);
                assertThat(Files.readString(mine.get(0).resolve("proxy_delay")).strip())
                        .as("the gateway's ARP replies are not held back")
                        .isEqualTo("0");
            }
            ExecResult result =
                    sandbox.exec(
                            ExecRequest.of(
                                    "python3",
                                    "-c",
                                    "import socket, time\n"
                                            + "t = time.monotonic()\n"
                                            + "s = socket.create_connection(('198.18.0.2', 8000),"
                                            + " timeout=10)\n"
                                            + "print(s.makefile().readline().strip(),"
                                            + " time.monotonic() - t)\n"));
            String[] words = result.stdoutText().strip().split(" ");
            assertThat(words[0] + " " + words[1])
                    .as(result.stderrText())
                    .isEqualTo("mirror 198.18.0.2");
            seconds.add(Double.parseDouble(words[2]));
            destroySandboxes();
        }
        seconds.sort(null);
        System.out.printf(
                "FIGURE first connection from a fresh sandbox: median %.1f ms, max %.1f ms%n",
                seconds.get(2) * 1000, seconds.get(4) * 1000);
    }

    @Test
    void anAllowedDestinationIsReachableAndNothingElseIs() throws Exception { // 29
        Sandbox sandbox = started(List.of("198.18.0.2:8000"));

        try (ServerSocket hostService = new ServerSocket(0)) {
            hostService.setSoTimeout(100);
            int port = hostService.getLocalPort();

            assertThat(connect(sandbox, "198.18.0.2", 8000)).isEqualTo("mirror 198.18.0.2");
            assertThat(connect(sandbox, "198.18.0.3", 8000))
                    .as("same mirror, address not allowed")
                    .isEqualTo("blocked");
            assertThat(connect(sandbox, "198.18.0.2", 8001))
                    .as("port not allowed")
                    .isEqualTo("blocked");
            assertThat(connect(sandbox, NETWORK.gatewayAddress(), port))
                    .as("the host through the gateway")
                    .isEqualTo("blocked");
            assertThat(connect(sandbox, "198.18.0.1", port))
                    .as("the host's other addresses")
                    .isEqualTo("blocked");
            assertThat(connect(sandbox, "169.254.169.254", 80)).isEqualTo("blocked");
            assertThatThrownBy(hostService::accept)
                    .as("nothing reached the host's service")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void sandboxesWithNetworkCannotReachEachOther() throws Exception { // 30
        Sandbox server = started(List.of("198.18.0.2:8000"));
        Sandbox client = started(List.of("198.18.0.2:8000"));
        server.exec(
                ExecRequest.of(
                                "/bin/sh",
                                "-c",
                                "setsid python3 -c \"import socket; s=socket.socket();"
                                        + " s.bind(('0.0.0.0', 8000)); s.listen();"
                                        + " open('/tmp/listening', 'w').close();"
                                        + " [c.sendall(b'neighbour\\n') or c.close()"
                                        + " for c, _ in iter(s.accept, None)]\""
                                        + " >/dev/null 2>&1 &"
                                        + " while [ ! -e /tmp/listening ]; do sleep 0.05; done")
                        .withTimes(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        String serverAddress =
                server.exec(ExecRequest.of("/bin/sh", "-c", "ip -4 -o addr show eth0"))
                        .stdoutText()
                        .replaceAll("(?s).*inet ([0-9.]+)/.*", "$1");

        assertThat(serverAddress).startsWith("10.214.");
        assertThat(connect(server, "127.0.0.1", 8000)).as("the server runs").isEqualTo("neighbour");
        assertThat(connect(client, serverAddress, 8000)).isEqualTo("blocked");
    }

    @Test
    void namesAreResolvedBySandboxdIntoTheSandboxsHostsFile() throws Exception {
        String name = InetAddress.getLocalHost().getHostName();
        List<String> expected = new ArrayList<>();
        for (InetAddress address : InetAddress.getAllByName(name)) {
            if (address instanceof Inet4Address) {
                expected.add(address.getHostAddress());
            }
        }
        assumeTrue(!expected.isEmpty() && !name.matches("[0-9.]+"), "host name has no IPv4");
        Sandbox sandbox = started(List.of(name + ":9"));

        ExecResult hosts = sandbox.exec(ExecRequest.of("getent", "ahostsv4", name));
        ExecResult resolv = sandbox.exec(ExecRequest.of("/bin/sh", "-c", "cat /etc/resolv.conf"));

        assertThat(hosts.stdoutText().split("\\s+")[0]).isIn(expected);
        assertThat(resolv.stdoutText()).as("no DNS server to ask").doesNotContain("nameserver");
    }

    @Test
    void destroyingASandboxWithdrawsItsRules() throws Exception {
        Sandbox sandbox = started(List.of("198.18.0.2:8000"));
        String address =
                sandbox.exec(ExecRequest.of("/bin/sh", "-c", "ip -4 -o addr show eth0"))
                        .stdoutText()
                        .replaceAll("(?s).*inet ([0-9.]+)/.*", "$1");
        assertThat(allowedSet()).contains(address);

        sandbox.destroy();
        created.remove(sandbox);

        assertThat(allowedSet()).doesNotContain(address);
    }

    @Test
    void anUnresolvableDestinationIsRefusedAndLeavesNothing() throws Exception {
        List<String> before = driver.list();

        assertThatThrownBy(() -> started(List.of("no-such-host.invalid")))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("cannot resolve no-such-host.invalid");
        assertThat(driver.list()).isEqualTo(before);
        assertThat(LxcDriver.mountsUnder(stateDir)).isEmpty();
    }

    private static String allowedSet() throws Exception {
        Process process =
                new ProcessBuilder("nft", "list", "set", "inet", "codaipro_cpit", "allowed")
                        .redirectErrorStream(true)
                        .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static void inOutside(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", OUTSIDE));
        argv.addAll(List.of(command));
        run(argv.toArray(String[]::new));
    }

    private static void removeOutside() throws Exception {
        new ProcessBuilder("ip", "link", "del", OUTSIDE_LINK).start().waitFor();
        new ProcessBuilder("ip", "netns", "del", OUTSIDE).start().waitFor();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
