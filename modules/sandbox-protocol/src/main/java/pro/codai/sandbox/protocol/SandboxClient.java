package pro.codai.sandbox.protocol;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * A connection to sandboxd. Not thread-safe: one request at a time (pool connections for
 * concurrency).
 *
 * <pre>{@code
 * try (SandboxClient client = SandboxClient.connect(Path.of("/run/codaipro/sandboxd.sock"))) {
 *     String id = client.call("acquire", Json.createObjectBuilder()).getString("sandbox");
 *     JsonObject run = client.call("exec", Json.createObjectBuilder()
 *             .add("sandbox", id).add("argv", Json.createArrayBuilder().add("true")));
 * }
 * }</pre>
 */
public final class SandboxClient implements AutoCloseable {

    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final AtomicLong ids = new AtomicLong();

    private SandboxClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel)));
        this.out = new DataOutputStream(new BufferedOutputStream(ChannelStreams.output(channel)));
    }

    public static SandboxClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new SandboxClient(channel);
    }

    /** Sends one request and returns the answer; an error answer becomes a ProtocolException. */
    public JsonObject call(String op, JsonObjectBuilder fields)
            throws IOException, ProtocolException {
        JsonObject request =
                fields.add("v", Messages.versionOf(op))
                        .add("id", ids.incrementAndGet())
                        .add("op", op)
                        .build();
        JsonObject response = send(request);
        if (!response.getBoolean("ok", false)) {
            JsonObject error = response.getJsonObject("error");
            throw new ProtocolException(error.getString("code"), error.getString("message"));
        }
        return response;
    }

    /** Sends any object as a frame and returns the raw answer; for tools and protocol tests. */
    public JsonObject send(JsonObject message) throws IOException, ProtocolException {
        Frames.write(out, message);
        JsonObject response = Frames.read(in);
        if (response == null) {
            throw new IOException("sandboxd closed the connection");
        }
        return response;
    }

    /**
     * Writes one frame without waiting for an answer (terminal input, resize, close). Writers are
     * serialised, so one thread may write while another reads the terminal's output.
     */
    public void write(JsonObject frame) throws IOException {
        synchronized (out) {
            Frames.write(out, frame);
        }
    }

    /** Writes a {@code {"type":…,"data":base64}} frame, e.g. a terminal's keystrokes. */
    public void writeData(String type, byte[] bytes) throws IOException {
        synchronized (out) {
            Frames.writeData(out, type, bytes, bytes.length);
        }
    }

    /** Writes raw bytes; for protocol fuzz tests. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public JsonObject readAnswer() throws IOException, ProtocolException {
        return Frames.read(in);
    }

    public static JsonObjectBuilder fields() {
        return Frames.JSON.createObjectBuilder();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
