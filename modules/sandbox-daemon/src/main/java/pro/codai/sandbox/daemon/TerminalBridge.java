package pro.codai.sandbox.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import jakarta.json.JsonObject;

import pro.codai.sandbox.api.PtySession;
import pro.codai.sandbox.protocol.Frames;
import pro.codai.sandbox.protocol.Messages;
import pro.codai.sandbox.protocol.ProtocolException;

/**
 * A connection switched to a terminal: frames carry keystrokes in and screen output out until
 * either side ends it. Flow control is the socket's own: the pump blocks writing to a client that
 * does not read, stops reading the terminal, and the program in the sandbox then blocks on its
 * writes — nothing is buffered without bound.
 */
final class TerminalBridge {

    /** Largest chunk of screen output per frame. */
    static final int OUTPUT_CHUNK = 32 * 1024;

    private TerminalBridge() {}

    static void run(
            PtySession terminal, DataInputStream in, DataOutputStream out, ExecutorService pumps)
            throws IOException {
        Future<?> pump = pumps.submit(() -> pumpOutput(terminal, out));
        try {
            while (terminal.isAlive() || !pump.isDone()) {
                JsonObject frame;
                try {
                    frame = Frames.read(in);
                } catch (ProtocolException e) {
                    send(out, errorFrame(e.code(), e.getMessage()));
                    if (ProtocolException.FRAME_TOO_LARGE.equals(e.code())) {
                        return;
                    }
                    continue;
                }
                if (frame == null) {
                    return; // the client went away: the terminal is closed below
                }
                try {
                    switch (Messages.string(frame, "type")) {
                        case "input" ->
                                terminal.input()
                                        .write(
                                                Base64.getDecoder()
                                                        .decode(Messages.string(frame, "data")));
                        case "resize" ->
                                terminal.resize(
                                        (int) Messages.number(frame, "columns", 1, 1000),
                                        (int) Messages.number(frame, "rows", 1, 1000));
                        case "close" -> {
                            return;
                        }
                        default ->
                                throw new ProtocolException(
                                        ProtocolException.BAD_REQUEST,
                                        "unknown terminal frame type");
                    }
                } catch (ProtocolException e) {
                    send(out, errorFrame(e.code(), e.getMessage()));
                } catch (IllegalArgumentException e) {
                    send(out, errorFrame(ProtocolException.BAD_REQUEST, "data must be base64"));
                }
            }
        } finally {
            terminal.close();
            pump.cancel(true);
        }
    }

    private static void pumpOutput(PtySession terminal, DataOutputStream out) {
        byte[] buffer = new byte[OUTPUT_CHUNK];
        InputStream screen = terminal.output();
        try {
            int n;
            while ((n = screen.read(buffer, 0, buffer.length)) >= 0) {
                synchronized (out) {
                    Frames.writeData(out, "output", buffer, n);
                }
            }
            send(out, Frames.JSON.createObjectBuilder().add("type", "exit").build());
        } catch (IOException e) {
            // the client went away
        }
    }

    /** A refused terminal frame; the terminal goes on. */
    private static JsonObject errorFrame(String code, String message) {
        return Frames.JSON
                .createObjectBuilder()
                .add("type", "error")
                .add("code", code)
                .add("message", message)
                .build();
    }

    private static void send(DataOutputStream out, JsonObject frame) throws IOException {
        synchronized (out) {
            Frames.write(out, frame);
        }
    }
}
