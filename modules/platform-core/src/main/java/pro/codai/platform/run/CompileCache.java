package pro.codai.platform.run;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.LimitHit;
import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.SandboxSpec;

/**
 * What compiling identical inputs produced, kept in memory so that the same program sent again (by
 * CodeRunner for every test case, by every student with the same answer) skips its compile: the
 * compiled {@code prog} of a language that runs {@code ./prog}, or the compile error.
 *
 * <p>An entry is found by a SHA-256 of everything the compile depends on: the language, the whole
 * compile command (compiler, compile and link arguments, source file name), the source's bytes,
 * every support file's name and bytes, the sandbox's image and limits, and the image's identity — a
 * hash of its installed packages ({@code /var/lib/dpkg/status}) as seen by the sandbox that
 * compiled it. Every compile reports the identity; one older than {@link #IDENTITY_FRESH} is not
 * trusted, so a lookup misses and the next compile looks again, and an image upgrade empties the
 * cache within that time.
 *
 * <p>The host never runs anything from the cache: a binary only goes back into a sandbox, in the
 * tar that carries the run's files. The cache is bounded ({@code
 * codaipro.runs.compile-cache-megabytes}, least recently used entries go first; 0 turns it off); a
 * binary over an eighth of it (or over the run's output limit) is not kept. Two identical misses at
 * once both compile, and the second result replaces the first.
 *
 * <p>Thread-safe.
 */
@ApplicationScoped
public class CompileCache {

    private static final Logger LOG = Logger.getLogger(CompileCache.class.getName());

    /** How long the image identity the last compile saw is trusted for lookups. */
    static final Duration IDENTITY_FRESH = Duration.ofSeconds(60);

    /** The compiled program's name in the working directory. */
    static final String PROGRAM = "prog";

    /** Counted per entry besides its bytes (key, record, map node). */
    static final int ENTRY_OVERHEAD = 512;

    /** Never read back more than this much of a binary. */
    static final int MAX_BINARY_BYTES = 8 << 20;

    /** Smallest binary bound worth a capture (below it, the run's output limit is tiny). */
    static final int MIN_BINARY_BYTES = 4096;

    /** The identity line the compile script writes first: a SHA-256 in hex, then the file. */
    private static final Pattern IDENTITY = Pattern.compile("[0-9a-f]{64}");

    @Inject
    @ConfigProperty(name = "codaipro.runs.compile-cache-megabytes", defaultValue = "32")
    int megabytes;

    @Inject MetricRegistry metrics;

    private long maxBytes;
    private Clock clock = Clock.systemUTC();

    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private String identity;
    private Instant identitySeen = Instant.MIN;

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private Counter hitCounter;
    private Counter missCounter;

    /** For CDI. */
    CompileCache() {}

    /** A cache of at most {@code maxBytes}, for tests. */
    CompileCache(long maxBytes, Clock clock) {
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    @PostConstruct
    void init() {
        maxBytes = (long) megabytes << 20;
        if (metrics != null) {
            try {
                hitCounter = counter("hit");
                missCounter = counter("miss");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "compile cache metrics not registered", e);
            }
        }
    }

    /** One metric, tagged by result; its metadata must be the same for every tag. */
    private Counter counter(String result) {
        return metrics.counter(
                Metadata.builder()
                        .withName("codaipro_runs_compile_cache")
                        .withDescription(
                                "Cacheable compiles: found in the compile cache (hit) or run"
                                        + " (miss)")
                        .build(),
                new Tag("result", result));
    }

    /**
     * The key of a compile, or null when it is not cached: the cache is off, the language does not
     * run {@code ./prog}, or the output limit is too small to read the binary back.
     *
     * @param compile the compile command, as run in the sandbox
     * @param run the run command ({@code ./prog …} for a cacheable language)
     * @param files the support files in the order they are unpacked
     * @param spec the sandbox the compile runs in (image and limits)
     * @param compileCpuSeconds the compile's CPU time limit
     * @param streamBytes the output limit of each stream
     */
    public Key key(
            Language language,
            List<String> compile,
            List<String> run,
            String sourceName,
            byte[] source,
            List<RunFile> files,
            SandboxSpec spec,
            int compileCpuSeconds,
            int streamBytes) {
        long bound = Math.min(Math.min(MAX_BINARY_BYTES, maxBytes / 8), streamBytes - 256L);
        if (maxBytes <= 0
                || compile.isEmpty()
                || run.isEmpty()
                || !run.get(0).equals("./" + PROGRAM)
                || bound < MIN_BINARY_BYTES) {
            return null;
        }
        Hasher h = new Hasher();
        h.text("codaipro compile cache 1");
        h.text(language.id());
        h.number(compile.size());
        compile.forEach(h::text);
        h.text(sourceName);
        h.bytes(source);
        h.number(files.size());
        for (RunFile file : files) {
            h.text(file.name());
            h.bytes(file.content());
        }
        h.text(spec.image());
        Limits limits = spec.limits();
        // A compile killed for lack of memory, processes or disk reads as a compile error too:
        // served only under the same limits.
        h.number(limits.memoryBytes());
        h.number(limits.pids());
        h.number(limits.cpuMillicores());
        h.number(limits.openFiles());
        h.number(limits.diskBytes());
        h.number(compileCpuSeconds);
        h.number(streamBytes);
        return new Key(h.hex(), (int) bound);
    }

