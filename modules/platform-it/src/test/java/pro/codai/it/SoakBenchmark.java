package pro.codai.it;

import java.io.IOException;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import pro.codai.it.TryNowBenchmark.Term;

/**
 * The soak: {@code bench.soak-minutes} of mixed load — Jobe runs (C and Python), run API runs, IDE
 * file saves and terminals typing, people signing in — on the built server, the built sandboxd and
 * real LXC, with the live heap (after a full collection) and the resident memory of the server's
 * and sandboxd's JVMs sampled every {@code bench.soak-sample-seconds}. Prints a table, medians and
 * the first samples against the last: a leak shows as a live heap that keeps growing. Figures are
 * printed, never asserted.
 *
 * <pre>
 * ./mvnw -q -DskipITs install &amp;&amp; ./mvnw -Pbench -pl modules/platform-it verify \
 *     -Dit.test=SoakBenchmark -Dbench.soak-minutes=30 -Dcodaipro.it.image.dir=… \
 *     -Dcodaipro.it.keycloak.dist=…
 * </pre>
 */
class SoakBenchmark {

    static final int MINUTES = Integer.getInteger("bench.soak-minutes", 10);
    static final int SAMPLE_SECONDS = Integer.getInteger("bench.soak-sample-seconds", 30);
    static final int STUDENTS = Integer.getInteger("bench.soak-students", 10);

    /**
     * For a job with a time budget: the instant (ISO-8601) by which the soak must be over. A soak
     * that would not fit runs {@code bench.soak-fallback-minutes} instead (or what is left).
     */
    static final String END_BY = System.getProperty("bench.soak-end-by", "");

    static final int FALLBACK_MINUTES = Integer.getInteger("bench.soak-fallback-minutes", 10);

    private static final Pattern HEAP_USED =
            Pattern.compile("(?:heap|generation)\\s+total \\d+K, used (\\d+)K");

    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong saves = new AtomicLong();
    private final AtomicLong echoes = new AtomicLong();
    private final AtomicLong signIns = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    @Test
    void soak() throws Exception {
        Keycloak keycloak = Keycloak.shared();
        TryNowBenchmark.portalUrl = keycloak.publicUrl();
        try (Sandboxd sandboxd = Sandboxd.start(4)) {
            try (RunningServer server =
                    RunningServer.start(
                            keycloak,
                            sandboxd,
                            "SoakBenchmark",
                            Map.of("CODAIPRO_ADMIN_TOKEN", ReliabilityIT.ADMIN_TOKEN))) {
                soak(keycloak, server, sandboxd);
            }
        }
    }

    /** How long to soak: {@link #MINUTES}, unless that would end after {@link #END_BY}. */
    static long minutes(java.time.Instant now) {
        if (END_BY.isBlank()) {
            return MINUTES;
        }
        long left = Duration.between(now, java.time.Instant.parse(END_BY)).toMinutes();
        if (MINUTES <= left) {
            return MINUTES;
        }
        return Math.max(1, Math.min(FALLBACK_MINUTES, left));
    }

