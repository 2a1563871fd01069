package pro.codai.platform.run;

/** A run request that is malformed or asks for more than is allowed; nothing was run. */
public class RunRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RunRejectedException(String message) {
        super(message);
    }
}
