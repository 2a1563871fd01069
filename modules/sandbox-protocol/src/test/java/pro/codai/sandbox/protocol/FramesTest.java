package pro.codai.sandbox.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

class FramesTest {

    @Test
    void aDataFrameCarriesThePrefixOfTheBufferAsBase64() throws Exception {
        byte[] buffer = "héllo\u0000\u001b[0m and the rest".getBytes(StandardCharsets.UTF_8);
        int length = "héllo\u0000\u001b[0m".getBytes(StandardCharsets.UTF_8).length;
        ByteArrayOutputStream wire = new ByteArrayOutputStream();

        Frames.writeData(new DataOutputStream(wire), "output", buffer, length);
        JsonObject frame = read(wire.toByteArray());

        assertThat(frame.keySet()).containsExactly("type", "data");
        assertThat(frame.getString("type")).isEqualTo("output");
        assertThat(Base64.getDecoder().decode(frame.getString("data")))
                .isEqualTo(java.util.Arrays.copyOf(buffer, length));
    }

    @Test
    void aStreamDataFrameNamesItsStreamAndCarriesThePrefixOfTheBuffer() throws Exception {
        byte[] buffer = "y\ny\ny\n and more".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();

        Frames.writeStreamData(new DataOutputStream(wire), "output", 2147483647, buffer, 6);
        Frames.writeStreamData(new DataOutputStream(wire), "input", 1, new byte[0], 0);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire.toByteArray()));
        JsonObject first = Frames.read(in);
        JsonObject second = Frames.read(in);

        assertThat(first.keySet()).containsExactly("type", "stream", "data");
        assertThat(first.getString("type")).isEqualTo("output");
        assertThat(first.getInt("stream")).isEqualTo(Integer.MAX_VALUE);
        assertThat(Base64.getDecoder().decode(first.getString("data")))
                .isEqualTo("y\ny\ny\n".getBytes(StandardCharsets.UTF_8));
        assertThat(second.getInt("stream")).isEqualTo(1);
        assertThat(second.getString("data")).isEmpty();
        assertThatThrownBy(
                        () ->
                                Frames.writeStreamData(
                                        new DataOutputStream(wire), "Out", 1, buffer, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDataFrameOfTheWholeBufferAndAnEmptyOneReadBack() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);

        Frames.writeData(out, "input", new byte[] {'l', 's', '\r'}, 3);
        Frames.writeData(out, "input", new byte[0], 0);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire.toByteArray()));

        assertThat(Base64.getDecoder().decode(Frames.read(in).getString("data")))
                .isEqualTo(new byte[] {'l', 's', '\r'});
        assertThat(Frames.read(in).getString("data")).isEmpty();
        assertThat(Frames.read(in)).isNull();
    }

    @Test
    void aDataFrameTypeMustBeAPlainWord() {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);

        for (String type : new String[] {"", "out\"put", "Output", "out put"}) {
            assertThatThrownBy(() -> Frames.writeData(out, type, new byte[1], 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(wire.size()).as("nothing written").isZero();
    }

    @Test
    void framesThatAreNotAJsonObjectOrTooLargeAreRefused() throws Exception {
        assertThat(code(frame("[1,2]"))).isEqualTo(ProtocolException.BAD_REQUEST);
        assertThat(code(frame("{\"type\":"))).isEqualTo(ProtocolException.BAD_REQUEST);
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        new DataOutputStream(huge).writeInt(Frames.MAX_FRAME_BYTES + 1);
        assertThat(code(huge.toByteArray())).isEqualTo(ProtocolException.FRAME_TOO_LARGE);
        assertThat(read(frame("{\"type\":\"ok\",\"text\":\"žluťoučký\"}")).getString("text"))
                .isEqualTo("žluťoučký");
    }

    private static byte[] frame(String json) throws Exception {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);
        out.writeInt(payload.length);
        out.write(payload);
        return wire.toByteArray();
    }

    private static JsonObject read(byte[] wire) throws Exception {
        return Frames.read(new DataInputStream(new ByteArrayInputStream(wire)));
    }

    private static String code(byte[] wire) {
        try {
            read(wire);
            return "none";
        } catch (ProtocolException e) {
            return e.code();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