    private void soak(Keycloak keycloak, RunningServer server, Sandboxd sandboxd) throws Exception {
        System.out.printf(
                "Soak: %d min, a sample every %d s, %d students, %d cores%n",
                minutes(java.time.Instant.now()),
                SAMPLE_SECONDS,
                STUDENTS,
                Runtime.getRuntime().availableProcessors());
        String runsKey = ReliabilityIT.issueKey(server, "soak runs", "runs");
        String jobeKey = ReliabilityIT.issueKey(server, "soak jobe", "jobe");
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<HttpClient> people = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < STUDENTS; i++) {
            String email = "soak-" + run + "-" + i + "@uni.example";
            keycloak.createUser(email, email, SignInBenchmark.PASSWORD, true);
            HttpClient person = SignInBenchmark.signIn(keycloak.publicUrl(), email, null);
            TryNowBenchmark.completeProfile(person, server);
            people.add(person);
            emails.add(email);
        }

        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newCachedThreadPool();
        try {
            // Two Jobe clients (C and Python), one run API client, each a run every ~0.5 s.
            String c = "#include <stdio.h>\nint main(void) { puts(\"soak\"); return 0; }";
            load.submit(loop(running, 500, () -> jobe(server, jobeKey, "c", c)));
            load.submit(
                    loop(running, 500, () -> jobe(server, jobeKey, "python3", "print('soak')")));
            load.submit(
                    loop(
                            running,
                            500,
                            () -> {
                                var answer = ReliabilityIT.run(server, runsKey, "print('soak')");
                                count(answer.statusCode() == 200, runs);
                            }));
            // Every student: a terminal typing a command a second and a save every 2 s; every
            // minute the tab is closed and opened again (reattach).
            for (int i = 0; i < STUDENTS; i++) {
                HttpClient person = people.get(i);
                int student = i;
                load.submit(() -> student(keycloak, server, person, student, running));
            }
            // Sign-ins: one person signing in again every 2 s.
            AtomicLong next = new AtomicLong();
            load.submit(
                    loop(
                            running,
                            2000,
                            () -> {
                                String email =
                                        emails.get((int) (next.getAndIncrement() % STUDENTS));
                                SignInBenchmark.signIn(keycloak.publicUrl(), email, null);
                                signIns.incrementAndGet();
                            }));

            sample(server, sandboxd, running);
        } finally {
            running.set(false);
            load.shutdownNow();
            load.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private Void student(
            Keycloak keycloak,
            RunningServer server,
            HttpClient person,
            int student,
            AtomicBoolean running)
            throws Exception {
        long n = 0;
        while (running.get()) {
            Term term;
            try {
                term = Term.open(person, server, 120, 30);
                term.awaitOutput("$ ", Duration.ofSeconds(30));
            } catch (Exception e) {
                errors.incrementAndGet();
                Thread.sleep(1000);
                continue;
            }
            long tabEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (running.get() && System.nanoTime() < tabEnd) {
                n++;
                try {
                    long mark = term.mark();
                    term.send("echo soak-" + n + "\n");
                    term.awaitOutputAfter(mark, "soak-" + n, Duration.ofSeconds(30));
                    echoes.incrementAndGet();
                    if (n % 2 == 0) {
                        String path = "soak/file-" + (n % 20) + ".txt";
                        count(save(keycloak, person, path, "save " + n + "\n") == 204, saves);
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
                Thread.sleep(1000);
            }
            try {
                term.close();
            } catch (RuntimeException e) {
                errors.incrementAndGet();
            }
        }
        return null;
    }

    /** Samples every SAMPLE_SECONDS until the time is up, then prints the summary. */
    private void sample(RunningServer server, Sandboxd sandboxd, AtomicBoolean running)
            throws Exception {
        long serverPid = server.process().pid();
        long sandboxdPid = sandboxd.pid();
        List<long[]> rows = new ArrayList<>();
        System.out.printf(
                "%6s %14s %14s %16s %16s %7s %7s %7s %7s %6s%n",
                "min",
                "server heap MB",
                "server RSS MB",
                "sandboxd heap MB",
                "sandboxd RSS MB",
                "runs",
                "saves",
                "echoes",
                "sign-ins",
                "errors");
        long started = System.nanoTime();
        long end = started + TimeUnit.MINUTES.toNanos(minutes(java.time.Instant.now()));
        long nextSample = started;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                long[] row = {
                    TimeUnit.NANOSECONDS.toSeconds(now - started),
                    liveHeapKilobytes(serverPid),
                    residentKilobytes(serverPid),
                    liveHeapKilobytes(sandboxdPid),
                    residentKilobytes(sandboxdPid),
                    runs.get(),
                    saves.get(),
                    echoes.get(),
                    signIns.get(),
                    errors.get()
                };
                rows.add(row);
                System.out.printf(
                        "%6.1f %14.1f %14.1f %16.1f %16.1f %7d %7d %7d %7d %6d%n",
                        row[0] / 60.0,
                        row[1] / 1024.0,
                        row[2] / 1024.0,
                        row[3] / 1024.0,
                        row[4] / 1024.0,
                        row[5],
                        row[6],
                        row[7],
                        row[8],
                        row[9]);
                nextSample += TimeUnit.SECONDS.toNanos(SAMPLE_SECONDS);
                if (now >= end) {
                    break;
                }
            }
            Thread.sleep(
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSample - System.nanoTime())));
        }
        running.set(false);
        report("server live heap", rows, 1);
        report("server RSS", rows, 2);
        report("sandboxd live heap", rows, 3);
        report("sandboxd RSS", rows, 4);
        long[] last = rows.get(rows.size() - 1);
        double minutes = last[0] / 60.0;
        System.out.printf(
                "FIGURE soak %.1f min: %d runs, %d saves, %d echoes, %d sign-ins, %d errors%n",
                minutes, last[5], last[6], last[7], last[8], last[9]);
    }

    /** Median of all samples, and of the first three against the last three. */
    private static void report(String what, List<long[]> rows, int column) {
        List<Long> all = rows.stream().map(row -> row[column]).toList();
        int k = Math.min(3, all.size());
        System.out.printf(
                "FIGURE soak %-20s median %7.1f MB, first %d %7.1f MB -> last %d %7.1f MB, max"
                        + " %7.1f MB%n",
                what,
                median(all) / 1024.0,
                k,
                median(all.subList(0, k)) / 1024.0,
                k,
                median(all.subList(all.size() - k, all.size())) / 1024.0,
                Collections.max(all) / 1024.0);
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    /** Heap in use right after a full collection (jcmd GC.run, then GC.heap_info). */
    static long liveHeapKilobytes(long pid) throws Exception {
        jcmd(pid, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        long kilobytes = 0;
        boolean found = false;
        while (used.find()) {
            kilobytes += Long.parseLong(used.group(1));
            found = true;
        }
        return found ? kilobytes : -1;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process jcmd =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                Long.toString(pid),
                                command)
                        .redirectErrorStream(true)
                        .start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    static long residentKilobytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private void jobe(RunningServer server, String key, String language, String source)
            throws Exception {
        HttpResponse<String> answer =
                Http.json(
                        "POST",
                        server.uri("/jobe/index.php/restapi/runs"),
                        jakarta.json.Json.createObjectBuilder()
                                .add(
                                        "run_spec",
                                        jakarta.json.Json.createObjectBuilder()
                                                .add("language_id", language)
                                                .add("sourcecode", source))
                                .build()
                                .toString(),
                        "X-API-KEY",
                        key);
        count(answer.statusCode() == 200 && answer.body().contains("\"outcome\":15"), runs);
    }

    private void count(boolean ok, AtomicLong counter) {
        (ok ? counter : errors).incrementAndGet();
    }

    private static int save(Keycloak keycloak, HttpClient person, String path, String content)
            throws Exception {
        return person.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                keycloak.publicUrl()
                                                        + "/app/api/workspace/file?path="
                                                        + URLEncoder.encode(
                                                                path, StandardCharsets.UTF_8)))
                                .timeout(Duration.ofSeconds(30))
                                .header("X-CodaiPro-IDE", "1")
                                .PUT(HttpRequest.BodyPublishers.ofString(content))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @FunctionalInterface
    private interface Step {
        void once() throws Exception;
    }

    /** Repeats {@code step} with a pause after each; a failure counts as an error. */
    private java.util.concurrent.Callable<Void> loop(
            AtomicBoolean running, long pauseMillis, Step step) {
        return () -> {
            while (running.get()) {
                try {
                    step.once();
                } catch (InterruptedException e) {
                    return null;
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
                Thread.sleep(pauseMillis);
            }
            return null;
        };
    }
}
