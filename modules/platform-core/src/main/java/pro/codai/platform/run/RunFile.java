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

    /** Longest source file name, in UTF-8 bytes: what a Linux file system takes. */
    static final int MAX_SOURCE_NAME_BYTES = 255;

    /**
     * The rule of a source's name, wider than a file's (Jobe takes a space, letters beyond ASCII):
     * one plain file name, with no {@code /}, no control character, not starting with {@code .} or
     * {@code -}, at most {@link #MAX_SOURCE_NAME_BYTES}. It is only ever a member of the tar
     * unpacked in the sandbox and a single-quoted word of the sandbox's shell.
     */
    static void requireValidSourceName(String name) {
        boolean valid =
                name != null
                        && !name.isEmpty()
                        && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                                <= MAX_SOURCE_NAME_BYTES
                        && name.charAt(0) != '.'
                        && name.charAt(0) != '-'
                        && name.codePoints().noneMatch(c -> c == '/' || Character.isISOControl(c));
        if (!valid) {
            throw new RunRejectedException(
                    "sourcefilename must be one file name: no '/' or control characters, not"
                            + " starting with '.' or '-', at most "
                            + MAX_SOURCE_NAME_BYTES
                            + " bytes: "
                            + name);
        }
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
