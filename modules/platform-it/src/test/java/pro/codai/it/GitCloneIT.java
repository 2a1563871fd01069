package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

import pro.codai.it.browser.Browser;
import pro.codai.it.browser.IdePages;

/**
 * Cloning into a Try Now workspace from a real HTTPS Git server: a network namespace stands for the
 * campus network, with the allowed Git host (198.18.7.2:8443, certificate from the campus's own
 * authority) and another host that is not allowed (198.18.7.3:8443). The workspace's network
 * reaches the allowed one only (sandboxd's egress allowlist).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitCloneIT {

    static final String PASSWORD = "Correct-Horse-42-battery";
    static final String OUTSIDE = "cpgit-outside";
    static final String OUTSIDE_LINK = "cpgitout0";
    static final String GIT_HOST = "198.18.7.2:8443";
    static final String OTHER_HOST = "198.18.7.3:8443";

    Keycloak keycloak;
    Sandboxd sandboxd;
    RunningServer server;
    Process gitServer;
    Path work;
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeThat(Browser.available()).as("chromium and chromedriver").isTrue();
        }
        work = Files.createTempDirectory(Path.of("target"), "GitCloneIT-").toAbsolutePath();
        Path www = Files.createDirectories(work.resolve("www"));
        makeRepository(www);
        makeCertificates();
        startGitServer(www);

        keycloak = Keycloak.shared();
        sandboxd =
                Sandboxd.start(
                        1,
                        Map.of(
                                "sandboxd.network.allowed-hosts", GIT_HOST,
                                "sandboxd.network.interface-prefix", "cpgit",
                                "sandboxd.network.subnet", "10.216.0.0/24"));
        server =
                RunningServer.start(
                        keycloak,
                        sandboxd,
                        "GitCloneIT-server",
                        Map.of(
                                "CODAIPRO_STUDENTS_EMAIL_DOMAINS",
                                "uni.example",
                                "CODAIPRO_IDE_GIT_HOSTS",
                                GIT_HOST,
                                "CODAIPRO_IDE_GIT_CA_FILE",
                                work.resolve("ca.pem").toString()));
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (sandboxd != null) {
            sandboxd.close();
        }
        if (gitServer != null) {
            gitServer.destroyForcibly();
        }
        new ProcessBuilder("ip", "netns", "del", OUTSIDE).start().waitFor();
        new ProcessBuilder("nft", "delete", "table", "inet", "codaipro_cpgit").start().waitFor();
    }

    @Test
    void aStudentClonesARepositoryWithTheCloneButton() throws Exception {
        try (Browser browser = Browser.open()) {
            IdePages ide =
                    IdePages.forNewPerson(browser, keycloak.publicUrl(), user("linus"), PASSWORD);
            browser.click(By.id("clone"));
            var address = browser.await(By.id("ask-name"));
            address.clear();
            address.sendKeys("https://" + GIT_HOST + "/hello.git");
            browser.click(By.id("ask-ok"));

            ide.awaitTreeEntry("hello/README.md");
            ide.clickTreeEntry("hello/README.md");
            ide.typeInTerminal("git -C hello log --format=%s\n");
            ide.awaitTerminalLine("first commit"::equals, "the clone's history");
            ide.awaitEditorText("hello from git\n");
        }
    }

    @Test
    void otherHostsAndAddressesAreRefusedAndTheNetworkReachesTheAllowedHostOnly() throws Exception {
        try (Browser browser = Browser.open()) {
            IdePages ide =
                    IdePages.forNewPerson(
                            browser, keycloak.publicUrl(), user("margaret"), PASSWORD);
            String cookie = ide.sessionCookie();

            assertThat(clone(cookie, "https://" + OTHER_HOST + "/hello.git")).isEqualTo(403);
            assertThat(clone(cookie, "http://" + GIT_HOST + "/hello.git")).isEqualTo(400);
            assertThat(clone(cookie, "https://me:secret@" + GIT_HOST + "/hello.git"))
                    .isEqualTo(400);
            assertThat(clone(cookie, "https://" + GIT_HOST + "/hello.git?x=1")).isEqualTo(400);
            assertThat(clone(cookie, "ext::sh -c touch% /tmp/pwned")).isEqualTo(400);
            assertThat(clone(cookie, "https://" + GIT_HOST + "/missing.git"))
                    .as("git's own failure")
                    .isEqualTo(502);
            assertThat(clone(cookie, "https://" + GIT_HOST + "/hello.git")).isEqualTo(201);
            assertThat(clone(cookie, "https://" + GIT_HOST + "/hello.git"))
                    .as("the folder exists now")
                    .isEqualTo(409);

            // From the terminal too: the allowed host answers, the other one is unreachable.
            String probe =
                    "python3 -c \"import socket,sys; socket.create_connection(('%s', %s), 3)\""
                            + " 2>/dev/null && echo %s || echo %s\n";
            String[] allowed = GIT_HOST.split(":");
            ide.typeInTerminal(probe.formatted(allowed[0], allowed[1], "open-1", "shut-1"));
            ide.awaitTerminalLine(line -> line.equals("open-1") || line.equals("shut-1"), "1");
            String[] other = OTHER_HOST.split(":");
            ide.typeInTerminal(probe.formatted(other[0], other[1], "open-2", "shut-2"));
            ide.awaitTerminalLine(line -> line.equals("open-2") || line.equals("shut-2"), "2");
            assertThat(ide.terminalText().lines().map(String::strip))
                    .as("the allowed Git host is reachable, the other is not")
                    .contains("open-1", "shut-2")
                    .doesNotContain("shut-1", "open-2");
        }
    }

    private int clone(String cookie, String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                keycloak.publicUrl()
                                                        + "/app/api/workspace/git/clone?url="
                                                        + URLEncoder.encode(
                                                                url, StandardCharsets.UTF_8)))
                                .header("Cookie", cookie)
                                .header("X-CodaiPro-IDE", "1")
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String user(String name) throws Exception {
        String email = name + "-" + run + "@uni.example";
        keycloak.createUser(email, email, PASSWORD, true);
        return email;
    }

    /** A bare repository with one commit, served the "dumb" HTTP way (plain files). */
    private void makeRepository(Path www) throws Exception {
        Path source = work.resolve("source");
        run("git", "init", "-q", "-b", "main", source.toString());
        Files.writeString(source.resolve("README.md"), "hello from git\n");
        run("git", "-C", source.toString(), "add", "README.md");
        run(
                "git",
                "-C",
                source.toString(),
                "-c",
                "user.name=Campus",
                "-c",
                "user.email=git@uni.example",
                "commit",
                "-q",
                "-m",
                "first commit");
        Path bare = www.resolve("hello.git");
        run("git", "clone", "-q", "--bare", source.toString(), bare.toString());
        run("git", "-C", bare.toString(), "update-server-info");
    }

    /** The campus's certificate authority, and the Git server's certificate from it. */
    private void makeCertificates() throws Exception {
        String dir = work.toString();
        run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=Campus test CA",
                "-keyout",
                dir + "/ca.key",
                "-out",
                dir + "/ca.pem");
        run(
                "openssl",
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=git.campus",
                "-keyout",
                dir + "/server.key",
                "-out",
                dir + "/server.csr");
        Files.writeString(work.resolve("san.ext"), "subjectAltName=IP:198.18.7.2,IP:198.18.7.3\n");
        run(
                "openssl",
                "x509",
                "-req",
                "-in",
                dir + "/server.csr",
                "-CA",
                dir + "/ca.pem",
                "-CAkey",
                dir + "/ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                dir + "/san.ext",
                "-out",
                dir + "/server.pem");
    }

    /** An HTTPS file server on both addresses in the namespace; it stops by itself. */
    private void startGitServer(Path www) throws Exception {
        new ProcessBuilder("ip", "netns", "del", OUTSIDE).start().waitFor();
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
                "g1",
                "netns",
                OUTSIDE);
        run("ip", "addr", "add", "198.18.7.1/24", "dev", OUTSIDE_LINK);
        run("ip", "link", "set", OUTSIDE_LINK, "up");
        inOutside("ip", "addr", "add", "198.18.7.2/24", "dev", "g1");
        inOutside("ip", "addr", "add", "198.18.7.3/24", "dev", "g1");
        inOutside("ip", "link", "set", "g1", "up");
        inOutside("ip", "link", "set", "lo", "up");
        String script =
                String.join(
                        "\n",
                        "import http.server, ssl, threading, os, sys",
                        "os.chdir(sys.argv[1])",
                        "context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
                        "context.load_cert_chain(sys.argv[2], sys.argv[3])",
                        "def listen(address):",
                        "    server = http.server.ThreadingHTTPServer((address, 8443),"
                                + " http.server.SimpleHTTPRequestHandler)",
                        "    server.socket = context.wrap_socket(server.socket, server_side=True)",
                        "    return server",
                        // Both sockets listen before 'ready' is printed.
                        "servers = [listen(a) for a in ('198.18.7.2', '198.18.7.3')]",
                        "for server in servers:",
                        "    threading.Thread(target=server.serve_forever, daemon=True).start()",
                        "print('ready', flush=True)",
                        "threading.Event().wait(900)");
        gitServer =
                new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                OUTSIDE,
                                "python3",
                                "-c",
                                script,
                                www.toString(),
                                work.resolve("server.pem").toString(),
                                work.resolve("server.key").toString())
                        .redirectError(work.resolve("git-server.log").toFile())
                        .start();
        assertThat(new String(gitServer.getInputStream().readNBytes(6), StandardCharsets.UTF_8))
                .isEqualTo("ready\n");
    }

    private void inOutside(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", OUTSIDE));
        argv.addAll(List.of(command));
        run(argv.toArray(String[]::new));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }
}
