package pro.codai.platform.run;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal ustar archive of plain files, which carries a run's files into the sandbox in one
 * stream ({@code tar -x} runs there, as the student). Names are already validated plain names.
 */
final class Tar {

    private static final int BLOCK = 512;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Tar add(String name, byte[] content) {
        return add(name, content, 0644);
    }

    /** Adds a file with the given permission bits (e.g. {@code 0755} for a program). */
    Tar add(String name, byte[] content, int mode) {
        byte[] header = new byte[BLOCK];
        put(header, 0, name, 100);
        put(header, 100, octal(mode, 7), 8);
        put(header, 108, octal(0, 7), 8);
        put(header, 116, octal(0, 7), 8);
        put(header, 124, octal(content.length, 11), 12);
        put(header, 136, octal(0, 11), 12);
        Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = '0';
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
