package pro.codai.platform.account;

import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated rows as RFC 4180 has them and spreadsheets write them: fields in double quotes
 * may hold commas, line breaks and doubled quotes; lines end in CRLF or LF; a byte order mark at
 * the start is dropped; blank lines are skipped. Each row keeps the line number it starts on, so
 * that an error can name it.
 */
final class CsvRows {

    /** A row and the line of the file it starts on (1 for the first). */
    record Row(int line, List<String> fields) {}

    /** The text is not CSV: a quote left open, or text after a closing quote. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    private CsvRows() {}

    static List<Row> parse(String text) throws MalformedException {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int at = text.startsWith("\uFEFF") ? 1 : 0;
        int line = 1;
        int rowLine = 1;
        boolean quoted = false;
        boolean afterQuote = false;
        boolean rowHasText = false;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (quoted) {
                if (c == '"') {
                    if (at < text.length() && text.charAt(at) == '"') {
                        field.append('"');
                        at++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (afterQuote || !field.isEmpty()) {
                        throw new MalformedException(
                                "line "
                                        + line
                                        + ": a double quote inside a field that is not"
                                        + " quoted (quote the whole field and double the quote)");
                    }
                    quoted = true;
                    rowHasText = true;
                }
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    afterQuote = false;
                    rowHasText = true;
                }
                case '\r' -> {
                    // part of CRLF; a lone CR is taken as a line end too
                    if (at < text.length() && text.charAt(at) == '\n') {
                        continue;
                    }
                    rowHasText = endRow(rows, fields, field, rowLine, rowHasText);
                    afterQuote = false;
                    rowLine = ++line;
                }
                case '\n' -> {
                    rowHasText = endRow(rows, fields, field, rowLine, rowHasText);
                    afterQuote = false;
                    rowLine = ++line;
                }
                default -> {
                    if (afterQuote) {
                        throw new MalformedException(
                                "line " + line + ": text after a closing double quote");
                    }
                    field.append(c);
                    rowHasText = true;
                }
            }
        }
        if (quoted) {
            throw new MalformedException(
                    "line " + rowLine + ": a double quote is opened and never closed");
        }
        endRow(rows, fields, field, rowLine, rowHasText);
        return rows;
    }

    /** Ends the row being read; a row with nothing at all in it is skipped. Returns false. */
    private static boolean endRow(
            List<Row> rows,
            List<String> fields,
            StringBuilder field,
            int line,
            boolean rowHasText) {
        if (rowHasText) {
            fields.add(field.toString());
            rows.add(new Row(line, List.copyOf(fields)));
        }
        fields.clear();
        field.setLength(0);
        return false;
    }
}
