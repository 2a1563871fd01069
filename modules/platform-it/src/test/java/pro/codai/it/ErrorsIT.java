package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile or broken requests that no resource expects, against the built server: each is answered
 * with problem details (API, Jobe API) or the portal's own page, never a 500, a stack trace or the
 * container's "Error report" page, and leaves at most one line in the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsIT {

    static final String ADMIN_TOKEN = "it-admin-token-0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7";

    RunningServer server;
    String runsKey;
    String jobeKey;

    @BeforeAll
    void start() throws Exception {
        Path workDir = Files.createTempDirectory(Path.of("target"), "ErrorsIT-").toAbsolutePath();
        server =
                RunningServer.start(
                        workDir.resolve("data"), Map.of("CODAIPRO_ADMIN_TOKEN", ADMIN_TOKEN));
        runsKey = issue("runs");
        jobeKey = issue("jobe");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    String issue(String scope) throws Exception {
        HttpResponse<String> issued =
                Http.json(
                        "POST",
                        server.uri("/api/v1/admin/api-keys"),
                        "{\"name\":\"" + scope + "\",\"scopes\":[\"" + scope + "\"]}",
                        "X-Admin-Token",
                        ADMIN_TOKEN);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        return Json.createReader(new StringReader(issued.body())).readObject().getString("secret");
    }

    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** The log written since {@code offset} characters, once the server has flushed it. */
    String logSince(int offset) throws Exception {
        return server.output().substring(offset);
    }

    static void assertProblem(HttpResponse<String> answer, int status) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                .as(answer.uri().toString())
                .startsWith("application/problem+json");
        JsonObject problem = Json.createReader(new StringReader(answer.body())).readObject();
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(problem.getString("detail")).isNotBlank();
        assertNoContainerPage(answer);
    }

    static void assertNoContainerPage(HttpResponse<String> answer) {
        assertThat(answer.body())
                .as(answer.uri().toString())
                .doesNotContainIgnoringCase("payara")
                .doesNotContain("Error report")
                .doesNotContain("root cause")
                .doesNotContain("Exception report")
                .doesNotContain("\tat ");
    }

    /** Log lines of stack traces: {@code at some.Class.method(File.java:1)}. */
    static long stackFrames(String log) {
        return log.lines().filter(line -> line.strip().matches("at [\\w$.]+\\(.*\\)")).count();
    }

    @Test
    void jsonNestedDeeperThanTheParserAllowsIsA400InBothApis() throws Exception {
        int logAt = server.output().length();
        String deepRunSpec =
                "{\"run_spec\":{\"language_id\":\"c\",\"sourcecode\":\"x\",\"parameters\":{\"runargs\":"
                        + nested(5000)
                        + "}}}";

        HttpResponse<String> jobe =
                Http.json(
                        "POST",
                        server.uri("/jobe/index.php/restapi/runs"),
                        deepRunSpec,
                        "X-API-KEY",
                        jobeKey);
        HttpResponse<String> api =
                Http.json(
                        "POST",
                        server.uri("/api/v1/runs"),
                        "{\"language\":\"c\",\"source\":\"x\",\"runArgs\":" + nested(5000) + "}",
                        "X-API-Key",
                        runsKey);

        assertThat(jobe.statusCode()).as(jobe.body()).isEqualTo(400);
        assertThat(jobe.body()).isEqualTo("\"Non-JSON post data received\"");
        assertProblem(api, 400);
        assertThat(stackFrames(logSince(logAt))).isZero();
    }

    @Test
    void theErrorPagesOfEveryWarAreReadWithoutADescriptorFailure() throws Exception {
        assertThat(server.output()).doesNotContain("addDescriptorFailure");
    }

    @Test
    void bodiesOver32MegabytesAre413ProblemsInBothApis() throws Exception {
        // Valid JSON, one byte over: {"x":"aaa…"} of 32 MiB + 1.
        String over = "{\"x\":\"" + "a".repeat((32 << 20) + 1 - 8) + "\"}";

        assertProblem(
                Http.json("POST", server.uri("/api/v1/runs"), over, "X-API-Key", runsKey), 413);
        assertProblem(
                Http.json(
                        "POST",
                        server.uri("/jobe/index.php/restapi/runs"),
                        over,
                        "X-API-KEY",
                        jobeKey),
                413);
    }

    @Test
    void unknownPathsAndMethodsOfTheApisAreProblemDetails() throws Exception {
        for (String path :
                List.of(
                        "/jobe/",
                        "/jobe/nothing",
                        "/jobe/index.php",
                        "/api/nothing",
                        "/api/v1/nothing")) {
            assertProblem(Http.json("GET", server.uri(path), null), 404);
        }
        assertProblem(Http.json("DELETE", server.uri("/api/v1/info"), null), 405);
    }

    @Test
    void requestsTheJobeApiHasNoRouteForAreJobes404NotTheContainers() throws Exception {
        for (String[] request :
                List.of(
                        new String[] {"GET", "/jobe/index.php/restapi/nothing"},
                        new String[] {"DELETE", "/jobe/index.php/restapi/languages"})) {
            HttpResponse<String> answer =
                    Http.json(request[0], server.uri(request[1]), null, "X-API-KEY", jobeKey);

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
            assertThat(answer.body()).startsWith("\"Can't find a route for '" + request[0]);
            assertNoContainerPage(answer);
        }
    }

    @Test
    void getSignoutAndUnknownPortalPagesShowThePortalsOwnPage() throws Exception {
        HttpResponse<String> signOut = Http.json("GET", server.uri("/signout"), null);
        HttpResponse<String> missing = Http.json("GET", server.uri("/no-such-page.xhtml"), null);

        assertThat(signOut.statusCode()).isEqualTo(405);
        // The portal's pages are application/xhtml+xml, its error pages included.
        assertThat(signOut.headers().firstValue("Content-Type").orElse("")).contains("html");
        assertThat(signOut.body()).contains("class=\"error-page\"").contains("405");
        assertNoContainerPage(signOut);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("class=\"error-page\"");
        assertNoContainerPage(missing);
    }

    @Test
    void aFormOverTwoMegabytesIs413WithThePortalsPageAndOneAtTheLimitIsRead() throws Exception {
        int limit = 2 * 1024 * 1024;
        int logAt = server.output().length();

        HttpResponse<String> over = postForm(limit + 1);
        HttpResponse<String> atLimit = postForm(limit);

        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.headers().firstValue("Content-Type").orElse("")).contains("html");
        assertThat(over.body()).contains("class=\"error-page\"").contains("413");
        assertNoContainerPage(over);
        assertThat(atLimit.statusCode()).as("a form of exactly 2 MB").isEqualTo(200);
        assertThat(stackFrames(logSince(logAt))).isZero();
    }

    /** A form POST to the landing page of exactly {@code bytes} bytes. */
    HttpResponse<String> postForm(int bytes) throws Exception {
        String body = "field=" + "x".repeat(bytes - "field=".length());
        return Http.send(
                HttpRequest.newBuilder(server.uri("/index.xhtml"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }
}
