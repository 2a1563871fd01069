package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API's authentication and authorization against the real Keycloak: MicroProfile JWT checks
 * (signature, issuer, audience, expiry), roles on every resource, personal API keys that only their
 * owner can see or revoke, and Keycloak's brute-force lockout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSecurityIT {

    static final String PASSWORD = "correct-horse-battery-7";
    static final String ADMIN_TOKEN = "it-admin-token-1b2c3d4e5f60718293a4b5c6d7e8f901";

    Keycloak keycloak;
    RunningServer server;
    String run = UUID.randomUUID().toString().substring(0, 8);
    String student;
    String studentAtCampus;
    String pro;
    String otherPro;
    String admin;

    @BeforeAll
    void start() throws Exception {
        keycloak = Keycloak.shared();
        student = user("student");
        studentAtCampus = "campus-" + run + "@student.uni.example";
        keycloak.createUser(studentAtCampus, studentAtCampus, PASSWORD, true);
        pro = user("pro", "pro");
        otherPro = user("otherpro", "pro");
        admin = user("admin", "administrators");
        Path workDir = Files.createTempDirectory(Path.of("target"), "ApiSecurityIT-");
        Map<String, String> settings = new HashMap<>(keycloak.serverSettings());
        settings.put("CODAIPRO_ADMIN_TOKEN", ADMIN_TOKEN);
        settings.put("CODAIPRO_STUDENTS_EMAIL_DOMAINS", "uni.example");
        // A small budget to spend; no sandboxd (nothing here runs code: runs answer 503, after
        // they were counted).
        settings.put("CODAIPRO_RUNS_PERSON_RUNS_PER_HOUR", "2");
        settings.put(
                "CODAIPRO_SANDBOXD_SOCKET",
                workDir.toAbsolutePath().resolve("no-sandboxd.sock").toString());
        server = RunningServer.start(workDir.toAbsolutePath().resolve("data"), settings);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** A new account; the realm signs people in by email, so the email is the username. */
    String user(String kind, String... groups) throws Exception {
        String email = kind + "-" + run + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true, groups);
        return email;
    }

    String token(String username) throws Exception {
        return keycloak.accessToken(username, PASSWORD);
    }

    HttpResponse<String> call(String method, String path, String body, String... headers)
            throws Exception {
        return Http.json(method, server.uri(path), body, headers);
    }

    HttpResponse<String> as(String token, String method, String path, String body)
            throws Exception {
        return call(method, path, body, "Authorization", "Bearer " + token);
    }

    /** Every resource of the API that needs credentials, with a body where it takes one. */
    static List<String[]> protectedEndpoints() {
        return List.of(
                new String[] {"GET", "/api/v1/me", null},
                new String[] {"GET", "/api/v1/me/api-keys", null},
                new String[] {"POST", "/api/v1/me/api-keys", "{\"name\":\"x\"}"},
                new String[] {"DELETE", "/api/v1/me/api-keys/1", null},
                new String[] {"POST", "/api/v1/runs", "{}"},
                new String[] {"GET", "/api/v1/runs/languages", null},
                new String[] {"GET", "/api/v1/admin/api-keys", null},
                new String[] {"POST", "/api/v1/admin/api-keys", "{\"name\":\"x\"}"},
                new String[] {"DELETE", "/api/v1/admin/api-keys/1", null},
                new String[] {"GET", "/api/v1/admin/class-starts", null},
                new String[] {
                    "POST",
                    "/api/v1/admin/class-starts",
                    "{\"startsAt\":\"2030-01-01T09:00:00Z\",\"students\":3,\"durationMinutes\":60}"
                },
                new String[] {"DELETE", "/api/v1/admin/class-starts/1", null});
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protectedEndpoints")
    void everyProtectedEndpointAnswers401WithoutAToken(String method, String path, String body)
            throws Exception {
        HttpResponse<String> answer = call(method, path, body);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        assertThat(answer.headers().firstValue("WWW-Authenticate").orElse("")).contains("Bearer");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protectedEndpoints")
    void badTokensAreRefusedOnEveryEndpoint(String method, String path, String body)
            throws Exception {
        String good = token(student);
        String[] parts = good.split("\\.");
        // Same header and claims, signature of other bytes: not signed by the realm.
        String forged =
                parts[0]
                        + "."
                        + parts[1]
                        + "."
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[256]);
        String otherAudience =
                keycloak.accessToken(Keycloak.OTHER_AUDIENCE_CLIENT, student, PASSWORD);

        assertThat(as(forged, method, path, body).statusCode()).isEqualTo(401);
        assertThat(as(otherAudience, method, path, body).statusCode()).isEqualTo(401);
        assertThat(as("not-a-token", method, path, body).statusCode()).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String shortLived = keycloak.accessToken(Keycloak.SHORT_LIVED_CLIENT, student, PASSWORD);
        HttpResponse<String> whileValid = as(shortLived, "GET", "/api/v1/me", null);
        // Wait for the token's own expiry (a second past it, as JWT times are whole seconds).
        String claims =
                new String(
                        Base64.getUrlDecoder().decode(shortLived.split("\\.")[1]),
                        java.nio.charset.StandardCharsets.UTF_8);
        long expiresAtMillis =
                jakarta.json.Json.createReader(new java.io.StringReader(claims))
                                .readObject()
                                .getJsonNumber("exp")
                                .longValue()
                        * 1000;
        while (System.currentTimeMillis() <= expiresAtMillis + 1000) {
            Thread.sleep(100);
        }
        HttpResponse<String> afterExpiry = as(shortLived, "GET", "/api/v1/me", null);

        assertThat(whileValid.statusCode()).isEqualTo(200);
        assertThat(afterExpiry.statusCode()).isEqualTo(401);
    }

    @Test
    void malformedUnsignedAndForgedTokensAre401ProblemsWithInvalidTokenAndOneLogLineEach()
            throws Exception {
        String[] parts = token(student).split("\\.");
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned =
                base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
                        + "."
                        + parts[1]
                        + ".";
        String forged = parts[0] + "." + parts[1] + "." + base64.encodeToString(new byte[256]);
        int logAt = server.output().length();

        for (String bad : List.of("not-a-token", "a.b.c", unsigned, forged)) {
            HttpResponse<String> answer =
                    Http.json(
                            "GET",
                            server.uri("/api/v1/me"),
                            null,
                            "Authorization",
                            "Bearer " + bad);

            assertThat(answer.statusCode()).as(bad).isEqualTo(401);
            assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                    .as(bad)
                    .startsWith("application/problem+json");
            assertThat(answer.headers().firstValue("WWW-Authenticate").orElse(""))
                    .as(bad)
                    .startsWith("Bearer")
                    .contains("error=\"invalid_token\"");
            assertThat(answer.body()).doesNotContainIgnoringCase("payara");
        }
        // The server's log lines are written as they happen; wait for the last request's line.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (refusals(server.output().substring(logAt)) < 4 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String log = server.output().substring(logAt);
        assertThat(refusals(log)).as(log).isEqualTo(4);
        assertThat(log.lines().filter(line -> line.strip().matches("at [\\w$.]+\\(.*\\)")))
                .as("stack frames in the log")
                .isEmpty();
    }

    static long refusals(String log) {
        return log.lines().filter(line -> line.contains("bearer token refused")).count();
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() throws Exception {
        // Keycloak's master realm: another issuer, other signing keys.
        HttpResponse<String> answer =
                as(keycloak.masterRealmToken(), "GET", "/api/v1/admin/api-keys", null);

        assertThat(answer.statusCode()).isEqualTo(401);
    }

    @Test
    void aPersonCallingWithATokenHasAnHourlyRunBudget() throws Exception {
        String spender = user("spender");
        String token = token(spender);
        String run = "{\"language\":\"python3\",\"source\":\"print(1)\"}";

        HttpResponse<String> first = as(token, "POST", "/api/v1/runs", run);
        HttpResponse<String> second = as(token, "POST", "/api/v1/runs", run);
        HttpResponse<String> third = as(token, "POST", "/api/v1/runs", run);
        HttpResponse<String> someoneElse = as(token(student), "POST", "/api/v1/runs", run);

        assertThat(first.statusCode()).as(first.body()).isNotEqualTo(429);
        assertThat(second.statusCode()).as(second.body()).isNotEqualTo(429);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(third.body()).contains("2 runs per hour");
        assertThat(someoneElse.statusCode())
                .as("another person's budget is their own")
                .isNotEqualTo(429);
    }

    @Test
    void wrongRolesAnswer403() throws Exception {
        String studentToken = token(student);

        HttpResponse<String> adminList = as(studentToken, "GET", "/api/v1/admin/api-keys", null);
        HttpResponse<String> adminIssue =
                as(
                        studentToken,
                        "POST",
                        "/api/v1/admin/api-keys",
                        "{\"name\":\"x\",\"scopes\":[\"runs\"]}");
        HttpResponse<String> personalKeyWithoutPro =
                as(studentToken, "POST", "/api/v1/me/api-keys", "{\"name\":\"mine\"}");

        assertThat(adminList.statusCode()).isEqualTo(403);
        assertThat(adminIssue.statusCode()).isEqualTo(403);
        assertThat(personalKeyWithoutPro.statusCode()).isEqualTo(403);
        assertThat(personalKeyWithoutPro.body()).contains("Pro plan");
        assertThat(adminList.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
    }

    @Test
    void theProfileIsProvisionedFromTheTokenWithThePlanTheDirectoryOrTheDomainGives()
            throws Exception {
        JsonObject proProfile = json(as(token(pro), "GET", "/api/v1/me", null)).asJsonObject();
        JsonObject campusProfile =
                json(as(token(studentAtCampus), "GET", "/api/v1/me", null)).asJsonObject();
        JsonObject plainProfile =
                json(as(token(student), "GET", "/api/v1/me", null)).asJsonObject();
        JsonObject adminProfile = json(as(token(admin), "GET", "/api/v1/me", null)).asJsonObject();

        assertThat(proProfile.getString("plan")).isEqualTo("PRO");
        assertThat(proProfile.getString("username")).isEqualTo(pro);
        assertThat(campusProfile.getString("plan")).isEqualTo("STUDENT");
        assertThat(plainProfile.getString("plan")).isEqualTo("FREE");
        assertThat(plainProfile.getString("role")).isEqualTo("STUDENT");
        assertThat(adminProfile.getString("role")).isEqualTo("ADMIN");
    }

    @Test
    void personalKeysBelongToTheirOwnerAlone() throws Exception {
        String proToken = token(pro);
        String otherToken = token(otherPro);

        HttpResponse<String> created =
                as(proToken, "POST", "/api/v1/me/api-keys", "{\"name\":\"grading script\"}");
        JsonObject issued = json(created).asJsonObject();
        long id = issued.getJsonObject("key").getJsonNumber("id").longValue();
        String secret = issued.getString("secret");

        JsonArray ownList = json(as(proToken, "GET", "/api/v1/me/api-keys", null)).asJsonArray();
        JsonArray otherList =
                json(as(otherToken, "GET", "/api/v1/me/api-keys", null)).asJsonArray();
        HttpResponse<String> otherRevokes =
                as(otherToken, "DELETE", "/api/v1/me/api-keys/" + id, null);
        HttpResponse<String> keyWorks =
                call("POST", "/api/v1/runs", "{not json", "X-API-Key", secret);
        JsonArray adminSeesAll =
                json(as(token(admin), "GET", "/api/v1/admin/api-keys", null)).asJsonArray();
        HttpResponse<String> ownerRevokes =
                as(proToken, "DELETE", "/api/v1/me/api-keys/" + id, null);
        HttpResponse<String> keyAfterRevoke =
                call("POST", "/api/v1/runs", "{not json", "X-API-Key", secret);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(secret).startsWith("cpk_");
        assertThat(ownList.toString()).contains("grading script").doesNotContain(secret);
        assertThat(otherList).isEmpty();
        assertThat(otherRevokes.statusCode()).isEqualTo(404);
        // Authenticated by the key: the malformed body is what is refused.
        assertThat(keyWorks.statusCode()).isEqualTo(400);
        assertThat(adminSeesAll.toString()).contains("grading script");
        assertThat(ownerRevokes.statusCode()).isEqualTo(204);
        assertThat(keyAfterRevoke.statusCode()).isEqualTo(401);
    }

    @Test
    void badPersonalKeyRequestsChangeNothing() throws Exception {
        String proToken = token(otherPro);
        int before = json(as(proToken, "GET", "/api/v1/me/api-keys", null)).asJsonArray().size();

        HttpResponse<String> blank =
                as(proToken, "POST", "/api/v1/me/api-keys", "{\"name\":\" \"}");
        HttpResponse<String> tooLong =
                as(
                        proToken,
                        "POST",
                        "/api/v1/me/api-keys",
                        "{\"name\":\"" + "x".repeat(101) + "\"}");
        HttpResponse<String> malformed = as(proToken, "POST", "/api/v1/me/api-keys", "{\"name\":");
        HttpResponse<String> missingKey =
                as(proToken, "DELETE", "/api/v1/me/api-keys/999999", null);
        HttpResponse<String> notANumber = as(proToken, "DELETE", "/api/v1/me/api-keys/abc", null);

        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(missingKey.statusCode()).isEqualTo(404);
        assertThat(notANumber.statusCode()).isEqualTo(404);
        assertThat(blank.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        assertThat(json(as(proToken, "GET", "/api/v1/me/api-keys", null)).asJsonArray())
                .hasSize(before);
    }

    @Test
    void theAdminTokenStillWorksForTheAdminApiOnly() throws Exception {
        HttpResponse<String> adminApi =
                call("GET", "/api/v1/admin/api-keys", null, "X-Admin-Token", ADMIN_TOKEN);
        HttpResponse<String> meApi = call("GET", "/api/v1/me", null, "X-Admin-Token", ADMIN_TOKEN);
        HttpResponse<String> wrong =
                call("GET", "/api/v1/admin/api-keys", null, "X-Admin-Token", ADMIN_TOKEN + "x");

        assertThat(adminApi.statusCode()).isEqualTo(200);
        assertThat(meApi.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    /**
     * Wrong admin tokens lock their client address out as wrong passwords lock an account: from a
     * second address (127.0.0.2), so the other tests' client (127.0.0.1) is not locked out.
     */
    @Test
    void repeatedWrongAdminTokensLockTheirAddressOutEvenForTheRightToken() throws Exception {
        java.net.URI adminApi = server.uri("/api/v1/admin/api-keys");
        String attacker = "127.0.0.2";

        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(
                            Http.getFrom(attacker, adminApi, "X-Admin-Token", "guess-" + attempt)
                                    .status())
                    .isEqualTo(401);
        }
        Http.Answer lockedWrong = Http.getFrom(attacker, adminApi, "X-Admin-Token", "guess-5");
        Http.Answer lockedRight = Http.getFrom(attacker, adminApi, "X-Admin-Token", ADMIN_TOKEN);
        HttpResponse<String> otherAddress =
                call("GET", "/api/v1/admin/api-keys", null, "X-Admin-Token", ADMIN_TOKEN);

        assertThat(lockedWrong.status()).isEqualTo(429);
        assertThat(lockedWrong.headers().get("content-type"))
                .startsWith("application/problem+json");
        assertThat(Integer.parseInt(lockedWrong.headers().get("retry-after"))).isBetween(1, 60);
        assertThat(lockedWrong.body()).contains("too many wrong admin tokens");
        assertThat(lockedRight.status()).as("the right token while locked out").isEqualTo(429);
        assertThat(lockedRight.body()).doesNotContain(ADMIN_TOKEN);
        assertThat(otherAddress.statusCode()).as("another address").isEqualTo(200);
        String lockoutLine = "admin token: 5 wrong tokens from 127.0.0.2; refused for 60 s";
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!server.output().contains(lockoutLine) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(server.output())
                .contains(lockoutLine)
                .doesNotContain("guess-")
                .doesNotContain(ADMIN_TOKEN);
    }

    @Test
    void repeatedWrongPasswordsLockTheAccountForAWhile() throws Exception {
        String victim = user("bruteforce");
        String victimId = keycloak.userId(victim);

        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(
                            keycloak.passwordGrant(
                                            Keycloak.TOKEN_CLIENT, victim, "wrong-" + attempt)
                                    .body())
                    .contains("invalid_grant");
        }
        HttpResponse<String> rightPasswordWhileLocked =
                keycloak.passwordGrant(Keycloak.TOKEN_CLIENT, victim, PASSWORD);
        JsonObject status =
                Keycloak.json(
                                keycloak.admin(
                                        "GET",
                                        "/attack-detection/brute-force/users/" + victimId,
                                        null))
                        .asJsonObject();

        assertThat(rightPasswordWhileLocked.statusCode()).isNotEqualTo(200);
        assertThat(status.getBoolean("disabled")).isTrue();
        // Failures this quick trip Keycloak's quick-login check before the fifth one does.
        assertThat(status.getInt("numFailures")).isPositive();
    }

    static jakarta.json.JsonValue json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return Keycloak.json(response);
    }
}
