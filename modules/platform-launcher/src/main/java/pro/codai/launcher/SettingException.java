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
    private final boolean unavailable;

    public SettingException(Setting setting, String problem) {
        this(setting, "setting " + setting.displayName(), problem, false);
    }

    private SettingException(Setting setting, String subject, String problem, boolean unavailable) {
        super(problem);
        this.setting = setting;
        this.subject = subject;
        this.unavailable = unavailable;
    }

    /**
     * What a setting names cannot be reached now (a database still starting, a network not yet up):
     * the setting may well be right, and a later start may succeed.
     */
    static SettingException unavailable(Setting setting, String problem) {
        return new SettingException(setting, "setting " + setting.displayName(), problem, true);
    }

    /** A problem with no one setting at fault, e.g. {@code "settings file /etc/…, line 7"}. */
    static SettingException about(String subject, String problem) {
        return new SettingException(null, subject, problem, false);
    }

    /** Whether a later start may succeed with the same settings (see {@link #unavailable}). */
    public boolean unavailable() {
        return unavailable;
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
