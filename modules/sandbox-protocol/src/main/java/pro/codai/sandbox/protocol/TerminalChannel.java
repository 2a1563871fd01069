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
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.JsonObject;

/**
 * Many terminals over one sandboxd connection (protocol version 2, the {@code terminals} request):
 * every frame names its stream, and each stream has a window in each direction, so one terminal
 * flooding output (a student's {@code yes}) or not reading its input cannot stall the others on the
 * same connection.
 *
 * <p>How the windows work: sandboxd sends a stream at most {@link #window()} bytes of output that
 * this side has not acknowledged; this side acknowledges a chunk only once its listener has taken
 * it, so a listener that blocks stops that stream's output in sandboxd (and then the program in the
 * sandbox blocks on its writes) while the connection's reader goes on serving every other stream.
 * At most a window of output per stream is ever buffered here. Input is the same the other way:
 * {@link Stream#input} waits while a window of keystrokes is not yet written to the terminal.
 *
 * <pre>{@code
 * try (TerminalChannel channel = TerminalChannel.open(socket, executor)) {
 *     TerminalChannel.Stream shell = channel.open("sbx-3f2a9c1b0d4e", 80, 24, listener);
 *     shell.input("ls\n".getBytes(StandardCharsets.UTF_8));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Listeners are called on the executor given to {@link #open}, one call at a time
 * per stream and in order; the connection's reader also runs on it for the channel's life.
 */
public final class TerminalChannel implements AutoCloseable {

    /** The request that switches a connection to multiplexed terminals. */
    public static final String OP = "terminals";

    /** Largest chunk of data in one frame, either way. */
    public static final int MAX_CHUNK = 32 * 1024;

    /** How long {@link #open(String, int, int, Listener)} waits for sandboxd's answer. */
    static final long OPEN_TIMEOUT_SECONDS = 60;

    private static final Logger LOG = Logger.getLogger(TerminalChannel.class.getName());

    /** Receives one terminal's output. */
    public interface Listener {

        /**
         * Screen output, at most {@link #MAX_CHUNK} bytes at a time. Blocking here holds this
         * stream's output back (in sandboxd), not the other streams'.
         */
        void output(byte[] bytes);

        /**
         * The terminal ended: its shell exited, it was closed, or the connection was lost. Called
         * exactly once, after the last {@link #output}.
         */
        void ended();
    }

    private final SocketChannel socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Executor executor;
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final int window;
    private final int inputWindow;
    private volatile String failure;

