package pro.codai.platform.run;

import java.nio.charset.CharacterCodingException;

import pro.codai.platform.text.Utf8;

/**
 * Program output as Jobe answers it (its {@code ResultObject}): valid UTF-8 as it is; anything else
 * byte by byte, with every byte below a space (but newline, return and tab) and every byte above
 * {@code ~} written as {@code \xNN} (lower-case hex), so that {@code 01 06 c0 c9} comes back as the
 * 16 characters {@code \x01\x06\xc0\xc9}.
 */
final class JobeText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JobeText() {}

    static String of(byte[] bytes) {
        try {
            return Utf8.strictly(bytes);
        } catch (CharacterCodingException notUtf8) {
            StringBuilder text = new StringBuilder(bytes.length + 16);
            for (byte b : bytes) {
                int c = b & 0xff;
                if (c == '\n' || c == '\r' || c == '\t' || (c >= ' ' && c <= '~')) {
                    text.append((char) c);
                } else {
                    text.append('\\').append('x').append(HEX[c >> 4]).append(HEX[c & 0xf]);
                }
            }
            return text.toString();
        }
    }
}
