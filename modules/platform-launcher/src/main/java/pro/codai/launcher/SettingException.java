package pro.codai.launcher;

/**
 * A setting that stops the server from starting, with what is wrong with it: a {@link Setting}'s
 * value, or something about where settings come from (an unknown key in the settings file, an
 * unknown {@code CODAIPRO_*} variable, the file's permissions).
 */
public final class SettingException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Setting setting;
    private final String subject;

    public SettingException(Setting setting, String problem) {
        this(setting, "setting " + setting.displayName(), problem);
    }

    private SettingException(Setting setting, String subject, String problem) {
        super(problem);
        this.setting = setting;
        this.subject = subject;
    }

    /** A problem with no one setting at fault, e.g. {@code "settings file /etc/…, line 7"}. */
    static SettingException about(String subject, String problem) {
        return new SettingException(null, subject, problem);
    }

    /** The setting at fault, or null when the problem is not one setting's value. */
    public Setting setting() {
        return setting;
    }

    /** What the problem is about, as the operator's line names it. */
    public String subject() {
        return subject;
    }

    /** The one line an operator reads: which setting, and what is wrong. */
    public String operatorMessage() {
        return "codaipro: cannot start: " + subject + ": " + getMessage();
    }
}
