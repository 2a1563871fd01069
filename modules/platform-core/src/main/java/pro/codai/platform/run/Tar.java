package pro.codai.platform.run;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal ustar archive of plain files, which carries a run's files into the sandbox in one
 * stream ({@code tar -x} runs there, as the student). Names are already validated plain names; one
 * that does not fit ustar's 100-byte ASCII name field (a long name, letters beyond ASCII) travels
 * in a POSIX pax header before its file, as {@code path}.
 */
final class Tar {

    private static final int BLOCK = 512;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Tar add(String name, byte[] content) {
        return add(name, content, 0644);
    }

    /** Adds a file with the given permission bits (e.g. {@code 0755} for a program). */
    Tar add(String name, byte[] content, int mode) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        boolean fits = utf8.length <= 100 && utf8.length == name.length();
        if (!fits) {
            entry(PAX_HEADER_NAME, 0644, 'x', paxRecord("path", name));
        }
        return entry(fits ? name : PAX_FALLBACK_NAME, mode, '0', content);
    }

    /** The ustar name of a pax header, and of a file whose real name is in one. */
    static final String PAX_HEADER_NAME = "PaxHeader";

    static final String PAX_FALLBACK_NAME = "codaipro-long-name";

    /**
     * One pax record, {@code "<length> <key>=<value>\n"}, where the length counts the whole record,
     * its own digits included.
     */
    static byte[] paxRecord(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = body + 1;
        while (length != body + Integer.toString(length).length()) {
            length = body + Integer.toString(length).length();
        }
        return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private Tar entry(String name, int mode, char type, byte[] content) {
        byte[] header = new byte[BLOCK];
        put(header, 0, name, 100);
        put(header, 100, octal(mode, 7), 8);
        put(header, 108, octal(0, 7), 8);
        put(header, 116, octal(0, 7), 8);
        put(header, 124, octal(content.length, 11), 12);
        put(header, 136, octal(0, 11), 12);
        Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = (byte) type;
        put(header, 257, "ustar", 6);
        put(header, 263, "00", 2);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, octal(sum, 6), 7);
        header[155] = ' ';
        out.writeBytes(header);
        out.writeBytes(content);
        int padding = (BLOCK - content.length % BLOCK) % BLOCK;
        out.writeBytes(new byte[padding]);
        return this;
    }

    byte[] finish() {
        out.writeBytes(new byte[2 * BLOCK]);
        return out.toByteArray();
    }

    private static String octal(long value, int digits) {
        String text = Long.toOctalString(value);
        return "0".repeat(Math.max(0, digits - text.length())) + text;
    }

    private static void put(byte[] header, int offset, String text, int length) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }
}
