package pro.codai.sandbox.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import pro.codai.sandbox.api.PtySession;
import pro.codai.sandbox.protocol.Frames;
import pro.codai.sandbox.protocol.Messages;
import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.TerminalChannel;

/**
 * A connection switched to multiplexed terminals (protocol version 2, {@code terminals}): frames
 * name their stream, and each stream has a window each way, so one terminal cannot stall the others
 * on the connection.
 *
 * <p>Output: a stream's pump reads the terminal only while the client has window left, so a client
 * that stops taking one terminal's output stops that pump, the terminal's buffer fills and the
 * program blocks on its writes — at most one window per stream is in flight, nothing queues in the
 * daemon. Input: keystrokes are queued per stream (at most a window) and written to the terminal by
 * a task of their own, acknowledged once written; a program that does not read its input blocks
 * only that task. This connection's reader never blocks on a terminal.
 */
final class TerminalMux {

    /** Output bytes a stream may have in flight, unacknowledged by the client. */
    static final int WINDOW = 64 * 1024;

    /** Input bytes a client may send a stream ahead of the daemon's acknowledgements. */
    static final int INPUT_WINDOW = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(TerminalMux.class.getName());

    /** Opens a terminal in a sandbox; a refusal is a ProtocolException with its code. */
    interface Opener {
        PtySession open(String sandbox, int columns, int rows) throws ProtocolException;
    }

    private final DataInputStream in;
    private final DataOutputStream out;
    private final Opener opener;
    private final Executor executor;
    private final Semaphore terminalSlots;
    private final int maxTerminals;
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private volatile boolean ended;

    TerminalMux(
            DataInputStream in,
            DataOutputStream out,
            Opener opener,
            Executor executor,
            Semaphore terminalSlots,
            int maxTerminals) {
        this.in = in;
        this.out = out;
        this.opener = opener;
        this.executor = executor;
        this.terminalSlots = terminalSlots;
        this.maxTerminals = maxTerminals;
    }

    /** The {@code terminals} answer's fields: the windows. */
    static JsonObjectBuilder answer() {
        return Frames.JSON
                .createObjectBuilder()
                .add("window", WINDOW)
                .add("inputWindow", INPUT_WINDOW)
                .add("maxChunk", TerminalChannel.MAX_CHUNK);
    }

    /**
     * Serves the connection until the client closes it (or sends an unframeable frame); then every
     * terminal on it is hung up.
     */
    void run() throws IOException {
        try {
            while (true) {
                JsonObject frame;
                try {
                    frame = Frames.read(in);
                } catch (ProtocolException e) {
                    send(error(null, e.code(), e.getMessage()));
                    if (ProtocolException.FRAME_TOO_LARGE.equals(e.code())) {
                        return; // the rest of the stream cannot be framed any more
                    }
                    continue;
                } catch (EOFException e) {
                    return;
                }
                if (frame == null) {
                    return;
                }
                handle(frame);
            }
        } finally {
            ended = true;
            for (Stream stream : List.copyOf(streams.values())) {
                stream.hangUp();
            }
        }
    }

    private void handle(JsonObject frame) throws IOException {
        Integer id = null;
        try {
            String type = Messages.string(frame, "type");
            id = (int) Messages.number(frame, "stream", 1, Integer.MAX_VALUE);
            Stream stream = streams.get(id);
            switch (type) {
                case "open" -> open(id, frame);
                case "input" -> {
                    byte[] bytes;
                    try {
                        bytes = Base64.getDecoder().decode(Messages.string(frame, "data"));
                    } catch (IllegalArgumentException e) {
                        throw bad("data must be base64");
                    }
                    required(stream, id).input(bytes);
                }
                case "resize" ->
                        required(stream, id)
                                .resize(
                                        (int) Messages.number(frame, "columns", 1, 1000),
                                        (int) Messages.number(frame, "rows", 1, 1000));
                case "ack" -> {
                    int bytes = (int) Messages.number(frame, "bytes", 1, WINDOW);
                    if (stream != null) {
                        stream.credit(bytes);
                    }
                }
                case "close" -> {
                    if (stream != null) {
                        stream.hangUp();
                    }
                }
                default -> throw bad("unknown terminal frame type '" + type + "'");
            }
        } catch (ProtocolException e) {
            send(error(id, e.code(), e.getMessage()));
        }
    }

    private static Stream required(Stream stream, int id) throws ProtocolException {
        if (stream == null) {
            throw new ProtocolException(ProtocolException.NOT_FOUND, "no terminal stream " + id);
        }
        return stream;
    }

    private void open(int id, JsonObject frame) throws ProtocolException {
        String sandbox = Messages.string(frame, "sandbox");
        int columns = (int) Messages.number(frame, "columns", 1, 1000);
        int rows = (int) Messages.number(frame, "rows", 1, 1000);
        Stream stream = new Stream(id);
        if (streams.putIfAbsent(id, stream) != null) {
            throw bad("stream " + id + " is already open on this connection");
        }
        if (!terminalSlots.tryAcquire()) {
            streams.remove(id);
            stream.exitQuietly(
                    ProtocolException.OVERLOADED, "at capacity: " + maxTerminals + " terminals");
            return;
        }
        // Opening attaches to the sandbox (milliseconds): off the reader, which serves the others.
        executor.execute(() -> stream.openAndPump(sandbox, columns, rows));
    }

    private void send(JsonObject frame) throws IOException {
        synchronized (out) {
            Frames.write(out, frame);
        }
    }

