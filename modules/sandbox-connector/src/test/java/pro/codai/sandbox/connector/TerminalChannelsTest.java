package pro.codai.sandbox.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.SandboxTerminal;
import pro.codai.sandbox.connector.api.TerminalListener;
import pro.codai.sandbox.protocol.ChannelStreams;
import pro.codai.sandbox.protocol.Frames;
import pro.codai.sandbox.protocol.ProtocolException;

/**
 * The connector's terminals over a scripted sandboxd (the {@code terminals} protocol on a real Unix
 * socket): few connections for many terminals, a lost one replaced, refusals passed on with their
 * code.
 */
class TerminalChannelsTest {

    private Path dir;
    private ServerSocketChannel server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger openStreams = new AtomicInteger();
    private SandboxManagedConnectionFactory factory;

    @BeforeEach
    void listen() throws IOException {
        dir = Files.createTempDirectory("terminals-test");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
        executor.execute(this::acceptLoop);
        factory = new SandboxManagedConnectionFactory();
        factory.setSocketPath(dir.resolve("s.sock").toString());
    }

    @AfterEach
    void stop() throws IOException {
        factory.terminalChannels().close();
        server.close();
        for (SocketChannel side : accepted) {
            side.close();
        }
        executor.shutdownNow();
        Files.deleteIfExists(dir.resolve("s.sock"));
        Files.deleteIfExists(dir);
    }

    /** Opens every stream but those in sandbox {@code sbx-busy}, which it refuses as overload. */
    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel side;
            try {
                side = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.add(side);
            executor.execute(
                    () -> {
                        try (side) {
                            DataInputStream in =
                                    new DataInputStream(
                                            new BufferedInputStream(ChannelStreams.input(side)));
                            DataOutputStream out =
                                    new DataOutputStream(ChannelStreams.output(side));
                            Frames.read(in);
                            write(
                                    out,
                                    Frames.JSON
                                            .createObjectBuilder()
                                            .add("v", 2)
                                            .add("ok", true)
                                            .add("window", 65536)
                                            .add("inputWindow", 65536)
                                            .build());
                            JsonObject frame;
                            while ((frame = Frames.read(in)) != null) {
                                int stream = frame.getInt("stream");
                                var answer =
                                        Frames.JSON.createObjectBuilder().add("stream", stream);
                                switch (frame.getString("type")) {
                                    case "open" -> {
                                        if (frame.getString("sandbox").equals("sbx-busy")) {
                                            answer.add("type", "exit")
                                                    .add("code", "overloaded")
                                                    .add("message", "at capacity: 2 terminals");
                                        } else {
                                            openStreams.incrementAndGet();
                                            answer.add("type", "opened");
                                        }
                                        write(out, answer.build());
                                    }
                                    case "close" -> {
                                        openStreams.decrementAndGet();
                                        write(out, answer.add("type", "exit").build());
                                    }
                                    default -> {}
                                }
                            }
                        } catch (IOException | ProtocolException e) {
                            // the test closed it
                        }
                    });
        }
    }

    private static void write(DataOutputStream out, JsonObject frame) throws IOException {
        synchronized (out) {
            Frames.write(out, frame);
        }
    }

    @Test
    void manyTerminalsShareTheConfiguredFewConnections() throws Exception {
        List<SandboxTerminal> terminals = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            terminals.add(Terminal.open(factory, "sbx-" + i, 80, 24, new Ended()));
        }
        assertThat(accepted).hasSize(SandboxResourceAdapter.DEFAULT_TERMINAL_CONNECTIONS);
        assertThat(factory.terminalChannels().terminals()).isEqualTo(30);
        assertThat(openStreams.get()).isEqualTo(30);
        for (SandboxTerminal terminal : terminals) {
            terminal.close();
        }
    }

    @Test
    void aRefusalForLoadReachesTheCallerAsOverloadAndTheConnectionStays() throws Exception {
        Terminal.open(factory, "sbx-1", 80, 24, new Ended());
        assertThatThrownBy(() -> Terminal.open(factory, "sbx-busy", 80, 24, new Ended()))
                .isInstanceOfSatisfying(
                        SandboxConnectorException.class,
                        e -> {
                            assertThat(e.code()).isEqualTo("overloaded");
                            assertThat(e.isOverload()).isTrue();
                        });
        Terminal.open(factory, "sbx-2", 80, 24, new Ended());
        assertThat(factory.terminalChannels().connections()).isEqualTo(2);
    }

    @Test
    void aLostConnectionEndsItsTerminalsAndIsReplacedOnTheNextOpen() throws Exception {
        Ended first = new Ended();
        Ended second = new Ended();
        Terminal.open(factory, "sbx-1", 80, 24, first);
        Terminal.open(factory, "sbx-2", 80, 24, second);
        for (SocketChannel side : accepted) {
            side.close(); // sandboxd restarts
        }
        first.await();
        second.await();
        assertThat(first.endings.get()).isEqualTo(1);

        SandboxTerminal again = Terminal.open(factory, "sbx-3", 80, 24, new Ended());
        assertThat(accepted).hasSize(3);
        assertThatThrownBy(() -> again.resize(0, 24))
                .isInstanceOf(SandboxConnectorException.class)
                .extracting("code")
                .isEqualTo(SandboxConnectorException.BAD_REQUEST);
    }

    private static final class Ended implements TerminalListener {

        final AtomicInteger endings = new AtomicInteger();

        @Override
        public void output(byte[] bytes) {}

        @Override
        public synchronized void ended() {
            endings.incrementAndGet();
            notifyAll();
        }

        synchronized void await() throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (endings.get() == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the terminal did not end");
                }
                wait(left / 1_000_000 + 1);
            }
        }
    }
}
