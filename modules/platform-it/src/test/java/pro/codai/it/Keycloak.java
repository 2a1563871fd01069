package pro.codai.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/**
 * The real Keycloak (the keycloak-quarkus-dist the test command caches), started once for the test
 * run by the product's own start script ({@code codaipro-keycloak}) with the shipped realm export,
 * theme and a real SMTP capture server. Also the tests' admin client for the realm (users, test
 * clients, directory federation), through Keycloak's admin REST API.
 */
final class Keycloak {

    static final String REALM = "codaipro";
    static final String PORTAL_CLIENT_SECRET = "it-portal-secret-5d1c8a7e3f9b2046c1e8d7a5b3f1092e";

    /** The realm's codaipro-setup service account's secret (the setup wizard's). */
    static final String SETUP_CLIENT_SECRET = "it-setup-secret-0b7e4f2a9c1d8e6f3a5b7c9d1e2f4a6b";

    /** The realm's codaipro-people service account's secret (the admin console's). */
    static final String PEOPLE_CLIENT_SECRET = "it-people-secret-5d3c1b9a7e2f4d6c8b0a1e3f5c7d9b2a";

    /** Public test clients with the password grant (for API tokens without a browser). */
    static final String TOKEN_CLIENT = "it-token-client";

    static final String OTHER_AUDIENCE_CLIENT = "it-other-audience";
    static final String SHORT_LIVED_CLIENT = "it-short-lived";

    private static Keycloak shared;

    final int port;
    final int portalPort;
    final Path home;
    final MailCapture mail;
    final long startMillis;
    private final Process process;
    private final String adminPassword;

    private Keycloak(
            int port,
            int portalPort,
            Path home,
            MailCapture mail,
            Process process,
            long millis,
            String adminPassword) {
        this.port = port;
        this.portalPort = portalPort;
        this.home = home;
        this.mail = mail;
        this.process = process;
        this.startMillis = millis;
        this.adminPassword = adminPassword;
    }

