package pro.codai.platform.persistence;

import java.util.Locale;

/**
 * LIKE patterns for searches people type: case-folded, their own {@code %} and {@code _} taken
 * literally (the queries say {@code ESCAPE '!'}).
 */
public final class Like {

    private Like() {}

    /** A pattern for text containing {@code text} (compare with {@code LOWER(column)}). */
    public static String containing(String text) {
        String escaped =
                text.toLowerCase(Locale.ROOT)
                        .replace("!", "!!")
                        .replace("%", "!%")
                        .replace("_", "!_");
        return "%" + escaped + "%";
    }
}
