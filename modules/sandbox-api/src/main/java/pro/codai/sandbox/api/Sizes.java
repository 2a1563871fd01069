package pro.codai.sandbox.api;

import java.util.Locale;

/** Sizes as operators write them in settings: {@code 512m}, {@code 2g}, {@code 64k} or bytes. */
public final class Sizes {

    private Sizes() {}

    /**
     * @return the size in bytes
     * @throws IllegalArgumentException not a positive size such as {@code 512m} or {@code 2g}
     */
    public static long parse(String text) {
        String v = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        long unit =
                switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
                    case 'k' -> 1L << 10;
                    case 'm' -> 1L << 20;
                    case 'g' -> 1L << 30;
                    default -> 1;
                };
        try {
            long number = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
            if (number <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(number, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a size such as 512m or 2g", e);
        }
    }
}
