package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Jobe-compatible API at the HTTP and parsing level, as real Jobe (2.x) answers: the limits
 * CodeRunner's question prototypes send, file names, {@code debug}, requests Jobe has no route for,
 * {@code OPTIONS}, the JSON type, bodies nested too deeply; through the built server, with real
 * sandboxes for the runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobeApiIT {

    static final String ADMIN_TOKEN = "it-admin-token-2c9e7a4f1b3d5e6a8c0f2b4d6e8a1c3e";

    /** Jobe's (CodeIgniter's) JSON type: UTF-8 named. */
    static final String JSON_UTF8 = "(?i)application/json;\\s*charset=utf-8";

    Path workDir;
    Sandboxd sandboxd;
    RunningServer server;
    String jobeKey;

    @BeforeAll
    void start() throws Exception {
        workDir = Files.createTempDirectory(Path.of("target"), "JobeApiIT-").toAbsolutePath();
        sandboxd = Sandboxd.start(0);
        server =
                RunningServer.start(
                        workDir.resolve("data"),
                        Map.of(
                                "CODAIPRO_SANDBOXD_SOCKET",
                                sandboxd.socket.toString(),
                                "CODAIPRO_ADMIN_TOKEN",
                                ADMIN_TOKEN));
        jobeKey = server.issueKey(ADMIN_TOKEN, "moodle", "jobe");
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

    // --- helpers ---------------------------------------------------------------------------

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    static JsonValue jsonValue(String body) {
        return Json.createReader(new StringReader(body)).readValue();
    }

    static URI jobeUri(RunningServer on, String path) {
        return on.uri("/jobe/index.php/restapi/" + path);
    }

    /** A request to the Jobe API of {@code on}; {@code key} null: without {@code X-API-KEY}. */
    static HttpResponse<String> jobe(
            RunningServer on, String method, String path, String body, String key)
            throws Exception {
        return key == null
                ? Http.json(method, jobeUri(on, path), body)
                : Http.json(method, jobeUri(on, path), body, "X-API-KEY", key);
    }

    HttpResponse<String> jobe(String method, String path, String body) throws Exception {
        return jobe(server, method, path, body, jobeKey);
    }

    static String runSpec(JsonObjectBuilder spec) {
        return Json.createObjectBuilder().add("run_spec", spec).build().toString();
    }

    static JsonObjectBuilder printOne() {
        return Json.createObjectBuilder()
                .add("language_id", "python3")
                .add("sourcecode", "print(1)");
    }

    /** A run that must succeed: 200, outcome 15, {@code 1} printed. */
    JsonObject ranPrintOne(JsonObjectBuilder spec) throws Exception {
        HttpResponse<String> response = jobe("POST", "runs", runSpec(spec));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject result = json(response.body());
        assertThat(result.getInt("outcome")).as(response.body()).isEqualTo(15);
        assertThat(result.getString("stdout")).isEqualTo("1\n");
        return result;
    }

    // --- limits ----------------------------------------------------------------------------------

    @Test
    void limitsCodeRunnerQuestionPrototypesSendAreBroughtWithinTheServersAndTheProgramRuns()
            throws Exception {
        // As CodeRunner's prototypes and Jobe's own tests send them (MB), and "no limit" (0, -1).
        List<JsonObjectBuilder> parameters =
                List.of(
                        Json.createObjectBuilder()
                                .add("memorylimit", 200000)
                                .add("disklimit", -1)
                                .add("numprocs", 100000)
                                .add("streamsize", 100),
                        Json.createObjectBuilder()
                                .add("memorylimit", 1000000)
                                .add("disklimit", 0)
                                .add("numprocs", 0)
                                .add("streamsize", 0),
                        Json.createObjectBuilder()
                                .add("memorylimit", "0")
                                .add("disklimit", "5000")
                                .add("numprocs", -1)
                                .add("streamsize", 6)
                                .add("cputime", 0));
        for (JsonObjectBuilder p : parameters) {
            ranPrintOne(printOne().add("parameters", p));
        }
    }

    @Test
    void cputimeAboveTheMaximumIsStillRefusedWithJobesText() throws Exception {
        for (JsonValue cputime : List.of(Json.createValue(121), Json.createValue("500"))) {
            HttpResponse<String> response =
                    jobe(
                            "POST",
                            "runs",
                            runSpec(
                                    printOne()
                                            .add(
                                                    "parameters",
                                                    Json.createObjectBuilder()
                                                            .add("cputime", cputime))));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(jsonValue(response.body()))
                    .isEqualTo(
                            Json.createValue(
                                    "cputime exceeds maximum allowed on this Jobe server (120"
                                            + " secs)"));
        }
    }

    // --- file names and debug --------------------------------------------------------------------

    @Test
    void sourceFileNamesJobeRefusesAreRefusedAsJobeRefusesThem() throws Exception {
        for (String name : List.of("a/b.py", "..", ".hidden.py", "-x.py", "../../etc/x.py")) {
            HttpResponse<String> response =
                    jobe("POST", "runs", runSpec(printOne().add("sourcefilename", name)));

            assertThat(response.statusCode()).as(name).isEqualTo(400);
            assertThat(jsonValue(response.body()))
                    .as(name)
                    .isEqualTo(Json.createValue("The sourcefilename for the run_spec is illegal"));
        }
    }

    @Test
    void aSourceFileNameWithASpaceIsTakenAsJobeTakesIt() throws Exception {
        JsonObject result =
                ranPrintOne(
                        Json.createObjectBuilder()
                                .add("language_id", "python3")
                                .add("sourcefilename", "my prog.py")
                                .add(
                                        "sourcecode",
                                        "import sys\nprint(1)\nassert sys.argv[0] =="
                                                + " 'my prog.py'"));
        assertThat(result.getString("stderr")).isEmpty();
    }

    @Test
    void aLongSourceFileNameBeyondAsciiIsUnpackedWhole() throws Exception {
        // Over ustar's 100-byte name field and not ASCII: it travels in a pax header.
        String name = "programme été " + "x".repeat(120) + ".c";
        HttpResponse<String> response =
                jobe(
                        "POST",
                        "runs",
                        runSpec(
                                Json.createObjectBuilder()
                                        .add("language_id", "c")
                                        .add("sourcefilename", name)
                                        .add(
                                                "sourcecode",
                                                "#include <stdio.h>\nint main(void) {"
                                                        + " printf(\"%s\\n\", __FILE__); return 0; }\n")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject result = json(response.body());
        assertThat(result.getInt("outcome")).as(result.toString()).isEqualTo(15);
        assertThat(result.getString("stdout")).isEqualTo(name + "\n");
    }

    @Test
    void aDebugRunIsAnsweredAsJobeAnswersItAndAnOrdinaryRunHasNoId() throws Exception {
        JsonObject debug = ranPrintOne(printOne().add("debug", true));
        JsonObject ordinary = ranPrintOne(printOne());

        assertThat(debug.getString("run_id")).matches("jobe_[A-Za-z0-9]{6}");
        assertThat(ordinary.isNull("run_id")).isTrue();
    }

    // --- HTTP ------------------------------------------------------------------------------------

    @Test
    void requestsJobeHasNoRouteForAre404WithAJsonStringWithOrWithoutAKey() throws Exception {
        List<String[]> requests =
                List.of(
                        new String[] {"GET", "runs"},
                        new String[] {"DELETE", "runs"},
                        new String[] {"PUT", "runs"},
                        new String[] {"PATCH", "runs"},
                        new String[] {"GET", "runs/12345"},
                        new String[] {"GET", "files/abcdef12"},
                        new String[] {"DELETE", "files/abcdef12"},
                        new String[] {"PUT", "files/abc-def"},
                        new String[] {"POST", "languages"},
                        new String[] {"GET", "nothing/here"},
                        new String[] {"POST", "nothing"});
        for (String key : new String[] {jobeKey, null}) {
            for (String[] request : requests) {
                String what = request[0] + " " + request[1] + (key == null ? " (no key)" : "");
                // A body only where the method has one (the HTTP layer refuses a GET with one).
                String body = List.of("POST", "PUT", "PATCH").contains(request[0]) ? "{}" : null;
                HttpResponse<String> response = jobe(server, request[0], request[1], body, key);

                assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(404);
                assertThat(response.headers().firstValue("Content-Type"))
                        .as(what)
                        .hasValueSatisfying(type -> assertThat(type).matches(JSON_UTF8));
                assertThat(jsonValue(response.body()).getValueType())
                        .as(what + ": " + response.body())
                        .isEqualTo(JsonValue.ValueType.STRING);
            }
        }
    }

    @Test
    void optionsIsAnswered204WithJobesCorsHeadersWithoutAKey() throws Exception {
        for (String path : List.of("runs", "languages", "files/abcdef12", "anything")) {
            HttpResponse<String> response =
                    Http.send(
                            HttpRequest.newBuilder(jobeUri(server, path))
                                    .timeout(Duration.ofSeconds(30))
                                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                                    .header("Origin", "https://moodle.example")
                                    .header("Access-Control-Request-Method", "POST")
                                    .build());

            assertThat(response.statusCode()).as(path).isEqualTo(204);
            assertThat(response.body()).isEmpty();
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
                    .hasValueSatisfying(methods -> assertThat(methods).contains("POST", "PUT"));
            assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                    .hasValueSatisfying(
                            headers -> assertThat(headers).contains("X-API-KEY", "Content-Type"));
        }
    }

    @Test
    void answersAreJsonNamedAsUtf8AsJobeSendsThem() throws Exception {
        List<HttpResponse<String>> answers =
                List.of(
                        jobe("GET", "languages", null),
                        jobe("POST", "runs", runSpec(printOne())),
                        jobe("POST", "runs", "{\"spec\":{}}"),
                        jobe(server, "GET", "languages", null, null));

        assertThat(answers)
                .extracting(HttpResponse::statusCode)
                .containsExactly(200, 200, 400, 403);
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.headers().firstValue("Content-Type"))
                    .as(answer.body())
                    .hasValueSatisfying(type -> assertThat(type).matches(JSON_UTF8));
        }
    }

    @Test
    void aTrailingSlashIsTheSameRouteAsInJobe() throws Exception {
        // Jobe's own test client posts to runs/.
        HttpResponse<String> ran = jobe("POST", "runs/", runSpec(printOne()));
        HttpResponse<String> languages = jobe("GET", "languages/", null);

        assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
        assertThat(json(ran.body()).getInt("outcome")).isEqualTo(15);
        assertThat(languages.statusCode()).as(languages.body()).isEqualTo(200);
    }

    @Test
    void jsonNestedAHundredThousandLevelsDeepIs400NeverA500() throws Exception {
        String deep = "[".repeat(100_000);
        HttpResponse<String> run = jobe("POST", "runs", deep + "]".repeat(100_000));
        HttpResponse<String> inSpec =
                jobe(
                        "POST",
                        "runs",
                        "{\"run_spec\":{\"language_id\":\"c\",\"sourcecode\":\"x\",\"parameters\":"
                                + "{\"a\":".repeat(100_000));
        HttpResponse<String> file = jobe("PUT", "files/abcdef12", "{\"file_contents\":" + deep);

        assertThat(run.statusCode()).as(run.body()).isEqualTo(400);
        assertThat(jsonValue(run.body()))
                .isEqualTo(Json.createValue("Non-JSON post data received"));
        assertThat(inSpec.statusCode()).as(inSpec.body()).isEqualTo(400);
        assertThat(jsonValue(inSpec.body()))
                .isEqualTo(Json.createValue("Non-JSON post data received"));
        assertThat(file.statusCode()).as(file.body()).isEqualTo(400);
        assertThat(jsonValue(file.body()))
                .isEqualTo(Json.createValue("put: missing file_contents parameter"));
        assertThat(Http.get(server.uri("/health/ready")).statusCode()).isEqualTo(200);
    }

    // --- keys optional ---------------------------------------------------------------------------

    /** A server with {@code codaipro.jobe.require-api-key=false}, as on a Moodle-only network. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithKeysOptional {

        RunningServer open;

        @BeforeAll
        void start() throws Exception {
            open =
                    RunningServer.start(
                            workDir.resolve("data-open"),
                            Map.of(
                                    "CODAIPRO_SANDBOXD_SOCKET",
                                    sandboxd.socket.toString(),
                                    "CODAIPRO_JOBE_REQUIRE_API_KEY",
                                    "false"));
        }

        @AfterAll
        void stop() throws Exception {
            if (open != null) {
                open.close();
            }
        }

        @Test
        void languagesAreListedAndARunRunsWithoutAKey() throws Exception {
            HttpResponse<String> languages = jobe(open, "GET", "languages", null, null);
            HttpResponse<String> ran = jobe(open, "POST", "runs", runSpec(printOne()), null);

            assertThat(languages.statusCode()).as(languages.body()).isEqualTo(200);
            JsonArray list = Json.createReader(new StringReader(languages.body())).readArray();
            assertThat(list.getValuesAs(JsonArray.class).stream().map(l -> l.getString(0)))
                    .contains("python3", "c", "java");
            assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
            assertThat(json(ran.body()).getString("stdout")).isEqualTo("1\n");
        }
    }
}