    /** The one Keycloak of this test run, started on first use, stopped when the JVM exits. */
    static synchronized Keycloak shared() throws Exception {
        if (shared == null) {
            shared = startFresh();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    /** A Keycloak of its own: a fresh instance, the realm imported, the test clients added. */
    static Keycloak startFresh() throws Exception {
        return startFresh(Map.of());
    }

    /** The same, with extra settings (e.g. KC_DB=postgres). */
    static Keycloak startFresh(Map<String, String> settings) throws Exception {
        Keycloak keycloak = start(settings);
        keycloak.addTestClients();
        return keycloak;
    }

    private static Keycloak start(Map<String, String> settings) throws Exception {
        String dist = System.getProperty("codaipro.it.keycloak.dist", "");
        boolean available = !dist.isBlank() && Files.isExecutable(Path.of(dist, "bin/kc.sh"));
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(available, "no Keycloak distribution (codaipro.it.keycloak.dist)");
        }
        Path bundle = Path.of(System.getProperty("codaipro.it.keycloak.bundle"));
        Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "keycloak-");
        MailCapture mail = MailCapture.start();
        int port = FreePorts.next();
        int managementPort = FreePorts.next();
        int portalPort = FreePorts.next();
        ProcessBuilder builder =
                new ProcessBuilder("bash", bundle.resolve("bin/codaipro-keycloak").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(home.resolve("keycloak.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("CODAIPRO_KEYCLOAK_DIST", dist);
        env.put("CODAIPRO_KEYCLOAK_HOME", home.resolve("instance").toString());
        env.put("CODAIPRO_PUBLIC_URL", "http://localhost:" + portalPort);
        env.put("CODAIPRO_OIDC_CLIENT_SECRET", PORTAL_CLIENT_SECRET);
        env.put("CODAIPRO_SETUP_CLIENT_SECRET", SETUP_CLIENT_SECRET);
        env.put("CODAIPRO_PEOPLE_CLIENT_SECRET", PEOPLE_CLIENT_SECRET);
        env.put("CODAIPRO_SMTP_HOST", "127.0.0.1");
        env.put("CODAIPRO_SMTP_PORT", Integer.toString(mail.port));
        env.put("CODAIPRO_SMTP_FROM", "codaipro@campus.example");
        env.put("KC_HOSTNAME", "http://127.0.0.1:" + port);
        env.put("KC_HTTP_PORT", Integer.toString(port));
        env.put("KC_HTTP_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "it-admin");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        env.putAll(settings);
        String adminPassword = UUID.randomUUID().toString();
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        long started = System.nanoTime();
        Process process = builder.start();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
        long deadline = started + Duration.ofSeconds(240).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Keycloak exited with " + process.exitValue() + ":\n" + tail(home));
            }
            try {
                if (Http.get(ready).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("Keycloak not ready in 240 s:\n" + tail(home));
            }
            Thread.sleep(250);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("Keycloak %s ready after %d ms (realm import included)%n", dist, millis);
        return new Keycloak(port, portalPort, home, mail, process, millis, adminPassword);
    }

    String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    long pid() {
        return process.pid();
    }

    String publicUrl() {
        return "http://localhost:" + portalPort;
    }

    /** Server settings that point the portal and the API at this Keycloak. */
    Map<String, String> serverSettings() {
        return Map.of(
                "CODAIPRO_HTTP_PORT", Integer.toString(portalPort),
                "CODAIPRO_PUBLIC_URL", publicUrl(),
                "CODAIPRO_OIDC_ISSUER", issuer(),
                "CODAIPRO_OIDC_CLIENT_SECRET", PORTAL_CLIENT_SECRET);
    }

    /** Keycloak's start script, and through its descendants Keycloak itself. */
    ProcessHandle processHandle() {
        return process.toHandle();
    }

    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        mail.close();
    }

    /**
     * Connects the realm to a directory with the product's own {@code connect-directory} script;
     * returns its output. {@code settings}: the script's LDAP_* variables.
     */
    String connectDirectory(String kind, Map<String, String> settings) throws Exception {
        Path bundle = Path.of(System.getProperty("codaipro.it.keycloak.bundle"));
        ProcessBuilder builder =
                new ProcessBuilder("bash", bundle.resolve("bin/connect-directory").toString(), kind)
                        .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.putAll(settings);
        env.put("KEYCLOAK_URL", "http://127.0.0.1:" + port);
        env.put("KEYCLOAK_ADMIN_USER", "it-admin");
        env.put("KEYCLOAK_ADMIN_PASSWORD", adminPassword);
        env.put("CODAIPRO_KEYCLOAK_HOME", home.resolve("instance").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("connect-directory failed:\n" + output);
        }
        return output;
    }

    // --- admin REST API ------------------------------------------------------------------

    /** A token of Keycloak's master realm (the bootstrap administrator's). */
    String masterRealmToken() throws Exception {
        return adminToken();
    }

    private String adminToken;
    private long adminTokenRenewAt;

    /** The bootstrap administrator's token, fetched again only shortly before it expires. */
    private synchronized String adminToken() throws Exception {
        if (adminToken == null || System.nanoTime() - adminTokenRenewAt >= 0) {
            HttpResponse<String> response =
                    form(
                            URI.create(
                                    "http://127.0.0.1:"
                                            + port
                                            + "/realms/master/protocol/openid-connect/token"),
                            Map.of(
                                    "grant_type", "password",
                                    "client_id", "admin-cli",
                                    "username", "it-admin",
                                    "password", adminPassword));
            JsonObject answer = json(response).asJsonObject();
            adminToken = answer.getString("access_token");
            long lifetime = answer.getJsonNumber("expires_in").longValue();
            adminTokenRenewAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime - 15);
        }
        return adminToken;
    }

    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/admin/realms/" + REALM + path);
        return Http.json(method, uri, body, "Authorization", "Bearer " + adminToken());
    }

    /** Creates a user with a password; returns their id (their token's subject). */
    String createUser(
            String username, String email, String password, boolean emailVerified, String... groups)
            throws Exception {
        JsonArrayBuilder groupPaths = Json.createArrayBuilder();
        for (String group : groups) {
            groupPaths.add("/" + group);
        }
        String body =
                Json.createObjectBuilder()
                        .add("username", username)
                        .add("email", email)
                        .add("firstName", "Test")
                        .add("lastName", username)
                        .add("enabled", true)
                        .add("emailVerified", emailVerified)
                        .add("groups", groupPaths)
                        .add(
                                "credentials",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("type", "password")
                                                        .add("value", password)
                                                        .add("temporary", false)))
                        .build()
                        .toString();
        HttpResponse<String> created = admin("POST", "/users", body);
        if (created.statusCode() != 201) {
            throw new IllegalStateException("user not created: " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** The realm's client of this id, as Keycloak represents it. */
    JsonObject client(String clientId) throws Exception {
        return json(admin("GET", "/clients?clientId=" + clientId, null))
                .asJsonArray()
                .getJsonObject(0);
    }

    /**
     * Sets (or, with null, removes) an attribute of a realm client, e.g. a token lifespan, and
     * checks that Keycloak took it: an update leaves out-of-body attributes as they were, so a
     * removal is sent as an empty value, which Keycloak drops. The realm is shared by every test
     * class of the run; a setting left behind would change the tests after.
     */
    void setClientAttribute(String clientId, String name, String value) throws Exception {
        JsonObject client = client(clientId);
        var attributes = Json.createObjectBuilder(client.getJsonObject("attributes"));
        attributes.add(name, value == null ? "" : value);
        String body =
                Json.createObjectBuilder(client).add("attributes", attributes).build().toString();
        HttpResponse<String> updated = admin("PUT", "/clients/" + client.getString("id"), body);
        if (updated.statusCode() != 204) {
            throw new IllegalStateException("client not updated: " + updated.body());
        }
        String now = client(clientId).getJsonObject("attributes").getString(name, "");
        if (!now.equals(value == null ? "" : value)) {
            throw new IllegalStateException(
                    "client attribute " + name + " is '" + now + "', not '" + value + "'");
        }
    }

    /** The id (token subject) of the account with this email. */
    String userId(String email) throws Exception {
        return json(admin("GET", "/users?exact=true&email=" + email, null))
                .asJsonArray()
                .getJsonObject(0)
                .getString("id");
    }

    /**
     * Test clients for tokens without a browser: one with the portal client's own protocol mappers
     * (copied from the running realm, so the shipped mappers are what is tested), one whose tokens
     * name no API audience, one whose tokens live ten seconds.
     */
    private void addTestClients() throws Exception {
        JsonArray portalMappers = client("codaipro-portal").getJsonArray("protocolMappers");
        JsonArrayBuilder withoutIds = Json.createArrayBuilder();
        JsonArrayBuilder groupsOnly = Json.createArrayBuilder();
        for (JsonValue value : portalMappers) {
            JsonObject mapper = value.asJsonObject();
            JsonObject copy = Json.createObjectBuilder(mapper).remove("id").build();
            withoutIds.add(copy);
            if (!"oidc-audience-mapper".equals(mapper.getString("protocolMapper"))) {
                groupsOnly.add(copy);
            }
        }
        JsonArray mappers = withoutIds.build();
        addPasswordClient(TOKEN_CLIENT, mappers, Map.of());
        addPasswordClient(OTHER_AUDIENCE_CLIENT, groupsOnly.build(), Map.of());
        addPasswordClient(SHORT_LIVED_CLIENT, mappers, Map.of("access.token.lifespan", "10"));
    }

    private void addPasswordClient(String clientId, JsonArray mappers, Map<String, String> attrs)
            throws Exception {
        var attributes = Json.createObjectBuilder();
        attrs.forEach(attributes::add);
        String body =
                Json.createObjectBuilder()
                        .add("clientId", clientId)
                        .add("enabled", true)
                        .add("publicClient", true)
                        .add("standardFlowEnabled", false)
                        .add("directAccessGrantsEnabled", true)
                        .add("protocolMappers", mappers)
                        .add("attributes", attributes)
                        .build()
                        .toString();
        HttpResponse<String> created = admin("POST", "/clients", body);
        if (created.statusCode() != 201) {
            throw new IllegalStateException("client not created: " + created.body());
        }
    }

    /** The token endpoint's answer to a password grant by a test client. */
    HttpResponse<String> passwordGrant(String clientId, String username, String password)
            throws Exception {
        return form(
                URI.create(issuer() + "/protocol/openid-connect/token"),
                Map.of(
                        "grant_type", "password",
                        "client_id", clientId,
                        "username", username,
                        "password", password,
                        "scope", "openid"));
    }

    /** An access token for the API, through the test client with the portal's mappers. */
    String accessToken(String username, String password) throws Exception {
        return accessToken(TOKEN_CLIENT, username, password);
    }

    String accessToken(String clientId, String username, String password) throws Exception {
        HttpResponse<String> answer = passwordGrant(clientId, username, password);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("no token for " + username + ": " + answer.body());
        }
        return json(answer).asJsonObject().getString("access_token");
    }

    static HttpResponse<String> form(URI uri, Map<String, String> fields) throws Exception {
        String body =
                fields.entrySet().stream()
                        .map(
                                e ->
                                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        return Http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    static JsonValue json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readValue();
        }
    }

    private static String tail(Path home) {
        try {
            List<String> lines = Files.readAllLines(home.resolve("keycloak.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
