package pro.codai.platform.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 read strictly: bytes that are not UTF-8 are refused, never replaced with '�'. */
public final class Utf8 {

    private Utf8() {}

    /** {@code bytes} as text; an exception when they are not UTF-8. */
    public static String strictly(byte[] bytes) throws CharacterCodingException {
        return strictly(bytes, 0, bytes.length);
    }

    /** {@code length} bytes from {@code offset} as text; an exception when they are not UTF-8. */
    public static String strictly(byte[] bytes, int offset, int length)
            throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, offset, length))
                .toString();
    }
}