    private static JsonObject error(Integer stream, String code, String message) {
        JsonObjectBuilder frame = Frames.JSON.createObjectBuilder().add("type", "error");
        if (stream != null) {
            frame.add("stream", stream);
        }
        return frame.add("code", code).add("message", message).build();
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ProtocolException.BAD_REQUEST, message);
    }

    /** One terminal of the connection. */
    private final class Stream {

        private final int id;
        private volatile PtySession terminal;

        // Guarded by this.
        private int credit = WINDOW;
        private boolean closed;
        private final ArrayDeque<byte[]> input = new ArrayDeque<>();
        private int queuedInput;
        private boolean writing;

        Stream(int id) {
            this.id = id;
        }

        void openAndPump(String sandbox, int columns, int rows) {
            try {
                PtySession opened;
                try {
                    opened = opener.open(sandbox, columns, rows);
                } catch (ProtocolException e) {
                    exitQuietly(e.code(), e.getMessage());
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "opening a terminal failed", e);
                    exitQuietly(ProtocolException.SANDBOX_FAILED, "internal error");
                    return;
                }
                terminal = opened;
                boolean hangUpNow;
                synchronized (this) {
                    hangUpNow = closed || ended;
                }
                if (hangUpNow) {
                    opened.close();
                    exitQuietly(null, null);
                    return;
                }
                send(
                        Frames.JSON
                                .createObjectBuilder()
                                .add("type", "opened")
                                .add("stream", id)
                                .build());
                startWriting();
                pump(opened);
            } catch (IOException e) {
                LOG.log(Level.FINE, "terminal connection lost", e);
                hangUp();
                finish();
            }
        }

        /** Screen output while the client has window; then the exit frame. */
        private void pump(PtySession opened) throws IOException {
            byte[] buffer = new byte[TerminalChannel.MAX_CHUNK];
            InputStream screen = opened.output();
            try {
                while (true) {
                    int room;
                    synchronized (this) {
                        while (credit == 0 && !closed) {
                            try {
                                wait();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                        if (closed) {
                            break;
                        }
                        room = Math.min(credit, buffer.length);
                    }
                    int n;
                    try {
                        n = screen.read(buffer, 0, room);
                    } catch (IOException e) {
                        break; // hung up: the terminal's end
                    }
                    if (n < 0) {
                        break;
                    }
                    synchronized (this) {
                        credit -= n;
                    }
                    synchronized (out) {
                        Frames.writeStreamData(out, "output", id, buffer, n);
                    }
                }
            } finally {
                opened.close();
            }
            exitQuietly(null, null);
        }

        void credit(int bytes) {
            synchronized (this) {
                credit = Math.min(WINDOW, credit + bytes);
                notifyAll();
            }
        }

        void input(byte[] bytes) throws ProtocolException {
            if (bytes.length == 0) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (queuedInput + bytes.length > INPUT_WINDOW) {
                    throw bad(
                            "input beyond the window of "
                                    + INPUT_WINDOW
                                    + " bytes on stream "
                                    + id
                                    + " (wait for acks)");
                }
                input.add(bytes);
                queuedInput += bytes.length;
            }
            startWriting();
        }

        private void startWriting() {
            synchronized (this) {
                if (writing || input.isEmpty() || terminal == null) {
                    return;
                }
                writing = true;
            }
            executor.execute(this::writeInput);
        }

        /** Writes queued keystrokes to the terminal, acknowledging each chunk once written. */
        private void writeInput() {
            OutputStream keys = terminal.input();
            while (true) {
                byte[] chunk;
                synchronized (this) {
                    chunk = input.poll();
                    if (chunk == null || closed) {
                        writing = false;
                        return;
                    }
                }
                try {
                    keys.write(chunk);
                    keys.flush();
                } catch (IOException e) {
                    synchronized (this) {
                        writing = false;
                    }
                    return; // the terminal is ending; its pump sends the exit
                }
                synchronized (this) {
                    queuedInput -= chunk.length;
                }
                try {
                    send(
                            Frames.JSON
                                    .createObjectBuilder()
                                    .add("type", "ack")
                                    .add("stream", id)
                                    .add("bytes", chunk.length)
                                    .build());
                } catch (IOException e) {
                    LOG.log(Level.FINE, "terminal connection lost", e);
                }
            }
        }

        void resize(int columns, int rows) throws ProtocolException {
            PtySession open = terminal;
            if (open == null) {
                throw bad("terminal stream " + id + " is not open yet");
            }
            open.resize(columns, rows);
        }

        /** Ends the terminal: SIGHUP, then every process on it is killed; the pump then exits. */
        void hangUp() {
            synchronized (this) {
                closed = true;
                input.clear();
                notifyAll();
            }
            PtySession open = terminal;
            if (open != null) {
                open.close();
            }
        }

        private void exitQuietly(String code, String message) {
            try {
                exit(code, message);
            } catch (IOException e) {
                LOG.log(Level.FINE, "terminal connection lost", e);
            } finally {
                finish();
            }
        }

        /** Sends the stream's last frame: {@code exit}, with the refusal's code if it failed. */
        void exit(String code, String message) throws IOException {
            JsonObjectBuilder frame =
                    Frames.JSON.createObjectBuilder().add("type", "exit").add("stream", id);
            if (code != null) {
                frame.add("code", code).add("message", message);
            }
            if (!ended) {
                send(frame.build());
            }
        }

        private void finish() {
            if (streams.remove(id, this)) {
                terminalSlots.release();
            }
        }
    }
}
