package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import pro.codai.sandbox.protocol.SandboxClient;

/**
 * The timetable-aware pre-warm on the built server and the built sandboxd with real LXC: a class
 * start announced through the admin API grows sandboxd's warm pool before the class starts (by its
 * students, capped by {@code sandboxd.warm-pool.max-size}), and once the class has started and its
 * tail has passed the pool is back at its configured size, the surplus containers destroyed. What
 * sandboxd does is watched over its admin socket ({@code hello}). Bad input is refused with
 * problem+json and stores nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreWarmIT {

    /** Generous: a fresh CI machine may be slow to start containers. */
    static final Duration PATIENCE = Duration.ofSeconds(240);

    static final int BASE = 1;
    static final int MAX = 4;
    static final long TAIL_SECONDS = 5;

    /** How far ahead the class is announced: the window opens at once (the lead is longer). */
    static final Duration AHEAD = Duration.ofSeconds(90);

    static final String PATH = "/api/v1/admin/class-starts";

    Keycloak keycloak;
    Sandboxd sandboxd;
    RunningServer server;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        keycloak = Keycloak.shared();
        sandboxd =
                Sandboxd.start(BASE, Map.of("sandboxd.warm-pool.max-size", Integer.toString(MAX)));
        Map<String, String> settings = new HashMap<>();
        settings.put("CODAIPRO_ADMIN_TOKEN", ReliabilityIT.ADMIN_TOKEN);
        settings.put("CODAIPRO_PREWARM_LEAD_SECONDS", "3600");
        settings.put("CODAIPRO_PREWARM_TAIL_SECONDS", Long.toString(TAIL_SECONDS));
        settings.put("CODAIPRO_PREWARM_PERIOD_SECONDS", "1");
        server = RunningServer.start(keycloak, sandboxd, "PreWarmIT", settings);
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

    @Test
    void thePoolGrowsBeforeAClassStartsAndIsBackAtItsSizeAfterIt() throws Exception {
        awaitPool("the pool at its configured size", BASE, BASE);
        Instant startsAt = Instant.now().plus(AHEAD).truncatedTo(ChronoUnit.SECONDS);

        HttpResponse<String> added = add(startsAt.toString(), 2, 45);
        Instant grownAt = awaitPool("the pool grown by the class's 2 students", BASE + 2, null);
        HttpResponse<String> second = add(startsAt.toString(), 5, 45);
        Instant cappedAt = awaitPool("the pool capped by sandboxd's maximum", MAX, null);
        awaitPool("the grown pool filled with started sandboxes", MAX, MAX);
        Sandboxd.SandboxctlResult ping =
                sandboxd.sandboxctl("--socket", sandboxd.adminSocket.toString(), "ping");
        long containersGrown = (long) sandboxd.sandboxes().size();
        Instant shrunkAt = awaitPool("the pool back at its size after the class", BASE, BASE);
        long containersAfter = awaitContainers(BASE);

        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(added.headers().firstValue("Location")).isPresent();
        JsonObject view = ReliabilityIT.json(added.body());
        assertThat(Instant.parse(view.getString("startsAt"))).isEqualTo(startsAt);
        assertThat(view.getInt("students")).isEqualTo(2);
        assertThat(view.getInt("durationMinutes")).isEqualTo(45);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        assertThat(grownAt).as("grown before the class starts").isBefore(startsAt);
        assertThat(cappedAt).as("capped before the class starts").isBefore(startsAt);
        assertThat(containersGrown).as("started containers in the grown pool").isEqualTo(MAX);
        assertThat(ping.output()).contains("warm pool " + MAX + " (target " + MAX + ")");
        assertThat(shrunkAt)
                .as("shrunk only after the class start and its tail")
                .isAfter(startsAt.plusSeconds(TAIL_SECONDS));
        assertThat(containersAfter).isEqualTo(BASE);
    }

    @Test
    void badClassStartsAreRefusedWithProblemsAndStoreNothing() throws Exception {
        String future = Instant.now().plus(Duration.ofDays(2)).toString();
        int before = list().size();

        HttpResponse<String> past = add(Instant.now().minusSeconds(60).toString(), 5, 60);
        HttpResponse<String> noStudents = add(future, 0, 60);
        HttpResponse<String> tooMany = add(future, 100_000, 60);
        HttpResponse<String> overflowing =
                post(
                        "{\"startsAt\":\""
                                + future
                                + "\",\"students\":99999999999,\"durationMinutes\":60}");
        HttpResponse<String> noDuration = add(future, 5, 0);
        HttpResponse<String> notAnInstant =
                post("{\"startsAt\":\"tomorrow 9am\",\"students\":5,\"durationMinutes\":60}");
        HttpResponse<String> missing = post("{\"students\":5}");
        HttpResponse<String> malformed = post("{\"startsAt\":");
        HttpResponse<String> unknown =
                Http.json(
                        "DELETE",
                        server.uri(PATH + "/987654321"),
                        null,
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);

        for (HttpResponse<String> refused :
                new HttpResponse[] {
                    past,
                    noStudents,
                    tooMany,
                    overflowing,
                    noDuration,
                    notAnInstant,
                    missing,
                    malformed
                }) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("application/problem+json");
        }
        assertThat(past.body()).contains("future");
        assertThat(noStudents.body()).contains("students");
        assertThat(tooMany.body()).contains("students");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        assertThat(list()).as("nothing stored").hasSize(before);
    }

    @Test
    void aClassStartIsListedAndDeleted() throws Exception {
        HttpResponse<String> added = add(Instant.now().plus(Duration.ofDays(3)).toString(), 7, 30);
        long id = ReliabilityIT.json(added.body()).getJsonNumber("id").longValue();

        boolean listed =
                list().stream()
                        .anyMatch(c -> c.asJsonObject().getJsonNumber("id").longValue() == id);
        HttpResponse<String> deleted =
                Http.json(
                        "DELETE",
                        server.uri(PATH + "/" + id),
                        null,
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);
        HttpResponse<String> again =
                Http.json(
                        "DELETE",
                        server.uri(PATH + "/" + id),
                        null,
                        "X-Admin-Token",
                        ReliabilityIT.ADMIN_TOKEN);

        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(listed).isTrue();
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(
                        list().stream()
                                .noneMatch(
                                        c ->
                                                c.asJsonObject().getJsonNumber("id").longValue()
                                                        == id))
                .isTrue();
    }

    @Test
    void onlyAdministratorsMayUseTheTimetable() throws Exception {
        String email = "prewarm-" + run + "@mail.example";
        keycloak.createUser(email, email, SignInBenchmark.PASSWORD, true);
        String studentToken = keycloak.accessToken(email, SignInBenchmark.PASSWORD);
        String body =
                "{\"startsAt\":\""
                        + Instant.now().plus(Duration.ofDays(1))
                        + "\",\"students\":3,\"durationMinutes\":60}";

        HttpResponse<String> anonymousList = Http.get(server.uri(PATH));
        HttpResponse<String> anonymousAdd = Http.json("POST", server.uri(PATH), body);
        HttpResponse<String> studentList =
                Http.get(server.uri(PATH), "Authorization", "Bearer " + studentToken);
        HttpResponse<String> studentAdd =
                Http.json(
                        "POST", server.uri(PATH), body, "Authorization", "Bearer " + studentToken);
        HttpResponse<String> studentDelete =
                Http.json(
                        "DELETE",
                        server.uri(PATH + "/1"),
                        null,
                        "Authorization",
                        "Bearer " + studentToken);

        assertThat(anonymousList.statusCode()).isEqualTo(401);
        assertThat(anonymousAdd.statusCode()).isEqualTo(401);
        assertThat(studentList.statusCode()).isEqualTo(403);
        assertThat(studentAdd.statusCode()).isEqualTo(403);
        assertThat(studentDelete.statusCode()).isEqualTo(403);
    }

    private HttpResponse<String> add(String startsAt, long students, int durationMinutes)
            throws Exception {
        return post(
                "{\"startsAt\":\""
                        + startsAt
                        + "\",\"students\":"
                        + students
                        + ",\"durationMinutes\":"
                        + durationMinutes
                        + "}");
    }

    private HttpResponse<String> post(String body) throws Exception {
        return Http.json(
                "POST", server.uri(PATH), body, "X-Admin-Token", ReliabilityIT.ADMIN_TOKEN);
    }

    private jakarta.json.JsonArray list() throws Exception {
        HttpResponse<String> listed =
                Http.get(server.uri(PATH), "X-Admin-Token", ReliabilityIT.ADMIN_TOKEN);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        return Json.createReader(new java.io.StringReader(listed.body())).readArray();
    }

    /**
     * Polls sandboxd's {@code hello} on its admin socket until the pool's target is {@code target}
     * and (unless null) {@code available} sandboxes are ready; returns when that was first seen.
     */
    private Instant awaitPool(String what, int target, Integer available) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try (SandboxClient admin = SandboxClient.connect(sandboxd.adminSocket)) {
                JsonObject hello = admin.call("hello", SandboxClient.fields());
                if (hello.getInt("warmPoolTarget") == target
                        && (available == null || hello.getInt("warmPool") == available)) {
                    return Instant.now();
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what + ": " + hello);
                }
            }
            Thread.sleep(200);
        }
    }

    /** Polls until sandboxd's state directory holds {@code count} containers. */
    private long awaitContainers(long count) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (sandboxd.sandboxes().size() != count && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return sandboxd.sandboxes().size();
    }
}
