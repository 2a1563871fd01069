package pro.codai.it;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import pro.codai.it.browser.Browser;
import pro.codai.it.browser.IdePages;
import pro.codai.it.browser.PortalPages;

/**
 * Try Now figures over the terminal WebSocket, with the real Keycloak, the built server and a real
 * sandboxd, from HTTP clients that sign in as browsers do: Try Now (a new workspace: volume,
 * sandbox, shell) to the first prompt; reattaching to a running workspace; keystroke to echo with
 * one and with {@code bench.terminals} terminals active at once; and the server's heap before and
 * during an output flood on every terminal. Prints figures; asserts nothing about time. Run with
 * {@code -Pbench} (see docs/development/README.md).
 */
class TryNowBenchmark {

    static final int TERMINALS = Integer.getInteger("bench.terminals", 100);
    static final int SAMPLES = Integer.getInteger("bench.samples", 200);
    static final int FLOOD_SECONDS = Integer.getInteger("bench.flood-seconds", 20);
    static final int BROWSER_SAMPLES = Integer.getInteger("bench.browser-samples", 10);

    /** sandboxd's warm pool: 0 turns it off, so every workspace is a new sandbox. */
    static final int WARM_POOL = Integer.getInteger("bench.warm-pool", 4);

    private static final Pattern HIDDEN =
            Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");
    private static final Pattern USED_HEAP =
            Pattern.compile("(?m)^\\S*memory_usedHeap_bytes\\S*\\s+([0-9.E+-]+)$");

    static volatile String portalUrl;

    @Test
    void measure() throws Exception {
        Keycloak keycloak = Keycloak.shared();
        portalUrl = keycloak.publicUrl();
        try (Sandboxd sandboxd = Sandboxd.start(WARM_POOL)) {
            Map<String, String> settings = new HashMap<>();
            // e.g. -Dbench.server-heap=2g for 1,000 workspaces (a 64 KiB scrollback each)
            settings.put("CODAIPRO_JVM_HEAP", System.getProperty("bench.server-heap", "768m"));
            // e.g. -Dbench.jvm-options="-Xlog:gc:file=/tmp/gc.log" to see the server's pauses
            String jvmOptions = System.getProperty("bench.jvm-options", "");
            if (!jvmOptions.isBlank()) {
                settings.put("CODAIPRO_JVM_OPTIONS", jvmOptions);
            }
            try (RunningServer server =
                    RunningServer.start(keycloak, sandboxd, "TryNowBenchmark", settings)) {
                run(keycloak, server, sandboxd);
            }
        }
    }

    private void run(Keycloak keycloak, RunningServer server, Sandboxd sandboxd) throws Exception {
        System.out.printf(
                "Try Now benchmark: %d cores, %d terminals, %d echo samples, %d s flood, warm pool"
                        + " %d%n",
                Runtime.getRuntime().availableProcessors(),
                TERMINALS,
                SAMPLES,
                FLOOD_SECONDS,
                WARM_POOL);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<HttpClient> people = new ArrayList<>();
        for (int i = 0; i < TERMINALS; i++) {
            String email = "ide-" + run + "-" + i + "@mail.example";
            keycloak.createUser(email, email, SignInBenchmark.PASSWORD, true);
            HttpClient client = SignInBenchmark.signIn(portalUrl, email, null);
            completeProfile(client, server);
            people.add(client);
        }

        // Try Now to the first prompt: a new workspace each time (volume, sandbox, shell).
        List<Long> cold = new ArrayList<>();
        List<Term> terminals = new ArrayList<>();
        for (HttpClient person : people) {
            long started = System.nanoTime();
            Term term = Term.open(person, server, 120, 30);
            term.awaitOutput("$ ", Duration.ofSeconds(30));
            cold.add(System.nanoTime() - started);
            terminals.add(term);
        }
        Figures.report("Try Now -> prompt, new workspace (server side)", cold);

        // Back to a running workspace: the scrollback with the prompt is replayed.
        List<Long> reattach = new ArrayList<>();
        Term first = terminals.get(0);
        for (int i = 0; i < Math.min(SAMPLES, 50); i++) {
            first.close();
            long started = System.nanoTime();
            first = Term.open(people.get(0), server, 120, 30);
            first.awaitOutput("$ ", Duration.ofSeconds(30));
            reattach.add(System.nanoTime() - started);
        }
        terminals.set(0, first);
        Figures.report("Try Now -> prompt, running workspace (reattach)", reattach);

        Figures.report(
                "keystroke -> echo, 1 active terminal", echoes(List.of(first), SAMPLES, false));
        // Warm-up, not counted: the first time every terminal is busy at once, thread pools grow
        // and the just-in-time compiler still works on the paths only many terminals take.
        echoes(terminals, 10, false);
        JobeBenchmark.CpuMeter cpu =
                new JobeBenchmark.CpuMeter(server.process().pid(), sandboxd.pid());
        List<Long> echoes = echoes(terminals, Math.max(10, SAMPLES / 10), false);
        Figures.report("keystroke -> echo, " + terminals.size() + " active terminals", echoes);
        // "rest" includes this load generator, on the same cores.
        cpu.report("echo", echoes.size());
        Figures.report(
                "keystroke -> echo, " + terminals.size() + " terminals typing in lockstep",
                echoes(terminals, Math.max(10, SAMPLES / 10), true));

        if (FLOOD_SECONDS > 0) {
            flood(server, terminals);
        }
        for (Term term : terminals) {
            term.close();
        }
        if (Browser.available() && BROWSER_SAMPLES > 0) {
            Figures.report(
                    "Try Now -> prompt in Chromium, new workspace",
                    inBrowser(keycloak, run, BROWSER_SAMPLES));
        }
    }

