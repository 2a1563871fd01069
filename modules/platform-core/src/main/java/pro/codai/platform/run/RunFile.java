package pro.codai.platform.run;

import java.util.regex.Pattern;

/**
 * A file put into the run's working directory beside the source.
 *
 * @param name a plain file name: letters, digits, {@code .}, {@code -}, {@code _}; not starting
 *     with {@code .} or {@code -}; at most 128 characters
 */
public record RunFile(String name, byte[] content) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    public RunFile {
        requireValidName(name, "file name");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    static void requireValidName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new RunRejectedException(
                    what
                            + " must be letters, digits, '.', '-' or '_' (not first), at most 128: "
                            + name);
        }
    }
}
