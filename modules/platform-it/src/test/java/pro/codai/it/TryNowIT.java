package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import pro.codai.it.browser.Browser;
import pro.codai.it.browser.IdePages;
import pro.codai.it.browser.PortalPages;

/**
 * Try Now in a real browser (headless Chromium) on the built server, with the real Keycloak and a
 * real sandboxd: the editor, Run, the terminal over its WebSocket, a workspace that outlives a
 * reload, one student's workspace out of another's reach, and the WebSocket's and the save
 * endpoint's refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TryNowIT {

    static final String PASSWORD = "Correct-Horse-42-battery";
    static final long GRACE_SECONDS = 8;

    Keycloak keycloak;
    Sandboxd sandboxd;
    RunningServer server;
    Path dataDir;
    Map<String, String> settings;
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeThat(Browser.available()).as("chromium and chromedriver").isTrue();
        }
        keycloak = Keycloak.shared();
        sandboxd = Sandboxd.start(2);
        Path workDir = Files.createTempDirectory(Path.of("target"), "TryNowIT-");
        settings = new HashMap<>(keycloak.serverSettings());
        settings.put("CODAIPRO_SANDBOXD_SOCKET", sandboxd.socket.toString());
        settings.put("CODAIPRO_IDE_GRACE_SECONDS", Long.toString(GRACE_SECONDS));
        dataDir = workDir.toAbsolutePath().resolve("data");
        server = RunningServer.start(dataDir, settings);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (sandboxd != null) {
            sandboxd.close();
        }
    }

    @Test
    void aStudentRunsAProgramUsesTheTerminalAndFindsItAllAgainAfterAReload() throws Exception {
        String email = user("ada");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);

            ide.typeInEditor("print(6*7)");
            assertThat(ide.editorText()).isEqualTo("print(6*7)");
            ide.run();
            ide.awaitTerminalLine("42"::equals, "'42' from the program");

            ide.typeInTerminal("echo hi\n");
            ide.awaitTerminalLine("hi"::equals, "'hi'");
            ide.typeInTerminal("sleep 4242 &\n");

            ide.reload();
            // The same shell and its scrollback, the same files, the same running process.
            ide.awaitTerminalLine("hi"::equals, "'hi' replayed after the reload");
            ide.typeInTerminal(
                    "cat main.py; echo; pgrep -f 'sleep 4242' >/dev/null && echo still-running\n");
            ide.awaitTerminalLine("print(6*7)"::equals, "the saved file");
            ide.awaitTerminalLine("still-running"::equals, "the process started before");
        }
    }

    @Test
    void projectTemplatesRunInTheirLanguages() throws Exception {
        String email = user("dennis");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            String greeting = "Hello from your workspace";
            for (String[] template : new String[][] {{"c", "main.c"}, {"java", "Main.java"}}) {
                long before = ide.countTerminalLines(greeting);
                ide.chooseTemplate(template[0]);
                assertThat(ide.fileName()).isEqualTo(template[1]);
                ide.run();
                ide.awaitTerminalLine(
                        line -> ide.countTerminalLines(greeting) > before,
                        "the " + template[1] + " template's greeting");
            }
        }
    }

    @Test
    void onAPhoneWideScreenNothingScrollsSidewaysAndRunWorks() throws Exception {
        String email = user("grace-phone");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            ide.phone(360, 740);
            Thread.sleep(500); // the layout and the terminal's fit follow the resize

            assertThat(ide.windowWidth())
                    .as("the window really is phone-sized")
                    .isLessThanOrEqualTo(360);
            assertThat(ide.overflowsSideways()).as("wider than 360 px").isFalse();
            assertThat(ide.runVisible()).isTrue();
            ide.typeInEditor("print(2**10)");
            ide.run();
            ide.awaitTerminalLine("1024"::equals, "the program's output on a phone");
        }
    }

    @Test
    void anotherStudentSeesNeitherTheFilesNorTheProcessesOfTheFirst() throws Exception {
        String first = user("grace");
        String second = user("linus");
        try (Browser one = Browser.open();
                Browser two = Browser.open()) {
            IdePages firstIde = tryNow(one, first);
            firstIde.typeInTerminal("echo secret-of-grace > notes.txt; sleep 5151 &\n");
            firstIde.typeInTerminal("ls notes.txt\n");
            firstIde.awaitTerminalLine("notes.txt"::equals, "the first student's file");

            IdePages secondIde = tryNow(two, second);
            secondIde.typeInTerminal(
                    "ls ~ /home; cat /home/*/notes.txt 2>/dev/null || echo no-secret;"
                            + " pgrep -f 'sleep 5151' || echo no-process\n");
            secondIde.awaitTerminalLine("no-process"::equals, "the second student's check");
            assertThat(secondIde.terminalText().lines().map(String::strip))
                    .contains("no-secret")
                    .doesNotContain("secret-of-grace", "notes.txt");
        }
    }

    @Test
    void aWorkspaceNobodyShowsEndsAfterTheGracePeriodAndItsFilesStay() throws Exception {
        String email = user("hedy");
        int before;
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            ide.typeInTerminal("echo kept > kept.txt && echo written\n");
            ide.awaitTerminalLine("written"::equals, "the write");
            before = sandboxd.sandboxes().size();
        }
        // The browser is gone; after the grace period (and a culling pass) the sandbox is too.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS + 20);
        while (sandboxd.sandboxes().size() >= before && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(sandboxd.sandboxes().size())
                .as("the workspace's sandbox was released")
                .isLessThan(before);

        try (Browser browser = Browser.open()) {
            new PortalPages(browser, keycloak.publicUrl()).signInAgain(email, PASSWORD);
            IdePages ide = openIde(browser);
            ide.typeInTerminal("cat kept.txt\n");
            ide.awaitTerminalLine("kept"::equals, "the file from the last session");
        }
    }

    @Test
    void theWorkspaceComesBackOnItsOwnAfterSandboxdRestarts() throws Exception {
        String email = user("ken");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            ide.typeInTerminal("echo survives > survives.txt && echo stored\n");
            ide.awaitTerminalLine("stored"::equals, "the write");

            // A crash: sandboxd restarts, its reaper removes every sandbox it had.
            sandboxd.kill();
            sandboxd.launch();

            // The page reconnects; the dead sandbox is replaced by a new one on the same volume.
            // Keystrokes sent while it reconnects are lost, so ask until the answer comes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ide.hasTerminalLine("survives"::equals) && System.nanoTime() < deadline) {
                if (ide.connected()) {
                    ide.typeInTerminal("cat survives.txt\n");
                }
                Thread.sleep(2000);
            }
            assertThat(ide.hasTerminalLine("survives"::equals))
                    .as("the file, kept in the volume, from a new shell:\n" + ide.terminalText())
                    .isTrue();
        }
    }

    @Test
    void workspaceSandboxesOfAKilledServerAreReleasedByTheNextStart() throws Exception {
        String email = user("barbara");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            ide.typeInTerminal("echo up\n");
            ide.awaitTerminalLine("up"::equals, "the workspace");
        }
        List<String> workspaces = sandboxd.ownedBy("try-now");
        assertThat(workspaces).isNotEmpty();
        server.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        server = RunningServer.start(dataDir, settings);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Collections.disjoint(sandboxd.ownedBy("try-now"), workspaces)
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(sandboxd.ownedBy("try-now"))
                .as("workspace sandboxes of the killed server")
                .doesNotContainAnyElementsOf(workspaces);
    }

    @Test
    void theTerminalSocketRefusesOtherOriginsAndVisitorsWithoutASession() throws Exception {
        String email = user("mallory");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            String cookie = ide.sessionCookie();
            String origin = keycloak.publicUrl();

            assertThat(handshake(cookie, "http://evil.example")).isEqualTo(403);
            assertThat(handshake(null, origin)).as("no session").isNotEqualTo(101);
            assertThat(handshake(cookie, origin)).as("own origin, signed in").isEqualTo(101);
        }
    }

    @Test
    void savingRefusesBadPathsForeignRequestsAndOversizedFiles() throws Exception {
        String email = user("eve");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            String cookie = ide.sessionCookie();

            for (String bad :
                    new String[] {"../etc/passwd", "/etc/passwd", "a/../../b", "", "x y"}) {
                HttpResponse<String> refused = save(cookie, bad, "x", true);
                assertThat(refused.statusCode()).as(bad).isEqualTo(400);
                assertThat(refused.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("application/problem+json");
            }
            assertThat(save(cookie, "ok.py", "x", false).statusCode())
                    .as("without the IDE's header")
                    .isEqualTo(403);
            assertThat(save(cookie, "big.txt", "x".repeat(1024 * 1024 + 1), true).statusCode())
                    .isEqualTo(413);
            assertThat(save(cookie, "dir/ok.py", "print('saved')\n", true).statusCode())
                    .isEqualTo(204);
            ide.typeInTerminal("cat dir/ok.py; ls big.txt 2>/dev/null || echo no-big-file\n");
            ide.awaitTerminalLine("print('saved')"::equals, "the saved file");
            ide.awaitTerminalLine("no-big-file"::equals, "nothing of the refused file");
        }
    }

    private HttpResponse<String> save(String cookie, String path, String body, boolean fromIde)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(
                                        keycloak.publicUrl()
                                                + "/app/workspace/file?path="
                                                + java.net.URLEncoder.encode(
                                                        path, StandardCharsets.UTF_8)))
                        .header("Cookie", cookie)
                        .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (fromIde) {
            request.header("X-CodaiPro-IDE", "1");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a WebSocket handshake to the terminal: 101 when it opened. */
    private int handshake(String cookie, String origin) throws Exception {
        String url = keycloak.publicUrl().replaceFirst("^http", "ws") + "/app/terminal";
        WebSocket.Builder builder = http.newWebSocketBuilder().header("Origin", origin);
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        try {
            WebSocket socket =
                    builder.buildAsync(URI.create(url), new WebSocket.Listener() {})
                            .get(30, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    /** Signs a new person in (profile completed) and opens Try Now. */
    private IdePages tryNow(Browser browser, String email) {
        new PortalPages(browser, keycloak.publicUrl()).signInForTheFirstTime(email, PASSWORD);
        return openIde(browser);
    }

    private IdePages openIde(Browser browser) {
        IdePages ide = new IdePages(browser, keycloak.publicUrl());
        ide.open();
        return ide;
    }

    private String user(String name) throws Exception {
        String email = name + "-" + run + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true);
        return email;
    }
}
