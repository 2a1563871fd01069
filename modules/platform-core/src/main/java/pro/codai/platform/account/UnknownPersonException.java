package pro.codai.platform.account;

/** No one with this subject has signed in to the appliance. */
public class UnknownPersonException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String subject;

    public UnknownPersonException(String subject) {
        super("no one with the subject " + subject + " has signed in here");
        this.subject = subject;
    }

    public String subject() {
        return subject;
    }
}
