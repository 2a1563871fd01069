package pro.codai.platform.config;

import java.nio.file.Path;

/** A settings file that cannot be read as settings, with the line at fault. */
public final class SettingsFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String problem;

    public SettingsFileException(Path file, int line, String problem) {
        super("settings file " + file + ", line " + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** What is wrong with the line. */
    public String problem() {
        return problem;
    }

    public Path file() {
        return file;
    }

    /** The line at fault, counted from 1. */
    public int line() {
        return line;
    }
}
