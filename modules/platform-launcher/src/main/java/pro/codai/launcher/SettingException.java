package pro.codai.launcher;

/** A setting that stops the server from starting, with what is wrong with it. */
public final class SettingException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Setting setting;

    public SettingException(Setting setting, String problem) {
        super(problem);
        this.setting = setting;
    }

    public Setting setting() {
        return setting;
    }

    /** The one line an operator reads: which setting, and what is wrong. */
    public String operatorMessage() {
        return "codaipro: cannot start: setting " + setting.displayName() + ": " + getMessage();
    }
}
