package pro.codai.sandbox.protocol;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.spi.JsonProvider;

/**
 * The wire format of the sandboxd protocol: each message is a 4-byte big-endian length followed by
 * that many bytes of UTF-8 JSON holding one object. Frames larger than the limit are refused before
 * they are read, so a client cannot make the daemon buffer an arbitrary amount.
 */
public final class Frames {

    /** Largest frame either side accepts: 16 MiB (stdin and captured output travel in frames). */
    public static final int MAX_FRAME_BYTES = 16 << 20;

    /**
     * The JSON implementation, looked up once: {@code Json.create…} looks the provider up with a
     * ServiceLoader on every call, which costs more than the frame itself on a terminal's path (a
     * keystroke and its echo are four frames).
     */
    public static final JsonProvider JSON = JsonProvider.provider();

    private static final JsonReaderFactory READERS = JSON.createReaderFactory(Map.of());
    private static final JsonWriterFactory WRITERS = JSON.createWriterFactory(Map.of());

    private Frames() {}

    /** Reads one frame; returns null at a clean end of stream. */
    public static JsonObject read(DataInputStream in) throws IOException, ProtocolException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length <= 0 || length > MAX_FRAME_BYTES) {
            throw new ProtocolException(
                    ProtocolException.FRAME_TOO_LARGE,
                    "frame of " + length + " bytes refused (1.." + MAX_FRAME_BYTES + ")");
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length != length) {
            throw new EOFException("connection closed inside a frame");
        }
        // From characters, not bytes: a reader over a stream sets up a charset decoder with an
        // 8 KiB buffer for each frame, most of the garbage on a terminal's path.
        String text = new String(payload, StandardCharsets.UTF_8);
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new ProtocolException(
                        ProtocolException.BAD_REQUEST, "a frame must hold a JSON object");
            }
            return value.asJsonObject();
        } catch (JsonException e) {
            throw new ProtocolException(ProtocolException.BAD_REQUEST, "frame is not valid JSON");
        }
    }

    /**
     * Writes the frame {@code {"type":TYPE,"data":BASE64}} of the first {@code length} bytes
     * straight to the stream: a terminal's keystrokes and screen output travel in these, one frame
     * per keystroke and per echo, so they skip building and printing a JSON object. {@code type} is
     * a lowercase word (nothing to escape).
     */
    public static void writeData(DataOutputStream out, String type, byte[] bytes, int length)
            throws IOException {
        writeBase64(out, type, "", bytes, length);
    }

    /**
     * Writes the frame {@code {"type":TYPE,"stream":STREAM,"data":BASE64}} of the first {@code
     * length} bytes: a multiplexed terminal's keystrokes and screen output (see {@link
     * TerminalChannel}), written without building a JSON object, like {@link #writeData}.
     */
    public static void writeStreamData(
            DataOutputStream out, String type, int stream, byte[] bytes, int length)
            throws IOException {
        writeBase64(out, type, "\"stream\":" + stream + ",", bytes, length);
    }

    /** {@code {"type":TYPE,FIELDS"data":BASE64}}; {@code fields} ends with a comma, or is empty. */
    private static void writeBase64(
            DataOutputStream out, String type, String fields, byte[] bytes, int length)
            throws IOException {
        if (type.isEmpty() || !type.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
            throw new IllegalArgumentException("not a frame type: " + type);
        }
        byte[] head =
                ("{\"type\":\"" + type + "\"," + fields + "\"data\":\"")
                        .getBytes(StandardCharsets.US_ASCII);
        byte[] data =
                Base64.getEncoder()
                        .encode(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
        out.writeInt(head.length + data.length + 2);
        out.write(head);
        out.write(data);
        out.write('"');
        out.write('}');
        out.flush();
    }

    public static void write(DataOutputStream out, JsonObject message) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonWriter writer = WRITERS.createWriter(text)) {
            writer.writeObject(message);
        }
        byte[] payload = text.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }
}
