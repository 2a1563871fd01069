package pro.codai.platform.setup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * The one-time setup code of an appliance: made at start while setup is pending, shown on the
 * console and in the journal, asked for by the setup wizard. Only a salted SHA-256 of it is kept; a
 * guess is compared in constant time, and after {@link #MAX_FAILURES} wrong guesses the code stops
 * working (a restart of the server makes a new one). 12 characters from 31 letters and digits (no
 * 0/O, 1/I/L): about 59 bits, beyond reach of 10 guesses.
 *
 * <p>Thread-safe.
 */
public final class SetupCode {

    public static final int MAX_FAILURES = 10;

    private static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt = new byte[16];
    private final byte[] hash;
    private int failures;

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

    /** Checks a guess (blanks, hyphens and case are forgiven) and counts it if wrong. */
    public synchronized Verdict check(String guess) {
        if (failures >= MAX_FAILURES) {
            return Verdict.EXHAUSTED;
        }
        boolean equal = MessageDigest.isEqual(hash, digest(normalise(guess)));
        if (equal) {
            return Verdict.ACCEPTED;
        }
        failures++;
        return failures >= MAX_FAILURES ? Verdict.EXHAUSTED : Verdict.WRONG;
    }

    public synchronized int failuresLeft() {
        return Math.max(0, MAX_FAILURES - failures);
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
