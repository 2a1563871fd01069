package pro.codai.it;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The class-start surge on one box: {@code bench.students} students, created beforehand, arrive
 * evenly over {@code bench.spread-seconds} and each does what a browser does at the start of a
 * class: signs in (portal → Keycloak → portal), completes the profile of a first visit, opens Try
 * Now (the terminal WebSocket to the shell's prompt), types a first command, then runs a program in
 * the terminal. Everything real: the built server, Keycloak, the built sandboxd with LXC sandboxes.
 * Prints p50/p95/p99 of each step and of the whole journey, the errors by step, the CPU of the
 * server, Keycloak and sandboxd per student and the busiest second of the machine, and their memory
 * at the end. Asserts nothing about time. Run with {@code -Pbench} (see
 * docs/development/README.md).
 */
class ClassStartBenchmark {

    static final int STUDENTS = Integer.getInteger("bench.students", 300);
    static final int SPREAD_SECONDS = Integer.getInteger("bench.spread-seconds", 60);
    static final int WARM_POOL = Integer.getInteger("bench.warm-pool", 4);
    static final Duration PATIENCE = Duration.ofSeconds(120);

    static final List<String> STEPS =
            List.of("sign-in", "profile", "Try Now -> prompt", "first command", "first run");

    private final Map<String, List<Long>> times = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final Map<String, String> firstError = new ConcurrentHashMap<>();
    private final List<Long> journeys = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<TryNowBenchmark.Term> terminals =
            new ConcurrentLinkedQueue<>();

    @Test
    void measure() throws Exception {
        Keycloak keycloak = Keycloak.shared();
        TryNowBenchmark.portalUrl = keycloak.publicUrl();
        try (Sandboxd sandboxd = Sandboxd.start(WARM_POOL)) {
            Map<String, String> settings = new HashMap<>();
            settings.put("CODAIPRO_JVM_HEAP", System.getProperty("bench.server-heap", "1g"));
            try (RunningServer server =
                    RunningServer.start(keycloak, sandboxd, "ClassStartBenchmark", settings)) {
                surge(keycloak, server, sandboxd);
            }
        }
    }

    private void surge(Keycloak keycloak, RunningServer server, Sandboxd sandboxd)
            throws Exception {
        System.out.printf(
                "Class-start benchmark: %d cores, %d students over %d s, warm pool %d%n",
                Runtime.getRuntime().availableProcessors(), STUDENTS, SPREAD_SECONDS, WARM_POOL);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> students = new ArrayList<>();
        for (int i = 0; i < STUDENTS; i++) {
            String email = "class-" + run + "-" + i + "@mail.example";
            keycloak.createUser(email, email, SignInBenchmark.PASSWORD, true);
            students.add(email);
        }
        // Warm-up, not counted: the server's and Keycloak's first sign-ins and workspace.
        String warmUp = "class-" + run + "-warm@mail.example";
        keycloak.createUser(warmUp, warmUp, SignInBenchmark.PASSWORD, true);
        journey(server, warmUp, -1, new HashMap<>());
        times.clear();

        JobeBenchmark.CpuMeter cpu =
                new JobeBenchmark.CpuMeter(server.process().pid(), sandboxd.pid());
        long keycloakTicks = treeTicks(keycloak.pid());
        BusiestSecond busiest = new BusiestSecond();
        ExecutorService arrivals = Executors.newFixedThreadPool(STUDENTS);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long spreadNanos = TimeUnit.SECONDS.toNanos(SPREAD_SECONDS);
        for (int i = 0; i < STUDENTS; i++) {
            int student = i;
            clock.schedule(
                    () ->
                            arrivals.execute(
                                    () -> {
                                        Map<String, Long> mine = new HashMap<>();
                                        long started = System.nanoTime();
                                        if (journey(server, students.get(student), student, mine)) {
                                            journeys.add(System.nanoTime() - started);
                                        }
                                    }),
                    spreadNanos * i / STUDENTS,
                    TimeUnit.NANOSECONDS);
        }
        clock.shutdown();
        clock.awaitTermination(SPREAD_SECONDS + 10, TimeUnit.SECONDS);
        arrivals.shutdown();
        boolean finished =
                arrivals.awaitTermination(PATIENCE.toSeconds() * STEPS.size(), TimeUnit.SECONDS);
        busiest.stop();

        for (String step : STEPS) {
            Figures.reportPercentiles(step, times.getOrDefault(step, List.of()));
        }
        Figures.reportPercentiles("whole journey", journeys);
        System.out.printf(
                "completed %d of %d journeys%s%n",
                journeys.size(), STUDENTS, finished ? "" : " (some still running at the end)");
        for (String step : STEPS) {
            AtomicInteger count = errors.get(step);
            if (count != null) {
                System.out.printf(
                        "  errors at %s: %d, the first: %s%n",
                        step, count.get(), firstError.get(step));
            }
        }
        cpu.report("student", STUDENTS);
        System.out.printf(
                "  Keycloak CPU per student: %.2f ms%n",
                (treeTicks(keycloak.pid()) - keycloakTicks) * 10.0 / STUDENTS);
        System.out.printf(
                "  busiest second of the machine: %.0f %% of its cores%n", busiest.peak());
        System.out.printf(
                "  resident memory at the end: server %d MB, Keycloak %d MB, sandboxd %d MB%n",
                SoakBenchmark.residentKilobytes(server.process().pid()) / 1024,
                treeResidentKilobytes(keycloak.pid()) / 1024,
                SoakBenchmark.residentKilobytes(sandboxd.pid()) / 1024);
        for (TryNowBenchmark.Term term : terminals) {
            term.close();
        }
    }

    /**
     * One student's journey; false at the first step that fails (counted under that step). The
     * warm-up ({@code student} -1) counts nothing.
     */
    private boolean journey(
            RunningServer server, String email, int student, Map<String, Long> mine) {
        String step = STEPS.get(0);
        try {
            long t = System.nanoTime();
            HttpClient person = SignInBenchmark.signIn(TryNowBenchmark.portalUrl, email, null);
            t = lap(step, t);
            step = STEPS.get(1);
            TryNowBenchmark.completeProfile(person, server);
            t = lap(step, t);
            step = STEPS.get(2);
            TryNowBenchmark.Term term = TryNowBenchmark.Term.open(person, server, 120, 30);
            terminals.add(term);
            term.awaitOutput("$ ", PATIENCE);
            t = lap(step, t);
            step = STEPS.get(3);
            int n = Math.max(0, student);
            // The answer is computed by the shell: the typed line itself does not contain it.
            term.send("echo first-$((" + n + "*3+1000))\n");
            term.awaitOutput("first-" + (n * 3 + 1000), PATIENCE);
            t = lap(step, t);
            step = STEPS.get(4);
            term.send("python3 -c 'print(" + n + "*7+100000)'\n");
            term.awaitOutput(Integer.toString(n * 7 + 100000), PATIENCE);
            lap(step, t);
            return true;
        } catch (Exception e) {
            if (student >= 0) {
                errors.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
                firstError.putIfAbsent(
                        step, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            } else {
                throw new IllegalStateException("warm-up journey failed at " + step, e);
            }
            return false;
        }
    }

    /** CPU ticks of a process and of all its descendants (Keycloak's script runs its JVM). */
    private static long treeTicks(long pid) throws Exception {
        long ticks = JobeBenchmark.CpuMeter.processTicks(pid);
        for (ProcessHandle child : ProcessHandle.of(pid).orElseThrow().descendants().toList()) {
            ticks += JobeBenchmark.CpuMeter.processTicks(child.pid());
        }
        return ticks;
    }

    private static long treeResidentKilobytes(long pid) throws Exception {
        long kilobytes = SoakBenchmark.residentKilobytes(pid);
        for (ProcessHandle child : ProcessHandle.of(pid).orElseThrow().descendants().toList()) {
            kilobytes += SoakBenchmark.residentKilobytes(child.pid());
        }
        return kilobytes;
    }

    private long lap(String step, long since) {
        long now = System.nanoTime();
        times.computeIfAbsent(step, s -> Collections.synchronizedList(new ArrayList<>()))
                .add(now - since);
        return now;
    }

    /** The machine's busiest second while it runs, in per cent of all its cores. */
    static final class BusiestSecond {
        private final ScheduledExecutorService sampler =
                Executors.newSingleThreadScheduledExecutor();
        private volatile double peak;
        private long last;

        BusiestSecond() throws Exception {
            last = JobeBenchmark.CpuMeter.busyTicks();
            sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
        }

        private void sample() {
            try {
                long now = JobeBenchmark.CpuMeter.busyTicks();
                // USER_HZ is 100: a fully busy core adds 100 ticks a second.
                double percent = (now - last) / (double) Runtime.getRuntime().availableProcessors();
                last = now;
                peak = Math.max(peak, percent);
            } catch (Exception e) {
                // a missed sample
            }
        }

        void stop() {
            sampler.shutdownNow();
        }

        double peak() {
            return peak;
        }
    }
}
