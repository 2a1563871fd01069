package pro.codai.sandbox.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pro.codai.sandbox.api.PtySession;
import pro.codai.sandbox.protocol.ChannelStreams;
import pro.codai.sandbox.protocol.Frames;
import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.TerminalChannel;

/**
 * Many terminals over one connection: the client ({@link TerminalChannel}) against the daemon's
 * side ({@link TerminalMux}) on a real Unix socket, with in-memory terminals standing in for a
 * sandbox's pseudo-terminals (the LXC ones are exercised by the integration tests).
 */
class TerminalMuxTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private Path dir;
    private ServerSocketChannel server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, FakeTerminal> terminals = new ConcurrentHashMap<>();
    private final List<FakeTerminal> opened = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> serverSides = new CopyOnWriteArrayList<>();
    private volatile Semaphore terminalSlots = new Semaphore(100);

    @BeforeEach
    void listen() throws IOException {
        dir = Files.createTempDirectory("mux-test");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
        executor.execute(this::acceptLoop);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        for (SocketChannel side : serverSides) {
            side.close();
        }
        opened.forEach(FakeTerminal::close);
        executor.shutdownNow();
        for (String name : List.of("s.sock", "rogue.sock", "old.sock")) {
            Files.deleteIfExists(dir.resolve(name));
        }
        Files.deleteIfExists(dir);
    }

    /** What sandboxd does for a {@code terminals} request, with the test's terminals. */
    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel side;
            try {
                side = server.accept();
            } catch (IOException e) {
                return;
            }
            serverSides.add(side);
            executor.execute(
                    () -> {
                        try (side) {
                            DataInputStream in =
                                    new DataInputStream(
                                            new BufferedInputStream(ChannelStreams.input(side)));
                            DataOutputStream out =
                                    new DataOutputStream(
                                            new BufferedOutputStream(ChannelStreams.output(side)));
                            JsonObject request = Frames.read(in);
                            assertThat(request.getString("op")).isEqualTo("terminals");
                            assertThat(request.getInt("v")).isEqualTo(2);
                            Frames.write(
                                    out, TerminalMux.answer().add("v", 2).add("ok", true).build());
                            new TerminalMux(in, out, this::openTerminal, executor, terminalSlots, 2)
                                    .run();
                        } catch (IOException | ProtocolException e) {
                            // the test closed it
                        }
                    });
        }
    }

    private PtySession openTerminal(String sandbox, int columns, int rows)
            throws ProtocolException {
        FakeTerminal terminal = terminals.get(sandbox);
        if (terminal == null) {
            throw new ProtocolException(
                    ProtocolException.NOT_FOUND, "no sandbox '" + sandbox + "'");
        }
        terminal.resize(columns, rows);
        opened.add(terminal);
        return terminal;
    }

    private TerminalChannel channel() throws Exception {
        return TerminalChannel.open(dir.resolve("s.sock"), executor);
    }

    private FakeTerminal echoing(String sandbox) {
        FakeTerminal terminal = new FakeTerminal(4096);
        terminal.echo(executor);
        terminals.put(sandbox, terminal);
        return terminal;
    }

    @Test
    void framesOfSeveralTerminalsInterleaveAndEachReachesItsOwnStream() throws Exception {
        try (TerminalChannel channel = channel()) {
            List<Screen> screens = new ArrayList<>();
            List<TerminalChannel.Stream> streams = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                echoing("sbx-" + i);
                Screen screen = new Screen();
                screens.add(screen);
                streams.add(channel.open("sbx-" + i, 80, 24, screen));
            }
            assertThat(streams).extracting(TerminalChannel.Stream::id).doesNotHaveDuplicates();
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 5; i++) {
                    streams.get(i).input(("t" + i + "r" + round + "\n").getBytes(UTF8));
                }
            }
            for (int i = 0; i < 5; i++) {
                Screen screen = screens.get(i);
                StringBuilder expected = new StringBuilder();
                for (int round = 0; round < 20; round++) {
                    expected.append("t").append(i).append("r").append(round).append("\n");
                }
                await(() -> screen.text().length() >= expected.length());
                assertThat(screen.text()).isEqualTo(expected.toString());
            }
            assertThat(channel.streamCount()).isEqualTo(5);
        }
    }

    @Test
    void aSizeAndAResizeReachTheTerminal() throws Exception {
        FakeTerminal terminal = echoing("sbx-a");
        try (TerminalChannel channel = channel()) {
            TerminalChannel.Stream stream = channel.open("sbx-a", 100, 30, new Screen());
            assertThat(terminal.size()).isEqualTo("100x30");
            stream.resize(120, 40);
            await(() -> terminal.size().equals("120x40"));
            assertThatThrownBy(() -> stream.resize(0, 40))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aFloodingTerminalWhoseReaderStallsHoldsOnlyItselfBack() throws Exception {
        FakeTerminal flood = new FakeTerminal(4096);
        terminals.put("sbx-yes", flood);
        echoing("sbx-echo");
        try (TerminalChannel channel = channel()) {
            CountDownLatch unblock = new CountDownLatch(1);
            Screen stalled = new Screen(unblock);
            channel.open("sbx-yes", 80, 24, stalled);
            flood.flood(executor);
            Screen quiet = new Screen();
            TerminalChannel.Stream other = channel.open("sbx-echo", 80, 24, quiet);

            // The flood fills its window and its terminal's buffer, then its program blocks ...
            await(() -> flood.blockedWriting());
            // ... while the other terminal on the same connection goes on.
            for (int i = 0; i < 50; i++) {
                other.input(("line " + i + "\n").getBytes(UTF8));
            }
            await(() -> quiet.text().contains("line 49\n"));
            // At most a window travelled (the listener holds its first chunk) plus the terminal's
            // own buffer: nothing queues without bound.
            assertThat(flood.produced())
                    .isLessThanOrEqualTo(TerminalMux.WINDOW + flood.capacity() + 2L);
            assertThat(stalled.bytes()).isZero();

            unblock.countDown();
            long before = flood.produced();
            await(() -> stalled.bytes() > 4L * TerminalMux.WINDOW);
            assertThat(flood.produced()).isGreaterThan(before);
        }
    }

    @Test
    void aLongPasteArrivesWholeAndInOrderThroughTheInputWindow() throws Exception {
        FakeTerminal terminal = echoing("sbx-paste");
        try (TerminalChannel channel = channel()) {
            Screen screen = new Screen();
            TerminalChannel.Stream stream = channel.open("sbx-paste", 80, 24, screen);
            StringBuilder paste = new StringBuilder();
            for (int i = 0; paste.length() < 3 * TerminalMux.INPUT_WINDOW; i++) {
                paste.append("print(").append(i).append(")\n");
            }
            stream.input(paste.toString().getBytes(UTF8));
            await(() -> screen.text().length() >= paste.length());
            assertThat(screen.text()).isEqualTo(paste.toString());
            assertThat(terminal.isAlive()).isTrue();
        }
    }

    @Test
    void closingOneTerminalHangsItUpAndTheOthersGoOn() throws Exception {
        FakeTerminal first = echoing("sbx-1");
        echoing("sbx-2");
        try (TerminalChannel channel = channel()) {
            Screen firstScreen = new Screen();
            Screen secondScreen = new Screen();
            TerminalChannel.Stream one = channel.open("sbx-1", 80, 24, firstScreen);
            TerminalChannel.Stream two = channel.open("sbx-2", 80, 24, secondScreen);
            one.close();
            one.close(); // idempotent
            await(firstScreen::isEnded);
            assertThat(first.isAlive()).isFalse();
            assertThat(firstScreen.endings()).isEqualTo(1);
            assertThatThrownBy(() -> one.input("late\n".getBytes(UTF8)))
                    .isInstanceOf(IOException.class);

            two.input("still here\n".getBytes(UTF8));
            await(() -> secondScreen.text().contains("still here\n"));
            assertThat(secondScreen.isEnded()).isFalse();
            await(() -> channel.streamCount() == 1);
        }
    }

    @Test
    void aShellThatExitsEndsItsStreamAfterItsLastOutput() throws Exception {
        FakeTerminal terminal = echoing("sbx-exit");
        try (TerminalChannel channel = channel()) {
            Screen screen = new Screen();
            channel.open("sbx-exit", 80, 24, screen);
            terminal.print("logout\n");
            terminal.exit();
            await(screen::isEnded);
            assertThat(screen.text()).isEqualTo("logout\n");
            assertThat(screen.endings()).isEqualTo(1);
        }
    }

    @Test
    void aRefusedOpenTellsTheOpenerAndTheChannelGoesOn() throws Exception {
        echoing("sbx-real");
        try (TerminalChannel channel = channel()) {
            Screen never = new Screen();
            assertThatThrownBy(() -> channel.open("sbx-nope", 80, 24, never))
                    .isInstanceOfSatisfying(
                            ProtocolException.class,
                            e -> {
                                assertThat(e.code()).isEqualTo(ProtocolException.NOT_FOUND);
                                assertThat(e.getMessage()).contains("sbx-nope");
                            });
            assertThat(never.endings()).isZero();
            Screen screen = new Screen();
            channel.open("sbx-real", 80, 24, screen).input("ok\n".getBytes(UTF8));
            await(() -> screen.text().equals("ok\n"));
        }
    }

    @Test
    void terminalsBeyondTheMaximumAreRefusedAsOverloadUntilOneEnds() throws Exception {
        terminalSlots = new Semaphore(2);
        for (String id : List.of("sbx-1", "sbx-2", "sbx-3")) {
            echoing(id);
        }
        try (TerminalChannel channel = channel()) {
            TerminalChannel.Stream one = channel.open("sbx-1", 80, 24, new Screen());
            channel.open("sbx-2", 80, 24, new Screen());
            assertThatThrownBy(() -> channel.open("sbx-3", 80, 24, new Screen()))
                    .isInstanceOfSatisfying(
                            ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ProtocolException.OVERLOADED));
            one.close();
            await(() -> terminalSlots.availablePermits() == 1);
            channel.open("sbx-3", 80, 24, new Screen());
        }
    }

    @Test
    void badFramesGetClearErrorsAndTheConnectionGoesOn() throws Exception {
        echoing("sbx-raw");
        try (RawClient raw = new RawClient(dir.resolve("s.sock"))) {
            raw.send("{\"type\":\"teleport\",\"stream\":1}");
            assertThat(raw.error()).contains("bad_request").contains("teleport");
            raw.send("{\"type\":\"input\",\"data\":\"eA==\"}");
            assertThat(raw.error()).contains("bad_request").contains("stream must be an integer");
            raw.send("{\"type\":\"input\",\"stream\":9,\"data\":\"eA==\"}");
            assertThat(raw.error()).contains("not_found").contains("no terminal stream 9");
            raw.send("[1,2]");
            assertThat(raw.error()).contains("bad_request").contains("JSON object");
            raw.send("{\"type\":\"open\",\"stream\":1,\"sandbox\":\"sbx-raw\",\"columns\":0}");
            assertThat(raw.error()).contains("bad_request").contains("columns");

            raw.send(
                    "{\"type\":\"open\",\"stream\":1,\"sandbox\":\"sbx-raw\",\"columns\":80,"
                            + "\"rows\":24}");
            assertThat(raw.next().getString("type")).isEqualTo("opened");
            raw.send(
                    "{\"type\":\"open\",\"stream\":1,\"sandbox\":\"sbx-raw\",\"columns\":80,"
                            + "\"rows\":24}");
            assertThat(raw.error()).contains("already open");
            raw.send("{\"type\":\"input\",\"stream\":1,\"data\":\"not base64!\"}");
            assertThat(raw.error()).contains("base64");
            String tooMuch =
                    Base64.getEncoder().encodeToString(new byte[TerminalMux.INPUT_WINDOW + 1]);
            raw.send("{\"type\":\"input\",\"stream\":1,\"data\":\"" + tooMuch + "\"}");
            assertThat(raw.error()).contains("window");

            raw.send("{\"type\":\"input\",\"stream\":1,\"data\":\"aGkK\"}");
            assertThat(raw.outputUntil("hi\n")).isEqualTo("hi\n");
        }
    }

    @Test
    void aFrameTooLargeEndsTheConnectionAndHangsUpItsTerminals() throws Exception {
        FakeTerminal terminal = echoing("sbx-big");
        try (RawClient raw = new RawClient(dir.resolve("s.sock"))) {
            raw.send(
                    "{\"type\":\"open\",\"stream\":3,\"sandbox\":\"sbx-big\",\"columns\":80,"
                            + "\"rows\":24}");
            assertThat(raw.next().getString("type")).isEqualTo("opened");
            raw.out.writeInt(Frames.MAX_FRAME_BYTES + 1);
            raw.out.flush();
            assertThat(raw.error()).contains(ProtocolException.FRAME_TOO_LARGE);
            await(() -> !terminal.isAlive());
        }
    }

    @Test
    void losingTheConnectionEndsEveryStreamOnceOnBothSides() throws Exception {
        List<FakeTerminal> fakes = new ArrayList<>();
        List<Screen> screens = new ArrayList<>();
        TerminalChannel channel = channel();
        for (int i = 0; i < 4; i++) {
            fakes.add(echoing("sbx-" + i));
            Screen screen = new Screen();
            screens.add(screen);
            channel.open("sbx-" + i, 80, 24, screen);
        }
        // sandboxd's side goes away
        for (SocketChannel side : serverSides) {
            side.close();
        }
        for (Screen screen : screens) {
            await(screen::isEnded);
            assertThat(screen.endings()).isEqualTo(1);
        }
        await(() -> !channel.isOpen());
        assertThat(channel.failure()).isNotBlank();
        assertThatThrownBy(() -> channel.open("sbx-0", 80, 24, new Screen()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ended");
        for (FakeTerminal fake : fakes) {
            await(() -> !fake.isAlive());
        }
    }

    @Test
    void closingTheChannelHangsUpEveryTerminalOnIt() throws Exception {
        List<FakeTerminal> fakes = new ArrayList<>();
        List<Screen> screens = new ArrayList<>();
        try (TerminalChannel channel = channel()) {
            for (int i = 0; i < 3; i++) {
                fakes.add(echoing("sbx-" + i));
                Screen screen = new Screen();
                screens.add(screen);
                channel.open("sbx-" + i, 80, 24, screen);
            }
        }
        for (int i = 0; i < 3; i++) {
            FakeTerminal fake = fakes.get(i);
            await(() -> !fake.isAlive());
            await(screens.get(i)::isEnded);
        }
        await(() -> terminalSlots.availablePermits() == 100);
    }

    @Test
    void aDaemonThatBreaksTheWindowEndsTheChannelWithAClearReason() throws Exception {
        Path socket = dir.resolve("rogue.sock");
        try (ServerSocketChannel rogue = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            rogue.bind(UnixDomainSocketAddress.of(socket));
            executor.execute(
                    () -> {
                        try (SocketChannel side = rogue.accept()) {
                            DataInputStream in = new DataInputStream(ChannelStreams.input(side));
                            DataOutputStream out =
                                    new DataOutputStream(ChannelStreams.output(side));
                            Frames.read(in);
                            Frames.write(
                                    out, TerminalMux.answer().add("v", 2).add("ok", true).build());
                            JsonObject open = Frames.read(in);
                            int stream = open.getInt("stream");
                            Frames.write(
                                    out,
                                    Frames.JSON
                                            .createObjectBuilder()
                                            .add("type", "opened")
                                            .add("stream", stream)
                                            .build());
                            byte[] chunk = new byte[TerminalChannel.MAX_CHUNK];
                            for (int i = 0; i <= TerminalMux.WINDOW / chunk.length; i++) {
                                Frames.writeStreamData(out, "output", stream, chunk, chunk.length);
                            }
                            Frames.read(in); // until the client hangs up
                        } catch (IOException | ProtocolException e) {
                            // the client hung up
                        }
                    });
            TerminalChannel channel = TerminalChannel.open(socket, executor);
            CountDownLatch never = new CountDownLatch(1);
            Screen screen = new Screen(never);
            channel.open("sbx-any", 80, 24, screen);
            await(() -> !channel.isOpen());
            assertThat(channel.failure()).contains("window");
            never.countDown();
            await(screen::isEnded);
            assertThat(screen.endings()).isEqualTo(1);
        }
    }

    @Test
    void aDaemonWithoutVersionTwoRefusesTheChannelClearly() throws Exception {
        Path socket = dir.resolve("old.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(socket));
            executor.execute(
                    () -> {
                        try (SocketChannel side = old.accept()) {
                            Frames.read(new DataInputStream(ChannelStreams.input(side)));
                            Frames.write(
                                    new DataOutputStream(ChannelStreams.output(side)),
                                    Frames.JSON
                                            .createObjectBuilder()
                                            .add("v", 1)
                                            .add("ok", false)
                                            .add(
                                                    "error",
                                                    Frames.JSON
                                                            .createObjectBuilder()
                                                            .add("code", "unsupported_version")
                                                            .add(
                                                                    "message",
                                                                    "protocol version 2 is not"
                                                                            + " supported"))
                                            .build());
                        } catch (IOException | ProtocolException e) {
                            // done
                        }
                    });
            assertThatThrownBy(() -> TerminalChannel.open(socket, executor))
                    .isInstanceOfSatisfying(
                            ProtocolException.class,
                            e ->
                                    assertThat(e.code())
                                            .isEqualTo(ProtocolException.UNSUPPORTED_VERSION));
        }
    }

    // --- helpers ---------------------------------------------------------------------------

    private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + PATIENCE);
            }
            Thread.sleep(5);
        }
    }

    /** A listener that keeps what it is shown; optionally blocks until released. */
    private static final class Screen implements TerminalChannel.Listener {

        private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
        private final CountDownLatch gate;
        private final AtomicInteger endings = new AtomicInteger();

        Screen() {
            this(new CountDownLatch(0));
        }

        Screen(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void output(byte[] bytes) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (shown) {
                shown.writeBytes(bytes);
            }
        }

        @Override
        public void ended() {
            endings.incrementAndGet();
        }

        String text() {
            synchronized (shown) {
                return shown.toString(UTF8);
            }
        }

        long bytes() {
            synchronized (shown) {
                return shown.size();
            }
        }

        boolean isEnded() {
            return endings.get() > 0;
        }

        int endings() {
            return endings.get();
        }
    }

    /** A raw protocol client: the {@code terminals} request, then frames by hand. */
    private static final class RawClient implements AutoCloseable {

        final SocketChannel socket;
        final DataInputStream in;
        final DataOutputStream out;

        RawClient(Path path) throws Exception {
            socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(path));
            in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(socket)));
            out = new DataOutputStream(ChannelStreams.output(socket));
            send("{\"v\":2,\"id\":1,\"op\":\"terminals\"}");
            assertThat(next().getBoolean("ok")).isTrue();
        }

        void send(String json) throws IOException {
            byte[] bytes = json.getBytes(UTF8);
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
        }

        JsonObject next() throws Exception {
            return Frames.read(in);
        }

        /** The next error frame, as its code and message. */
        String error() throws Exception {
            while (true) {
                JsonObject frame = next();
                if (frame.getString("type").equals("error")) {
                    return frame.getString("code") + ": " + frame.getString("message");
                }
            }
        }

        String outputUntil(String expected) throws Exception {
            StringBuilder screen = new StringBuilder();
            while (!screen.toString().contains(expected)) {
                JsonObject frame = next();
                if (frame.getString("type").equals("output")) {
                    screen.append(
                            new String(Base64.getDecoder().decode(frame.getString("data")), UTF8));
                }
            }
            return screen.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A bounded blocking byte pipe. */
    private static final class Pipe {

        private final byte[] buffer;
        private int start;
        private int length;
        private boolean closed;
        private boolean writerWaiting;

        Pipe(int capacity) {
            buffer = new byte[capacity];
        }

        synchronized void write(byte[] bytes, int offset, int count) throws IOException {
            for (int i = 0; i < count; i++) {
                while (length == buffer.length && !closed) {
                    writerWaiting = true;
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    } finally {
                        writerWaiting = false;
                    }
                }
                if (closed) {
                    throw new IOException("pipe closed");
                }
                buffer[(start + length) % buffer.length] = bytes[offset + i];
                length++;
                notifyAll();
            }
        }

        synchronized int read(byte[] into, int offset, int count) throws IOException {
            while (length == 0 && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            if (length == 0) {
                return -1;
            }
            int n = Math.min(count, length);
            for (int i = 0; i < n; i++) {
                into[offset + i] = buffer[start];
                start = (start + 1) % buffer.length;
            }
            length -= n;
            notifyAll();
            return n;
        }

        synchronized boolean writerBlocked() {
            return writerWaiting && length == buffer.length;
        }

        synchronized void close() {
            closed = true;
            notifyAll();
        }

        InputStream input() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return Pipe.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] into, int offset, int count) throws IOException {
                    return Pipe.this.read(into, offset, count);
                }
            };
        }

        OutputStream output() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    Pipe.this.write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int offset, int count) throws IOException {
                    Pipe.this.write(bytes, offset, count);
                }
            };
        }
    }

    /**
     * A pseudo-terminal in memory: what is typed goes to {@code keys}, what the program prints to
     * {@code screen}, each a bounded buffer like the kernel's.
     */
    private static final class FakeTerminal implements PtySession {

        private final Pipe screen;
        private final Pipe keys = new Pipe(4096);
        private final int capacity;
        private final AtomicLong produced = new AtomicLong();
        private volatile boolean alive = true;
        private volatile String size = "";

        FakeTerminal(int capacity) {
            this.capacity = capacity;
            this.screen = new Pipe(capacity);
        }

        /** The program is {@code cat}: whatever is typed comes back. */
        void echo(ExecutorService executor) {
            executor.execute(
                    () -> {
                        byte[] buffer = new byte[1024];
                        try {
                            int n;
                            while ((n = keys.read(buffer, 0, buffer.length)) >= 0) {
                                screen.write(buffer, 0, n);
                            }
                        } catch (IOException e) {
                            // hung up
                        }
                    });
        }

        /** The program is {@code yes}. */
        void flood(ExecutorService executor) {
            executor.execute(
                    () -> {
                        byte[] line = "y\n".getBytes(UTF8);
                        try {
                            while (alive) {
                                screen.write(line, 0, line.length);
                                produced.addAndGet(line.length);
                            }
                        } catch (IOException e) {
                            // hung up
                        }
                    });
        }

        void print(String text) throws IOException {
            byte[] bytes = text.getBytes(UTF8);
            screen.write(bytes, 0, bytes.length);
        }

        /** The shell exits: its output ends. */
        void exit() {
            screen.close();
        }

        long produced() {
            return produced.get();
        }

        int capacity() {
            return capacity;
        }

        boolean blockedWriting() {
            return screen.writerBlocked();
        }

        String size() {
            return size;
        }

        @Override
        public InputStream output() {
            return screen.input();
        }

        @Override
        public OutputStream input() {
            return keys.output();
        }

        @Override
        public void resize(int columns, int rows) {
            size = columns + "x" + rows;
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public void close() {
            alive = false;
            screen.close();
            keys.close();
        }
    }
}