    private TerminalChannel(
            SocketChannel socket,
            DataInputStream in,
            DataOutputStream out,
            Executor executor,
            int window,
            int inputWindow) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.executor = executor;
        this.window = window;
        this.inputWindow = inputWindow;
    }

    /** Connects to sandboxd's socket and switches the connection to multiplexed terminals. */
    public static TerminalChannel open(Path path, Executor executor)
            throws IOException, ProtocolException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            socket.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return open(socket, executor);
    }

    /**
     * Switches a connected socket to multiplexed terminals: sends the {@code terminals} request,
     * reads the answer (the windows) and starts the reader on {@code executor}. The socket is
     * closed if that fails.
     */
    public static TerminalChannel open(SocketChannel socket, Executor executor)
            throws IOException, ProtocolException {
        DataInputStream in =
                new DataInputStream(new BufferedInputStream(ChannelStreams.input(socket)));
        DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(ChannelStreams.output(socket)));
        try {
            Frames.write(
                    out,
                    Frames.JSON
                            .createObjectBuilder()
                            .add("v", Messages.versionOf(OP))
                            .add("id", 1)
                            .add("op", OP)
                            .build());
            JsonObject answer = Frames.read(in);
            if (answer == null) {
                throw new IOException("sandboxd closed the connection");
            }
            if (!answer.getBoolean("ok", false)) {
                JsonObject error = answer.getJsonObject("error");
                throw new ProtocolException(
                        error == null ? ProtocolException.BAD_REQUEST : error.getString("code"),
                        error == null ? "refused" : error.getString("message"));
            }
            int window = (int) Messages.number(answer, "window", 1, Integer.MAX_VALUE);
            int inputWindow = (int) Messages.number(answer, "inputWindow", 1, Integer.MAX_VALUE);
            TerminalChannel channel =
                    new TerminalChannel(socket, in, out, executor, window, inputWindow);
            run(executor, channel::readLoop, "sandbox-terminals-reader");
            return channel;
        } catch (IOException | ProtocolException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Output bytes sandboxd may send a stream ahead of its acknowledgements. */
    public int window() {
        return window;
    }

    /** Input bytes this side may send a stream ahead of sandboxd's acknowledgements. */
    public int inputWindow() {
        return inputWindow;
    }

    /** Whether the connection is still up (new streams can be opened). */
    public boolean isOpen() {
        return failure == null && socket.isOpen();
    }

    /** Why the channel ended, or null while it is open. */
    public String failure() {
        return failure;
    }

    /** Streams opened (or opening) and not yet ended. */
    public int streamCount() {
        return streams.size();
    }

    /**
     * Opens a terminal in {@code sandbox} (a login shell as the student) and waits for sandboxd to
     * answer.
     *
     * @throws ProtocolException sandboxd refused it (e.g. {@code not_found}, {@code overloaded});
     *     the channel goes on
     * @throws IOException the connection is lost, or no answer came in time
     */
    public Stream open(String sandbox, int columns, int rows, Listener listener)
            throws IOException, ProtocolException {
        checkOpen();
        int id = ids.incrementAndGet();
        if (id <= 0) {
            throw new IOException("stream ids used up on this connection; open another");
        }
        Stream stream = new Stream(id, listener);
        streams.put(id, stream);
        try {
            send(
                    Frames.JSON
                            .createObjectBuilder()
                            .add("type", "open")
                            .add("stream", id)
                            .add("sandbox", sandbox)
                            .add("columns", columns)
                            .add("rows", rows)
                            .build());
            stream.opened.get(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return stream;
        } catch (ExecutionException e) {
            streams.remove(id);
            if (e.getCause() instanceof ProtocolException refused) {
                throw new ProtocolException(refused.code(), refused.getMessage());
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            stream.close();
            throw new IOException(
                    "sandboxd did not open the terminal within " + OPEN_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.close();
            throw new IOException("interrupted while opening a terminal", e);
        } catch (IOException e) {
            streams.remove(id);
            throw e;
        }
    }

    private void checkOpen() throws IOException {
        String why = failure;
        if (why != null) {
            throw new IOException("the terminal connection to sandboxd ended: " + why);
        }
    }

    private void send(JsonObject frame) throws IOException {
        synchronized (out) {
            Frames.write(out, frame);
        }
    }

    private void sendData(int stream, byte[] bytes, int length) throws IOException {
        synchronized (out) {
            Frames.writeStreamData(out, "input", stream, bytes, length);
        }
    }

    private void sendAck(int stream, int bytes) throws IOException {
        send(
                Frames.JSON
                        .createObjectBuilder()
                        .add("type", "ack")
                        .add("stream", stream)
                        .add("bytes", bytes)
                        .build());
    }

    /** Reads every frame sandboxd sends and hands it to its stream; never blocks on a listener. */
    private void readLoop() {
        String why = "sandboxd closed the connection";
        try {
            while (true) {
                JsonObject frame = Frames.read(in);
                if (frame == null) {
                    break;
                }
                dispatch(frame);
            }
        } catch (ProtocolException e) {
            why = "sandboxd sent a bad frame: " + e.getMessage();
            LOG.warning("closing a terminal connection: " + why);
        } catch (IOException e) {
            why = failure != null ? failure : "connection lost: " + e.getMessage();
            LOG.log(Level.FINE, "terminal connection ended", e);
        } catch (RuntimeException e) {
            why = "unexpected error: " + e;
            LOG.log(Level.WARNING, "terminal connection failed", e);
        }
        fail(why);
    }

    private void dispatch(JsonObject frame) throws ProtocolException {
        String type = Messages.string(frame, "type");
        if (type.equals("error") && !frame.containsKey("stream")) {
            LOG.fine(() -> "sandboxd refused a terminal frame: " + frame);
            return;
        }
        int id = (int) Messages.number(frame, "stream", 1, Integer.MAX_VALUE);
        Stream stream = streams.get(id);
        if (stream == null) {
            // A stream ended here but not yet there (its close crossed sandboxd's frames).
            LOG.fine(() -> "frame for a stream that is gone: " + frame);
            return;
        }
        switch (type) {
            case "opened" -> stream.opened.complete(null);
            case "output" -> {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(Messages.string(frame, "data"));
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException(
                            ProtocolException.BAD_REQUEST, "output data is not base64");
                }
                stream.received(bytes);
            }
            case "ack" -> stream.credit((int) Messages.number(frame, "bytes", 1, inputWindow));
            case "exit" -> {
                streams.remove(id);
                if (frame.containsKey("code")) {
                    stream.refused(
                            new ProtocolException(
                                    Messages.string(frame, "code"),
                                    frame.getString("message", "refused")));
                } else {
                    stream.end(new IOException("the terminal ended before it opened"));
                }
            }
            case "error" ->
                    LOG.fine(() -> "sandboxd refused a frame of terminal " + id + ": " + frame);
            default ->
                    throw new ProtocolException(
                            ProtocolException.BAD_REQUEST, "unknown frame type '" + type + "'");
        }
    }

    /** Ends the channel: every stream ends (after the output it already received). */
    private void fail(String why) {
        if (failure == null) {
            failure = why;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
        for (Stream stream : List.copyOf(streams.values())) {
            streams.remove(stream.id);
            stream.end(new IOException("the terminal connection to sandboxd ended: " + why));
        }
    }

    /** Closes the connection; every terminal on it hangs up and its listener's ended follows. */
    @Override
    public void close() {
        fail("closed");
    }

    private static void run(Executor executor, Runnable task, String fallbackThreadName) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            Thread thread = new Thread(task, fallbackThreadName);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** One terminal on the channel. Thread-safe. */
    public final class Stream implements AutoCloseable {

        private final int id;
        private final Listener listener;
        final CompletableFuture<Void> opened = new CompletableFuture<>();

        // Output side, guarded by this: chunks received and not yet taken by the listener.
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private int unacknowledged;
        private boolean delivering;
        private boolean endPending;
        private boolean ended;

        // Input side, guarded by this.
        private int inputCredit = inputWindow;
        private boolean closed;

        Stream(int id, Listener listener) {
            this.id = id;
            this.listener = listener;
        }

        /** The stream's id on the connection. */
        public int id() {
            return id;
        }

        /**
         * Writes keystrokes (or pasted text); waits while a window of earlier input is not yet
         * written to the terminal.
         *
         * @throws IOException the terminal is closed or ended, or the connection is lost
         */
        public void input(byte[] bytes) throws IOException {
            int offset = 0;
            while (offset < bytes.length) {
                int length;
                synchronized (this) {
                    while (inputCredit == 0 && !closed && !ended) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted while writing to a terminal", e);
                        }
                    }
                    if (closed || ended) {
                        throw new IOException("the terminal is closed");
                    }
                    length = Math.min(Math.min(inputCredit, MAX_CHUNK), bytes.length - offset);
                    inputCredit -= length;
                }
                checkOpen();
                byte[] chunk =
                        offset == 0 && length == bytes.length
                                ? bytes
                                : java.util.Arrays.copyOfRange(bytes, offset, offset + length);
                sendData(id, chunk, length);
                offset += length;
            }
        }

        /** Resizes the terminal (1–1000 columns and rows). */
        public void resize(int columns, int rows) throws IOException {
            if (columns < 1 || columns > 1000 || rows < 1 || rows > 1000) {
                throw new IllegalArgumentException(
                        "terminal size out of range: " + columns + "x" + rows);
            }
            synchronized (this) {
                if (closed || ended) {
                    throw new IOException("the terminal is closed");
                }
            }
            checkOpen();
            send(
                    Frames.JSON
                            .createObjectBuilder()
                            .add("type", "resize")
                            .add("stream", id)
                            .add("columns", columns)
                            .add("rows", rows)
                            .build());
        }

        /** Whether the listener has been told the terminal ended. */
        public synchronized boolean isEnded() {
            return ended;
        }

        /**
         * Hangs the terminal up. Idempotent; the listener's {@code ended} follows once sandboxd
         * confirms (or the connection ends).
         */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                notifyAll();
            }
            try {
                send(
                        Frames.JSON
                                .createObjectBuilder()
                                .add("type", "close")
                                .add("stream", id)
                                .build());
            } catch (IOException e) {
                fail("connection lost: " + e.getMessage());
            }
        }

        synchronized void credit(int bytes) {
            inputCredit = Math.min(inputWindow, inputCredit + bytes);
            notifyAll();
        }

        /** Output from sandboxd: queued for the listener; more than the window is a violation. */
        void received(byte[] bytes) throws ProtocolException {
            if (bytes.length == 0) {
                return;
            }
            synchronized (this) {
                if (unacknowledged + bytes.length > window) {
                    throw new ProtocolException(
                            ProtocolException.BAD_REQUEST,
                            "stream "
                                    + id
                                    + " got "
                                    + (unacknowledged + bytes.length)
                                    + " bytes of output ahead of its window of "
                                    + window);
                }
                unacknowledged += bytes.length;
                queue.add(bytes);
                if (delivering) {
                    return;
                }
                delivering = true;
            }
            run(executor, this::deliver, "sandbox-terminal-" + id);
        }

        /** sandboxd refused to open the stream: the opener gets the refusal, not the listener. */
        void refused(ProtocolException refusal) {
            if (!opened.completeExceptionally(refusal)) {
                end(new IOException(refusal.getMessage()));
            }
        }

        /** The stream is over: the listener hears so once everything received reached it. */
        void end(IOException cause) {
            if (opened.completeExceptionally(cause)) {
                return; // never opened: the opener gets the failure, the listener nothing
            }
            synchronized (this) {
                endPending = true;
                notifyAll();
                if (delivering || ended) {
                    return;
                }
                delivering = true;
            }
            run(executor, this::deliver, "sandbox-terminal-" + id);
        }

        /** Hands queued output to the listener, one chunk at a time, then ends it if due. */
        private void deliver() {
            while (true) {
                byte[] chunk;
                boolean endNow = false;
                synchronized (this) {
                    chunk = queue.poll();
                    if (chunk == null) {
                        delivering = false;
                        if (!endPending || ended) {
                            return;
                        }
                        ended = true;
                        endNow = true;
                    }
                }
                if (endNow) {
                    try {
                        listener.ended();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a terminal listener failed", e);
                    }
                    return;
                }
                try {
                    listener.output(chunk);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a terminal listener failed", e);
                }
                boolean acknowledge;
                synchronized (this) {
                    unacknowledged -= chunk.length;
                    acknowledge = !endPending;
                }
                if (acknowledge && failure == null) {
                    try {
                        sendAck(id, chunk.length);
                    } catch (IOException e) {
                        fail("connection lost: " + e.getMessage());
                    }
                }
            }
        }
    }
}
