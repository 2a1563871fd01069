package pro.codai.platform.setup;

/** What an administrator gave the setup wizard is refused; the message says why, for them. */
public class InvalidSetupInput extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidSetupInput(String message) {
        super(message);
    }
}
