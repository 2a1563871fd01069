package pro.codai.portal.signin;

/**
 * A sign-in that cannot complete: Keycloak unreachable, a refused code, a token that fails checks.
 */
public class SignInException extends Exception {

    private static final long serialVersionUID = 1L;

    public SignInException(String message) {
        super(message);
    }

    public SignInException(String message, Throwable cause) {
        super(message, cause);
    }
}
