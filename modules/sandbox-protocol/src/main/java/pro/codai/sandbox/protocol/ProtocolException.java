package pro.codai.sandbox.protocol;

/** A request sandboxd refuses, with a stable error code the client can act on. */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The request is malformed or a field is invalid. */
    public static final String BAD_REQUEST = "bad_request";

    /** The frame is larger than {@link Frames#MAX_FRAME_BYTES}; the connection is closed. */
    public static final String FRAME_TOO_LARGE = "frame_too_large";

    /** The protocol version is not spoken by this daemon. */
    public static final String UNSUPPORTED_VERSION = "unsupported_version";

    /** No such operation. */
    public static final String UNKNOWN_OP = "unknown_op";

    /** The request asks for something the configuration does not allow (e.g. a destination). */
    public static final String FORBIDDEN = "forbidden";

    /** No such sandbox (or not one of this daemon's). */
    public static final String NOT_FOUND = "not_found";

    /** The daemon is at capacity; retry later. */
    public static final String OVERLOADED = "overloaded";

    /** The sandbox operation failed on the host. */
    public static final String SANDBOX_FAILED = "sandbox_failed";

    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
