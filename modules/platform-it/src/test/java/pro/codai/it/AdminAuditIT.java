package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

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
 * The audit log as an administrator reviews it: the console's page in a real browser (headless
 * Chromium) signed in through the real Keycloak, its CSV export, and the admin API; people signed
 * in for real so that their events carry their names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAuditIT {

    static final String PASSWORD = "Correct-Horse-42-battery";
    static final String ZONE = "Pacific/Auckland";
    static final String API = "/api/v1/admin/audit";

    Keycloak keycloak;
    RunningServer server;
    final String run = UUID.randomUUID().toString().substring(0, 8);
    String admin;
    String student;
    String other;

    @BeforeAll
    void start() throws Exception {
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(Browser.available(), "no chromium and chromedriver");
        }
        keycloak = Keycloak.shared();
        admin = user("auditor", "administrators");
        student = user("marie");
        other = user("pierre");
        Path workDir = Files.createTempDirectory(Path.of("target"), "AdminAuditIT-");
        Map<String, String> settings = new HashMap<>(keycloak.serverSettings());
        settings.put("CODAIPRO_ADMIN_TOKEN", ReliabilityIT.ADMIN_TOKEN);
        settings.put(
                "CODAIPRO_SANDBOXD_SOCKET",
                workDir.toAbsolutePath().resolve("no-sandboxd.sock").toString());
        server = RunningServer.start(workDir.toAbsolutePath().resolve("data"), settings);
        // Two people sign in for real: their events are recorded with their names.
        for (String person : List.of(student, other)) {
            try (Browser browser = Browser.open()) {
                new PortalPages(browser, keycloak.publicUrl())
                        .signInForTheFirstTime(person, PASSWORD);
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAdministratorFindsAPersonsEventsByNameInTheirOwnZoneAndExportsThem() throws Exception {
        try (Browser browser = Browser.open()) {
            browser.timeZone(ZONE);
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            AdminPages console = new AdminPages(browser, portal);
            portal.signInForTheFirstTime(admin, PASSWORD);
            console.openAuditLog();
            List<String> findings = new ArrayList<>();
            Accessibility.check(browser, "audit log", findings);

            console.search(student, null, null);
            List<String> rows = console.rows();
            assertThat(rows).isNotEmpty();
            assertThat(rows).allSatisfy(row -> assertThat(row).contains(student));
            assertThat(String.join("\n", rows))
                    .contains("account.signed-in")
                    .contains("account.provisioned")
                    .contains("Test " + student + " <" + student + ">")
                    .doesNotContain(other);
            // Times in the viewer's zone (New Zealand: 12 or 13 hours ahead of UTC).
            ZoneId zone = ZoneId.of(ZONE);
            int hours = zone.getRules().getOffset(Instant.now()).getTotalSeconds() / 3600;
            assertThat(console.firstTime())
                    .containsAnyOf("GMT+" + hours, hours == 13 ? "NZDT" : "NZST")
                    .doesNotContain("UTC");

            // Days are the viewer's: the New Zealand days of the events hold them, the next none.
            List<Instant> times =
                    search("person=" + encode(student) + "&limit=1000", 200)
                            .getJsonArray("events")
                            .getValuesAs(JsonObject.class)
                            .stream()
                            .map(event -> Instant.parse(event.getString("occurredAt")))
                            .toList();
            LocalDate first = LocalDate.ofInstant(Collections.min(times), zone);
            LocalDate last = LocalDate.ofInstant(Collections.max(times), zone);
            console.search(student, first.toString(), last.toString());
            assertThat(console.rows()).hasSameSizeAs(rows);
            console.search(student, last.plusDays(1).toString(), null);
            assertThat(console.rows()).isEmpty();
            assertThat(browser.text()).contains("No events match this search.");
            console.search(student, first.toString(), first.minusDays(1).toString());
            assertThat(console.message())
                    .isEqualTo("The first day must not come after the last day.");

            console.search(student, null, null);
            Accessibility.check(browser, "audit log, searched", findings);
            assertThat(findings).isEmpty();

            // The export holds what the table shows, as CSV, and is itself recorded.
            HttpResponse<String> export =
                    Http.get(URI.create(console.exportHref()), cookiesOf(browser));
            assertThat(export.statusCode()).isEqualTo(200);
            assertThat(export.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("text/csv");
            List<String> lines = export.body().lines().toList();
            assertThat(lines.get(0)).startsWith("id,occurred_at,actor,actor_name,actor_email");
            assertThat(lines).hasSize(rows.size() + 1);
            assertThat(lines.subList(1, lines.size()))
                    .allSatisfy(line -> assertThat(line).contains(student));
            console.openAuditLog();
            console.search(admin, null, null);
            assertThat(console.rows().get(0))
                    .contains("audit.exported")
                    .contains(rows.size() + " events: person=" + student);
        }
    }

    @Test
    void anAdministratorFindsAPersonAndFollowsTheirAuditTrail() throws Exception {
        String registrar = user("registrar", "administrators");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            AdminPages console = new AdminPages(browser, portal);
            portal.signInForTheFirstTime(registrar, PASSWORD);
            console.openPeople();
            List<String> findings = new ArrayList<>();
            Accessibility.check(browser, "people", findings);
            assertThat(findings).isEmpty();

            console.searchPeople("MARIE-" + run);
            List<String> rows = console.peopleRows();
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0)).contains("Test " + student, student, "STUDENT", "FREE");
            console.searchPeople("nobody-" + run);
            assertThat(console.peopleRows()).isEmpty();
            assertThat(browser.text()).contains("Nobody matches this search.");

            console.searchPeople(student);
            console.openAuditTrailOf(student);
            List<String> trail = console.rows();
            assertThat(trail).isNotEmpty().allSatisfy(row -> assertThat(row).contains(student));
            assertThat(String.join("\n", trail)).contains("account.signed-in");
        }
    }

    @Test
    void theConsolePagesAndTheExportAreForAdministratorsOnly() throws Exception {
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            portal.open("/admin/audit.xhtml");
            new KeycloakPages(browser).signIn(student, PASSWORD);
            browser.await(By.id("error-title"));
            assertThat(browser.text()).contains("403");
            assertThat(browser.present(By.id("audit-title"))).isFalse();
            for (String page :
                    List.of(
                            "/admin/people.xhtml",
                            "/admin/people-import.xhtml",
                            "/admin/person.xhtml",
                            "/admin/live.xhtml")) {
                portal.open(page);
                browser.await(By.id("error-title"));
                assertThat(browser.text()).as(page).contains("403");
            }
            HttpResponse<String> export =
                    Http.get(server.uri("/admin/audit.csv"), cookiesOf(browser));
            assertThat(export.statusCode()).isEqualTo(403);
            assertThat(export.body()).doesNotContain("occurred_at");
        }
        // Without a session the console sends the visitor to sign in; the export too.
        HttpResponse<String> anonymous = Http.get(server.uri("/admin/audit.csv"));
        assertThat(anonymous.statusCode()).isIn(302, 303);
        assertThat(anonymous.body()).doesNotContain("occurred_at");
    }

    @Test
    void theApiSearchesInPagesThatHoldStillAndExports() throws Exception {
        JsonObject first = search("person=" + encode(student) + "&limit=2", 200);
        assertThat(first.getJsonArray("events")).hasSize(2);
        JsonObject newest = first.getJsonArray("events").getJsonObject(0);
        assertThat(newest.getString("targetEmail")).isEqualTo(student);
        assertThat(newest.getString("targetName")).isEqualTo("Test " + student);
        assertThat(newest.getString("occurredAt")).endsWith("Z");
        long before = first.getJsonNumber("nextBefore").longValue();
        JsonObject next = search("person=" + encode(student) + "&limit=2&before=" + before, 200);
        assertThat(next.getJsonArray("events").getJsonObject(0).getJsonNumber("id").longValue())
                .isLessThan(before);

        JsonObject signIns =
                search("action=account.signed-in&from=2000-01-01&to=2999-01-01&limit=1000", 200);
        List<String> emails =
                signIns.getJsonArray("events").getValuesAs(JsonObject.class).stream()
                        .map(event -> event.getString("actorEmail", ""))
                        .toList();
        assertThat(emails).contains(student, other);
        assertThat(signIns.get("nextBefore")).isIn(null, JsonValue.NULL);

        HttpResponse<String> csv =
                Http.get(
                        server.uri(API + "/export?person=" + encode(other)),
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment; filename=\"audit-");
        assertThat(csv.body().lines().skip(1).toList())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains(other));
        JsonObject exports = search("action=audit.exported&limit=1", 200);
        assertThat(exports.getJsonArray("events").getJsonObject(0).getString("actor"))
                .isEqualTo("admin-token");
    }

    @Test
    void badSearchesAreRefusedWithProblemDetailsAndAStudentIsForbidden() throws Exception {
        Map<String, String> refused =
                Map.of(
                        "from=yesterday",
                        "from must be an ISO-8601 instant",
                        "to=2026-02-30",
                        "to must be an ISO-8601 instant",
                        "limit=0",
                        "limit must be a whole number from 1 to 1000",
                        "limit=1001",
                        "limit must be a whole number from 1 to 1000",
                        "before=x",
                        "before must be a whole number",
                        "from=2026-12-02&to=2026-12-01",
                        "from must be before to",
                        "person=" + "x".repeat(256),
                        "person must be at most 255 characters");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            HttpResponse<String> answer =
                    Http.get(
                            server.uri(API + "?" + bad.getKey()),
                            "X-Admin-Token",
                            ReliabilityIT.ADMIN_TOKEN);
            assertThat(answer.statusCode()).as(bad.getKey()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(json(answer).getString("detail"))
                    .as(bad.getKey())
                    .startsWith(bad.getValue());
        }
        HttpResponse<String> badExport =
                Http.get(
                        server.uri(API + "/export?from=soon"),
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);
        assertThat(badExport.statusCode()).isEqualTo(400);

        String studentToken = keycloak.accessToken(student, PASSWORD);
        for (String path : List.of(API, API + "/export")) {
            HttpResponse<String> forbidden =
                    Http.get(server.uri(path), "Authorization", "Bearer " + studentToken);
            assertThat(forbidden.statusCode()).as(path).isEqualTo(403);
            assertThat(forbidden.body()).doesNotContain("occurred");
        }
        assertThat(Http.get(server.uri(API)).statusCode()).isEqualTo(401);
    }

    @Test
    void anAdministratorSetsHowLongEventsAreKeptAndBadValuesAreRefused() throws Exception {
        String keeper = user("keeper", "administrators");
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, keycloak.publicUrl());
            AdminPages console = new AdminPages(browser, portal);
            portal.signInForTheFirstTime(keeper, PASSWORD);
            console.openAuditLog();
            assertThat(console.retentionState()).contains("Events are kept for ever.");

            console.setRetention("5");
            assertThat(console.retentionState())
                    .contains("Keep events for 0 days (for ever) or 30 to 3650 days.")
                    .contains("Events are kept for ever.");
            List<String> findings = new ArrayList<>();
            Accessibility.check(browser, "audit log, a retention refused", findings);

            console.setRetention("400");
            assertThat(console.retentionState())
                    .contains("Saved. Events older than 400 days are removed, hourly.")
                    .contains("Set by Test " + keeper + " <" + keeper + ">");
            Accessibility.check(browser, "audit log, a retention set", findings);
            assertThat(findings).isEmpty();
        }
        JsonObject retention = retention("GET", null, 200);
        assertThat(retention.getInt("days")).isEqualTo(400);
        assertThat(retention.getString("setAt")).endsWith("Z");
        JsonObject changed = search("action=settings.changed&limit=1", 200);
        assertThat(changed.getJsonArray("events").getJsonObject(0).getString("detail"))
                .isEqualTo("0 -> 400");
        assertThat(changed.getJsonArray("events").getJsonObject(0).getString("actorEmail"))
                .isEqualTo(keeper);

        for (String bad :
                List.of(
                        "{\"days\":20}",
                        "{\"days\":3651}",
                        "{\"days\":\"90\"}",
                        "{\"days\":1.5}",
                        "[]",
                        "",
                        "{}")) {
            HttpResponse<String> refused = retentionAnswer("PUT", bad);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
        }
        assertThat(retention("GET", null, 200).getInt("days")).as("unchanged").isEqualTo(400);
        String studentToken = keycloak.accessToken(student, PASSWORD);
        HttpResponse<String> forbidden =
                Http.json(
                        "PUT",
                        server.uri(API + "/retention"),
                        "{\"days\":0}",
                        "Authorization",
                        "Bearer " + studentToken);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(retention("PUT", "{\"days\":0}", 200).getInt("days")).isZero();
    }

    @Test
    void keycloaksFailedSignInsReachTheAuditLogWithTheirPerson() throws Exception {
        String forgetful = user("forgetful");
        // Known to the appliance, so that the log shows them by name.
        assertThat(
                        Http.get(
                                        server.uri("/api/v1/me"),
                                        "Authorization",
                                        "Bearer " + keycloak.accessToken(forgetful, PASSWORD))
                                .statusCode())
                .isEqualTo(200);
        String stranger = "stranger-" + run + "@mail.example";
        assertThatThrownBy(() -> keycloak.accessToken(forgetful, "not-the-password"))
                .as("a wrong password");
        assertThatThrownBy(() -> keycloak.accessToken(stranger, "anything"))
                .as("nobody by that name");

        // Copied every 30 seconds from Keycloak's own events.
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        String failures = "";
        while (System.nanoTime() < deadline) {
            failures =
                    Http.get(
                                    server.uri(API + "?action=account.sign-in-failed&limit=1000"),
                                    "X-Admin-Token",
                                    ReliabilityIT.ADMIN_TOKEN)
                            .body();
            if (failures.contains(forgetful) && failures.contains(stranger)) {
                break;
            }
            Thread.sleep(500);
        }
        JsonObject theirs =
                search("action=account.sign-in-failed&person=" + encode(forgetful), 200)
                        .getJsonArray("events")
                        .getJsonObject(0);
        assertThat(theirs.getString("actorEmail")).isEqualTo(forgetful);
        assertThat(theirs.getString("targetEmail")).isEqualTo(forgetful);
        assertThat(theirs.getString("detail"))
                .startsWith("invalid_user_credentials, user name " + forgetful + ", from ");
        assertThat(failures)
                .contains("\"actor\":\"keycloak\"")
                .contains("user_not_found, user name " + stranger);
        assertThat(
                        search("action=account.sign-in-failed&limit=1000", 200)
                                .getJsonArray("events")
                                .getValuesAs(JsonObject.class)
                                .stream()
                                .filter(event -> event.getString("detail").contains(forgetful))
                                .count())
                .as("copied once")
                .isEqualTo(1);
    }

    private JsonObject retention(String method, String body, int status) throws Exception {
        HttpResponse<String> answer = retentionAnswer(method, body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        return json(answer);
    }

    private HttpResponse<String> retentionAnswer(String method, String body) throws Exception {
        return Http.json(
                method,
                server.uri(API + "/retention"),
                body,
                "X-Admin-Token",
                ReliabilityIT.ADMIN_TOKEN);
    }

    private JsonObject search(String query, int status) throws Exception {
        HttpResponse<String> answer =
                Http.get(server.uri(API + "?" + query), "X-Admin-Token", ReliabilityIT.ADMIN_TOKEN);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        return json(answer);
    }

    private static JsonObject json(HttpResponse<String> answer) {
        try (var reader = Json.createReader(new StringReader(answer.body()))) {
            return reader.readObject();
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** The browser's cookies for the portal, as a Cookie header (name, value). */
    private static String[] cookiesOf(Browser browser) {
        String cookies =
                browser.cookies().stream()
                        .map(cookie -> cookie.getName() + "=" + cookie.getValue())
                        .collect(Collectors.joining("; "));
        return new String[] {"Cookie", cookies};
    }

    private String user(String kind, String... groups) throws Exception {
        String email = kind + "-" + run + "@mail.example";
        keycloak.createUser(email, email, PASSWORD, true, groups);
        return email;
    }
}
