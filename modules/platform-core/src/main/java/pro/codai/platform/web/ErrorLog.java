package pro.codai.platform.web;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Error lines for the server log: one line per error, never a stack trace, and at most {@link
 * #LINES_PER_MINUTE} lines a minute for the whole WAR, so a client sending bad requests in a loop
 * cannot fill the log disk. Lines past the budget are counted and the count is logged with the next
 * line that is let through.
 *
 * <pre>{@code
 * ErrorLog.line(LOG, Level.SEVERE, "incident " + id + " on " + path + ": " + ErrorLog.brief(e));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ErrorLog {

    /** Lines let through per minute (per WAR: each has its own copy of this class). */
    public static final int LINES_PER_MINUTE = 60;

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static long windowStart = System.nanoTime();
    private static int linesInWindow;
    private static long suppressed;

    private ErrorLog() {}

    /** Logs {@code line} unless this minute's budget is spent; returns whether it was logged. */
    public static boolean line(Logger logger, Level level, String line) {
        if (!logger.isLoggable(level)) {
            return false;
        }
        long dropped;
        synchronized (ErrorLog.class) {
            long now = System.nanoTime();
            if (now - windowStart >= MINUTE_NANOS) {
                windowStart = now;
                linesInWindow = 0;
            }
            if (linesInWindow >= LINES_PER_MINUTE) {
                suppressed++;
                return false;
            }
            linesInWindow++;
            dropped = suppressed;
            suppressed = 0;
        }
        logger.log(
                level,
                dropped == 0
                        ? oneLine(line)
                        : oneLine(line) + " (" + dropped + " earlier error lines not logged)");
        return true;
    }

    /**
     * A throwable in a few words: its class, its message and the frame it came from, then the same
     * of its root cause.
     */
    public static String brief(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String brief = describe(thrown);
        return root == thrown ? brief : brief + "; cause " + describe(root);
    }

    private static String describe(Throwable thrown) {
        StackTraceElement[] frames = thrown.getStackTrace();
        String message = thrown.getMessage() == null ? "" : ": " + limit(thrown.getMessage(), 200);
        return thrown.getClass().getName()
                + message
                + (frames.length == 0 ? "" : " at " + frames[0]);
    }

    /** Control characters (a request's path may hold encoded line breaks) become spaces. */
    static String oneLine(String text) {
        StringBuilder line = new StringBuilder(Math.min(text.length(), 1000));
        for (int i = 0; i < text.length() && line.length() < 1000; i++) {
            char c = text.charAt(i);
            line.append(Character.isISOControl(c) ? ' ' : c);
        }
        return line.toString();
    }

    private static String limit(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    /** For tests: forget the budget used so far. */
    static synchronized void reset() {
        windowStart = System.nanoTime();
        linesInWindow = 0;
        suppressed = 0;
    }
}
