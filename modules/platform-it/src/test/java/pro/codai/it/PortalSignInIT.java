package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

import pro.codai.it.browser.Accessibility;
import pro.codai.it.browser.Browser;
import pro.codai.it.browser.KeycloakPages;
import pro.codai.it.browser.PortalPages;

/**
 * Signing in to the portal in a real browser (headless Chromium) against the real Keycloak, with
 * mail through a real SMTP capture server and people from a real LDAP directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalSignInIT {

    static final String PASSWORD = "Correct-Horse-42-battery";
    static final String DIRECTORY_PASSWORD = "directory-pass-1234";

    Keycloak keycloak;
    CampusDirectory directory;
    RunningServer server;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(Browser.available(), "no chromium and chromedriver");
        }
        keycloak = Keycloak.shared();
        directory = CampusDirectory.start();
        String ada =
                directory.addPerson(
                        "ada" + run,
                        "Ada",
                        "Lovelace",
                        "ada" + run + "@uni.example",
                        DIRECTORY_PASSWORD);
        String grace =
                directory.addPerson(
                        "grace" + run,
                        "Grace",
                        "Hopper",
                        "grace" + run + "@uni.example",
                        DIRECTORY_PASSWORD);
        String linus =
                directory.addPerson(
                        "linus" + run,
                        "Linus",
                        "Torvalds",
                        "linus" + run + "@uni.example",
                        DIRECTORY_PASSWORD);
        directory.addGroup("students", ada);
        directory.addGroup("staff", grace);
        directory.addGroup("administrators", grace);
        directory.addGroup("cs-department", ada, linus);
        keycloak.connectDirectory(
                "openldap",
                Map.of(
                        "LDAP_URL", directory.url(),
                        "LDAP_BIND_DN", CampusDirectory.BIND_DN,
                        "LDAP_BIND_PASSWORD", CampusDirectory.BIND_PASSWORD,
                        "LDAP_USERS_DN", CampusDirectory.PEOPLE,
                        "LDAP_GROUPS_DN", CampusDirectory.GROUPS));
        Path workDir = Files.createTempDirectory(Path.of("target"), "PortalSignInIT-");
        Map<String, String> settings = new HashMap<>(keycloak.serverSettings());
        settings.put("CODAIPRO_STUDENTS_EMAIL_DOMAINS", "student.uni.example");
        server = RunningServer.start(workDir.toAbsolutePath().resolve("data"), settings);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (directory != null) {
            directory.close();
        }
    }

    @Test
    void registerVerifyEmailSignInCompleteProfileAndReachTheDashboard() throws Exception {
        String email = "newcomer-" + run + "@student.uni.example";
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            KeycloakPages keycloakPages = new KeycloakPages(browser);

            portal.open("/");
            browser.click(By.id("nav-register"));
            assertThat(browser.source()).contains("codaipro.css").contains("CodaiPro Campus");
            keycloakPages.register(email, "Nadia", "Newcomer");
            browser.awaitText("verify");

            MimeMessage mail = keycloak.mail.awaitMailTo(email, Duration.ofSeconds(30));
            assertThat(mail.getSubject()).isEqualTo("Confirm your CodaiPro Campus email address");
            browser.go(MailCapture.linkIn(mail, "action-token"));
            keycloakPages.proceedIfAsked();
            // The password is chosen once the address is confirmed; the policy applies.
            keycloakPages.chooseNewPassword("short");
            browser.awaitText("minimum length");
            keycloakPages.chooseNewPassword(PASSWORD);

            portal.completeProfile("STUDENT", "University of Example", "Computer Science");
            assertThat(portal.dashboardName()).isEqualTo("Nadia Newcomer");
            // A verified address at the campus's student domain grants the Student plan.
            assertThat(portal.dashboardPlan()).isEqualTo("Student");
            assertThat(portal.tourShown()).isTrue();
            portal.finishTour();
            browser.awaitGone(By.id("tour"));
            portal.open("/app/dashboard.xhtml");
            assertThat(portal.tourShown()).as("the tour is shown until finished").isFalse();

            portal.signOut();
            browser.await(By.id("nav-signin"));
            // Keycloak's session ended too (RP-initiated sign-out): a protected page asks again.
            portal.open("/app/dashboard.xhtml");
            browser.await(By.id("kc-form-login"));
            assertThat(keycloakPages.onSignInPage()).isTrue();
        }
    }

    @Test
    void aSignedOutVisitorSignsInAndComesBackToThePageTheyAskedFor() throws Exception {
        String email = user("returning");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            KeycloakPages keycloakPages = new KeycloakPages(browser);
            signInForTheFirstTime(browser, email);
            portal.signOut();
            browser.await(By.id("nav-signin"));

            portal.open("/app/profile.xhtml?from=bookmark");
            keycloakPages.signIn(email, PASSWORD);

            browser.awaitUrl("/app/profile.xhtml?from=bookmark");
            assertThat(portal.signedIn()).isTrue();
        }
    }

    @Test
    void aStudentOpeningTheAdminConsoleGetsTheForbiddenPage() throws Exception {
        String email = user("curious");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            portal.open("/admin/index.xhtml");
            new KeycloakPages(browser).signIn(email, PASSWORD);

            browser.await(By.id("error-title"));
            browser.awaitText("Not allowed");
            assertThat(browser.text()).contains("403");
            assertThat(browser.present(By.id("admin-title"))).isFalse();
        }
    }

    @Test
    void directoryPeopleSignInWithTheirDirectoryPasswordAndGroupsGiveRoles() throws Exception {
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            portal.open("/admin/index.xhtml");
            new KeycloakPages(browser).signIn("grace" + run, DIRECTORY_PASSWORD);
            portal.completeProfile("DEVELOPER", "University of Example", "");
            assertThat(portal.dashboardRole()).isEqualTo("ADMIN");
            portal.open("/admin/index.xhtml");
            assertThat(browser.await(By.id("admin-title")).getText()).isEqualTo("Admin console");
        }
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            portal.open("/signin");
            new KeycloakPages(browser).signIn("ada" + run + "@uni.example", DIRECTORY_PASSWORD);
            portal.completeProfile("STUDENT", "University of Example", "Mathematics");
            assertThat(portal.dashboardName()).isEqualTo("Ada Lovelace");
            assertThat(portal.dashboardRole()).isEqualTo("STUDENT");
            // The directory's students group carries the Student plan.
            assertThat(portal.dashboardPlan()).isEqualTo("Student");
        }
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            portal.open("/signin");
            new KeycloakPages(browser).signIn("linus" + run, "not-the-directory-password");
            browser.awaitText("Invalid");
            assertThat(portal.signedIn()).isFalse();
        }
    }

    @Test
    void aForgottenPasswordIsResetByMail() throws Exception {
        String email = user("forgetful");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            KeycloakPages keycloakPages = new KeycloakPages(browser);
            portal.open("/signin");
            keycloakPages.askForPasswordReset(email);

            MimeMessage mail = keycloak.mail.awaitMailTo(email, Duration.ofSeconds(30));
            assertThat(mail.getSubject()).isEqualTo("Reset your CodaiPro Campus password");
            browser.go(MailCapture.linkIn(mail, "action-token"));
            keycloakPages.chooseNewPassword("A-brand-new-pass-77");
            keycloakPages.proceedIfAsked();
            portal.completeProfile("DEVELOPER", "", "");
            // Signed in once the dashboard is there (checking during the navigation is a race).
            assertThat(portal.dashboardName()).isNotBlank();
            assertThat(portal.signedIn()).isTrue();
        }
        assertThat(keycloak.accessToken(email, "A-brand-new-pass-77")).isNotBlank();
    }

    @Test
    void aProUserCreatesSeesOnceAndRevokesAnApiKeyInThePortal() throws Exception {
        String email = "keys-" + run + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true, "pro");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            signInForTheFirstTime(browser, email);
            browser.click(By.id("nav-api-keys"));

            browser.click(By.id("keys:create"));
            browser.awaitText("Give the key a name");
            browser.type(By.id("keys:name"), "grading script");
            browser.click(By.id("keys:create"));
            String secret = browser.await(By.id("secret")).getText();
            browser.awaitText("grading script");

            assertThat(secret).startsWith("cpk_");
            assertThat(browser.text()).contains("active");
            // The key works for the run API (the malformed body is what is refused, not the key).
            assertThat(
                            Http.json("POST", server.uri("/api/v1/runs"), "{x", "X-API-Key", secret)
                                    .statusCode())
                    .isEqualTo(400);
            portal.open("/app/api-keys.xhtml");
            assertThat(browser.source()).doesNotContain(secret);

            browser.click(By.cssSelector("#keys\\:table button[id$='revoke']"));
            browser.awaitText("revoked");
            assertThat(
                            Http.json("POST", server.uri("/api/v1/runs"), "{x", "X-API-Key", secret)
                                    .statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void theProfileAndApiKeysPagesShowingTheirMessagesPassAxeCore() throws Exception {
        assumeTrue(Accessibility.available(), "no axe-core (npm ci in ide-assets)");
        String email = "axe-" + run + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true, "pro");
        List<String> violations = new ArrayList<>();
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            portal.open("/app/profile.xhtml");
            new KeycloakPages(browser).signIn(email, PASSWORD);
            browser.awaitUrl("/app/profile.xhtml");

            browser.click(By.id("profile:save"));
            browser.awaitText("Choose student or developer.");
            for (String violation : Accessibility.violations(browser)) {
                violations.add("profile: " + violation);
            }
            portal.completeProfile("DEVELOPER", "", "");
            portal.dashboardName();
            portal.open("/app/api-keys.xhtml");
            browser.click(By.id("keys:create"));
            browser.awaitText("Give the key a name");
            for (String violation : Accessibility.violations(browser)) {
                violations.add("api-keys: " + violation);
            }
        }

        assertThat(violations).as("axe-core violations with messages shown").isEmpty();
    }

    @Test
    void withoutTheProPlanThereAreNoApiKeys() throws Exception {
        String email = user("free");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            signInForTheFirstTime(browser, email);
            assertThat(browser.present(By.id("nav-api-keys"))).isFalse();
            portal.open("/app/api-keys.xhtml");

            assertThat(browser.await(By.id("keys-not-pro")).getText()).contains("Pro plan");
            assertThat(browser.present(By.id("keys:create"))).isFalse();
        }
    }

    @Test
    void whenKeycloakEndsTheSessionThePortalSessionEndsToo() throws Exception {
        String email = user("expiring");
        // Tokens shorter than the refresh margin: the portal refreshes on every request.
        keycloak.setClientAttribute("codaipro-portal", "access.token.lifespan", "20");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            signInForTheFirstTime(browser, email);
            portal.open("/app/dashboard.xhtml");
            assertThat(portal.signedIn())
                    .as("still signed in while Keycloak's session lives")
                    .isTrue();

            // An administrator signs the person out in Keycloak (or the SSO session times out).
            keycloak.admin("POST", "/users/" + keycloak.userId(email) + "/logout", null);
            portal.open("/app/dashboard.xhtml");

            browser.await(By.id("kc-form-login"));
            portal.open("/");
            assertThat(portal.signedIn()).isFalse();
        } finally {
            keycloak.setClientAttribute("codaipro-portal", "access.token.lifespan", null);
        }
    }

    @Test
    void aStaleOrForgedCallbackIsRefusedWithoutSigningAnyoneIn() throws Exception {
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            portal.open("/signin/callback?state=forged&code=forged");

            assertThat(browser.await(By.id("signin-problem")).getText())
                    .contains("old or already used");
            assertThat(portal.signedIn()).isFalse();
        }
    }

    @Test
    void theSessionCookieIsLaxAndOnlyThePortalsOwnPagesCanSignOut() throws Exception {
        HttpResponse<String> started = Http.get(server.uri("/signin"));
        String sent =
                started.headers().allValues("Set-Cookie").stream()
                        .filter(cookie -> cookie.startsWith("JSESSIONID="))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no session cookie: " + started));
        assertThat(sent)
                .as("the session cookie as the server sends it")
                .containsIgnoringCase("HttpOnly")
                .containsPattern("(?i);\\s*SameSite=Lax\\s*(;|$)");
        assertThat(java.util.regex.Pattern.compile("(?i)SameSite").matcher(sent).results().count())
                .as("one SameSite attribute in " + sent)
                .isEqualTo(1);

        String email = user("targeted");
        try (Browser browser = Browser.open();
                ForeignSite attacker = ForeignSite.postingTo(keycloak.publicUrl() + "/signout")) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            signInForTheFirstTime(browser, email);
            Cookie session = browser.cookie("JSESSIONID");
            assertThat(session.getSameSite()).as("as the browser keeps it").isEqualTo("Lax");
            assertThat(session.isHttpOnly()).isTrue();

            // A page on another site posts the sign-out form as soon as it is opened.
            browser.go(attacker.url());
            browser.awaitUrlStartingWith(keycloak.publicUrl());
            portal.open("/app/dashboard.xhtml");
            assertThat(portal.dashboardName()).isNotBlank();
            assertThat(portal.signedIn()).as("still signed in after the foreign form").isTrue();

            // With the cookie attached (as a page of the same site, e.g. a subdomain, would send
            // it), the request is refused for where it comes from.
            String cookie = "JSESSIONID=" + browser.cookie("JSESSIONID").getValue();
            for (String[] from :
                    new String[][] {
                        {"Origin", "http://evil.example"},
                        {"Origin", "null"},
                        {"Origin", "http://127.0.0.1:" + server.port()},
                        {"Sec-Fetch-Site", "same-site"}
                    }) {
                HttpResponse<String> forged =
                        Http.send(
                                HttpRequest.newBuilder(server.uri("/signout"))
                                        .header("Cookie", cookie)
                                        .header(from[0], from[1])
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build());
                assertThat(forged.statusCode()).as(from[0] + ": " + from[1]).isEqualTo(403);
            }
            portal.open("/app/dashboard.xhtml");
            assertThat(portal.signedIn()).as("still signed in after the forged requests").isTrue();

            // The portal's own sign-out button still works (its redirect goes on to Keycloak).
            portal.signOut();
            browser.await(By.id("nav-signin"));
            assertThat(portal.signedIn()).isFalse();
        }
    }

    @Test
    void signedInPagesReportNoContentSecurityPolicyViolation() throws Exception {
        String email = user("strict");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            browser.consoleEntries();
            signInForTheFirstTime(browser, email);
            portal.finishTour();
            browser.awaitGone(By.id("tour"));
            for (String page : new String[] {"/", "/app/profile.xhtml", "/app/api-keys.xhtml"}) {
                portal.open(page);
                browser.await(By.id("main"));
            }

            assertThat(browser.consoleEntries())
                    .as("the console of the portal's pages")
                    .noneMatch(entry -> entry.contains("Content Security Policy"))
                    .noneMatch(entry -> entry.contains("Refused to"));
        }
    }

    /** Signs a new account in and completes its profile; ends on the dashboard. */
    void signInForTheFirstTime(Browser browser, String email) {
        new PortalPages(browser, keycloak.publicUrl()).signInForTheFirstTime(email, PASSWORD);
    }

    String user(String kind) throws Exception {
        String email = kind + "-" + run + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true);
        return email;
    }
}
