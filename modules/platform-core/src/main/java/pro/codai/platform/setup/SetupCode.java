package pro.codai.platform.setup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import pro.codai.platform.web.ClientAddress;

/**
 * The one-time setup code of an appliance: made at start while setup is pending, shown on the
 * console and in the journal, asked for by the setup wizard. Only a salted SHA-256 of it is kept; a
 * guess is compared in constant time. Wrong guesses are counted per client ({@link
 * ClientAddress#counted}: the address, an IPv6 client by its /64): after {@link #MAX_FAILURES} from
 * one client the code stops working for that client only, so someone else on the campus LAN
 * guessing cannot lock the administrator out; after {@link #MAX_TOTAL_FAILURES} from all clients
 * together it stops working for everyone (a restart of the server makes a new one). 12 characters
 * from 31 letters and digits (no 0/O, 1/I/L): about 59 bits, beyond reach of a thousand guesses.
 *
 * <p>Thread-safe. At most {@value #MAX_CLIENTS} clients are remembered, the least recently seen
 * forgotten first (their guesses still count towards the total).
 */
public final class SetupCode {

    /** Wrong guesses one client may make. */
    public static final int MAX_FAILURES = 10;

    /** Wrong guesses all clients together may make. */
    public static final int MAX_TOTAL_FAILURES = 1_000;

    static final int MAX_CLIENTS = 10_000;

    private static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt = new byte[16];
    private final byte[] hash;
    private int totalFailures;

    private final Map<String, Integer> failuresByClient =
            new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > MAX_CLIENTS;
                }
            };

    private SetupCode(String code) {
        RANDOM.nextBytes(salt);
        hash = digest(normalise(code));
    }

    /** A new random code and its checker; the caller shows the code once and forgets it. */
    public static Issued issue() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new Issued(code.toString(), new SetupCode(code.toString()));
    }

    /** A code and the checker that knows only its hash. */
    public record Issued(String code, SetupCode checker) {}

    /** The answer to a guess. */
    public enum Verdict {
        ACCEPTED,
        WRONG,
        /** Too many wrong guesses: the code no longer works. */
        EXHAUSTED
    }

    /**
     * Checks a guess from a client (its address, {@link ClientAddress#of}; blanks, hyphens and case
     * of the guess are forgiven) and counts it against that client if wrong.
     */
    public synchronized Verdict check(String guess, String clientAddress) {
        String client = ClientAddress.counted(clientAddress);
        int failures = failuresByClient.getOrDefault(client, 0);
        if (failures >= MAX_FAILURES || totalFailures >= MAX_TOTAL_FAILURES) {
            return Verdict.EXHAUSTED;
        }
        boolean equal = MessageDigest.isEqual(hash, digest(normalise(guess)));
        if (equal) {
            return Verdict.ACCEPTED;
        }
        failuresByClient.put(client, ++failures);
        totalFailures++;
        return failures >= MAX_FAILURES || totalFailures >= MAX_TOTAL_FAILURES
                ? Verdict.EXHAUSTED
                : Verdict.WRONG;
    }

    /** Wrong guesses this client may still make. */
    public synchronized int failuresLeft(String clientAddress) {
        int failures = failuresByClient.getOrDefault(ClientAddress.counted(clientAddress), 0);
        return Math.max(0, Math.min(MAX_FAILURES - failures, MAX_TOTAL_FAILURES - totalFailures));
    }

    static String normalise(String code) {
        return code == null ? "" : code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }

    private byte[] digest(String code) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(code.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
