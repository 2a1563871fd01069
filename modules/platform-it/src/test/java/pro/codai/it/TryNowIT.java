package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

import pro.codai.it.browser.Accessibility;
import pro.codai.it.browser.AdminPages;
import pro.codai.it.browser.Browser;
import pro.codai.it.browser.IdePages;
import pro.codai.it.browser.KeycloakPages;
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
    static final long IDLE_SECONDS = 20;
    static final long FREE_SECONDS = 15;
    static final long HOME_MEGABYTES = 48;

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
        settings.put("CODAIPRO_IDE_IDLE_SECONDS", Long.toString(IDLE_SECONDS));
        settings.put("CODAIPRO_ADMIN_TOKEN", ReliabilityIT.ADMIN_TOKEN);
        // People at uni.example are on the Student plan (unlimited); others on Free, whose
        // daily time is made short here.
        settings.put("CODAIPRO_STUDENTS_EMAIL_DOMAINS", "uni.example");
        settings.put("CODAIPRO_QUOTA_TRY_NOW_SECONDS_FREE", Long.toString(FREE_SECONDS));
        settings.put("CODAIPRO_IDE_QUOTA_WARNING_SECONDS", "10");
        // Small homes, so one test can fill its own quickly (the others stay far below).
        settings.put("CODAIPRO_QUOTA_HOME_MEGABYTES_STUDENT", Long.toString(HOME_MEGABYTES));
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
        assertThat(server.output())
                .as("terminal sessions run their idle-timeout task off the managed executor")
                .doesNotContain("keep the container's idle-timeout scheduler");
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
                awaitTrue(() -> ide.fileName().equals(template[1]), template[1] + " opened");
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
        // The browser is gone; after the grace period (and a culling pass) the workspace ends:
        // its end is in the audit log (with why and after how long), and its sandbox is released.
        // (Other tests' workspaces come and go meanwhile, so the count alone does not tell.)
        awaitTrue(
                () -> auditOf(email, null).contains("\"action\":\"session.ended\""),
                "the workspace's end in the audit log",
                GRACE_SECONDS + 20);
        int shown = before;
        awaitTrue(
                () -> sandboxd.sandboxes().size() < shown,
                "the workspace's sandbox released",
                GRACE_SECONDS + 20);
        String ended = auditOf(email, "session.ended");
        assertThat(ended).contains("\"detail\":\"unattended after ");
        assertThat(auditOf(email, "session.started")).contains("\"detail\":\"sandbox ");

        try (Browser browser = Browser.open()) {
            new PortalPages(browser, keycloak.publicUrl()).signInAgain(email, PASSWORD);
            IdePages ide = openIde(browser);
            ide.typeInTerminal("cat kept.txt\n");
            ide.awaitTerminalLine("kept"::equals, "the file from the last session");
        }
    }

    @Test
    void anAdministratorSeesAnOpenWorkspaceOnTheConsoleAndEndsIt() throws Exception {
        String email = user("ines");
        String admin = "admin-" + run + "@uni.example";
        keycloak.createUser(admin, admin, PASSWORD, true, "administrators");
        try (Browser student = Browser.open();
                Browser console = Browser.open()) {
            IdePages ide = tryNow(student, email);
            ide.typeInTerminal("echo open\n");
            ide.awaitTerminalLine("open"::equals, "the shell");
            int open = sandboxd.sandboxes().size();

            PortalPages portal = new PortalPages(console, keycloak.publicUrl());
            portal.signInForTheFirstTime(admin, PASSWORD);
            AdminPages pages = new AdminPages(console, portal);
            pages.openLiveSessionsShowing(email);
            List<String> findings = new ArrayList<>();
            Accessibility.check(console, "live sessions", findings);
            assertThat(findings).isEmpty();

            pages.endWorkspaceOf(email);
            // The student's page is told at once, and keeps the files for a new start.
            ide.awaitAlert(
                    text -> text.contains("An administrator ended your workspace"),
                    "the end announced",
                    30);
            awaitTrue(
                    () -> sandboxd.sandboxes().size() < open,
                    "the workspace's sandbox released",
                    30);
            assertThat(pages.listsWorkspaceOf(email)).isFalse();
            assertThat(auditOf(email, "session.ended-by-admin"))
                    .contains("\"actorEmail\":\"" + admin + "\"");
            assertThat(auditOf(email, "session.ended"))
                    .contains("\"detail\":\"ended by an administrator after ");
        }
    }

    @Test
    void anAdministratorSuspendsAStudentWhoseWorkspaceEndsAtOnceAndReEnablesThem()
            throws Exception {
        String email = "olga-" + run + "@uni.example";
        String subject = keycloak.createUser(email, email, PASSWORD, true);
        String admin = "suspender-" + run + "@uni.example";
        keycloak.createUser(admin, admin, PASSWORD, true, "administrators");
        try (Browser student = Browser.open();
                Browser console = Browser.open()) {
            IdePages ide = tryNow(student, email);
            ide.typeInTerminal("echo open\n");
            ide.awaitTerminalLine("open"::equals, "the shell");
            int open = sandboxd.sandboxes().size();

            PortalPages portal = new PortalPages(console, keycloak.publicUrl());
            portal.signInForTheFirstTime(admin, PASSWORD);
            AdminPages pages = new AdminPages(console, portal);
            pages.openPeople();
            pages.searchPeople(email);
            assertThat(pages.offers(admin, "suspend")).as("nobody suspends themselves").isFalse();
            long asked = System.nanoTime();
            pages.suspend(email, "shared an exam answer");
            // The student's page is told, and the sandbox is released.
            ide.awaitAlert(
                    text -> text.contains("An administrator ended your session"),
                    "the suspension announced",
                    30);
            long told = System.nanoTime();
            awaitTrue(
                    () -> sandboxd.sandboxes().size() < open,
                    "the workspace's sandbox released",
                    30);
            System.out.printf(
                    "Suspension to the workspace's end on the student's page: %.0f ms%n",
                    (told - asked) / 1e6);
            assertThat(pages.peopleRows().get(0)).contains("Suspended since");
            List<String> findings = new ArrayList<>();
            Accessibility.check(console, "people, a person suspended", findings);
            assertThat(findings).isEmpty();
            assertThat(
                            Keycloak.json(keycloak.admin("GET", "/users/" + subject, null))
                                    .asJsonObject()
                                    .getBoolean("enabled"))
                    .as("disabled in Keycloak")
                    .isFalse();
            assertThat(auditOf(email, "account.suspended"))
                    .contains("\"detail\":\"shared an exam answer\"")
                    .contains("\"actorEmail\":\"" + admin + "\"");
            assertThat(auditOf(email, "session.ended"))
                    .contains("access ended by an administrator after ");

            // The student's portal session is over: the IDE sends them to sign in again, and
            // Keycloak refuses the disabled account.
            student.go(keycloak.publicUrl() + "/try-now");
            String refusal = new KeycloakPages(student).signInExpectingRefusal(email, PASSWORD);
            assertThat(refusal).containsAnyOf("disabled", "Invalid");
            assertThat(student.present(By.id("kc-form-login"))).as("still at Keycloak").isTrue();

            pages.reinstate(email);
            assertThat(pages.offers(email, "suspend")).isTrue();
            assertThat(pages.peopleRows().get(0))
                    .as("their Try Now time of the last 7 days, the ended workspace's included")
                    .containsPattern("\\d+ min");
            assertThat(
                            Keycloak.json(keycloak.admin("GET", "/users/" + subject, null))
                                    .asJsonObject()
                                    .getBoolean("enabled"))
                    .as("enabled in Keycloak again")
                    .isTrue();
            auditOf(email, "account.reinstated");
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
    void filesAreManagedFromTheTreeInTabsAndTheWorkspaceExportsAsAZip() throws Exception {
        String email = user("margaret");
        Path upload = Files.createTempDirectory(Path.of("target"), "upload-").resolve("notes.txt");
        Files.writeString(upload, "uploaded notes\n");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            ide.typeInEditor("print('tabs')");
            ide.run();
            ide.awaitTerminalLine("tabs"::equals, "main.py's output");

            ide.upload(upload);
            ide.awaitTreeEntry("notes.txt");
            ide.clickTreeEntry("notes.txt");
            awaitTrue(() -> ide.fileName().equals("notes.txt"), "notes.txt in the editor");
            ide.awaitEditorText("uploaded notes\n");
            assertThat(ide.tabs()).containsExactly("main.py", "notes.txt");

            ide.renameSelectedTo("docs/readme.txt");
            ide.awaitTreeEntry("docs");
            ide.clickTreeEntry("docs");
            ide.awaitTreeEntry("docs/readme.txt");
            assertThat(ide.treePaths()).doesNotContain("notes.txt");
            assertThat(ide.tabs()).containsExactly("main.py", "docs/readme.txt");

            String export = ide.exportHref();
            assertThat(export).isEqualTo(keycloak.publicUrl() + "/app/api/workspace/zip");
            HttpResponse<byte[]> zip = get(ide.sessionCookie(), export);
            assertThat(zip.statusCode()).isEqualTo(200);
            assertThat(zip.headers().firstValue("Content-Disposition").orElse(""))
                    .contains("workspace.zip");
            Map<String, String> entries = unzip(zip.body());
            assertThat(entries)
                    .containsEntry("docs/readme.txt", "uploaded notes\n")
                    .containsEntry("main.py", "print('tabs')")
                    .doesNotContainKey("notes.txt");
        }
    }

    @Test
    void theStaticWebTemplateOpensInASandboxedPreviewOnItsOwnOrigin() throws Exception {
        String email = user("tim");
        String previewOrigin = "http://127.0.0.1:" + server.port();
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            ide.chooseTemplate("web");
            awaitTrue(() -> ide.fileName().equals("site/index.html"), "the page in the editor");
            assertThat(ide.tabs()).contains("site/index.html", "site/style.css", "site/app.js");
            String cookie = ide.sessionCookie();
            assertThat(
                            write(cookie, "site/.env", "TOKEN=secret-of-tim".getBytes(), true)
                                    .statusCode())
                    .isEqualTo(204);
            assertThat(
                            write(cookie, ".git/config", "[user]\n\tname = tim".getBytes(), true)
                                    .statusCode())
                    .isEqualTo(204);

            String page = ide.previewHref();
            assertThat(page)
                    .as("previews are on their own origin, never the portal's")
                    .startsWith(previewOrigin + "/preview/")
                    .endsWith("/site/index.html");
            HttpResponse<byte[]> shown = get(null, page);
            assertThat(shown.statusCode()).isEqualTo(200);
            assertThat(new String(shown.body(), StandardCharsets.UTF_8))
                    .contains("Hello from your workspace");
            assertThat(shown.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("text/html");
            assertThat(shown.headers().firstValue("Content-Security-Policy").orElse(""))
                    .as("the page runs in an opaque origin, with a policy of its own")
                    .startsWith("sandbox allow-scripts")
                    .doesNotContain("allow-same-origin")
                    .contains("object-src 'none'");
            assertThat(shown.headers().firstValue("Set-Cookie")).isEmpty();
            HttpResponse<byte[]> style = get(null, page.replace("index.html", "style.css"));
            assertThat(style.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("text/css");
            assertThat(
                            get(null, page.replaceFirst("/preview/[^/]+/", "/preview/guess/"))
                                    .statusCode())
                    .as("another secret")
                    .isEqualTo(404);
            for (String hidden :
                    new String[] {
                        "site/.env", ".git/config", "site/%2Eenv", "site/../.git/config"
                    }) {
                HttpResponse<byte[]> refused = get(null, page.replace("site/index.html", hidden));
                // 404; a path with ".." may be refused as a bad request before that.
                assertThat(refused.statusCode()).as(hidden).isIn(400, 404);
                assertThat(new String(refused.body(), StandardCharsets.UTF_8))
                        .as(hidden)
                        .doesNotContain("secret-of-tim")
                        .doesNotContain("name = tim");
            }
            assertThat(get(cookie, page.replace(previewOrigin, keycloak.publicUrl())).statusCode())
                    .as("the same preview on the portal's origin")
                    .isEqualTo(404);
            assertThat(get(cookie, previewOrigin + "/app/api/workspace/tree").statusCode())
                    .as("the portal's API on the preview origin, even with the cookie")
                    .isEqualTo(404);

            // In the browser: the page works on the preview origin, which has no portal cookie.
            browser.go(page);
            browser.awaitText("Hello from your workspace");
            assertThat(browser.cookies())
                    .as("cookies the browser sends to the preview origin")
                    .extracting(org.openqa.selenium.Cookie::getName)
                    .doesNotContain("JSESSIONID");
            browser.go(previewOrigin + "/app/dashboard.xhtml");
            browser.awaitText("previews only");
            assertThat(browser.cookies())
                    .extracting(org.openqa.selenium.Cookie::getName)
                    .doesNotContain("JSESSIONID");
        }
    }

    @Test
    void monacosWorkersRunFromThePortalWithoutAnyContentSecurityPolicyViolation() throws Exception {
        String email = user("barbara-liskov");
        Path json = Files.createTempDirectory(Path.of("target"), "json-").resolve("broken.json");
        Files.writeString(json, "{\"name\": \"ada\",, }\n");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            ide.upload(json);
            ide.awaitTreeEntry("broken.json");
            ide.clickTreeEntry("broken.json");
            awaitTrue(() -> ide.fileName().equals("broken.json"), "broken.json in the editor");

            // JSON validation runs in Monaco's JSON worker: its markers show the worker answered.
            awaitTrue(() -> ide.markerCount() > 0, "the JSON worker's diagnostics");
            assertThat(ide.workerScriptsLoaded())
                    .as("worker scripts fetched from the portal")
                    .anyMatch(url -> url.endsWith("/ide/lib/monaco/workers/json.worker.js"));
            assertThat(browser.consoleEntries())
                    .as("the IDE page's console")
                    .noneMatch(entry -> entry.contains("Content Security Policy"))
                    .noneMatch(entry -> entry.contains("Refused to"))
                    .noneMatch(entry -> entry.contains("Could not create web worker"))
                    .noneMatch(entry -> entry.contains("main thread"));
        }
    }

    @Test
    void theFreePlansDailyTimeIsMeteredWarnedAboutAndEnforcedKeepingTheFiles() throws Exception {
        String email = user("quincy", "mail.example");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            awaitTrue(
                    () -> ide.quotaText().endsWith("of " + FREE_SECONDS + " s left today"),
                    "the meter");
            ide.typeInTerminal("echo kept > kept.txt\n");

            ide.awaitAlert(text -> text.contains("of Try Now left today"), "the warning", 30);
            ide.awaitAlert(text -> text.contains("used up"), "the cut-off", 40);
            assertThat(ide.connected()).isFalse();
            assertThat(ide.quotaText()).startsWith("0 s of");

            HttpResponse<byte[]> refused =
                    get(ide.sessionCookie(), keycloak.publicUrl() + "/app/api/workspace/tree");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("application/problem+json");

            browser.go(keycloak.publicUrl() + "/try-now");
            ide.awaitAlert(text -> text.contains("used up"), "the refusal on a new visit", 30);
        }
    }

    @Test
    void aFullHomeRefusesSavesWithAClearMessageAndTheWorkspaceGoesOn() throws Exception {
        String email = user("edith");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            HttpResponse<byte[]> home =
                    get(ide.sessionCookie(), keycloak.publicUrl() + "/app/api/workspace/home");
            assertThat(home.statusCode())
                    .as(new String(home.body(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
            awaitTrue(
                    () -> ide.homeText().matches("Home: \\d+\\.\\d MB of 4\\d\\.\\d MB used"),
                    "the home's used and total space");

            shell(
                    ide,
                    "for n in 1 2 3; do dd if=/dev/zero of=~/filler$n bs=4k 2>&1; sync; done"
                            + " | grep -c 'No space left';"
                            // ext4 hands back blocks it held for writes in flight once they are
                            // written: take those too, a block a file, until none is left.
                            + " for round in 1 2; do i=0;"
                            + " while echo x > ~/.filler-$round-$i 2>/dev/null; do i=$((i+1)); done;"
                            + " sync; done",
                    "filled");
            ide.awaitTerminalLine("3"::equals, "ENOSPC at the home's size");
            ide.typeInEditor("print('room again')");
            ide.run();

            ide.awaitAlert(
                    text ->
                            text.matches(
                                    "Your home is full: 4\\d\\.\\d MB of 4\\d\\.\\d MB used\\..*"),
                    "the full-home message",
                    30);
            awaitTrue(
                    () -> ide.homeText().matches("Home: 4\\d\\.\\d MB of 4\\d\\.\\d MB used"),
                    "the home shown full");
            HttpResponse<byte[]> refused =
                    write(ide.sessionCookie(), "more.txt", new byte[64 * 1024], true);
            assertThat(refused.statusCode()).isEqualTo(507);
            assertThat(refused.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("application/problem+json");
            assertThat(new String(refused.body(), StandardCharsets.UTF_8))
                    .contains("Your home is full");

            // The workspace goes on: the student frees space in the terminal and saves again.
            shell(ide, "rm -f ~/filler* ~/.filler-*", "freed");
            ide.run();
            ide.awaitTerminalLine("room again"::equals, "the program saved and run");
            awaitTrue(
                    () -> ide.homeText().matches("Home: [0-3]?\\d?\\.\\d MB of 4\\d\\.\\d MB used"),
                    "the space back");
        }
    }

    @Test
    void anUnusedWorkspaceIsStoppedWhileABusyProgramKeepsItAndResumeBringsItBack()
            throws Exception {
        String email = user("alan");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            long busySeconds = IDLE_SECONDS + 6;
            ide.typeInTerminal(
                    "timeout " + busySeconds + " sh -c 'while :; do :; done'; echo busy-done\n");
            // The program's own end: had the workspace been stopped as idle, it never comes.
            ide.awaitTerminalLine(
                    "busy-done"::equals,
                    "the busy program's end",
                    Duration.ofSeconds(busySeconds + 60));
            assertThat(ide.alertText()).as("stopped while busy").isEmpty();
            assertThat(ide.connected()).isTrue();

            ide.awaitAlert(text -> text.contains("not used"), "the idle stop", 60);
            assertThat(ide.connected()).isFalse();
            ide.resume();
            ide.typeInTerminal("echo back\n");
            ide.awaitTerminalLine("back"::equals, "the resumed workspace");
        }
    }

    @Test
    void signingOutClosesTheTerminal() throws Exception {
        String email = user("sophie");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            ide.signOutElsewhere();
            ide.awaitAlert(text -> text.contains("Sign in again"), "the sign-out", 30);
            assertThat(ide.connected()).isFalse();
        }
    }

    @Test
    void theFileApiRefusesBadPathsForeignRequestsAndOversizedFiles() throws Exception {
        String email = user("eve");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            String cookie = ide.sessionCookie();

            for (String bad :
                    new String[] {"../etc/passwd", "/etc/passwd", "a/../../b", "", "a//b"}) {
                HttpResponse<byte[]> refused = write(cookie, bad, "x".getBytes(), true);
                assertThat(refused.statusCode()).as(bad).isEqualTo(400);
                assertThat(refused.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("application/problem+json");
            }
            assertThat(write(cookie, "ok.py", "x".getBytes(), false).statusCode())
                    .as("without the IDE's header")
                    .isEqualTo(403);
            assertThat(write(cookie, "big.txt", new byte[4 * 1024 * 1024 + 1], true).statusCode())
                    .isEqualTo(413);
            assertThat(
                            write(cookie, "dir/ok file.py", "print('saved')\n".getBytes(), true)
                                    .statusCode())
                    .isEqualTo(204);
            assertThat(call(cookie, "GET", "file", null, "path", "nothing.txt").statusCode())
                    .isEqualTo(404);
            assertThat(call(null, "GET", "tree", null).statusCode())
                    .as("no session")
                    .isNotEqualTo(200);
            ide.typeInTerminal(
                    "cat 'dir/ok file.py'; ls big.txt 2>/dev/null || echo no-big-file\n");
            ide.awaitTerminalLine("print('saved')"::equals, "the saved file");
            ide.awaitTerminalLine("no-big-file"::equals, "nothing of the refused file");
        }
    }

    @Test
    void aNulInAPathIs400AndATerminalFrameOver64KiBClosesTheSocketWith1009() throws Exception {
        String email = user("nul");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            String cookie = ide.sessionCookie();

            for (String bad : new String[] {"a\u0000b.txt", "dir\u0000/x", "line\nbreak"}) {
                HttpResponse<byte[]> refused = write(cookie, bad, "x".getBytes(), true);
                assertThat(refused.statusCode()).as(bad).isEqualTo(400);
                assertThat(refused.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("application/problem+json");
            }
            assertThat(call(cookie, "GET", "tree", null, "path", "a\u0000").statusCode())
                    .isEqualTo(400);

            Terminal atLimit = terminal(cookie);
            atLimit.socket.sendBinary(ByteBuffer.wrap(new byte[64 * 1024]), true).join();
            atLimit.socket
                    .sendBinary(
                            ByteBuffer.wrap(
                                    "\u0015echo frame-at-$((60+4))k-ok\n"
                                            .getBytes(StandardCharsets.UTF_8)),
                            true)
                    .join();
            awaitTrue(
                    () -> atLimit.output.toString().contains("frame-at-64k-ok\r\n"),
                    "the shell's answer after a 64 KiB frame");
            assertThat(atLimit.closeCode.isDone()).as("open after 64 KiB").isFalse();
            atLimit.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");

            Terminal over = terminal(cookie);
            over.socket.sendBinary(ByteBuffer.wrap(new byte[64 * 1024 + 1]), true);
            assertThat(over.closeCode.get(30, TimeUnit.SECONDS)).isEqualTo(1009);
        }
    }

    /**
     * A terminal socket opened as the page opens it, keeping what it receives; returned once the
     * server says the shell is ready.
     */
    private record Terminal(
            WebSocket socket,
            StringBuffer output,
            java.util.concurrent.CompletableFuture<Integer> closeCode) {}

    private Terminal terminal(String cookie) throws Exception {
        StringBuffer output = new StringBuffer();
        java.util.concurrent.CompletableFuture<Integer> closeCode =
                new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> ready =
                new java.util.concurrent.CompletableFuture<>();
        WebSocket socket =
                http.newWebSocketBuilder()
                        .header("Origin", keycloak.publicUrl())
                        .header("Cookie", cookie)
                        .buildAsync(
                                URI.create(
                                        keycloak.publicUrl().replaceFirst("^http", "ws")
                                                + "/app/terminal"),
                                new WebSocket.Listener() {
                                    @Override
                                    public java.util.concurrent.CompletionStage<?> onBinary(
                                            WebSocket webSocket, ByteBuffer data, boolean last) {
                                        output.append(StandardCharsets.UTF_8.decode(data));
                                        webSocket.request(1);
                                        return null;
                                    }

                                    @Override
                                    public java.util.concurrent.CompletionStage<?> onText(
                                            WebSocket webSocket, CharSequence text, boolean last) {
                                        if (text.toString().contains("\"ready\"")) {
                                            ready.complete(null);
                                        }
                                        webSocket.request(1);
                                        return null;
                                    }

                                    @Override
                                    public java.util.concurrent.CompletionStage<?> onClose(
                                            WebSocket webSocket, int statusCode, String reason) {
                                        closeCode.complete(statusCode);
                                        return null;
                                    }

                                    @Override
                                    public void onError(WebSocket webSocket, Throwable error) {
                                        closeCode.completeExceptionally(error);
                                    }
                                })
                        .get(30, TimeUnit.SECONDS);
        ready.get(60, TimeUnit.SECONDS);
        return new Terminal(socket, output, closeCode);
    }

    /** hostile-workloads.md 21 and 22: a planted link is not written through, read or zipped. */
    @Test
    void linksPlantedInTheHomeAreNeitherWrittenThroughNorReadNorExported() throws Exception {
        String email = user("mallet");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            String cookie = ide.sessionCookie();
            shell(
                    ide,
                    "mkdir -p /tmp/outside && echo outside-secret > /tmp/outside/secret.txt"
                            + " && ln -s /tmp/outside/secret.txt evil.py && ln -s /tmp/outside out"
                            + " && echo mine > mine.txt && ln mine.txt hard.txt",
                    "planted");

            assertThat(write(cookie, "evil.py", "overwritten".getBytes(), true).statusCode())
                    .as("write at a link")
                    .isEqualTo(409);
            assertThat(write(cookie, "out/new.txt", "x".getBytes(), true).statusCode())
                    .as("write through a linked folder")
                    .isEqualTo(409);
            assertThat(call(cookie, "GET", "file", null, "path", "evil.py").statusCode())
                    .as("read of a link")
                    .isEqualTo(409);
            assertThat(call(cookie, "GET", "file", null, "path", "out/secret.txt").statusCode())
                    .as("read through a linked folder")
                    .isEqualTo(409);
            assertThat(call(cookie, "GET", "file", null, "path", "hard.txt").statusCode())
                    .as("read of a hard-linked file")
                    .isEqualTo(409);
            HttpResponse<byte[]> zip = call(cookie, "GET", "zip", null);
            assertThat(zip.statusCode()).isEqualTo(200);
            Map<String, String> entries = unzip(zip.body());
            assertThat(entries.keySet())
                    .doesNotContain("evil.py", "out", "out/secret.txt", "hard.txt", "mine.txt");
            assertThat(entries.values()).noneMatch(content -> content.contains("outside-secret"));

            shell(ide, "cat /tmp/outside/secret.txt; readlink evil.py; ls /tmp/outside", "checked");
            assertThat(ide.terminalText().lines().map(String::strip))
                    .contains("outside-secret", "/tmp/outside/secret.txt", "secret.txt")
                    .doesNotContain("overwritten", "new.txt");
        }
    }

    /** hostile-workloads.md 23 and 24: deletes do not follow links; bad archives change nothing. */
    @Test
    void deletesDoNotFollowLinksAndArchivesWithBadEntriesChangeNothing() throws Exception {
        String email = user("oscar");
        try (Browser browser = Browser.open()) {
            IdePages ide = tryNow(browser, email);
            String cookie = ide.sessionCookie();
            shell(
                    ide,
                    "mkdir -p /tmp/precious trap && echo keep > /tmp/precious/file"
                            + " && ln -s /tmp/precious trap/link && ln -s /tmp/precious/file trap/f",
                    "planted");
            assertThat(call(cookie, "DELETE", "file", null, "path", "trap").statusCode())
                    .isEqualTo(204);

            Map<String, byte[]> slip = new LinkedHashMap<>();
            slip.put("fine.txt", "fine".getBytes());
            slip.put("../escaped.txt", "x".getBytes());
            Map<String, byte[]> absolute = Map.of("/tmp/absolute.txt", "x".getBytes());
            for (byte[] bad :
                    List.of(
                            zip(slip, null),
                            zip(absolute, null),
                            zip(Map.of("ok.txt", "x".getBytes()), "link-entry"),
                            "not a zip at all".getBytes())) {
                HttpResponse<byte[]> refused = call(cookie, "POST", "zip", bad, "path", "unpacked");
                assertThat(refused.statusCode())
                        .as(new String(refused.body(), StandardCharsets.UTF_8))
                        .isEqualTo(400);
            }
            HttpResponse<byte[]> good =
                    call(
                            cookie,
                            "POST",
                            "zip",
                            zip(Map.of("src/a.py", "print(1)\n".getBytes()), null),
                            "path",
                            "unpacked");
            assertThat(good.statusCode()).isEqualTo(200);

            shell(
                    ide,
                    "cat /tmp/precious/file; ls trap 2>/dev/null || echo trap-gone;"
                            + " ls unpacked; stat -c 'owner-%u' unpacked/src/a.py;"
                            + " ls fine.txt ../escaped.txt /tmp/escaped.txt /tmp/absolute.txt"
                            + " unpacked/fine.txt 2>&1 | grep -c 'No such'",
                    "checked");
            assertThat(ide.terminalText().lines().map(String::strip))
                    .contains("keep", "trap-gone", "src", "owner-1000", "5");
        }
    }

    /**
     * hostile-workloads.md 25 and 26: a folder swapped for a link while files are written never
     * sends a write outside; temporary files are the workspace's own and go with it.
     */
    @Test
    void swappingAFolderForALinkDuringWritesNeverWritesOutsideAndTempFilesAreWiped()
            throws Exception {
        String first = user("racer");
        String second = user("onlooker");
        try (Browser one = Browser.open();
                Browser two = Browser.open()) {
            IdePages ide = tryNow(one, first);
            String cookie = ide.sessionCookie();
            // The swapper runs until told to stop and counts its rounds in race.count; the
            // writes go on until it has made rounds while they ran, however fast or loaded this
            // machine is (caps bound both if something stalls).
            shell(
                    ide,
                    "mkdir -p /tmp/target race.d && ln -sfn /tmp/target race.l"
                            + " && rm -f race.stop race.count"
                            + " && for f in /tmp /dev/shm /var/tmp; do echo left > $f/left-$USER"
                            + " 2>/dev/null; done; (n=0; while [ ! -e race.stop ]"
                            + " && [ $n -lt 100000 ]; do mv -T race.d race; mv -T race race.d;"
                            + " mv -T race.l race; mv -T race race.l; n=$((n+1));"
                            + " echo $n > race.count; done 2>/dev/null) &",
                    "racing");
            long roundsBefore = awaitSwapRounds(cookie, 1);
            int written = 0;
            int attempted = 0;
            long roundsDuring = 0;
            while (attempted < 600 && (attempted < 60 || roundsDuring < 2)) {
                int status = write(cookie, "race/x" + attempted, "x".getBytes(), true).statusCode();
                assertThat(status).as("write " + attempted).isIn(204, 404, 409);
                written += status == 204 ? 1 : 0;
                attempted++;
                if (attempted % 20 == 0) {
                    roundsDuring = swapRounds(cookie) - roundsBefore;
                }
            }
            shell(
                    ide,
                    "touch race.stop; wait; ls /tmp/target | wc -l | sed 's/^/outside-/'",
                    "counted");
            // The final count from the swapper's file: a terminal line may have scrolled away.
            long rounds = swapRounds(cookie);
            List<String> lines = ide.terminalText().lines().map(String::strip).toList();
            System.out.printf(
                    "FIGURE folder/link swap rounds: %d in all, %d during %d writes (%d went in)%n",
                    rounds, roundsDuring, attempted, written);
            assertThat(roundsDuring).as("swap rounds while the writes ran").isGreaterThan(1);
            assertThat(rounds).as("the swapper's own count").isGreaterThan(roundsBefore);
            assertThat(lines)
                    .as("%d writes went in; none through the link", written)
                    .contains("outside-0");

            IdePages other = tryNow(two, second);
            shell(other, "ls /tmp /dev/shm /var/tmp | grep -c left- | sed 's/^/seen-/'", "looked");
            assertThat(other.terminalText().lines().map(String::strip)).contains("seen-0");
        }
        // The first workspace ends after the grace period; its temporary files end with it.
        awaitTrue(
                () -> sandboxd.ownedBy("try-now").isEmpty(),
                "every workspace ended",
                GRACE_SECONDS + 30);
        try (Browser browser = Browser.open()) {
            new PortalPages(browser, keycloak.publicUrl()).signInAgain(first, PASSWORD);
            IdePages ide = openIde(browser);
            shell(ide, "ls /tmp /dev/shm /var/tmp | grep -c left- | sed 's/^/left-/'", "looked");
            assertThat(ide.terminalText().lines().map(String::strip)).contains("left-0");
        }
    }

    /** The swapper's rounds so far, as it counts them in race.count (0 before its first). */
    private long swapRounds(String cookie) throws Exception {
        HttpResponse<byte[]> count = call(cookie, "GET", "file", null, "path", "race.count");
        String text = new String(count.body(), StandardCharsets.UTF_8).strip();
        // Read while the swapper rewrites it, the file may be empty for an instant.
        return count.statusCode() == 200 && text.matches("\\d+") ? Long.parseLong(text) : 0;
    }

    /** Waits until the swapper has made at least {@code rounds} rounds; returns its count. */
    private long awaitSwapRounds(String cookie, long rounds) throws Exception {
        long[] seen = {0};
        awaitTrue(
                () -> (seen[0] = swapRounds(cookie)) >= rounds, "the swapper's first rounds", 120);
        return seen[0];
    }

    /** Types a command in the terminal and waits until it has run. */
    private static void shell(IdePages ide, String command, String marker) {
        String separator = command.endsWith("&") ? " " : "; ";
        ide.typeInTerminal(command + separator + "echo " + marker + "-done\n");
        ide.awaitTerminalLine((marker + "-done")::equals, marker);
    }

    /** A condition a test waits for; it may ask a server, so it may throw. */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, String what) throws Exception {
        awaitTrue(condition, what, 30);
    }

    /** Polls {@code condition} until it holds; fails after {@code seconds}. */
    private static void awaitTrue(Condition condition, String what, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen: " + what);
            }
            Thread.sleep(100);
        }
    }

    private HttpResponse<byte[]> write(String cookie, String path, byte[] body, boolean fromIde)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(api("file", "path", path))
                        .header("Cookie", cookie)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (fromIde) {
            request.header("X-CodaiPro-IDE", "1");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A call to the IDE's file API, with the IDE's header. */
    private HttpResponse<byte[]> call(
            String cookie, String method, String path, byte[] body, String... query)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(api(path, query))
                        .header("X-CodaiPro-IDE", "1")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (body != null) {
            request.header("Content-Type", "application/zip");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String cookie, String url) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private URI api(String path, String... query) {
        StringBuilder url =
                new StringBuilder(keycloak.publicUrl()).append("/app/api/workspace/").append(path);
        for (int i = 0; i + 1 < query.length; i += 2) {
            url.append(i == 0 ? '?' : '&')
                    .append(query[i])
                    .append('=')
                    .append(java.net.URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8));
        }
        return URI.create(url.toString());
    }

    private static Map<String, String> unzip(byte[] zip) throws Exception {
        Map<String, String> entries = new HashMap<>();
        try (java.util.zip.ZipInputStream in =
                new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry entry = in.getNextEntry();
                    entry != null;
                    entry = in.getNextEntry()) {
                entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    /** A zip of {@code files}; with {@code linkName}, also a symbolic-link entry of that name. */
    private static byte[] zip(Map<String, byte[]> files, String linkName) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                out.putNextEntry(new java.util.zip.ZipEntry(file.getKey()));
                out.write(file.getValue());
                out.closeEntry();
            }
            if (linkName != null) {
                out.putNextEntry(new java.util.zip.ZipEntry(linkName));
                out.write("/etc/passwd".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        byte[] zip = bytes.toByteArray();
        if (linkName != null) {
            // java.util.zip cannot say "symbolic link": mark the entry so in its central
            // directory record (made by Unix, external attributes S_IFLNK | 0777 << 16).
            ByteBuffer records = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
            for (int at = 0; at + 46 <= zip.length; at++) {
                if (records.getInt(at) != 0x02014b50) {
                    continue;
                }
                int nameLength = records.getShort(at + 28) & 0xffff;
                String name = new String(zip, at + 46, nameLength, StandardCharsets.UTF_8);
                if (name.equals(linkName)) {
                    zip[at + 5] = 3;
                    records.putInt(at + 38, 0120777 << 16);
                }
            }
        }
        return zip;
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
        return IdePages.forNewPerson(browser, keycloak.publicUrl(), email, PASSWORD);
    }

    private IdePages openIde(Browser browser) {
        return IdePages.opened(browser, keycloak.publicUrl());
    }

    /** A person on the Student plan (unlimited Try Now). */
    private String user(String name) throws Exception {
        return user(name, "uni.example");
    }

    private String user(String name, String domain) throws Exception {
        String email = name + "-" + run + "@" + domain;
        keycloak.createUser(email, email, PASSWORD, true);
        return email;
    }

    /**
     * The audit log's events of this action (null: any) by or about this person, as the admin API
     * answers; with an action, fails unless there is one.
     */
    String auditOf(String email, String action) throws Exception {
        HttpResponse<String> answer =
                Http.get(
                        server.uri(
                                "/api/v1/admin/audit?action="
                                        + (action == null ? "" : action)
                                        + "&person="
                                        + java.net.URLEncoder.encode(
                                                email, java.nio.charset.StandardCharsets.UTF_8)),
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        if (action != null) {
            assertThat(answer.body()).contains("\"action\":\"" + action + "\"");
        }
        return answer.body();
    }
}
