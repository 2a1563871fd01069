package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the running appliance promises on any database: the landing page, health, the API's info and
 * error shape, OpenAPI, metrics and branded error pages. Subclasses start the built server on one
 * database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerContract {

    protected RunningServer server;
    protected Path workDir;

    /** Settings (environment variables) for the server under test. */
    abstract Map<String, String> settings() throws Exception;

    /** {@code derby} or {@code postgresql}. */
    abstract String expectedDatabase();

    /** The site name the server should show, given its settings file and environment. */
    abstract String expectedSiteName();

    @BeforeAll
    void startServer() throws Exception {
        workDir =
                Files.createTempDirectory(Path.of("target"), getClass().getSimpleName() + "-")
                        .toAbsolutePath();
        server = RunningServer.start(workDir.resolve("data"), settings());
        System.out.printf(
                "FIGURE %s: launcher start to ready %d ms, server resident memory %d MB%n",
                getClass().getSimpleName(),
                server.readyAfterMillis(),
                server.residentKilobytes() / 1024);
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void landingPageOffersTryNowAndDownloadWithRealFigures() throws Exception {
        HttpResponse<String> page = Http.get(server.uri("/"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).contains("html");
        assertThat(page.body())
                .contains("<title>" + expectedSiteName() + " — ")
                .contains("Try Now")
                .contains("Download")
                .contains("id=\"figure-users\"")
                .contains("id=\"plans\"")
                .contains("lang=\"en\"");
    }

    @Test
    void readinessCoversTheDatabase() throws Exception {
        HttpResponse<String> ready = Http.get(server.uri("/health/ready"));

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body().replace(" ", ""))
                .contains("\"status\":\"UP\"")
                .contains("{\"name\":\"database\",\"status\":\"UP\"");
        assertThat(Http.get(server.uri("/health/live")).statusCode()).isEqualTo(200);
    }

    @Test
    void infoNamesVersionBuildAndDatabase() throws Exception {
        HttpResponse<String> info = Http.get(server.uri("/api/v1/info"));

        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/json");
        assertThat(info.body().replace(" ", ""))
                .contains("\"database\":\"" + expectedDatabase() + "\"")
                .containsPattern("\"version\":\"\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\"")
                .containsPattern("\"build\":\"[0-9a-f]{7,}\"");
    }

    @Test
    void openApiDocumentsTheApi() throws Exception {
        HttpResponse<String> openapi = Http.get(server.uri("/openapi"));

        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(openapi.body()).contains("CodaiPro Campus API").contains("/v1/info");
        assertThat(openapi.body())
                .as("the IDE's file API, from the portal")
                .contains("Workspace files")
                .contains("/workspace/tree");
    }

    @Test
    void metricsAreServedInPrometheusFormat() throws Exception {
        HttpResponse<String> metrics = Http.get(server.uri("/metrics"));

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("# TYPE")
                .containsPattern("(?m)^\\w+\\{.*\\} [0-9.E+-]+$");
    }

    @Test
    void anUnknownPageGetsTheBrandedNotFoundPageWithoutInternals() throws Exception {
        HttpResponse<String> page = Http.get(server.uri("/no-such-page"));

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body())
                .contains("Page not found")
                .contains(expectedSiteName())
                .doesNotContain("Payara")
                .doesNotContain("Caused by")
                .doesNotContainPattern("\\.java:\\d+");
    }

    @Test
    void facesSourcesAndDeploymentDescriptorsAreNotServed() throws Exception {
        assertThat(Http.get(server.uri("/WEB-INF/web.xml")).statusCode()).isIn(403, 404);
        assertThat(Http.get(server.uri("/WEB-INF/templates/site.xhtml")).statusCode())
                .isIn(403, 404);
    }

    @Test
    void apiErrorsAreProblemDetails() throws Exception {
        HttpResponse<String> notFound = Http.get(server.uri("/api/v1/no-such-resource"));
        HttpResponse<String> wrongMethod =
                Http.send(HttpRequest.newBuilder(server.uri("/api/v1/info")).DELETE().build());
        HttpResponse<String> wrongMediaType =
                Http.send(
                        HttpRequest.newBuilder(server.uri("/api/v1/info"))
                                .header("Accept", "application/xml")
                                .build());

        assertProblem(notFound, 404, "/api/v1/no-such-resource");
        assertProblem(wrongMethod, 405, "/api/v1/info");
        assertProblem(wrongMediaType, 406, "/api/v1/info");
    }

    @Test
    void everyAnswerCarriesSecurityHeadersAndNamesNoProduct() throws Exception {
        HttpResponse<String> page = Http.get(server.uri("/"));
        HttpResponse<String> notFound = Http.get(server.uri("/no-such-page"));
        HttpResponse<String> api = Http.get(server.uri("/api/v1/info"));
        HttpResponse<String> jobe = Http.get(server.uri("/jobe/index.php/restapi/languages"));
        HttpResponse<String> health = Http.get(server.uri("/health/ready"));

        for (HttpResponse<String> answer : List.of(page, notFound, api, jobe, health)) {
            assertThat(answer.headers().firstValue("Server"))
                    .as("Server header of " + answer.uri())
                    .isEmpty();
            assertThat(answer.headers().firstValue("X-Powered-By"))
                    .as("X-Powered-By of " + answer.uri())
                    .isEmpty();
        }
        for (HttpResponse<String> answer : List.of(page, notFound, api, jobe)) {
            assertThat(answer.headers().allValues("X-Content-Type-Options"))
                    .as("nosniff on " + answer.uri())
                    .containsExactly("nosniff");
            assertThat(answer.headers().firstValue("Referrer-Policy"))
                    .as("Referrer-Policy of " + answer.uri())
                    .isPresent();
        }
        for (HttpResponse<String> html : List.of(page, notFound)) {
            assertThat(html.headers().allValues("Content-Security-Policy"))
                    .as("one full policy on " + html.uri())
                    .singleElement()
                    .satisfies(
                            policy ->
                                    assertThat(policy)
                                            .contains("default-src 'self'")
                                            .contains("object-src 'none'")
                                            .contains("base-uri 'none'")
                                            .contains("frame-ancestors 'none'")
                                            .contains("form-action 'self' ")
                                            .contains("worker-src 'self'")
                                            .containsPattern("script-src 'self' 'nonce-[^']+'"));
            assertThat(html.headers().firstValue("Referrer-Policy")).contains("same-origin");
        }
        for (HttpResponse<String> json : List.of(api, jobe)) {
            assertThat(json.headers().firstValue("Referrer-Policy")).contains("no-referrer");
            assertThat(json.headers().firstValue("Content-Security-Policy"))
                    .contains("default-src 'none'; frame-ancestors 'none'");
        }
    }

    @Test
    void speaksHttp11OnlyAndAnswersAClientThatAsksForH2c() throws Exception {
        // Java's client asks to switch to h2c on http:// by default, body included (RunsIT has
        // the runs whose bodies are read).
        HttpClient askingForH2c =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        for (String path : List.of("/jobe/index.php/restapi/runs", "/api/v1/runs")) {
            HttpResponse<String> answer =
                    askingForH2c.send(
                            HttpRequest.newBuilder(server.uri(path))
                                    .timeout(Duration.ofSeconds(60))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"run_spec\":{}}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.version()).as(path).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(answer.statusCode())
                    .as(path + " answered as the HTTP/1.1 request it also is: " + answer.body())
                    .isIn(401, 403);
        }
        // An HTTP/2 server answers the connection preface with its SETTINGS frame (type 4).
        try (Socket socket = new Socket(server.uri("/").getHost(), server.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] frameHeader = new byte[9];
            int read = 0;
            try {
                read = socket.getInputStream().readNBytes(frameHeader, 0, frameHeader.length);
            } catch (SocketTimeoutException silent) {
                // no answer is no HTTP/2 either
            }
            assertThat(read == 9 && frameHeader[3] == 4)
                    .as("an HTTP/2 SETTINGS frame in answer to the preface")
                    .isFalse();
        }
    }

    @Test
    void thePreviewAddressServesPreviewsOnlyAndThePortalAddressNone() throws Exception {
        for (String path :
                new String[] {"/", "/app/dashboard.xhtml", "/signin", "/app/api/workspace/tree"}) {
            HttpResponse<String> refused = Http.get(server.previewUri(path));
            assertThat(refused.statusCode()).as(path + " on the preview address").isEqualTo(404);
            assertThat(refused.body()).as(path).contains("previews only");
            assertThat(refused.headers().firstValue("Set-Cookie"))
                    .as("no session on the preview address: " + path)
                    .isEmpty();
            assertThat(refused.headers().firstValue("Location"))
                    .as("no sign-in from the preview address: " + path)
                    .isEmpty();
        }
        HttpResponse<String> noSuchPreview = Http.get(server.previewUri("/preview/guess/a.html"));
        assertThat(noSuchPreview.statusCode()).isEqualTo(404);
        assertThat(noSuchPreview.body()).contains("No such preview");

        HttpResponse<String> onThePortal = Http.get(server.uri("/preview/guess/a.html"));
        assertThat(onThePortal.statusCode()).isEqualTo(404);
        assertThat(onThePortal.body()).contains("Page not found").doesNotContain("No such preview");
    }

    static void assertProblem(HttpResponse<String> response, int status, String instance) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        assertThat(response.body().replace(" ", ""))
                .contains("\"status\":" + status)
                .contains("\"title\":")
                .contains("\"instance\":\"" + instance + "\"")
                .doesNotContain("Exception");
    }
}
