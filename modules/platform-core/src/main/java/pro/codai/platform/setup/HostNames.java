package pro.codai.platform.setup;

import java.util.Locale;
import java.util.regex.Pattern;

/** Host and domain names as DNS writes them (letters, digits, hyphens; dot-separated labels). */
public final class HostNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private HostNames() {}

    /**
     * The name in lower case, checked: at least two labels (a name other machines can resolve, not
     * {@code localhost}), each 1–63 characters, 253 in all, the last not all digits.
     */
    public static String hostName(String value, String what) throws InvalidSetupInput {
        String name = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new InvalidSetupInput("Enter the " + what + ".");
        }
        String[] labels = name.split("\\.", -1);
        boolean valid = name.length() <= 253 && labels.length >= 2;
        for (String label : labels) {
            valid &= LABEL.matcher(label).matches();
        }
        if (valid && labels[labels.length - 1].matches("[0-9]+")) {
            valid = false; // an IP address, not a name
        }
        if (!valid) {
            throw new InvalidSetupInput(
                    "'"
                            + value.trim()
                            + "' is not "
                            + ("aeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ")
                            + what
                            + " like ide.campus.edu: letters, digits and hyphens in"
                            + " dot-separated parts.");
        }
        return name;
    }
}
