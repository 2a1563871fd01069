package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Code execution end to end: the built server on Payara Micro, the sandbox connector, the built
 * sandboxd and real LXC sandboxes from the real base image. Both APIs: {@code /api/v1/runs} and the
 * Jobe-compatible one CodeRunner calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunsIT {

    static final String ADMIN_TOKEN = "it-admin-token-7f3a9c1e5b2d4a6f8e0c1b3d5f7a9e2c";

    Path workDir;
    Sandboxd sandboxd;
    RunningServer server;
    String runsKey;
    String jobeKey;

    @BeforeAll
    void start() throws Exception {
        workDir = Files.createTempDirectory(Path.of("target"), "RunsIT-").toAbsolutePath();
        sandboxd = Sandboxd.start(0);
        server =
                RunningServer.start(
                        workDir.resolve("data"),
                        Map.of(
                                "CODAIPRO_SANDBOXD_SOCKET", sandboxd.socket.toString(),
                                "CODAIPRO_ADMIN_TOKEN", ADMIN_TOKEN,
                                "CODAIPRO_RUNS_MAX_CONCURRENT", "2",
                                "CODAIPRO_RUNS_MAX_QUEUED", "24",
                                "CODAIPRO_RUNS_QUEUE_TIMEOUT_SECONDS", "60"));
        runsKey = issue("runs client", "runs").getString("secret");
        jobeKey = issue("moodle", "jobe").getString("secret");
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

    URI uri(String path) {
        return server.uri(path);
    }

    JsonObject issue(String name, String... scopes) throws Exception {
        HttpResponse<String> response =
                Http.json(
                        "POST",
                        uri("/api/v1/admin/api-keys"),
                        Json.createObjectBuilder()
                                .add("name", name)
                                .add("scopes", Json.createArrayBuilder(List.of(scopes)))
                                .build()
                                .toString(),
                        "X-Admin-Token",
                        ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body());
    }

    /** What a failed assertion shows of a run: never its (possibly huge) output. */
    static String brief(JsonObject result) {
        return result.getString("outcome", "?")
                + " limit="
                + result.getString("limitHit", "?")
                + " exit="
                + result.getInt("exitCode", 0)
                + " signal="
                + result.getInt("signal", 0)
                + " stderr="
                + result.getString("stderr", "").lines().limit(3).toList();
    }

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    HttpResponse<String> run(String key, JsonObjectBuilder body) throws Exception {
        return Http.json("POST", uri("/api/v1/runs"), body.build().toString(), "X-API-Key", key);
    }

    JsonObject runOk(JsonObjectBuilder body) throws Exception {
        HttpResponse<String> response = run(runsKey, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    HttpResponse<String> jobe(String method, String path, String body, String key)
            throws Exception {
        return key == null
                ? Http.json(method, uri("/jobe/index.php/restapi/" + path), body)
                : Http.json(method, uri("/jobe/index.php/restapi/" + path), body, "X-API-KEY", key);
    }

    /** A Jobe run of Python's {@code print(1)} with these parameters. */
    HttpResponse<String> jobePrintOne(JsonObjectBuilder parameters) throws Exception {
        return jobe(
                "POST",
                "runs",
                runSpec(
                        Json.createObjectBuilder()
                                .add("language_id", "python3")
                                .add("sourcecode", "print(1)")
                                .add("parameters", parameters)),
                jobeKey);
    }

    static JsonObjectBuilder program(String language, String source) {
        return Json.createObjectBuilder().add("language", language).add("source", source);
    }

    // --- the run API, per language ------------------------------------------------------------

    /** The same seven programs in every language. */
    enum Case {
        PYTHON3(
                "python3",
                "print('hello world')",
                "import sys\nprint(sys.stdin.read().upper(), end='')",
                "print('unclosed'",
                "raise ValueError('bad value')",
                "while True:\n    pass",
                "x = bytearray(1)\nwhile True:\n    x += bytearray(32 << 20)",
                "while True:\n    print('x' * 1000)"),
        C(
                "c",
                "#include <stdio.h>\nint main(void) { printf(\"hello world\\n\"); return 0; }",
                "#include <stdio.h>\n#include <ctype.h>\nint main(void) { int c; while ((c = getchar()) != EOF) putchar(toupper(c)); return 0; }",
                "int main(void) { return undefined_name; }",
                "#include <stdlib.h>\nint main(void) { int *p = NULL; return *p; }",
                "int main(void) { volatile unsigned long n = 0; for (;;) n++; }",
                "#include <stdlib.h>\n#include <string.h>\nint main(void) { for (;;) { char *p = malloc(32 << 20); if (p) memset(p, 1, 32 << 20); } }",
                "#include <stdio.h>\nint main(void) { for (;;) puts(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); }"),
        CPP(
                "cpp",
                "#include <iostream>\nint main() { std::cout << \"hello world\" << std::endl; }",
                "#include <iostream>\n#include <cctype>\nint main() { char c; while (std::cin.get(c)) std::cout << (char) std::toupper(c); }",
                "int main() { return undefined_name; }",
                "#include <stdexcept>\nint main() { throw std::runtime_error(\"bad value\"); }",
                "int main() { volatile unsigned long n = 0; for (;;) n++; }",
                "#include <vector>\nint main() { std::vector<std::vector<char>> all; for (;;) all.emplace_back(32 << 20, 1); }",
                "#include <iostream>\nint main() { for (;;) std::cout << \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n\"; }"),
        JAVA(
                "java",
                "public class Hello { public static void main(String[] a) { System.out.println(\"hello world\"); } }",
                "public class Upper { public static void main(String[] a) throws Exception { System.out.print(new String(System.in.readAllBytes()).toUpperCase()); } }",
                "public class Broken { public static void main(String[] a) { int x = \"s\"; } }",
                "public class Fails { public static void main(String[] a) { throw new IllegalStateException(\"bad value\"); } }",
                "public class Spin { public static void main(String[] a) { long n = 0; while (true) n++; } }",
                "import java.util.*; public class Hog { public static void main(String[] a) { List<long[]> all = new ArrayList<>(); while (true) all.add(new long[4 << 20]); } }",
                "public class Flood { public static void main(String[] a) { while (true) System.out.println(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); } }"),
        NODEJS(
                "nodejs",
                "console.log('hello world');",
                "process.stdout.write(require('fs').readFileSync(0, 'utf8').toUpperCase());",
                "console.log('unclosed';",
                "throw new Error('bad value');",
                "while (true) {}",
                "const all = []; while (true) all.push(Buffer.alloc(32 << 20, 1));",
                "while (true) console.log('x'.repeat(1000));");

        final String language;
        final String hello;
        final String upper;
        final String compileError;
        final String runtimeError;
        final String spin;
        final String hog;
        final String flood;

        Case(
                String language,
                String hello,
                String upper,
                String compileError,
                String runtimeError,
                String spin,
                String hog,
                String flood) {
            this.language = language;
            this.hello = hello;
            this.upper = upper;
            this.compileError = compileError;
            this.runtimeError = runtimeError;
            this.spin = spin;
            this.hog = hog;
            this.flood = flood;
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class EveryLanguage {

        @ParameterizedTest
        @EnumSource(Case.class)
        void helloWorldRuns(Case c) throws Exception {
            JsonObject result = runOk(program(c.language, c.hello));

            assertThat(result.getString("outcome")).as(brief(result)).isEqualTo("OK");
            assertThat(result.getInt("jobeOutcome")).isEqualTo(15);
            assertThat(result.getString("stdout")).isEqualTo("hello world\n");
            assertThat(result.getString("stderr")).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(Case.class)
        void stdinReachesTheProgram(Case c) throws Exception {
            JsonObject result =
                    runOk(program(c.language, c.upper).add("stdin", "shout this\nand that\n"));

            assertThat(result.getString("outcome")).as(brief(result)).isEqualTo("OK");
            assertThat(result.getString("stdout")).isEqualTo("SHOUT THIS\nAND THAT\n");
        }

        @ParameterizedTest
        @EnumSource(
                value = Case.class,
                names = {"PYTHON3", "C", "CPP", "JAVA"})
        void aCompileErrorIsReportedWithTheCompilersOutput(Case c) throws Exception {
            JsonObject result = runOk(program(c.language, c.compileError));

            assertThat(result.getString("outcome")).as(brief(result)).isEqualTo("COMPILE_ERROR");
            assertThat(result.getInt("jobeOutcome")).isEqualTo(11);
            assertThat(result.getString("compileOutput")).isNotBlank();
            assertThat(result.getString("stdout")).isEmpty();
        }

        @Test
        void aSyntaxErrorInJavaScriptIsARuntimeError() throws Exception {
            // Node has no separate compile step (as in Jobe): the error comes from the run.
            JsonObject result = runOk(program("nodejs", Case.NODEJS.compileError));

            assertThat(result.getString("outcome")).isEqualTo("RUNTIME_ERROR");
            assertThat(result.getString("stderr")).contains("SyntaxError");
        }

        @ParameterizedTest
        @EnumSource(Case.class)
        void aRuntimeErrorIsReported(Case c) throws Exception {
            JsonObject result = runOk(program(c.language, c.runtimeError));

            assertThat(result.getString("outcome")).as(brief(result)).isEqualTo("RUNTIME_ERROR");
            assertThat(result.getInt("jobeOutcome")).isEqualTo(12);
            assertThat(result.getInt("exitCode") != 0 || result.getInt("signal") != 0).isTrue();
        }

        @ParameterizedTest
        @EnumSource(Case.class)
        void aProgramPastItsCpuTimeIsStopped(Case c) throws Exception {
            JsonObject result =
                    runOk(
                            program(c.language, c.spin)
                                    .add(
                                            "limits",
                                            Json.createObjectBuilder().add("cpuSeconds", 1)));

            assertThat(result.getString("outcome")).as(brief(result)).isEqualTo("TIME_LIMIT");
            assertThat(result.getInt("jobeOutcome")).isEqualTo(13);
        }

        @ParameterizedTest
        @EnumSource(Case.class)
        void aProgramPastItsMemoryIsStopped(Case c) throws Exception {
            JsonObject result =
                    runOk(
                            program(c.language, c.hog)
                                    .add(
                                            "limits",
                                            Json.createObjectBuilder()
                                                    .add("memoryMegabytes", 300)
                                                    .add("cpuSeconds", 10)));

            assertThat(result.getString("outcome")).as(brief(result)).isEqualTo("MEMORY_LIMIT");
            assertThat(result.getInt("jobeOutcome")).isEqualTo(17);
        }

        @ParameterizedTest
        @EnumSource(Case.class)
        void outputPastTheStreamLimitIsCut(Case c) throws Exception {
            JsonObject result =
                    runOk(
                            program(c.language, c.flood)
                                    .add(
                                            "limits",
                                            Json.createObjectBuilder()
                                                    .add("outputMegabytes", 0.1)
                                                    .add("cpuSeconds", 5)));

            assertThat(result.getString("outcome")).as(brief(result)).isEqualTo("OUTPUT_LIMIT");
            assertThat(result.getString("stdout").length()).isLessThanOrEqualTo(110_000);
        }
    }

    // --- the run API: access and bad input ----------------------------------------------------

    @Test
    void theRunApiNeedsAKeyWithTheRunsScope() throws Exception {
        HttpResponse<String> none =
                Http.json("POST", uri("/api/v1/runs"), program("c", "x").build().toString());
        HttpResponse<String> unknown = run("cpk_not-a-real-key", program("c", "x"));
        HttpResponse<String> wrongScope = run(jobeKey, program("c", "x"));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrongScope.statusCode()).isEqualTo(403);
    }

    @Test
    void badRunRequestsGetProblemDetails() throws Exception {
        List<HttpResponse<String>> answers =
                List.of(
                        run(runsKey, program("cobol", "x")),
                        run(
                                runsKey,
                                program("c", "x")
                                        .add(
                                                "limits",
                                                Json.createObjectBuilder().add("cpuSeconds", 0))),
                        run(
                                runsKey,
                                program("c", "x")
                                        .add(
                                                "files",
                                                Json.createArrayBuilder()
                                                        .add(
                                                                Json.createObjectBuilder()
                                                                        .add(
                                                                                "name",
                                                                                "../etc/passwd")
                                                                        .add("content", "eA==")))),
                        run(
                                runsKey,
                                program("c", "x")
                                        .add(
                                                "files",
                                                Json.createArrayBuilder()
                                                        .add(
                                                                Json.createObjectBuilder()
                                                                        .add("name", "data.txt")
                                                                        .add("content", "%%%")))),
                        run(runsKey, Json.createObjectBuilder().add("language", "c")),
                        Http.json("POST", uri("/api/v1/runs"), "{not json", "X-API-Key", runsKey));

        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type"))
                    .hasValue("application/problem+json");
            assertThat(json(answer.body()).getString("detail")).isNotBlank();
        }
    }

    @Test
    void theOutputLimitIsAcceptedUpToItsDocumentedMaximumAndRefusedAboveWith400() throws Exception {
        // The run API's limits; the Jobe API brings streamsize within them as Jobe does
        // (JobeApiIT).
        JsonObject atMaximum =
                runOk(
                        program("python3", "print('x' * ((5 << 20) - 1), end='')")
                                .add(
                                        "limits",
                                        Json.createObjectBuilder().add("outputMegabytes", 5)));
        assertThat(atMaximum.getString("outcome")).as(brief(atMaximum)).isEqualTo("OK");
        assertThat(atMaximum.getString("stdout")).hasSize((5 << 20) - 1);

        for (double over : new double[] {5.01, 6, 16}) {
            HttpResponse<String> refused =
                    run(
                            runsKey,
                            program("python3", "print(1)")
                                    .add(
                                            "limits",
                                            Json.createObjectBuilder()
                                                    .add("outputMegabytes", over)));
            assertThat(refused.statusCode()).as(over + " MB: " + refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValue("application/problem+json");
        }
    }

    @Test
    void extraArgumentsAreAcceptedUpTo16KiBAndRefusedAboveWith400() throws Exception {
        String atLimit = "a".repeat(16 * 1024);
        JsonObject ran =
                runOk(
                        program("python3", "import sys; print(len(sys.argv[1]))")
                                .add("runArgs", Json.createArrayBuilder().add(atLimit)));
        assertThat(ran.getString("stdout")).as(brief(ran)).isEqualTo(16 * 1024 + "\n");

        for (int length : new int[] {16 * 1024 + 1, 5 << 20}) {
            HttpResponse<String> refused =
                    run(
                            runsKey,
                            program("python3", "print(1)")
                                    .add(
                                            "runArgs",
                                            Json.createArrayBuilder().add("a".repeat(length))));
            assertThat(refused.statusCode()).as(length + " bytes").isEqualTo(400);
            assertThat(json(refused.body()).getString("detail")).contains("16384 bytes");
            HttpResponse<String> jobeRefused =
                    jobePrintOne(
                            Json.createObjectBuilder()
                                    .add(
                                            "runargs",
                                            Json.createArrayBuilder().add("a".repeat(length))));
            assertThat(jobeRefused.statusCode()).as(length + " bytes").isEqualTo(400);
        }
    }

    @Test
    void filesArePutBesideTheSource() throws Exception {
        JsonObject result =
                runOk(
                        program("python3", "print(open('data.txt').read().strip())")
                                .add(
                                        "files",
                                        Json.createArrayBuilder()
                                                .add(
                                                        Json.createObjectBuilder()
                                                                .add("name", "data.txt")
                                                                .add(
                                                                        "content",
                                                                        Base64.getEncoder()
                                                                                .encodeToString(
                                                                                        "from a file\n"
                                                                                                .getBytes())))));

        assertThat(result.getString("stdout")).isEqualTo("from a file\n");
    }

    @Test
    void theLanguagesAreListedWithTheImagesVersions() throws Exception {
        HttpResponse<String> response =
                Http.json("GET", uri("/api/v1/runs/languages"), null, "X-API-Key", runsKey);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"python3\"", "\"c\"", "\"cpp\"", "\"java\"", "\"nodejs\"")
                .doesNotContain("unknown");
    }

    @Test
    void apiKeysAreIssuedOnlyToTheAdminShownOnceAndRevocable() throws Exception {
        HttpResponse<String> noToken =
                Http.json(
                        "POST",
                        uri("/api/v1/admin/api-keys"),
                        "{\"name\":\"x\",\"scopes\":[\"runs\"]}");
        HttpResponse<String> wrongToken =
                Http.json(
                        "GET",
                        uri("/api/v1/admin/api-keys"),
                        null,
                        "X-Admin-Token",
                        ADMIN_TOKEN + "x");
        HttpResponse<String> badScope =
                Http.json(
                        "POST",
                        uri("/api/v1/admin/api-keys"),
                        "{\"name\":\"x\",\"scopes\":[\"root\"]}",
                        "X-Admin-Token",
                        ADMIN_TOKEN);
        JsonObject issued = issue("short-lived", "runs");
        String secret = issued.getString("secret");
        long id = issued.getJsonObject("key").getJsonNumber("id").longValue();
        HttpResponse<String> list =
                Http.json("GET", uri("/api/v1/admin/api-keys"), null, "X-Admin-Token", ADMIN_TOKEN);
        HttpResponse<String> revoke =
                Http.json(
                        "DELETE",
                        uri("/api/v1/admin/api-keys/" + id),
                        null,
                        "X-Admin-Token",
                        ADMIN_TOKEN);
        HttpResponse<String> afterRevoke = run(secret, program("python3", "print(1)"));

        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(wrongToken.statusCode()).isEqualTo(401);
        assertThat(badScope.statusCode()).isEqualTo(400);
        assertThat(secret).startsWith("cpk_");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("short-lived").doesNotContain(secret);
        assertThat(revoke.statusCode()).isEqualTo(204);
        assertThat(afterRevoke.statusCode()).isEqualTo(401);
    }

    @Test
    void everyRunIsCountedOnTheConsolesLiveFigures() throws Exception {
        // This class's tests run one after another: from here on, the runs are this test's.
        Instant since = Instant.now();
        runOk(program("python3", "print('counted')"));
        runOk(program("python3", "print(("));
        HttpResponse<String> jobeRun =
                jobe(
                        "POST",
                        "runs",
                        runSpec(
                                Json.createObjectBuilder()
                                        .add("language_id", "python3")
                                        .add("sourcecode", "print('counted too')")),
                        jobeKey);
        assertThat(jobeRun.statusCode()).as(jobeRun.body()).isEqualTo(200);

        // Written a second or so after each run ends, by whichever server ran it.
        URI capacity = uri("/api/v1/admin/capacity?since=" + since);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonObject counted;
        do {
            HttpResponse<String> answer = Http.get(capacity, "X-Admin-Token", ADMIN_TOKEN);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            counted = json(answer.body());
            if (counted.getJsonNumber("runs").longValue() >= 3) {
                break;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        assertThat(counted.getJsonNumber("runs").longValue()).isEqualTo(3);
        JsonObject outcomes = counted.getJsonObject("outcomes");
        assertThat(outcomes.getJsonNumber("OK").longValue()).as(outcomes.toString()).isEqualTo(2);
        assertThat(outcomes.keySet()).as(outcomes.toString()).hasSize(2);
        assertThat(counted.getJsonObject("warmPool").getInt("max")).isPositive();

        JsonObject lastMinute =
                json(Http.get(uri("/api/v1/admin/capacity"), "X-Admin-Token", ADMIN_TOKEN).body());
        assertThat(lastMinute.getJsonNumber("runs").longValue()).isGreaterThanOrEqualTo(3);
        assertThat(Http.get(uri("/api/v1/admin/capacity")).statusCode()).isEqualTo(401);
        for (String bad :
                List.of(
                        "yesterday",
                        "2000-01-01T00:00:00Z",
                        Instant.now().plusSeconds(3600).toString())) {
            HttpResponse<String> refused =
                    Http.get(
                            uri("/api/v1/admin/capacity?since=" + bad),
                            "X-Admin-Token",
                            ADMIN_TOKEN);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValue("application/problem+json");
        }
    }

    // --- the Jobe API --------------------------------------------------------------------------

    static String runSpec(JsonObjectBuilder spec) {
        return Json.createObjectBuilder().add("run_spec", spec).build().toString();
    }

    @Test
    void jobeListsItsLanguages() throws Exception {
        HttpResponse<String> response = jobe("GET", "languages", null, jobeKey);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonArray languages = Json.createReader(new StringReader(response.body())).readArray();
        assertThat(languages.getValuesAs(JsonArray.class).stream().map(l -> l.getString(0)))
                .containsExactly("python3", "c", "cpp", "java", "nodejs", "php");
    }

    @Test
    void jobeRunsACProgramWithInputLikeJobeDoes() throws Exception {
        HttpResponse<String> response =
                jobe(
                        "POST",
                        "runs",
                        runSpec(
                                Json.createObjectBuilder()
                                        .add("language_id", "c")
                                        .add("sourcefilename", "test.c")
                                        .add("sourcecode", Case.C.upper)
                                        .add("input", "jobe\n")
                                        .add(
                                                "parameters",
                                                Json.createObjectBuilder().add("cputime", 2))),
                        jobeKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject result = json(response.body());
        assertThat(result.getInt("outcome")).isEqualTo(15);
        assertThat(result.getString("stdout")).isEqualTo("JOBE\n");
        assertThat(result.getString("cmpinfo")).isEmpty();
        assertThat(result.containsKey("run_id")).isTrue();
    }

    @Test
    void aJobeRunFromAClientAskingForH2cIsServedAsHttp11() throws Exception {
        // A new client, so the run goes out on a new connection with the h2c upgrade asked for.
        HttpClient askingForH2c =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        String spec =
                runSpec(
                        Json.createObjectBuilder()
                                .add("language_id", "python3")
                                .add("sourcecode", "print(input().upper())")
                                .add("input", "h2c\n"));
        HttpResponse<String> response =
                askingForH2c.send(
                        HttpRequest.newBuilder(uri("/jobe/index.php/restapi/runs"))
                                .timeout(Duration.ofSeconds(120))
                                .header("Content-Type", "application/json")
                                .header("X-API-KEY", jobeKey)
                                .POST(HttpRequest.BodyPublishers.ofString(spec))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject result = json(response.body());
        assertThat(result.getInt("outcome")).isEqualTo(15);
        assertThat(result.getString("stdout")).isEqualTo("H2C\n");
    }

    @Test
    void jobeReportsACompileErrorInCmpinfo() throws Exception {
        JsonObject result =
                json(
                        jobe(
                                        "POST",
                                        "runs",
                                        runSpec(
                                                Json.createObjectBuilder()
                                                        .add("language_id", "python3")
                                                        .add(
                                                                "sourcecode",
                                                                Case.PYTHON3.compileError)),
                                        jobeKey)
                                .body());

        assertThat(result.getInt("outcome")).isEqualTo(11);
        assertThat(result.getString("cmpinfo")).contains("SyntaxError");
    }

    @Test
    void jobeFilesArePutCheckedAndUsedInRuns() throws Exception {
        String id = "a1b2c3d4e5f60718";
        String content = Base64.getEncoder().encodeToString("42\n".getBytes());
        HttpResponse<String> missing = jobe("HEAD", "files/" + id, null, jobeKey);
        HttpResponse<String> put =
                jobe("PUT", "files/" + id, "{\"file_contents\":\"" + content + "\"}", jobeKey);
        HttpResponse<String> present = jobe("HEAD", "files/" + id, null, jobeKey);
        HttpResponse<String> used =
                jobe(
                        "POST",
                        "runs",
                        runSpec(
                                Json.createObjectBuilder()
                                        .add("language_id", "python3")
                                        .add(
                                                "sourcecode",
                                                "print(int(open('answer.txt').read()) + 1)")
                                        .add(
                                                "file_list",
                                                Json.createArrayBuilder()
                                                        .add(
                                                                Json.createArrayBuilder()
                                                                        .add(id)
                                                                        .add("answer.txt")))),
                        jobeKey);

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(put.statusCode()).isEqualTo(204);
        assertThat(present.statusCode()).isEqualTo(204);
        assertThat(json(used.body()).getString("stdout")).isEqualTo("43\n");
    }

    @Test
    void badRunSpecsGetJobesErrorAnswers() throws Exception {
        record Bad(String body, int status, String message) {}
        List<Bad> cases =
                List.of(
                        new Bad("not json at all", 400, "Non-JSON post data received"),
                        new Bad("{\"spec\":{}}", 400, "No run_spec attribute found in post data"),
                        new Bad(
                                runSpec(Json.createObjectBuilder().add("language_id", "c")),
                                400,
                                "run_spec is missing the required attribute 'sourcecode'"),
                        new Bad(
                                runSpec(
                                        Json.createObjectBuilder()
                                                .add("language_id", "cobol")
                                                .add("sourcecode", "x")),
                                400,
                                "Language 'cobol' is not known"),
                        new Bad(
                                runSpec(
                                        Json.createObjectBuilder()
                                                .add("language_id", "c")
                                                .add("sourcecode", "x")
                                                .add("sourcefilename", "../x.c")),
                                400,
                                "The sourcefilename for the run_spec is illegal"),
                        new Bad(
                                runSpec(
                                        Json.createObjectBuilder()
                                                .add("language_id", "c")
                                                .add("sourcecode", "x")
                                                .add(
                                                        "parameters",
                                                        Json.createObjectBuilder()
                                                                .add("cputime", 500))),
                                400,
                                "cputime exceeds maximum allowed on this Jobe server (120 secs)"),
                        new Bad(
                                runSpec(
                                        Json.createObjectBuilder()
                                                .add("language_id", "c")
                                                .add("sourcecode", "x")
                                                .add(
                                                        "file_list",
                                                        Json.createArrayBuilder()
                                                                .add(
                                                                        Json.createArrayBuilder()
                                                                                .add(
                                                                                        "nosuchfile0001")
                                                                                .add("x.txt")))),
                                404,
                                "One or more of the specified files is missing/unavailable"),
                        new Bad(
                                runSpec(
                                        Json.createObjectBuilder()
                                                .add("language_id", "c")
                                                .add("sourcecode", "x")
                                                .add(
                                                        "file_list",
                                                        Json.createArrayBuilder()
                                                                .add(
                                                                        Json.createArrayBuilder()
                                                                                .add("short")
                                                                                .add("x.txt")))),
                                400,
                                "Invalid file specifier"));

        for (Bad bad : cases) {
            HttpResponse<String> response = jobe("POST", "runs", bad.body(), jobeKey);
            assertThat(response.statusCode()).as(bad.body()).isEqualTo(bad.status());
            assertThat(response.body()).as(bad.body()).startsWith("\"" + bad.message());
        }
        assertThat(jobe("PUT", "files/abc", "{\"file_contents\":\"%%%\"}", jobeKey).statusCode())
                .isEqualTo(400);
        assertThat(jobe("PUT", "files/abc", "{}", jobeKey).statusCode()).isEqualTo(400);
    }

    @Test
    void jobeRefusesCallersWithoutAJobeKey() throws Exception {
        assertThat(jobe("GET", "languages", null, null).statusCode()).isEqualTo(403);
        assertThat(jobe("GET", "languages", null, runsKey).statusCode()).isEqualTo(403);
        assertThat(
                        jobe(
                                        "POST",
                                        "runs",
                                        runSpec(
                                                Json.createObjectBuilder()
                                                        .add("language_id", "c")
                                                        .add("sourcecode", "x")),
                                        "cpk_forged")
                                .statusCode())
                .isEqualTo(403);
    }

    // --- load, overload, restart ---------------------------------------------------------------

    @Test
    void aHundredParallelSubmissionsAreRunOrRefusedAsOverloadAndLeaveNothing() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(100);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                int n = i;
                answers.add(
                        clients.submit(
                                () ->
                                        n % 2 == 0
                                                ? jobe(
                                                        "POST",
                                                        "runs",
                                                        runSpec(
                                                                Json.createObjectBuilder()
                                                                        .add(
                                                                                "language_id",
                                                                                "python3")
                                                                        .add(
                                                                                "sourcecode",
                                                                                "print(" + n
                                                                                        + ")")),
                                                        jobeKey)
                                                : run(
                                                        runsKey,
                                                        program("python3", "print(" + n + ")"))));
            }
            int ran = 0;
            int overloaded = 0;
            for (int i = 0; i < answers.size(); i++) {
                HttpResponse<String> answer = answers.get(i).get();
                if (i % 2 == 0) {
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    int outcome = json(answer.body()).getInt("outcome");
                    assertThat(outcome).as(answer.body()).isIn(15, 21);
                    if (outcome == 15) {
                        assertThat(json(answer.body()).getString("stdout")).isEqualTo(i + "\n");
                        ran++;
                    } else {
                        overloaded++;
                    }
                } else {
                    assertThat(answer.statusCode()).as(answer.body()).isIn(200, 503);
                    if (answer.statusCode() == 200) {
                        assertThat(json(answer.body()).getString("stdout")).isEqualTo(i + "\n");
                        ran++;
                    } else {
                        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                        overloaded++;
                    }
                }
            }
            System.out.printf(
                    "FIGURE 100 parallel submissions (2 slots, 24 queued): %d ran, %d refused as"
                            + " overload%n",
                    ran, overloaded);
            assertThat(ran).isGreaterThanOrEqualTo(26);
            assertThat(overloaded).isPositive();
            assertThat(ran + overloaded).isEqualTo(100);
        } finally {
            clients.shutdownNow();
        }
        // Runs hand their sandboxes back without waiting; sandboxd removes them just after.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!sandboxd.sandboxes().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(sandboxd.sandboxes()).as("no sandbox left behind").isEmpty();
        assertThat(Http.get(uri("/health/ready")).statusCode()).isEqualTo(200);
    }

    // --- time limits and fairness ---------------------------------------------------------------

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"python3", "c", "java"})
    void aProgramSleepingPastTwiceItsCpuTimeIsStoppedForItsWallTime(String language)
            throws Exception {
        String sleeper =
                switch (language) {
                    case "python3" -> "import time\ntime.sleep(30)\nprint('woke')";
                    case "c" -> "#include <unistd.h>\nint main(void) { sleep(30); return 0; }";
                    default ->
                            "public class Nap { public static void main(String[] a) throws"
                                    + " Exception { Thread.sleep(30_000); } }";
                };

        JsonObject result =
                runOk(
                        program(language, sleeper)
                                .add("limits", Json.createObjectBuilder().add("cpuSeconds", 2)));

        assertThat(result.getString("outcome")).as(brief(result)).isEqualTo("TIME_LIMIT");
        assertThat(result.getString("limitHit")).isEqualTo("WALL_TIME");
        assertThat(result.getJsonNumber("wallMillis").longValue())
                .as("stopped at twice the CPU time, not before")
                .isGreaterThanOrEqualTo(4000);
        assertThat(result.getJsonNumber("cpuMillis").longValue()).isLessThan(2000);
    }

    /** Runs {@code argv} as the student in a sandbox, through sandboxd itself; its exit code. */
    int execIn(String sandbox, String... argv) throws Exception {
        try (pro.codai.sandbox.protocol.SandboxClient client =
                pro.codai.sandbox.protocol.SandboxClient.connect(sandboxd.socket)) {
            return client.call(
                            "exec",
                            pro.codai.sandbox.protocol.SandboxClient.fields()
                                    .add("sandbox", sandbox)
                                    .add("argv", Json.createArrayBuilder(List.of(argv)))
                                    .add("cwd", "/home/student"))
                    .getInt("exitCode");
        }
    }

    /** Sandboxes (all of sandboxd's) in which a file exists in the working directory. */
    List<String> sandboxesWith(String file) throws Exception {
        List<String> found = new ArrayList<>();
        List<String> all;
        try (pro.codai.sandbox.protocol.SandboxClient client =
                pro.codai.sandbox.protocol.SandboxClient.connect(sandboxd.socket)) {
            all =
                    client.call("list", pro.codai.sandbox.protocol.SandboxClient.fields())
                            .getJsonArray("sandboxes")
                            .getValuesAs(jakarta.json.JsonString::getString);
        }
        for (String sandbox : all) {
            try {
                if (execIn(sandbox, "test", "-e", file) == 0) {
                    found.add(sandbox);
                }
            } catch (pro.codai.sandbox.protocol.ProtocolException e) {
                // being created or torn down
            }
        }
        return found;
    }

    @Test
    void aCallerAtItsCapWithMoreQueuedDoesNotHoldUpAnotherCallersRun() throws Exception {
        // Two slots, so one caller may hold one (codaipro.runs.max-per-caller unset: half).
        String hogKey = issue("hog", "runs").getString("secret");
        // Each hog run says it started, then waits until the test lets it go: it ends when
        // released, never by the clock (its wall limit, 60 s, is only the backstop).
        String waits =
                "import os, time\nopen('hog-started', 'w').close()\n"
                        + "while not os.path.exists('hog-go'):\n    time.sleep(0.05)\n"
                        + "print('released')";
        ExecutorService clients = Executors.newFixedThreadPool(3);
        List<Future<HttpResponse<String>>> hog = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                hog.add(
                        clients.submit(
                                () ->
                                        run(
                                                hogKey,
                                                program("python3", waits)
                                                        .add(
                                                                "limits",
                                                                Json.createObjectBuilder()
                                                                        .add("cpuSeconds", 30)))));
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (sandboxesWith("hog-started").isEmpty()) {
                assertThat(System.nanoTime()).as("a hog run started").isLessThan(deadline);
                Thread.sleep(100);
            }

            HttpResponse<String> other =
                    jobe(
                            "POST",
                            "runs",
                            runSpec(
                                    Json.createObjectBuilder()
                                            .add("language_id", "python3")
                                            .add("sourcecode", "print('not held up')")),
                            jobeKey);

            assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
            assertThat(json(other.body()).getInt("outcome")).as(other.body()).isEqualTo(15);
            assertThat(json(other.body()).getString("stdout")).isEqualTo("not held up\n");
            assertThat(hog).as("the hog's runs wait for the test").noneMatch(Future::isDone);
            assertThat(sandboxesWith("hog-started"))
                    .as("the hog holds its cap of one slot, its other runs queued")
                    .hasSize(1);
        } finally {
            // Let every hog run go as it starts, one after another.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(180);
            while (!hog.stream().allMatch(Future::isDone) && System.nanoTime() < deadline) {
                for (String sandbox : sandboxesWith("hog-started")) {
                    execIn(sandbox, "touch", "hog-go");
                }
                Thread.sleep(100);
            }
            clients.shutdownNow();
        }
        for (Future<HttpResponse<String>> answer : hog) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(json(response.body()).getString("stdout")).isEqualTo("released\n");
        }
    }

    @Test
    void runsGoOnAfterSandboxdRestartsWithoutRestartingTheServer() throws Exception {
        assertThat(runOk(program("python3", "print('before')")).getString("stdout"))
                .isEqualTo("before\n");

        sandboxd.kill();
        HttpResponse<String> whileDown = run(runsKey, program("python3", "print('down')"));
        sandboxd.launch();
        JsonObject after = runOk(program("python3", "print('after')"));

        assertThat(whileDown.statusCode()).isEqualTo(503);
        assertThat(after.getString("stdout")).isEqualTo("after\n");
    }
}
