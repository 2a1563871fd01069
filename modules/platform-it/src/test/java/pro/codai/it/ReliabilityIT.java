package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebDriverException;

import pro.codai.it.TryNowBenchmark.Term;
import pro.codai.it.browser.Browser;
import pro.codai.it.browser.IdePages;

/**
 * What survives a crash (the hardening issue's reliability tests): the server killed with live
 * workspaces, PostgreSQL restarted under load, sandboxd killed under load. Each test starts what it
 * needs and breaks it on purpose; none waits a fixed time, every wait polls with a deadline.
 */
class ReliabilityIT {

    static final String ADMIN_TOKEN = "it-admin-token-5c1e9a7f3b2d4e6a8c0f1b3d5e7a9c2f";
    static final String PASSWORD = SignInBenchmark.PASSWORD;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    // --- the server killed -----------------------------------------------------------------------

    @Test
    void aServerKilledWithLiveWorkspacesLosesNoSavedFileLeavesNoSandboxAndEachWorkspaceResumes()
            throws Exception {
        Keycloak keycloak = Keycloak.shared();
        TryNowBenchmark.portalUrl = keycloak.publicUrl();
        Path workDir = Files.createTempDirectory(Path.of("target"), "ReliabilityIT-kill-");
        Path dataDir = workDir.toAbsolutePath().resolve("data");
        try (Sandboxd sandboxd = Sandboxd.start(2)) {
            Map<String, String> settings = new HashMap<>(keycloak.serverSettings());
            settings.put("CODAIPRO_SANDBOXD_SOCKET", sandboxd.socket.toString());
            settings.put("CODAIPRO_ADMIN_TOKEN", ADMIN_TOKEN);
            RunningServer server = RunningServer.start(dataDir, settings);
            RunningServer restarted = null;
            Browser browser = null;
            ExecutorService load = Executors.newCachedThreadPool();
            try {
                String runsKey = issueKey(server, "runs", "runs");
                String jobeKey = issueKey(server, "jobe", "jobe");

                // Three students with a terminal open and a program running in it.
                List<String> students = new ArrayList<>();
                List<HttpClient> people = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String email = "kill-" + run + "-" + i + "@uni.example";
                    keycloak.createUser(email, email, PASSWORD, true);
                    HttpClient person = SignInBenchmark.signIn(keycloak.publicUrl(), email, null);
                    TryNowBenchmark.completeProfile(person, server);
                    Term term = Term.open(person, server, 120, 30);
                    term.awaitOutput("$ ", Duration.ofSeconds(30));
                    term.send("sleep 4242 &\n");
                    students.add(email);
                    people.add(person);
                }

                // A fourth in a real browser: its page must find its way back by itself.
                IdePages ide = null;
                if (Browser.available()) {
                    browser = Browser.open();
                    String email = "kill-" + run + "-browser@uni.example";
                    keycloak.createUser(email, email, PASSWORD, true);
                    ide = IdePages.forNewPerson(browser, keycloak.publicUrl(), email, PASSWORD);
                    ide.typeInTerminal("echo kept-by-browser > browser.txt && echo stored\n");
                    ide.awaitTerminalLine("stored"::equals, "the write");
                }

                // Each saves file after file; a save answered OK is recorded as kept.
                AtomicBoolean saving = new AtomicBoolean(true);
                List<Map<String, String>> saved = new ArrayList<>();
                for (int i = 0; i < people.size(); i++) {
                    Map<String, String> kept = new ConcurrentHashMap<>();
                    saved.add(kept);
                    HttpClient person = people.get(i);
                    int student = i;
                    load.submit(
                            () -> {
                                for (int n = 0; saving.get(); n++) {
                                    String path = "saves/file-" + n + ".txt";
                                    String content = "student " + student + " save " + n + "\n";
                                    try {
                                        if (saveFile(keycloak, person, path, content) == 204) {
                                            kept.put(path, content);
                                        }
                                    } catch (IOException e) {
                                        return null; // the server is gone
                                    }
                                }
                                return null;
                            });
                }
                // Runs in flight, on both APIs: long enough to be running at the kill.
                String slow = "import time\ntime.sleep(25)\nprint('late')";
                load.submit(() -> run(server, runsKey, slow));
                load.submit(() -> jobeRun(server, jobeKey, slow));

                awaitTrue(
                        () ->
                                saved.stream().allMatch(kept -> kept.size() >= 5)
                                        && !sandboxd.ownedBy("runs-api").isEmpty()
                                        && !sandboxd.ownedBy("runs-jobe").isEmpty(),
                        "saves answered and runs of both APIs in their sandboxes",
                        60);
                Set<String> leased = new HashSet<>(sandboxd.ownedBy("try-now"));
                leased.addAll(sandboxd.ownedBy("runs-api"));
                leased.addAll(sandboxd.ownedBy("runs-jobe"));
                assertThat(sandboxd.ownedBy("try-now")).hasSize(ide == null ? 3 : 4);

                server.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                saving.set(false);
                restarted = RunningServer.start(dataDir, settings);

                awaitTrue(
                        () -> Collections.disjoint(sandboxd.sandboxes(), leased),
                        "every workspace and run sandbox of the killed server released",
                        60);
                for (int i = 0; i < students.size(); i++) {
                    // The next open: signed in again, the same workspace on the same volume.
                    HttpClient person =
                            SignInBenchmark.signIn(keycloak.publicUrl(), students.get(i), null);
                    Term term = Term.open(person, restarted, 120, 30);
                    term.awaitOutput("$ ", Duration.ofSeconds(30));
                    term.send("cat saves/file-0.txt\n");
                    term.awaitOutput("student " + i + " save 0", Duration.ofSeconds(30));
                    for (Map.Entry<String, String> file : saved.get(i).entrySet()) {
                        assertThat(readFile(keycloak, person, file.getKey()))
                                .as("%s of student %d, saved before the kill", file.getKey(), i)
                                .isEqualTo(file.getValue());
                    }
                    term.close();
                }
                if (ide != null) {
                    // The open page reconnects, finds its session gone, reloads through single
                    // sign-on and opens the workspace again. Keystrokes sent meanwhile are lost,
                    // so ask until the answer comes.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (!seen(ide, "kept-by-browser") && System.nanoTime() < deadline) {
                        try {
                            if (ide.connected()) {
                                ide.typeInTerminal("cat browser.txt\n");
                            }
                        } catch (WebDriverException e) {
                            // the page is reloading
                        }
                        Thread.sleep(2000);
                    }
                    assertThat(seen(ide, "kept-by-browser"))
                            .as("the open page back in the workspace after the restart")
                            .isTrue();
                }
                System.out.printf(
                        "FIGURE server killed: %d saves answered OK before the kill, all kept;"
                                + " %d sandboxes of the killed server released%n",
                        saved.stream().mapToInt(Map::size).sum(), leased.size());
                assertThat(run(restarted, runsKey, "print('after')").statusCode()).isEqualTo(200);
            } finally {
                load.shutdownNow();
                server.close();
                if (restarted != null) {
                    restarted.close();
                }
                if (browser != null) {
                    browser.close();
                }
            }
        }
    }

    // --- PostgreSQL restarted --------------------------------------------------------------------

    @Test
    void postgresRestartedUnderLoadAnswers503WhileDownRecoversWithoutARestartAndLosesNoRecord()
            throws Exception {
        Keycloak keycloak = Keycloak.shared();
        Path workDir = Files.createTempDirectory(Path.of("target"), "ReliabilityIT-postgres-");
        try (TestPostgres postgres = TestPostgres.createDatabase();
                Sandboxd sandboxd = Sandboxd.start(0)) {
            Map<String, String> settings = new HashMap<>(keycloak.serverSettings());
            settings.put("CODAIPRO_SANDBOXD_SOCKET", sandboxd.socket.toString());
            settings.put("CODAIPRO_ADMIN_TOKEN", ADMIN_TOKEN);
            settings.put("CODAIPRO_DB_URL", postgres.url());
            settings.put("CODAIPRO_DB_USER", postgres.user());
            settings.put("CODAIPRO_DB_PASSWORD", postgres.password());
            ExecutorService load = Executors.newCachedThreadPool();
            AtomicBoolean running = new AtomicBoolean(true);
            try (RunningServer server =
                    RunningServer.start(workDir.toAbsolutePath().resolve("data"), settings)) {
                String runsKey = issueKey(server, "runs", "runs");
                String jobeKey = issueKey(server, "jobe", "jobe");
                List<String> people = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String email = "pg-" + run + "-" + i + "@mail.example";
                    keycloak.createUser(email, email, PASSWORD, true);
                    people.add(email);
                }

                // Four kinds of request in a loop each, every answer recorded with its time.
                List<Answer> answers = new CopyOnWriteArrayList<>();
                List<String> keysIssued = new CopyOnWriteArrayList<>();
                List<String> signedIn = new CopyOnWriteArrayList<>();
                List<Future<?>> loops = new ArrayList<>();
                loops.add(
                        load.submit(
                                loop(
                                        running,
                                        () -> {
                                            HttpResponse<String> r =
                                                    run(server, runsKey, "print('ok')");
                                            answers.add(new Answer("run", r));
                                        })));
                loops.add(
                        load.submit(
                                loop(
                                        running,
                                        () -> {
                                            HttpResponse<String> r =
                                                    jobeRun(server, jobeKey, "print('ok')");
                                            answers.add(new Answer("jobe", r));
                                        })));
                loops.add(
                        load.submit(
                                loop(
                                        running,
                                        () -> {
                                            String name = "record-" + UUID.randomUUID();
                                            HttpResponse<String> r = issue(server, name, "runs");
                                            answers.add(new Answer("key", r));
                                            if (r.statusCode() == 201) {
                                                keysIssued.add(name);
                                            }
                                        })));
                List<String> waiting = new CopyOnWriteArrayList<>(people);
                loops.add(
                        load.submit(
                                loop(
                                        running,
                                        () -> {
                                            if (waiting.isEmpty()) {
                                                Thread.sleep(100);
                                                return;
                                            }
                                            String email = waiting.remove(0);
                                            try {
                                                SignInBenchmark.signIn(
                                                        keycloak.publicUrl(), email, null);
                                                signedIn.add(email);
                                            } catch (RuntimeException | IOException e) {
                                                // refused while the database is down
                                            }
                                            Thread.sleep(300); // about two a second
                                        })));

                awaitTrue(
                        () ->
                                ok(answers, "run") > 2
                                        && ok(answers, "jobe") > 2
                                        && ok(answers, "key") > 2
                                        && signedIn.size() > 2,
                        "every kind of request answered before the restart",
                        90);

                // Down long enough for requests to meet it, then up again.
                pgCluster("stop");
                try {
                    awaitTrue(
                            () -> answers.stream().anyMatch(a -> a.status() == 503),
                            "a request answered 503 while the database is down",
                            60);
                } finally {
                    pgCluster("start");
                }
                int atRestart = answers.size();
                int signedInAtRestart = signedIn.size();
                awaitTrue(
                        () ->
                                okAfter(answers, atRestart, "run")
                                        && okAfter(answers, atRestart, "jobe")
                                        && okAfter(answers, atRestart, "key")
                                        && signedIn.size() > signedInAtRestart,
                        "every kind of request working again, the same server process",
                        120);
                running.set(false);
                for (Future<?> l : loops) {
                    l.get(180, TimeUnit.SECONDS);
                }
                assertThat(server.process().isAlive()).isTrue();

                for (Answer answer : answers) {
                    switch (answer.kind()) {
                        case "jobe" -> {
                            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                            assertThat(json(answer.body()).getInt("outcome"))
                                    .as(answer.body())
                                    .isIn(15, 21);
                        }
                        case "run" -> assertThat(answer.status()).as(answer.body()).isIn(200, 503);
                        default -> assertThat(answer.status()).as(answer.body()).isIn(201, 503);
                    }
                    if (answer.status() == 503) {
                        assertThat(answer.contentType()).contains("application/problem+json");
                        assertThat(answer.retryAfter()).isTrue();
                    }
                }
                // No committed record lost: every key answered 201, every completed sign-in.
                try (Connection db =
                        DriverManager.getConnection(
                                postgres.url(), postgres.user(), postgres.password())) {
                    assertThat(names(db, "select name from api_key", "name"))
                            .containsAll(keysIssued);
                    assertThat(names(db, "select email from user_profile", "email"))
                            .containsAll(signedIn);
                }
                System.out.printf(
                        "FIGURE PostgreSQL restarted under load: %d answers (%d 503 / outcome 21),"
                                + " %d keys and %d sign-ins committed, all kept%n",
                        answers.size(),
                        answers.stream()
                                .filter(
                                        a ->
                                                a.status() == 503
                                                        || a.body().contains("\"outcome\":21"))
                                .count(),
                        keysIssued.size(),
                        signedIn.size());
            } finally {
                running.set(false);
                load.shutdownNow();
                pgCluster("start");
            }
        }
    }

    // --- sandboxd killed -------------------------------------------------------------------------

    @Test
    void sandboxdKilledUnderLoadFailsRunsInFlightCleanlyTheNextOnesWorkAndNothingLeaks()
            throws Exception {
        Path workDir = Files.createTempDirectory(Path.of("target"), "ReliabilityIT-sandboxd-");
        try (Sandboxd sandboxd = Sandboxd.start(0);
                RunningServer server =
                        RunningServer.start(
                                workDir.toAbsolutePath().resolve("data"),
                                Map.of(
                                        "CODAIPRO_SANDBOXD_SOCKET",
                                        sandboxd.socket.toString(),
                                        "CODAIPRO_ADMIN_TOKEN",
                                        ADMIN_TOKEN))) {
            String runsKey = issueKey(server, "runs", "runs");
            String jobeKey = issueKey(server, "jobe", "jobe");
            String slow = "import time\ntime.sleep(20)\nprint('late')";
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                for (int i = 0; i < 8; i++) {
                    boolean jobe = i % 2 == 0;
                    inFlight.add(
                            CompletableFuture.supplyAsync(
                                    () -> {
                                        try {
                                            return jobe
                                                    ? jobeRun(server, jobeKey, slow)
                                                    : run(server, runsKey, slow);
                                        } catch (Exception e) {
                                            throw new IllegalStateException(e);
                                        }
                                    },
                                    clients));
                }
                awaitTrue(() -> sandboxd.sandboxes().size() >= 2, "runs in their sandboxes", 60);

                sandboxd.kill();
                for (int i = 0; i < inFlight.size(); i++) {
                    HttpResponse<String> answer = inFlight.get(i).get(120, TimeUnit.SECONDS);
                    if (i % 2 == 0) {
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                        assertThat(json(answer.body()).getInt("outcome"))
                                .as("a Jobe run in flight fails cleanly: " + answer.body())
                                .isIn(20, 21);
                    } else {
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                        assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                                .contains("application/problem+json");
                    }
                }
            } finally {
                clients.shutdownNow();
            }

            sandboxd.launch();
            HttpResponse<String> after = run(server, runsKey, "print('after')");
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            assertThat(json(after.body()).getString("stdout")).isEqualTo("after\n");
            HttpResponse<String> jobeAfter = jobeRun(server, jobeKey, "print('after')");
            assertThat(json(jobeAfter.body()).getInt("outcome")).as(jobeAfter.body()).isEqualTo(15);
            awaitTrue(
                    () -> sandboxd.sandboxes().isEmpty() && lxcContainers(sandboxd).isEmpty(),
                    "no sandbox and no container left",
                    60);
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static boolean seen(IdePages ide, String line) {
        try {
            return ide.hasTerminalLine(line::equals);
        } catch (WebDriverException e) {
            return false; // the page is reloading
        }
    }

    /** One recorded answer. */
    record Answer(String kind, int status, String body, String contentType, boolean retryAfter) {
        Answer(String kind, HttpResponse<String> response) {
            this(
                    kind,
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Retry-After").isPresent());
        }
    }

    @FunctionalInterface
    private interface Step {
        void once() throws Exception;
    }

    /** Repeats {@code step} while {@code running}; a refused connection is retried. */
    private static java.util.concurrent.Callable<Void> loop(AtomicBoolean running, Step step) {
        return () -> {
            while (running.get()) {
                try {
                    step.once();
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            return null;
        };
    }

    private static long ok(List<Answer> answers, String kind) {
        return answers.stream()
                .filter(a -> a.kind().equals(kind) && a.status() / 100 == 2)
                .filter(a -> !a.body().contains("\"outcome\":21"))
                .count();
    }

    private static boolean okAfter(List<Answer> answers, int from, String kind) {
        return ok(answers.subList(from, answers.size()), kind) > 0;
    }

    private static List<String> names(Connection db, String query, String column) throws Exception {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = db.prepareStatement(query);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(column));
            }
        }
        return names;
    }

    /** Stops or starts the PostgreSQL cluster the tests use (pg_ctlcluster, as root). */
    private static void pgCluster(String action) throws Exception {
        String command =
                System.getProperty("codaipro.it.postgres.cluster", "15 main") + " " + action;
        List<String> argv = new ArrayList<>(List.of("pg_ctlcluster"));
        argv.addAll(List.of(command.split(" ")));
        // pg_ctlcluster's argument order: version cluster action
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("pg_ctlcluster " + action + " did not finish");
        }
        // start on a running cluster exits 2 ("already running"): fine in a finally block.
        if (process.exitValue() != 0 && !(action.equals("start") && process.exitValue() == 2)) {
            throw new IllegalStateException(
                    "pg_ctlcluster " + action + " exited " + process.exitValue() + ": " + output);
        }
    }

    /** The LXC containers in sandboxd's state directory, as lxc-ls sees them. */
    private static List<String> lxcContainers(Sandboxd sandboxd) throws Exception {
        Process ls =
                new ProcessBuilder("lxc-ls", "-1", "-P", sandboxd.stateDir.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ls.waitFor(30, TimeUnit.SECONDS);
        return output.lines().filter(line -> !line.isBlank()).toList();
    }

    static HttpResponse<String> issue(RunningServer server, String name, String... scopes)
            throws Exception {
        return Http.json(
                "POST",
                server.uri("/api/v1/admin/api-keys"),
                Json.createObjectBuilder()
                        .add("name", name)
                        .add("scopes", Json.createArrayBuilder(List.of(scopes)))
                        .build()
                        .toString(),
                "X-Admin-Token",
                ADMIN_TOKEN);
    }

    static String issueKey(RunningServer server, String name, String... scopes) throws Exception {
        HttpResponse<String> response = issue(server, name, scopes);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body()).getString("secret");
    }

    static HttpResponse<String> run(RunningServer server, String key, String python)
            throws Exception {
        return Http.json(
                "POST",
                server.uri("/api/v1/runs"),
                Json.createObjectBuilder()
                        .add("language", "python3")
                        .add("source", python)
                        .build()
                        .toString(),
                "X-API-Key",
                key);
    }

    static HttpResponse<String> jobeRun(RunningServer server, String key, String python)
            throws Exception {
        return Http.json(
                "POST",
                server.uri("/jobe/index.php/restapi/runs"),
                Json.createObjectBuilder()
                        .add(
                                "run_spec",
                                Json.createObjectBuilder()
                                        .add("language_id", "python3")
                                        .add("sourcecode", python))
                        .build()
                        .toString(),
                "X-API-KEY",
                key);
    }

    private static int saveFile(Keycloak keycloak, HttpClient person, String path, String content)
            throws IOException, InterruptedException {
        return person.send(
                        HttpRequest.newBuilder(fileUri(keycloak, path))
                                .timeout(Duration.ofSeconds(30))
                                .header("X-CodaiPro-IDE", "1")
                                .PUT(HttpRequest.BodyPublishers.ofString(content))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String readFile(Keycloak keycloak, HttpClient person, String path)
            throws Exception {
        HttpResponse<String> read =
                person.send(
                        HttpRequest.newBuilder(fileUri(keycloak, path))
                                .timeout(Duration.ofSeconds(30))
                                .header("X-CodaiPro-IDE", "1")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(path + ": " + read.body()).isEqualTo(200);
        return read.body();
    }

    private static URI fileUri(Keycloak keycloak, String path) {
        return URI.create(
                keycloak.publicUrl()
                        + "/app/api/workspace/file?path="
                        + URLEncoder.encode(path, StandardCharsets.UTF_8));
    }

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    /** A condition a test waits for; it may ask a server, so it may throw. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} until it holds; fails after {@code seconds}. */
    static void awaitTrue(Condition condition, String what, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within " + seconds + " s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