    /**
     * In the real browser: from clicking Try Now (navigation) to the shell's prompt on the screen,
     * each time for a person without a workspace (signed in beforehand, not timed).
     */
    private static List<Long> inBrowser(Keycloak keycloak, String run, int samples)
            throws Exception {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            String email = "ide-" + run + "-browser-" + i + "@mail.example";
            keycloak.createUser(email, email, SignInBenchmark.PASSWORD, true);
            try (Browser browser = Browser.open()) {
                new PortalPages(browser, portalUrl)
                        .signInForTheFirstTime(email, SignInBenchmark.PASSWORD);
                IdePages ide = new IdePages(browser, portalUrl);
                long started = System.nanoTime();
                browser.go(portalUrl + "/try-now");
                ide.awaitTerminalLine(line -> line.endsWith("$"), "the prompt");
                times.add(System.nanoTime() - started);
            }
        }
        return times;
    }

    /**
     * Each terminal types a key, waits for its echo, pauses like a person, again. People type on
     * their own: each typist starts at a random moment and pauses 50–149 ms at random (about 10
     * keys a second each). In {@code lockstep}, every terminal types at the same moment each time
     * instead, the worst case of the same load.
     */
    private static List<Long> echoes(List<Term> terminals, int perTerminal, boolean lockstep)
            throws Exception {
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        ExecutorService typists = Executors.newFixedThreadPool(terminals.size());
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < terminals.size(); t++) {
            Term term = terminals.get(t);
            Random pauses = new Random(t);
            done.add(
                    typists.submit(
                            () -> {
                                if (!lockstep && terminals.size() > 1) {
                                    Thread.sleep(pauses.nextInt(150));
                                }
                                for (int i = 0; i < perTerminal; i++) {
                                    String key = Character.toString('a' + i % 26);
                                    long mark = term.mark();
                                    long started = System.nanoTime();
                                    term.send(key);
                                    term.awaitOutputAfter(mark, key, Duration.ofSeconds(10));
                                    samples.add(System.nanoTime() - started);
                                    if (i % 40 == 39) {
                                        term.send("\u0015"); // Ctrl-U: clear the line
                                    }
                                    long pause =
                                            terminals.size() == 1
                                                    ? 5
                                                    : lockstep
                                                            ? 50 + i % 100
                                                            : 50 + pauses.nextInt(100);
                                    Thread.sleep(pause);
                                }
                                term.send("\u0015");
                                return null;
                            }));
        }
        for (Future<?> typist : done) {
            typist.get(10, TimeUnit.MINUTES);
        }
        typists.shutdown();
        return samples;
    }

    /**
     * The server's heap, idle and while every terminal floods (`yes`) as fast as it is read: the
     * heap in use sampled every 0.5 s (a garbage collector's sawtooth), and the live heap — in use
     * right after a full collection ({@code jcmd GC.run}) — before, every 5 s during and after the
     * flood, which shows a growth trend if there is one.
     */
    private static void flood(RunningServer server, List<Term> terminals) throws Exception {
        long pid = server.process().pid();
        List<Long> live = new ArrayList<>(List.of(liveHeap(server, pid)));
        List<Long> idle = heapSamples(server, 10);
        long before = terminals.stream().mapToLong(Term::received).sum();
        long started = System.nanoTime();
        for (Term term : terminals) {
            term.send("yes\r");
        }
        List<Long> during = new ArrayList<>();
        for (int elapsed = 0; elapsed < FLOOD_SECONDS; elapsed += 5) {
            during.addAll(heapSamples(server, Math.min(5, FLOOD_SECONDS - elapsed)));
            live.add(liveHeap(server, pid));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long bytes = terminals.stream().mapToLong(Term::received).sum() - before;
        for (Term term : terminals) {
            term.send("\u0003"); // Ctrl-C
        }
        Thread.sleep(3000);
        live.add(liveHeap(server, pid));
        reportHeap("server heap in use, idle (0.5 s samples)", idle);
        reportHeap("server heap in use, " + terminals.size() + "-terminal flood", during);
        System.out.printf(
                "  live heap after full GC: before %s, during/after the flood %s MB; flood %.1f MB/s"
                        + " to the clients%n",
                live.get(0) / 1_000_000,
                live.subList(1, live.size()).stream()
                        .map(b -> Long.toString(b / 1_000_000))
                        .toList(),
                bytes / seconds / 1e6);
    }

    /** Heap in use right after a full collection of the server JVM. */
    private static long liveHeap(RunningServer server, long pid) throws Exception {
        Process gc =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                Long.toString(pid),
                                "GC.run")
                        .redirectErrorStream(true)
                        .start();
        gc.getInputStream().readAllBytes();
        gc.waitFor(60, TimeUnit.SECONDS);
        List<Long> now = heapSamples(server, 0);
        return now.isEmpty() ? -1 : now.get(0);
    }

    private static List<Long> heapSamples(RunningServer server, int seconds) throws Exception {
        List<Long> samples = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        do {
            String metrics =
                    http.send(
                                    HttpRequest.newBuilder(server.uri("/metrics")).GET().build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            Matcher used = USED_HEAP.matcher(metrics);
            if (used.find()) {
                samples.add((long) Double.parseDouble(used.group(1)));
            }
            if (seconds > 0) {
                Thread.sleep(500);
            }
        } while (System.nanoTime() < end);
        return samples;
    }

    private static void reportHeap(String what, List<Long> bytes) {
        List<Long> sorted = new ArrayList<>(bytes);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.printf("%-52s no samples (no memory metric)%n", what);
            return;
        }
        System.out.printf(
                "%-52s min %5.0f MB   p50 %5.0f MB   max %5.0f MB%n",
                what,
                sorted.get(0) / 1e6,
                median(sorted) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    /** Fills in the profile form as the browser would (the IDE needs a completed profile). */
    static void completeProfile(HttpClient client, RunningServer server) throws Exception {
        HttpResponse<String> form = SignInBenchmark.get(client, portal("/app/profile.xhtml"));
        if (form.statusCode() != 200) {
            throw new IllegalStateException(
                    "profile page: "
                            + form.statusCode()
                            + " to "
                            + form.headers().firstValue("Location").orElse("?")
                            + ", cookies "
                            + client.cookieHandler().orElseThrow().get(portal("/"), Map.of()));
        }
        StringBuilder body = new StringBuilder();
        Matcher hidden = HIDDEN.matcher(form.body());
        while (hidden.find()) {
            Matcher name = NAME.matcher(hidden.group());
            Matcher value = VALUE.matcher(hidden.group());
            if (name.find()) {
                field(
                        body,
                        name.group(1),
                        value.find() ? value.group(1).replace("&amp;", "&") : "");
            }
        }
        field(body, "profile:kind", "DEVELOPER");
        field(body, "profile:institution", "");
        field(body, "profile:programme", "");
        field(body, "profile:save", "");
        HttpResponse<String> saved =
                client.send(
                        HttpRequest.newBuilder(portal("/app/profile.xhtml"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ide = SignInBenchmark.get(client, portal("/app/try-now.xhtml"));
        if (ide.statusCode() != 200) {
            throw new IllegalStateException(
                    "profile not completed (" + saved.statusCode() + "): " + ide.statusCode());
        }
    }

    /** The portal as browsers reach it (its session cookie is for this host). */
    static URI portal(String path) {
        return URI.create(portalUrl + path);
    }

    private static void field(StringBuilder body, String name, String value) {
        if (body.length() > 0) {
            body.append('&');
        }
        body.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    /** One terminal tab: what it received, and waits for text in it. */
    static final class Term implements WebSocket.Listener {
        private static final java.util.concurrent.ScheduledExecutorService PINGS =
                Executors.newSingleThreadScheduledExecutor(
                        task -> {
                            Thread thread = new Thread(task, "terminal-pings");
                            thread.setDaemon(true);
                            return thread;
                        });

        /**
         * The last output received (64 KiB at most, then the last 4 KiB are kept), searched as
         * bytes: the load generator must stay light next to what it measures.
         */
        private byte[] tail = new byte[64 * 1024];

        private int tailLength;
        private final AtomicLong received = new AtomicLong();
        private WebSocket socket;

        static Term open(HttpClient person, RunningServer server, int columns, int rows)
                throws Exception {
            Term term = new Term();
            URI uri =
                    URI.create(
                            portal("/app/terminal").toString().replaceFirst("^http", "ws")
                                    + "?columns="
                                    + columns
                                    + "&rows="
                                    + rows);
            String origin = portalUrl;
            term.socket =
                    person.newWebSocketBuilder()
                            .header("Origin", origin)
                            .buildAsync(uri, term)
                            .get(30, TimeUnit.SECONDS);
            // As the page does: the server closes tabs it has not heard from for a while.
            PINGS.scheduleAtFixedRate(
                    () -> {
                        if (!term.socket.isOutputClosed()) {
                            term.ping();
                        }
                    },
                    30,
                    30,
                    TimeUnit.SECONDS);
            return term;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            synchronized (this) {
                int length = data.remaining();
                if (tailLength + length > tail.length) {
                    int keep = Math.min(tailLength, 4096);
                    System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                    tailLength = keep;
                    if (keep + length > tail.length) {
                        tail = java.util.Arrays.copyOf(tail, keep + length);
                    }
                }
                data.get(tail, tailLength, length);
                tailLength += length;
                received.addAndGet(length);
                notifyAll();
            }
            webSocket.request(1);
            return null;
        }

        long received() {
            return received.get();
        }

        /** The server asking the page to close, with a code (ide-protocol.md). */
        private static final Pattern CLOSE_REQUEST = Pattern.compile("^\\{\"close\":(\\d+)");

        private int closeCode = -1;
        private boolean closeRequested;
        private final java.util.List<String> texts = new java.util.ArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            String text = data.toString();
            Matcher close = CLOSE_REQUEST.matcher(text);
            synchronized (this) {
                texts.add(text);
                if (close.find() && closeCode < 0) {
                    // As the page does: the server asked to close, with this code.
                    closeCode = Integer.parseInt(close.group(1));
                    closeRequested = true;
                    webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "");
                }
                notifyAll();
            }
            webSocket.request(1);
            return null;
        }

        /** Waits until the server has sent {@code count} text messages containing {@code part}. */
        synchronized void awaitTexts(String part, int count, Duration timeout)
                throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (texts.stream().filter(text -> text.contains(part)).count() < count) {
                long left = end - System.nanoTime();
                if (left <= 0 || closeCode >= 0) {
                    throw new IllegalStateException(
                            "fewer than "
                                    + count
                                    + " messages with "
                                    + part
                                    + ": "
                                    + texts
                                    + (closeCode >= 0 ? ", closed " + closeCode : ""));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Whether the server asked for the close (rather than closing the socket itself). */
        synchronized boolean closeRequested() {
            return closeRequested;
        }

        /** Whether the server closed the socket. */
        synchronized boolean isClosed() {
            return closeCode >= 0;
        }

        @Override
        public synchronized CompletionStage<?> onClose(
                WebSocket webSocket, int statusCode, String reason) {
            if (closeCode < 0) {
                closeCode = statusCode;
            }
            notifyAll();
            return null;
        }

        /** Waits for the server to close the socket; returns its close code. */
        synchronized int awaitClose(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (closeCode < 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the terminal socket stayed open");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return closeCode;
        }

        /** A position in the output, to wait for what comes after it. */
        synchronized long mark() {
            return received.get();
        }

        /** One message at a time: a WebSocket refuses a send while another is in flight. */
        void send(String keys) {
            synchronized (socket) {
                socket.sendBinary(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)), true)
                        .join();
            }
        }

        void ping() {
            synchronized (socket) {
                socket.sendText("{\"ping\":1}", true).join();
            }
        }

        void awaitOutput(String text, Duration timeout) throws InterruptedException {
            awaitOutputAfter(-1, text, timeout);
        }

        synchronized void awaitOutputAfter(long mark, String text, Duration timeout)
                throws InterruptedException {
            byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                long newBytes = received.get() - Math.max(0, mark);
                if (mark < 0 || newBytes > 0) {
                    int from = mark < 0 ? 0 : (int) Math.max(0, tailLength - newBytes);
                    if (indexOf(wanted, from) >= 0) {
                        return;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(
                            "no '"
                                    + text
                                    + "' in the terminal: "
                                    + new String(tail, 0, tailLength, StandardCharsets.UTF_8));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        private int indexOf(byte[] wanted, int from) {
            for (int at = from; at + wanted.length <= tailLength; at++) {
                if (java.util.Arrays.equals(
                        tail, at, at + wanted.length, wanted, 0, wanted.length)) {
                    return at;
                }
            }
            return -1;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }
}
