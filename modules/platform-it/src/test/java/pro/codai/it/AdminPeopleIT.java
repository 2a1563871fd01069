package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

import pro.codai.it.browser.Accessibility;
import pro.codai.it.browser.AdminPages;
import pro.codai.it.browser.Browser;
import pro.codai.it.browser.KeycloakPages;
import pro.codai.it.browser.PortalPages;

/**
 * What an administrator does to people's access, through the admin API and the console's people
 * page, against the real Keycloak (its accounts disabled, its sessions ended, its mail sent to a
 * real SMTP capture): suspension refuses tokens, keys and sign-in until it is lifted; ending
 * sessions refuses what was open before; bad requests change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPeopleIT {

    static final String PASSWORD = "Correct-Horse-42-battery";
    static final String API = "/api/v1/admin/people";

    Keycloak keycloak;
    RunningServer server;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(Browser.available(), "no chromium and chromedriver");
        }
        keycloak = Keycloak.shared();
        Path workDir = Files.createTempDirectory(Path.of("target"), "AdminPeopleIT-");
        Map<String, String> settings = new HashMap<>(keycloak.serverSettings());
        settings.put("CODAIPRO_ADMIN_TOKEN", ReliabilityIT.ADMIN_TOKEN);
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

    @Test
    void aSuspensionRefusesTheirTokensKeysAndSignInUntilItIsLifted() throws Exception {
        String email = "nadia-" + run + "@mail.example";
        String subject = keycloak.createUser(email, email, PASSWORD, true, "pro");
        String token = keycloak.accessToken(email, PASSWORD);
        assertThat(bearer("GET", "/api/v1/me", null, token).statusCode()).isEqualTo(200);
        HttpResponse<String> issued =
                bearer("POST", "/api/v1/me/api-keys", "{\"name\":\"laptop\"}", token);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String key = json(issued).getString("secret");
        assertThat(withKey(key).statusCode()).isEqualTo(200);

        JsonObject suspended =
                json(
                        admin(
                                "PUT",
                                "/" + subject + "/suspension",
                                "{\"reason\":\"shared keys\"}",
                                200));
        assertThat(suspended.getBoolean("changed")).isTrue();
        assertThat(suspended.containsKey("keycloakProblem")).as(suspended.toString()).isFalse();
        assertThat(suspended.getJsonObject("person").getBoolean("suspended")).isTrue();
        assertThat(
                        json(admin("PUT", "/" + subject + "/suspension", null, 200))
                                .getBoolean("changed"))
                .as("suspended already")
                .isFalse();

        assertThat(withKey(key).statusCode()).as("their key").isEqualTo(401);
        HttpResponse<String> refused = bearer("GET", "/api/v1/me", null, token);
        assertThat(refused.statusCode()).as("their token").isEqualTo(401);
        assertThat(json(refused).getString("detail")).isEqualTo("your account is suspended");
        assertThatThrownBy(() -> keycloak.accessToken(email, PASSWORD))
                .as("Keycloak refuses a new sign-in")
                .hasMessageContaining("disabled");
        assertThat(enabledInKeycloak(subject)).isFalse();

        JsonObject reinstated = json(admin("DELETE", "/" + subject + "/suspension", null, 200));
        assertThat(reinstated.getBoolean("changed")).isTrue();
        assertThat(reinstated.getJsonObject("person").getBoolean("suspended")).isFalse();
        assertThat(enabledInKeycloak(subject)).isTrue();
        assertThat(withKey(key).statusCode()).as("their key again").isEqualTo(200);
        assertThat(bearer("GET", "/api/v1/me", null, token).statusCode())
                .as("a token from before the suspension stays refused")
                .isEqualTo(401);
        awaitAcceptedNewToken(email);

        String trail = audit(email);
        assertThat(trail)
                .contains("\"action\":\"account.suspended\"")
                .contains("\"detail\":\"shared keys\"")
                .contains("\"action\":\"account.reinstated\"")
                .contains("\"actor\":\"admin-token\"");
    }

    @Test
    void endingSessionsRefusesWhatWasOpenBeforeAndNothingAfter() throws Exception {
        String email = "omar-" + run + "@mail.example";
        String subject = keycloak.createUser(email, email, PASSWORD, true);
        String token = keycloak.accessToken(email, PASSWORD);
        assertThat(bearer("GET", "/api/v1/me", null, token).statusCode()).isEqualTo(200);

        JsonObject ended = json(admin("DELETE", "/" + subject + "/sessions", null, 200));
        assertThat(ended.containsKey("keycloakProblem")).as(ended.toString()).isFalse();
        assertThat(ended.getJsonObject("person").getBoolean("suspended")).isFalse();

        HttpResponse<String> refused = bearer("GET", "/api/v1/me", null, token);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(json(refused).getString("detail"))
                .isEqualTo("an administrator ended your sessions: sign in again");
        awaitAcceptedNewToken(email);
        assertThat(audit(email)).contains("\"action\":\"account.sessions-ended\"");
    }

    @Test
    void aPasswordResetMailReachesThePersonAndIsRecorded() throws Exception {
        String email = "pia-" + run + "@mail.example";
        String subject = keycloak.createUser(email, email, PASSWORD, true);
        String token = keycloak.accessToken(email, PASSWORD);
        assertThat(bearer("GET", "/api/v1/me", null, token).statusCode()).isEqualTo(200);

        admin("POST", "/" + subject + "/password-reset", null, 204);

        MimeMessage mail = keycloak.mail.awaitMailTo(email, Duration.ofSeconds(60));
        assertThat(MailCapture.linkIn(mail, "action-token")).contains("/realms/codaipro/");
        assertThat(audit(email))
                .contains("\"action\":\"account.password-reset-sent\"")
                .contains("\"actor\":\"admin-token\"");
    }

    @Test
    void aRoleAndPlanSetByAnAdministratorHoldAtOnceForTheirTokenAndUntilCleared() throws Exception {
        String email = "tara-" + run + "@mail.example";
        String subject = keycloak.createUser(email, email, PASSWORD, true);
        String token = keycloak.accessToken(email, PASSWORD);
        assertThat(bearer("GET", "/api/v1/me", null, token).statusCode()).isEqualTo(200);
        assertThat(bearer("GET", API, null, token).statusCode()).isEqualTo(403);
        assertThat(bearer("POST", "/api/v1/me/api-keys", "{\"name\":\"x\"}", token).statusCode())
                .as("API keys need the Pro plan")
                .isEqualTo(403);
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            portal.signInForTheFirstTime(email, PASSWORD);

            JsonObject promoted =
                    json(admin("PUT", "/" + subject + "/role", "{\"role\":\"admin\"}", 200));
            assertThat(promoted.getJsonObject("person").getString("role")).isEqualTo("ADMIN");
            assertThat(promoted.getJsonObject("person").getString("roleOverride"))
                    .isEqualTo("ADMIN");
            admin("PUT", "/" + subject + "/plan", "{\"plan\":\"PRO\"}", 200);
            // The same token, minted before: the appliance's roles count, not only the token's.
            assertThat(bearer("GET", API, null, token).statusCode()).isEqualTo(200);
            assertThat(
                            bearer("POST", "/api/v1/me/api-keys", "{\"name\":\"x\"}", token)
                                    .statusCode())
                    .isEqualTo(201);
            // The same portal session too (within a second: another node's look).
            awaitConsoleOpens(portal, browser, true);

            JsonObject cleared =
                    json(admin("PUT", "/" + subject + "/role", "{\"role\":null}", 200));
            assertThat(cleared.getJsonObject("person").containsKey("roleOverride")).isFalse();
            assertThat(cleared.getJsonObject("person").getString("role"))
                    .as("the directory's, at once")
                    .isEqualTo("STUDENT");
            assertThat(bearer("GET", API, null, token).statusCode()).isEqualTo(403);
            awaitConsoleOpens(portal, browser, false);
        }
        assertThat(audit(email))
                .contains("STUDENT -> ADMIN, set by an administrator")
                .contains("FREE -> PRO, set by an administrator")
                .contains("ADMIN -> STUDENT, the directory's");

        for (String[] bad :
                List.of(
                        new String[] {"/role", "{\"role\":\"dean\"}"},
                        new String[] {"/role", "{}"},
                        new String[] {"/role", "{\"rol\":\"STUDENT\"}"},
                        new String[] {"/plan", "{\"plan\":\"CAMPUS\"}"},
                        new String[] {"/plan", "{\"plan\":7}"},
                        new String[] {"/role", ""})) {
            admin("PUT", "/" + subject + bad[0], bad[1], 400);
        }
        assertThat(json(admin("GET", "/" + subject, null, 200)).getString("plan"))
                .as("nothing changed by the bad bodies")
                .isEqualTo("PRO");
    }

    @Test
    void aDirectoryAdministratorIsDemotedAtOnceButCannotDemoteThemselves() throws Exception {
        String email = "warden-" + run + "@mail.example";
        String subject = keycloak.createUser(email, email, PASSWORD, true, "administrators");
        String token = keycloak.accessToken(email, PASSWORD);
        assertThat(bearer("GET", "/api/v1/me", null, token).statusCode()).isEqualTo(200);
        assertThat(bearer("GET", API, null, token).statusCode()).isEqualTo(200);

        // Their own role: refused when it would take away their administrator role; clearing
        // what is not set changes nothing.
        HttpResponse<String> self =
                bearer("PUT", API + "/" + subject + "/role", "{\"role\":\"STUDENT\"}", token);
        assertThat(self.statusCode()).as(self.body()).isEqualTo(409);
        assertThat(json(self).getString("detail"))
                .isEqualTo("You cannot take away your own administrator role.");
        HttpResponse<String> clear =
                bearer("PUT", API + "/" + subject + "/role", "{\"role\":null}", token);
        assertThat(clear.statusCode()).as(clear.body()).isEqualTo(200);
        assertThat(json(clear).getBoolean("changed")).isFalse();

        admin("PUT", "/" + subject + "/role", "{\"role\":\"STUDENT\"}", 200);
        admin("PUT", "/" + subject + "/plan", "{\"plan\":\"FREE\"}", 200);
        assertThat(bearer("GET", API, null, token).statusCode())
                .as("the directory's admin, demoted here")
                .isEqualTo(403);
        assertThat(bearer("POST", "/api/v1/me/api-keys", "{\"name\":\"x\"}", token).statusCode())
                .as("the directory's Pro plan, taken away here")
                .isEqualTo(403);
        assertThat(json(admin("GET", "/" + subject, null, 200)).getString("role"))
                .isEqualTo("STUDENT");
    }

    /** Opens the console's People page as this browser's person: shown, or refused (403). */
    private static void awaitConsoleOpens(PortalPages portal, Browser browser, boolean shown)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            portal.open("/admin/people.xhtml");
            browser.await(By.cssSelector("#people-title, #error-title"));
            if (browser.present(By.id("people-title")) == shown) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the console was " + (shown ? "still refused" : "still shown"));
            }
            Thread.sleep(250);
        }
    }

    @Test
    void peopleAreListedAndSearchedByName() throws Exception {
        String email = "quentin-" + run + "@mail.example";
        String subject = keycloak.createUser(email, email, PASSWORD, true);
        bearer("GET", "/api/v1/me", null, keycloak.accessToken(email, PASSWORD));

        JsonObject page = json(admin("GET", "?search=QUENTIN-" + run, null, 200));
        assertThat(page.getInt("total")).isEqualTo(1);
        JsonObject person = page.getJsonArray("people").getJsonObject(0);
        assertThat(person.getString("subject")).isEqualTo(subject);
        assertThat(person.getString("email")).isEqualTo(email);
        assertThat(person.getString("role")).isEqualTo("STUDENT");
        assertThat(person.getBoolean("suspended")).isFalse();
        assertThat(json(admin("GET", "/" + subject, null, 200)).getString("name"))
                .isEqualTo("Test " + email);
        String search = "?search=QUENTIN-" + run;
        assertThat(
                        json(admin("GET", search + "&status=active&role=student", null, 200))
                                .getInt("total"))
                .isEqualTo(1);
        assertThat(json(admin("GET", search + "&status=suspended", null, 200)).getInt("total"))
                .isZero();
        assertThat(json(admin("GET", search + "&plan=PRO", null, 200)).getInt("total")).isZero();
        for (String bad : List.of("&role=dean", "&plan=gold", "&status=gone")) {
            admin("GET", search + bad, null, 400);
        }
    }

    @Test
    void badRequestsAreRefusedWithProblemDetailsAndChangeNothing() throws Exception {
        String email = "rosa-" + run + "@mail.example";
        String subject = keycloak.createUser(email, email, PASSWORD, true);
        bearer("GET", "/api/v1/me", null, keycloak.accessToken(email, PASSWORD));

        String nobody = UUID.randomUUID().toString();
        for (String[] call :
                List.of(
                        new String[] {"GET", "/" + nobody},
                        new String[] {"PUT", "/" + nobody + "/suspension"},
                        new String[] {"DELETE", "/" + nobody + "/suspension"},
                        new String[] {"DELETE", "/" + nobody + "/sessions"},
                        new String[] {"POST", "/" + nobody + "/password-reset"})) {
            HttpResponse<String> answer =
                    admin(call[0], call[1], call[0].equals("PUT") ? "{}" : null, 404);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
        }
        assertThat(
                        json(admin(
                                        "PUT",
                                        "/" + subject + "/suspension",
                                        "{\"reason\":\"" + "x".repeat(501) + "\"}",
                                        400))
                                .getString("detail"))
                .isEqualTo("reason must be at most 500 characters");
        admin("PUT", "/" + subject + "/suspension", "{\"reason\":", 400);
        admin("GET", "?limit=0", null, 400);
        admin("GET", "?offset=-1", null, 400);
        assertThat(json(admin("GET", "/" + subject, null, 200)).getBoolean("suspended"))
                .as("nothing changed")
                .isFalse();

        // An administrator cannot suspend themselves; a student may not use this API at all.
        String adminEmail = "keeper-" + run + "@mail.example";
        String adminSubject =
                keycloak.createUser(adminEmail, adminEmail, PASSWORD, true, "administrators");
        String adminToken = keycloak.accessToken(adminEmail, PASSWORD);
        HttpResponse<String> self =
                bearer("PUT", API + "/" + adminSubject + "/suspension", "{}", adminToken);
        assertThat(self.statusCode()).as(self.body()).isEqualTo(409);
        assertThat(json(self).getString("detail"))
                .isEqualTo("You cannot suspend your own account.");
        String studentToken = keycloak.accessToken(email, PASSWORD);
        assertThat(bearer("GET", API, null, studentToken).statusCode()).isEqualTo(403);
        assertThat(
                        bearer("PUT", API + "/" + subject + "/suspension", "{}", studentToken)
                                .statusCode())
                .isEqualTo(403);
        assertThat(Http.get(server.uri(API)).statusCode()).isEqualTo(401);
        assertThat(audit(email)).doesNotContain("account.suspended");
    }

    @Test
    void anAdministratorEndsSessionsAndSendsAResetFromThePeoplePage() throws Exception {
        String email = "sami-" + run + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true);
        String admin = "console-" + run + "@mail.example";
        keycloak.createUser(admin, admin, PASSWORD, true, "administrators");
        try (Browser student = Browser.open();
                Browser console = Browser.open()) {
            PortalPages studentPortal = new PortalPages(student, keycloak.publicUrl());
            studentPortal.signInForTheFirstTime(email, PASSWORD);

            PortalPages portal = new PortalPages(console, keycloak.publicUrl());
            portal.signInForTheFirstTime(admin, PASSWORD);
            AdminPages pages = new AdminPages(console, portal);
            pages.openPeople();
            pages.searchPeople(email);
            List<String> findings = new ArrayList<>();
            Accessibility.check(console, "people with access buttons", findings);

            pages.searchPeople(email, "suspended");
            assertThat(pages.peopleRows()).as("nobody suspended by that name").isEmpty();
            pages.searchPeople(email, "active");
            assertThat(pages.peopleRows()).hasSize(1);
            pages.setRoleAndPlan(email, "INSTRUCTOR", "PRO");
            assertThat(pages.peopleRows().get(0))
                    .contains("INSTRUCTOR (set here)")
                    .contains("PRO (set here)");
            Accessibility.check(console, "people, role and plan set", findings);

            pages.sendPasswordResetTo(email);
            console.awaitText("A password reset mail was sent to " + email);
            keycloak.mail.awaitMailTo(email, Duration.ofSeconds(60));

            pages.endSessionsOf(email);
            // The student's next page needs a new sign-in: Keycloak's session ended too.
            studentPortal.open("/app/dashboard.xhtml");
            new KeycloakPages(student).awaitSignInPage();
            assertThat(student.url()).startsWith(keycloak.issuer());

            Accessibility.check(console, "people after ending sessions", findings);
            assertThat(findings).isEmpty();
            assertThat(console.present(By.id("people:messages"))).isTrue();
        }
        assertThat(audit(email))
                .contains("\"action\":\"account.sessions-ended\"")
                .contains("\"action\":\"account.password-reset-sent\"");
    }

    @Test
    void whenKeycloakRefusesTheConsoleClientTheSuspensionHoldsAndSaysSo() throws Exception {
        Path workDir = Files.createTempDirectory(Path.of("target"), "AdminPeopleIT-wrong-secret-");
        Map<String, String> settings = new HashMap<>(keycloak.serverSettings());
        settings.put("CODAIPRO_ADMIN_TOKEN", ReliabilityIT.ADMIN_TOKEN);
        settings.put(
                "CODAIPRO_SANDBOXD_SOCKET",
                workDir.toAbsolutePath().resolve("no-sandboxd.sock").toString());
        settings.put("CODAIPRO_PEOPLE_CLIENT_SECRET", "not-the-realm-secret-" + "x".repeat(20));
        // Beside the class's server: a port of its own (nobody signs in here through a browser).
        settings.remove("CODAIPRO_HTTP_PORT");
        try (RunningServer other =
                RunningServer.start(workDir.toAbsolutePath().resolve("data"), settings)) {
            String email = "uma-" + run + "@mail.example";
            String subject = keycloak.createUser(email, email, PASSWORD, true);
            String token = keycloak.accessToken(email, PASSWORD);
            assertThat(bearer(other, "/api/v1/me", token).statusCode()).isEqualTo(200);

            HttpResponse<String> suspended =
                    Http.json(
                            "PUT",
                            other.uri(API + "/" + subject + "/suspension"),
                            null,
                            "X-Admin-Token",
                            ReliabilityIT.ADMIN_TOKEN);
            assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
            assertThat(json(suspended).getString("keycloakProblem", suspended.body()))
                    .contains("refused the codaipro-people client's credentials");
            assertThat(enabledInKeycloak(subject)).as("Keycloak was not told").isTrue();
            HttpResponse<String> refused = bearer(other, "/api/v1/me", token);
            assertThat(refused.statusCode()).as("the appliance refuses anyway").isEqualTo(401);

            HttpResponse<String> reset =
                    Http.json(
                            "POST",
                            other.uri(API + "/" + subject + "/password-reset"),
                            null,
                            "X-Admin-Token",
                            ReliabilityIT.ADMIN_TOKEN);
            assertThat(reset.statusCode()).isEqualTo(502);
            assertThat(reset.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
        }
    }

    private static HttpResponse<String> bearer(RunningServer on, String path, String token)
            throws Exception {
        return Http.get(on.uri(path), "Authorization", "Bearer " + token);
    }

    @Test
    void anAdministratorSeesAPersonsKeysAndEventsOnTheirPageAndRevokesAKey() throws Exception {
        String email = "vera-" + run + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true, "pro");
        String token = keycloak.accessToken(email, PASSWORD);
        assertThat(bearer("GET", "/api/v1/me", null, token).statusCode()).isEqualTo(200);
        HttpResponse<String> issued =
                bearer("POST", "/api/v1/me/api-keys", "{\"name\":\"grader-script\"}", token);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String key = json(issued).getString("secret");
        String admin = "keys-" + run + "@mail.example";
        keycloak.createUser(admin, admin, PASSWORD, true, "administrators");
        try (Browser console = Browser.open()) {
            PortalPages portal = new PortalPages(console, keycloak.publicUrl());
            portal.signInForTheFirstTime(admin, PASSWORD);
            AdminPages pages = new AdminPages(console, portal);
            pages.openPeople();
            pages.searchPeople(email);
            pages.openPersonPageOf(email);
            List<String> findings = new ArrayList<>();
            Accessibility.check(console, "a person's page", findings);
            assertThat(console.text()).contains("Test " + email, "PRO", "Home: ");
            assertThat(pages.personKeys())
                    .singleElement()
                    .asString()
                    .contains("grader-script", "In use");
            assertThat(String.join("\n", pages.personEvents())).contains("account.provisioned");

            pages.suspendOnPersonPage("leaked key");
            assertThat(pages.personState()).startsWith("Suspended since");
            assertThat(withKey(key).statusCode()).as("the suspended owner's key").isEqualTo(401);
            pages.reinstateOnPersonPage();
            assertThat(pages.personState()).isEqualTo("Active");
            assertThat(withKey(key).statusCode()).as("re-enabled: the key works").isEqualTo(200);

            pages.revokeKey("grader-script");
            assertThat(pages.personKeys()).singleElement().asString().contains("Revoked");
            assertThat(withKey(key).statusCode()).as("the revoked key").isEqualTo(401);
            Accessibility.check(console, "a person's page, a key revoked", findings);
            assertThat(findings).isEmpty();
        }
        assertThat(audit("\"api-key.revoked\"", "action=api-key.revoked")).contains(admin);
    }

    @Test
    void bulkOperationsChangeEachAndSkipTheUnknown() throws Exception {
        List<String> subjects = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (String name : List.of("xena", "yuri")) {
            String email = name + "-" + run + "@mail.example";
            subjects.add(keycloak.createUser(email, email, PASSWORD, true));
            tokens.add(keycloak.accessToken(email, PASSWORD));
            assertThat(
                            bearer("GET", "/api/v1/me", null, tokens.get(tokens.size() - 1))
                                    .statusCode())
                    .isEqualTo(200);
        }
        String nobody = UUID.randomUUID().toString();
        String list =
                "[\"" + subjects.get(0) + "\",\"" + subjects.get(1) + "\",\"" + nobody + "\"]";

        JsonObject plans =
                json(admin("POST", "/plans", "{\"subjects\":" + list + ",\"plan\":\"PRO\"}", 200));
        assertThat(plans.getInt("changed")).isEqualTo(2);
        assertThat(plans.getJsonArray("skipped").getString(0)).isEqualTo(nobody);
        JsonObject suspended =
                json(
                        admin(
                                "POST",
                                "/suspensions",
                                "{\"subjects\":" + list + ",\"reason\":\"exam\"}",
                                200));
        assertThat(suspended.getInt("changed")).isEqualTo(2);
        assertThat(suspended.getInt("keycloakProblems")).isZero();
        for (String token : tokens) {
            assertThat(bearer("GET", "/api/v1/me", null, token).statusCode()).isEqualTo(401);
        }
        JsonObject again = json(admin("POST", "/suspensions", "{\"subjects\":" + list + "}", 200));
        assertThat(again.getInt("changed")).isZero();
        assertThat(again.getInt("unchanged")).isEqualTo(2);
        assertThat(
                        json(admin("POST", "/reinstatements", "{\"subjects\":" + list + "}", 200))
                                .getInt("changed"))
                .isEqualTo(2);
        assertThat(json(admin("GET", "/" + subjects.get(1), null, 200)).getString("plan"))
                .isEqualTo("PRO");

        String tooMany =
                "{\"subjects\":["
                        + String.join(",", java.util.Collections.nCopies(1001, "\"x\""))
                        + "]}";
        for (String[] bad :
                List.of(
                        new String[] {"/suspensions", "{\"subjects\":[]}"},
                        new String[] {"/suspensions", tooMany},
                        new String[] {"/suspensions", "{\"subjects\":\"x\"}"},
                        new String[] {"/suspensions", "{\"subjects\":[1]}"},
                        new String[] {"/plans", "{\"subjects\":" + list + "}"},
                        new String[] {"/plans", "{\"subjects\":" + list + ",\"plan\":\"GOLD\"}"},
                        new String[] {"/reinstatements", "nonsense"})) {
            admin("POST", bad[0], bad[1], 400);
        }
    }

    @Test
    void anAdministratorTicksPeopleAndSetsTheirPlanSuspendsAndReEnablesThem() throws Exception {
        for (String name : List.of("bulka", "bulkb")) {
            String email = name + "-" + run + "@mail.example";
            keycloak.createUser(email, email, PASSWORD, true);
            bearer("GET", "/api/v1/me", null, keycloak.accessToken(email, PASSWORD));
        }
        String admin = "ticker-" + run + "@mail.example";
        keycloak.createUser(admin, admin, PASSWORD, true, "administrators");
        try (Browser console = Browser.open()) {
            PortalPages portal = new PortalPages(console, keycloak.publicUrl());
            portal.signInForTheFirstTime(admin, PASSWORD);
            AdminPages pages = new AdminPages(console, portal);
            pages.openPeople();
            pages.searchPeople("bulk");
            assertThat(pages.peopleRows()).hasSize(2);

            pages.tickAllPeople();
            pages.setPlanOfTicked("PRO");
            console.awaitText("2 people put on the PRO plan");
            assertThat(pages.peopleRows())
                    .allSatisfy(row -> assertThat(row).contains("PRO (set here)"));

            pages.tickAllPeople();
            pages.suspendTicked("exam week");
            console.awaitText("2 people suspended");
            assertThat(pages.peopleRows())
                    .allSatisfy(row -> assertThat(row).contains("Suspended since"));
            List<String> findings = new ArrayList<>();
            Accessibility.check(console, "people, ticked and suspended", findings);
            assertThat(findings).isEmpty();

            pages.tickAllPeople();
            pages.reinstateTicked();
            console.awaitText("2 people re-enabled");
            assertThat(pages.peopleRows()).allSatisfy(row -> assertThat(row).contains("Active"));
        }
    }

    @Test
    void aThousandLineFileIsPreviewedLineByLineThenAppliedSkippingItsBadLines() throws Exception {
        String here = "imp-here-" + run + "@mail.example";
        keycloak.createUser(here, here, PASSWORD, true);
        bearer("GET", "/api/v1/me", null, keycloak.accessToken(here, PASSWORD));
        String directory = "imp-dir-" + run + "@mail.example";
        String directorySubject = keycloak.createUser(directory, directory, PASSWORD, true);
        StringBuilder csv = new StringBuilder("email,name,role,plan\r\n");
        csv.append(here).append(",Here Already,instructor,pro\r\n");
        csv.append(directory).append(",,,\r\n");
        for (int i = 0; i < 990; i++) {
            csv.append("imp-new")
                    .append(i)
                    .append("-")
                    .append(run)
                    .append("@mail.example,Nia Number")
                    .append(i)
                    .append(i % 2 == 0 ? ",student," : ",,free")
                    .append("\r\n");
        }
        csv.append("not-an-address,Bad One,,\r\n")
                .append("imp-bad1-")
                .append(run)
                .append("@mail.example,Bad Two,teacher,\r\n")
                .append("imp-bad2-")
                .append(run)
                .append("@mail.example,Bad Three,,CAMPUS\r\n")
                .append("imp-new0-")
                .append(run)
                .append("@mail.example,Twice,,\r\n")
                .append("imp-bad3-")
                .append(run)
                .append("@mail.example,Bad,Four,,\r\n")
                .append(",No Address,,\r\n")
                .append("imp-bad4-")
                .append(run)
                .append("@mail.example,")
                .append("x".repeat(201))
                .append(",,\r\n")
                .append(here.toUpperCase(java.util.Locale.ROOT))
                .append(",,,\r\n");
        assertThat(csv.toString().split("\r\n")).hasSize(1001);
        long peopleBefore =
                json(admin("GET", "?limit=1", null, 200)).getJsonNumber("total").longValue();

        long previewing = System.nanoTime();
        JsonObject preview = json(importing(csv.toString(), "", 200));
        System.out.printf(
                "Import preview of 1,000 lines (991 looked up in Keycloak): %.0f ms%n",
                (System.nanoTime() - previewing) / 1e6);
        assertThat(preview.getBoolean("applied")).isFalse();
        JsonObject counts = preview.getJsonObject("counts");
        assertThat(counts.getInt("NEW_ACCOUNT")).isEqualTo(990);
        assertThat(counts.getInt("FROM_DIRECTORY")).isEqualTo(1);
        assertThat(counts.getInt("UPDATE")).isEqualTo(1);
        assertThat(counts.getInt("ERROR")).isEqualTo(8);
        List<JsonObject> lines = preview.getJsonArray("lines").getValuesAs(JsonObject.class);
        assertThat(lines).hasSize(1000);
        assertThat(lines.get(0).getString("detail"))
                .isEqualTo("role STUDENT → INSTRUCTOR; plan FREE → PRO");
        assertThat(lines.get(1).getString("detail")).startsWith("has an account in Keycloak");
        assertThat(lines.subList(992, 1000))
                .extracting(line -> line.getInt("line") + ": " + line.getString("detail"))
                .containsExactly(
                        "994: 'not-an-address' is not an e-mail address",
                        "995: role 'teacher' is not STUDENT, INSTRUCTOR or ADMIN",
                        "996: plan 'CAMPUS' is not FREE, STUDENT or PRO",
                        "997: the same address as line 4",
                        "998: 5 fields, but the header names 4 columns (quote a field that holds a"
                                + " comma)",
                        "999: no e-mail address",
                        "1000: the name is longer than 200 characters",
                        "1001: the same address as line 2");
        assertThat(json(admin("GET", "?limit=1", null, 200)).getJsonNumber("total").longValue())
                .as("a preview changes nothing")
                .isEqualTo(peopleBefore);
        assertThat(accountsInKeycloak("imp-new0-" + run + "@mail.example")).isZero();

        long applying = System.nanoTime();
        JsonObject applied = json(importing(csv.toString(), "?apply=true&mail=false", 200));
        System.out.printf(
                "Import of 1,000 lines (990 new Keycloak accounts): %.0f ms%n",
                (System.nanoTime() - applying) / 1e6);
        assertThat(applied.getBoolean("applied")).isTrue();
        assertThat(applied.getJsonObject("counts")).isEqualTo(counts);
        assertThat(json(admin("GET", "?limit=1", null, 200)).getJsonNumber("total").longValue())
                .isEqualTo(peopleBefore + 991);
        assertThat(accountsInKeycloak("imp-new7-" + run + "@mail.example")).isEqualTo(1);
        JsonObject changed = person(here);
        assertThat(changed.getString("role")).isEqualTo("INSTRUCTOR");
        assertThat(changed.getString("planOverride")).isEqualTo("PRO");
        assertThat(person(directory).getString("subject")).isEqualTo(directorySubject);
        JsonObject newcomer = person("imp-new7-" + run + "@mail.example");
        assertThat(newcomer.getString("name")).isEqualTo("Nia Number7");
        assertThat(newcomer.getString("plan")).isEqualTo("FREE");
        assertThat(newcomer.getString("role")).isEqualTo("STUDENT");
        assertThat(person("imp-bad1-" + run + "@mail.example")).as("a bad line").isNull();
        assertThat(audit("people.imported", "action=people.imported"))
                .contains(
                        "990 new accounts, 1 added from the directory, 1 changed, 0 unchanged,"
                                + " 8 lines skipped");

        JsonObject again = json(importing(csv.toString(), "", 200)).getJsonObject("counts");
        assertThat(again.getInt("NONE")).as("applied already").isEqualTo(992);
        assertThat(again.getInt("ERROR")).isEqualTo(8);
    }

    @Test
    void aFileThatCannotBeReadIsRefusedWholeAndChangesNothing() throws Exception {
        String student = "imp-student-" + run + "@mail.example";
        keycloak.createUser(student, student, PASSWORD, true);
        String token = keycloak.accessToken(student, PASSWORD);
        assertThat(bearer("GET", "/api/v1/me", null, token).statusCode()).isEqualTo(200);
        long peopleBefore =
                json(admin("GET", "?limit=1", null, 200)).getJsonNumber("total").longValue();
        String newcomer = "imp-never-" + run + "@mail.example";
        assertThat(problemOf(importing("", "?apply=true", 400))).contains("empty");
        assertThat(problemOf(importing("name\nAda\n", "?apply=true", 400))).contains("'email'");
        assertThat(
                        problemOf(
                                importing(
                                        "email,course\n" + newcomer + ",CS101\n",
                                        "?apply=true",
                                        400)))
                .contains("'course' is not one of email, name, role, plan");
        assertThat(problemOf(importing("email\n\"" + newcomer + "\n", "?apply=true", 400)))
                .contains("not valid CSV");
        assertThat(problemOf(importing("email\n" + newcomer + "\n", "?apply=yes", 400)))
                .contains("true or false");
        assertThat(
                        problemOf(
                                importing(
                                        "email\n" + "x".repeat(1024 * 1024) + "\n",
                                        "?apply=true",
                                        413)))
                .contains("larger than 1024 KB");
        HttpResponse<String> asJson =
                Http.json(
                        "POST",
                        server.uri(API + "/imports?apply=true"),
                        "{\"email\":\"" + newcomer + "\"}",
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);
        assertThat(asJson.statusCode()).isEqualTo(415);
        HttpResponse<String> notAdmin =
                Http.send(
                        java.net.http.HttpRequest.newBuilder(
                                        server.uri(API + "/imports?apply=true"))
                                .header("Content-Type", "text/csv")
                                .header("Authorization", "Bearer " + token)
                                .POST(
                                        java.net.http.HttpRequest.BodyPublishers.ofString(
                                                "email\n" + newcomer + "\n"))
                                .build());
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        assertThat(json(admin("GET", "?limit=1", null, 200)).getJsonNumber("total").longValue())
                .isEqualTo(peopleBefore);
        assertThat(accountsInKeycloak(newcomer)).isZero();
    }

    @Test
    void anAdministratorImportsAFileFromThePageAndTheNewcomerIsMailed() throws Exception {
        String here = "imppage-here-" + run + "@mail.example";
        keycloak.createUser(here, here, PASSWORD, true);
        bearer("GET", "/api/v1/me", null, keycloak.accessToken(here, PASSWORD));
        String newcomer = "imppage-new-" + run + "@mail.example";
        Path file = Files.createTempFile(Path.of("target"), "people-", ".csv");
        Files.writeString(
                file,
                "email,name,role,plan\n"
                        + newcomer
                        + ",Noor Newcomer,instructor,\n"
                        + here
                        + ",,,pro\n"
                        + "no-address,Someone,,\n");
        String admin = "importer-" + run + "@mail.example";
        keycloak.createUser(admin, admin, PASSWORD, true, "administrators");
        try (Browser console = Browser.open()) {
            PortalPages portal = new PortalPages(console, keycloak.publicUrl());
            portal.signInForTheFirstTime(admin, PASSWORD);
            AdminPages pages = new AdminPages(console, portal);
            pages.openPeopleImport();
            List<String> findings = new ArrayList<>();
            Accessibility.check(console, "import people", findings);

            pages.previewImport(file);
            assertThat(pages.importCount("NEW_ACCOUNT")).isEqualTo(1);
            assertThat(pages.importCount("UPDATE")).isEqualTo(1);
            assertThat(pages.importCount("ERROR")).isEqualTo(1);
            assertThat(pages.skippedLines())
                    .singleElement()
                    .asString()
                    .contains("4")
                    .contains("'no-address' is not an e-mail address");
            Accessibility.check(console, "import people, previewed", findings);
            assertThat(person(newcomer)).as("not before it is applied").isNull();

            pages.applyImport(true);
            assertThat(pages.importMessages())
                    .contains("Applied: 1 new accounts")
                    .contains("1 lines skipped");
            Accessibility.check(console, "import people, applied", findings);
            assertThat(findings).isEmpty();
        }
        MimeMessage mail = keycloak.mail.awaitMailTo(newcomer, Duration.ofSeconds(60));
        assertThat(MailCapture.linkIn(mail, "action-token")).contains("/realms/codaipro/");
        assertThat(person(newcomer).getString("role")).isEqualTo("INSTRUCTOR");
        assertThat(person(here).getString("plan")).isEqualTo("PRO");
        assertThat(audit(newcomer)).contains("\"action\":\"account.registered\"");
    }

    /** Sends a CSV file to the import endpoint with the admin token; checks the status. */
    private HttpResponse<String> importing(String csv, String query, int status) throws Exception {
        HttpResponse<String> answer =
                Http.send(
                        java.net.http.HttpRequest.newBuilder(server.uri(API + "/imports" + query))
                                .timeout(Duration.ofMinutes(5))
                                .header("Content-Type", "text/csv; charset=utf-8")
                                .header("X-Admin-Token", ReliabilityIT.ADMIN_TOKEN)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(csv))
                                .build());
        assertThat(answer.statusCode())
                .as(
                        "import "
                                + query
                                + ": "
                                + answer.body().substring(0, Math.min(500, answer.body().length())))
                .isEqualTo(status);
        return answer;
    }

    private static String problemOf(HttpResponse<String> answer) {
        assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        return json(answer).getString("detail");
    }

    /** The one person here with this address, as the admin API shows them; null: nobody. */
    private JsonObject person(String email) throws Exception {
        List<JsonObject> found =
                json(admin(
                                "GET",
                                "?search="
                                        + java.net.URLEncoder.encode(
                                                email, java.nio.charset.StandardCharsets.UTF_8),
                                null,
                                200))
                        .getJsonArray("people")
                        .getValuesAs(JsonObject.class);
        assertThat(found.size()).as(email).isLessThanOrEqualTo(1);
        return found.isEmpty() ? null : found.get(0);
    }

    private int accountsInKeycloak(String email) throws Exception {
        return Keycloak.json(
                        keycloak.admin(
                                "GET",
                                "/users?exact=true&email="
                                        + java.net.URLEncoder.encode(
                                                email, java.nio.charset.StandardCharsets.UTF_8),
                                null))
                .asJsonArray()
                .size();
    }

    /** A new token is accepted once issued in a later second than the decision. */
    private void awaitAcceptedNewToken(String email) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline) {
            status =
                    bearer("GET", "/api/v1/me", null, keycloak.accessToken(email, PASSWORD))
                            .statusCode();
            if (status == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("a new token was still refused: " + status);
    }

    private boolean enabledInKeycloak(String subject) throws Exception {
        return Keycloak.json(keycloak.admin("GET", "/users/" + subject, null))
                .asJsonObject()
                .getBoolean("enabled");
    }

    private HttpResponse<String> admin(String method, String path, String body, int status)
            throws Exception {
        HttpResponse<String> answer =
                Http.json(
                        method,
                        server.uri(API + path),
                        body,
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);
        assertThat(answer.statusCode())
                .as(method + " " + path + ": " + answer.body())
                .isEqualTo(status);
        return answer;
    }

    private HttpResponse<String> bearer(String method, String path, String body, String token)
            throws Exception {
        return Http.json(method, server.uri(path), body, "Authorization", "Bearer " + token);
    }

    private HttpResponse<String> withKey(String key) throws Exception {
        return Http.get(server.uri("/api/v1/runs/languages"), "X-API-Key", key);
    }

    /** The audit log's events of one search (a query string), as the admin API answers. */
    private String audit(String expected, String query) throws Exception {
        HttpResponse<String> answer =
                Http.get(
                        server.uri("/api/v1/admin/audit?limit=1000&" + query),
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains(expected);
        return answer.body();
    }

    private String audit(String email) throws Exception {
        HttpResponse<String> answer =
                Http.get(
                        server.uri(
                                "/api/v1/admin/audit?limit=1000&person="
                                        + java.net.URLEncoder.encode(
                                                email, java.nio.charset.StandardCharsets.UTF_8)),
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    private static JsonObject json(HttpResponse<String> answer) {
        try (var reader = Json.createReader(new StringReader(answer.body()))) {
            return reader.readObject();
        }
    }
}
