package pro.codai.platform.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Writes RFC 4180 CSV that a spreadsheet opens safely: fields with a comma, quote or line break are
 * quoted, quotes doubled, lines end in CRLF; and a field a spreadsheet would read as a formula
 * (starting with {@code = + - @}, a tab or a carriage return) gets a leading apostrophe, so text a
 * student chose (a key's name, a detail) never runs as a formula on the reviewer's machine.
 */
public final class Csv {

    /** The media type of an export, with its charset. */
    public static final String MEDIA_TYPE = "text/csv; charset=UTF-8";

    private final Writer out;

    /** A {@code Content-Disposition} for a download named after what it holds and today (UTC). */
    public static String attachment(String name) {
        return "attachment; filename=\"" + name + "-" + LocalDate.now(ZoneOffset.UTC) + ".csv\"";
    }

    public Csv(Writer out) {
        this.out = out;
    }

    public Csv row(List<String> fields) {
        try {
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(field(fields.get(i)));
            }
            out.write("\r\n");
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One field as written: null as empty, formulas defused, quoted where needed. */
    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = startsLikeAFormula(value) ? "'" + value : value;
        if (text.indexOf(',') < 0
                && text.indexOf('"') < 0
                && text.indexOf('\n') < 0
                && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    private static boolean startsLikeAFormula(String value) {
        char first = value.charAt(0);
        return first == '='
                || first == '+'
                || first == '-'
                || first == '@'
                || first == '\t'
                || first == '\r';
    }
}
