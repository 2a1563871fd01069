package pro.codai.sandbox.connector.api;

/**
 * A sandbox operation that did not happen. {@link #code()} is sandboxd's error code (e.g. {@code
 * bad_request}, {@code not_found}, {@code forbidden}, {@code overloaded}, {@code sandbox_failed})
 * or one of the adapter's own: {@link #UNAVAILABLE} (sandboxd cannot be reached) and {@link
 * #QUEUE_FULL}.
 */
public class SandboxConnectorException extends Exception {

    private static final long serialVersionUID = 1L;

    /** sandboxd cannot be reached (not running, socket missing, connection lost). */
    public static final String UNAVAILABLE = "unavailable";

    /** The adapter's run queue is full, or the wait for a run slot timed out. */
    public static final String QUEUE_FULL = "queue_full";

    /** The request itself was refused (sandboxd's {@code bad_request}, or the adapter's check). */
    public static final String BAD_REQUEST = "bad_request";

    /** sandboxd is at capacity. */
    public static final String OVERLOADED = "overloaded";

    private final String code;

    public SandboxConnectorException(String code, String message) {
        super(message);
        this.code = code;
    }

    public SandboxConnectorException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Whether retrying later may succeed because the system is busy, not broken. */
    public boolean isOverload() {
        return QUEUE_FULL.equals(code) || OVERLOADED.equals(code);
    }
}