    /**
     * A cache key.
     *
     * @param inputs the hash of the compile's inputs (the image identity joins it at lookup)
     * @param binaryBound binaries of this many bytes or more are not read back
     */
    public record Key(String inputs, int binaryBound) {}

    /**
     * What a compile produced: the program, or the result of a failed compile (its {@code
     * cmpinfo}), exactly as first answered.
     */
    public record Entry(byte[] binary, RunResult failure) {
        public boolean failed() {
            return failure != null;
        }

        long size() {
            if (binary != null) {
                return binary.length + ENTRY_OVERHEAD;
            }
            return 2L * (failure.compileOutput().length() + failure.stderr().length())
                    + ENTRY_OVERHEAD;
        }
    }

    /** The entry for the key under the image identity last seen, or null (a miss). */
    public Entry get(Key key) {
        if (key == null) {
            return null;
        }
        Entry entry;
        synchronized (this) {
            boolean fresh =
                    identity != null && identitySeen.plus(IDENTITY_FRESH).isAfter(clock.instant());
            entry = fresh ? entries.get(identity + key.inputs()) : null;
        }
        (entry != null ? hits : misses).incrementAndGet();
        Counter counter = entry != null ? hitCounter : missCounter;
        if (counter != null) {
            counter.inc();
        }
        return entry;
    }

    /**
     * The compile exec's script for a key: {@code script} (unpack, compile, and on failure the
     * compiler's output on stderr), preceded by the image identity on stdout and followed by the
     * binary's first {@link Key#binaryBound()} bytes on stdout. Unchanged without a key.
     */
    public String script(Key key, String script) {
        if (key == null) {
            return script;
        }
        // Neither step can fail the run: without an identity or a program nothing is kept.
        return "sha256sum </var/lib/dpkg/status 2>/dev/null || echo\n"
                + script
                + "head -c "
                + key.binaryBound()
                + " "
                + PROGRAM
                + " 2>/dev/null\nexit 0\n";
    }

    /**
     * Keeps what the compile exec of {@link #script} produced, and returns its result as the
     * compile alone would have given it (the identity and binary taken off stdout). A binary is
     * kept after a successful compile; a failure only when it was the compiler's verdict (a compile
     * error, no limit hit, no signal), as {@code answerToFailure} answers it (the dialect's answer
     * to a failed compile).
     */
    public ExecResult keep(
            Key key, ExecResult compiled, Function<ExecResult, RunResult> answerToFailure) {
        if (key == null) {
            return compiled;
        }
        byte[] out = compiled.stdout();
        int newline = indexOf(out, (byte) '\n');
        String seen = newline >= 64 ? new String(out, 0, 64, StandardCharsets.US_ASCII) : "";
        byte[] binary =
                newline >= 0 ? Arrays.copyOfRange(out, newline + 1, out.length) : new byte[0];
        ExecResult stripped =
                new ExecResult(
                        compiled.exitCode(),
                        compiled.signal(),
                        new byte[0],
                        compiled.stderr(),
                        compiled.outputTruncated(),
                        compiled.cpuTime(),
                        compiled.wallTime(),
                        compiled.limitHit());
        if (!IDENTITY.matcher(seen).matches()) {
            return stripped;
        }
        Entry entry = null;
        if (compiled.succeeded()) {
            if (binary.length > 0
                    && binary.length < key.binaryBound()
                    && !compiled.outputTruncated()) {
                entry = new Entry(binary, null);
            }
        } else if (compiled.signal() == 0
                && compiled.limitHit() == LimitHit.NONE
                && !compiled.outputTruncated()
                && !killedCompiler(compiled.stderr())) {
            RunResult failure = answerToFailure.apply(stripped);
            if (failure.outcome() == Outcome.COMPILE_ERROR) {
                entry = new Entry(null, failure);
            }
        }
        put(key, seen, entry);
        return stripped;
    }

    /**
     * Whether the compiler itself was killed (out of memory, at a limit) rather than refusing the
     * source: its driver reports that as an ordinary failure, which is no verdict on the source.
     */
    static boolean killedCompiler(byte[] stderr) {
        String text = new String(stderr, StandardCharsets.UTF_8);
        return text.contains("signal terminated program")
                || text.contains("internal compiler error")
                || text.contains("Killed");
    }

    /** Records the identity a compile saw and, unless null, its entry. */
    synchronized void put(Key key, String seenIdentity, Entry entry) {
        if (!seenIdentity.equals(identity)) {
            if (identity != null) {
                LOG.info("The sandbox image changed: compile cache emptied");
            }
            entries.clear();
            bytes = 0;
            identity = seenIdentity;
        }
        identitySeen = clock.instant();
        if (entry == null || entry.size() > maxBytes / 8) {
            return;
        }
        Entry old = entries.put(identity + key.inputs(), entry);
        bytes += entry.size() - (old != null ? old.size() : 0);
        Iterator<Entry> eldest = entries.values().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().size();
            eldest.remove();
        }
    }

    /** Bytes held, as counted against the bound. */
    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** SHA-256 over length-prefixed fields, so that no two field lists hash alike. */
    private static final class Hasher {
        private final MessageDigest digest;
        private final DataOutputStream out;

        Hasher() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            out =
                    new DataOutputStream(
                            new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        }

        void text(String text) {
            bytes(text.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] bytes) {
            try {
                out.writeInt(bytes.length);
                out.write(bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void number(long value) {
            try {
                out.writeLong(value);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
