package pro.codai.it;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Sign-in figures: Keycloak's start (a fresh instance importing the realm, several times), and the
 * sign-in round trip portal → Keycloak → portal over HTTP as a browser makes it (protected page →
 * redirect → Keycloak's page → credentials → callback with the code exchange → the page), each leg
 * timed, against a plain page of the portal measured in the same run. Prints figures; asserts
 * nothing about time. Run with {@code -Pbench} (see docs/development/README.md).
 */
class SignInBenchmark {

    static final int SAMPLES = Integer.getInteger("bench.samples", 50);
    static final int KEYCLOAK_STARTS = Integer.getInteger("bench.keycloak-starts", 3);
    static final String PASSWORD = "Bench-password-2026";
    private static final Pattern FORM_ACTION =
            Pattern.compile("id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    @Test
    void measure() throws Exception {
        Keycloak keycloak = Keycloak.shared();
        List<Long> starts = new ArrayList<>(List.of(keycloak.startMillis * 1_000_000));
        for (int i = 1; i < KEYCLOAK_STARTS; i++) {
            Keycloak fresh = Keycloak.startFresh();
            starts.add(fresh.startMillis * 1_000_000);
            fresh.stop();
        }
        System.out.printf(
                "Sign-in benchmark: %d cores, %d samples%n",
                Runtime.getRuntime().availableProcessors(), SAMPLES);
        Figures.report("Keycloak start to ready, realm import included", starts);

        String email = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true);
        Path workDir = Files.createTempDirectory(Path.of("target"), "SignInBenchmark-");
        try (RunningServer server =
                RunningServer.start(
                        workDir.toAbsolutePath().resolve("data"), keycloak.serverSettings())) {
            for (int i = 0; i < 10; i++) {
                signIn(keycloak.publicUrl(), email, null);
                landingPage(keycloak.publicUrl());
            }
            List<Long> baseline = new ArrayList<>();
            Legs legs = new Legs();
            for (int i = 0; i < SAMPLES; i++) {
                baseline.add(landingPage(keycloak.publicUrl()));
                signIn(keycloak.publicUrl(), email, legs);
            }
            Figures.report("baseline: portal landing page (GET /)", baseline);
            Figures.report("sign-in round trip (protected page to page)", legs.total);
            Figures.report("  portal: protected page -> redirect", legs.redirect);
            Figures.report("  Keycloak: sign-in page", legs.signInPage);
            Figures.report("  Keycloak: credentials -> code", legs.credentials);
            Figures.report("  portal: callback (code exchange, ID token check)", legs.callback);
            Figures.report("  portal: the page, signed in", legs.page);
        }
    }

    static final class Legs {
        final List<Long> total = new ArrayList<>();
        final List<Long> redirect = new ArrayList<>();
        final List<Long> signInPage = new ArrayList<>();
        final List<Long> credentials = new ArrayList<>();
        final List<Long> callback = new ArrayList<>();
        final List<Long> page = new ArrayList<>();
    }

    private static long landingPage(String portal) throws Exception {
        HttpClient client = client();
        long started = System.nanoTime();
        HttpResponse<String> page = get(client, URI.create(portal + "/"));
        expect(page, 200);
        return System.nanoTime() - started;
    }

    /**
     * One browser-like sign-in with a fresh cookie jar, password {@link #PASSWORD}; legs recorded
     * when given. Returns the client, whose jar holds the signed-in session.
     */
    static HttpClient signIn(String portal, String email, Legs legs) throws Exception {
        HttpClient client = client();
        long t0 = System.nanoTime();
        // At the portal's public address, as a browser: its cookies are for that host.
        HttpResponse<String> protectedPage =
                get(client, URI.create(portal + "/app/dashboard.xhtml"));
        expect(protectedPage, 302);
        long t1 = System.nanoTime();
        HttpResponse<String> signInPage = get(client, location(protectedPage));
        expect(signInPage, 200);
        Matcher action = FORM_ACTION.matcher(signInPage.body());
        if (!action.find()) {
            throw new IllegalStateException("no sign-in form:\n" + signInPage.body());
        }
        long t2 = System.nanoTime();
        HttpResponse<String> credentials =
                client.send(
                        HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "username="
                                                        + URLEncoder.encode(
                                                                email, StandardCharsets.UTF_8)
                                                        + "&password="
                                                        + PASSWORD))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        expect(credentials, 302);
        long t3 = System.nanoTime();
        HttpResponse<String> callback = get(client, location(credentials));
        expect(callback, 302);
        long t4 = System.nanoTime();
        HttpResponse<String> page = get(client, location(callback));
        while (page.statusCode() == 302) { // first time: on to profile completion
            page = get(client, location(page));
        }
        expect(page, 200);
        if (!page.uri().getPath().startsWith("/app/")) {
            throw new IllegalStateException("not signed in: ended at " + page.uri());
        }
        long t5 = System.nanoTime();
        if (legs != null) {
            legs.total.add(t5 - t0);
            legs.redirect.add(t1 - t0);
            legs.signInPage.add(t2 - t1);
            legs.credentials.add(t3 - t2);
            legs.callback.add(t4 - t3);
            legs.page.add(t5 - t4);
        }
        return client;
    }

    static HttpClient client() {
        return HttpClient.newBuilder()
                .cookieHandler(new LoopbackCookies())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * A cookie jar that, like a browser on loopback, keeps Keycloak's {@code Secure} cookies over
     * plain HTTP to 127.0.0.1 (browsers treat loopback as a secure context; Java's jar does not).
     */
    static final class LoopbackCookies extends java.net.CookieHandler {
        private final CookieManager jar = new CookieManager();

        @Override
        public java.util.Map<String, List<String>> get(
                URI uri, java.util.Map<String, List<String>> requestHeaders)
                throws java.io.IOException {
            return jar.get(uri, requestHeaders);
        }

        @Override
        public void put(URI uri, java.util.Map<String, List<String>> responseHeaders)
                throws java.io.IOException {
            java.util.Map<String, List<String>> insecure = new java.util.HashMap<>();
            responseHeaders.forEach(
                    (name, values) ->
                            insecure.put(
                                    name,
                                    name != null && name.equalsIgnoreCase("Set-Cookie")
                                            ? values.stream()
                                                    .map(v -> v.replaceAll("(?i);\\s*Secure", ""))
                                                    .toList()
                                            : values));
            jar.put(uri, insecure);
        }
    }

    static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI location(HttpResponse<String> response) {
        return response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
    }

    static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(
                    response.uri() + " answered " + response.statusCode() + ", not " + status);
        }
    }
}
