package pro.codai.sandbox.api;

import java.util.regex.Pattern;

/**
 * A volume mounted into a sandbox, e.g. the student's workspace as their home directory. The volume
 * is named, never a host path: the driver resolves names under its configured volume root, so a
 * caller cannot mount an arbitrary host directory.
 *
 * @param volume volume name: letters, digits, '-', '_', '.'; 1–64 characters; not "." or ".."
 * @param target absolute path inside the sandbox
 * @param readOnly whether the sandbox may only read it
 */
public record Mount(String volume, String target, boolean readOnly) {

    private static final Pattern VOLUME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    /** Refuses anything but a volume name (see {@link #volume()}); returns the name. */
    public static String checkVolumeName(String volume) {
        if (volume == null || !VOLUME.matcher(volume).matches() || volume.equals("..")) {
            throw new IllegalArgumentException("not a volume name: " + volume);
        }
        return volume;
    }

    private static final Pattern TARGET = Pattern.compile("(/[A-Za-z0-9_.-]+)+");

    public Mount {
        checkVolumeName(volume);
        if (target == null
                || !TARGET.matcher(target).matches()
                || target.contains("/../")
                || target.endsWith("/..")
                || target.contains("/./")) {
            throw new IllegalArgumentException(
                    "not an absolute, normalised target path: " + target);
        }
    }
}
