package pro.codai.sandbox.api;

/** A sandbox operation failed; the message says what, for an operator or a log. */
public class SandboxException extends Exception {

    private static final long serialVersionUID = 1L;

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
