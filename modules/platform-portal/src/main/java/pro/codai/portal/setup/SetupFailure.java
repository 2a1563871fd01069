package pro.codai.portal.setup;

/** A part of setup could not be done (Keycloak refused, a file could not be written). */
public class SetupFailure extends Exception {

    private static final long serialVersionUID = 1L;

    public SetupFailure(String message) {
        super(message);
    }

    public SetupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
