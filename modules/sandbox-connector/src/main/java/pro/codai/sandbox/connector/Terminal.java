package pro.codai.sandbox.connector;

import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.JsonObject;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.SandboxTerminal;
import pro.codai.sandbox.connector.api.TerminalListener;
import pro.codai.sandbox.protocol.Frames;
import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.SandboxClient;

/**
 * A terminal on a sandboxd connection of its own (a terminal connection serves nothing else, see
 * the protocol's terminal frames). Its output is pumped to the listener by a {@link Work} on the
 * adapter's work manager; the pump blocks when the listener does, which is the flow control.
 */
final class Terminal implements SandboxTerminal, Work {

    private static final Logger LOG = Logger.getLogger(Terminal.class.getName());

    private final SandboxClient client;
    private final TerminalListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    private Terminal(SandboxClient client, TerminalListener listener) {
        this.client = client;
        this.listener = listener;
    }

    static Terminal open(
            SandboxManagedConnectionFactory factory,
            String sandbox,
            int columns,
            int rows,
            TerminalListener listener)
            throws SandboxConnectorException {
        SandboxClient client;
        try {
            client = factory.connect();
        } catch (ResourceException e) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE, e.getMessage(), e);
        }
        try {
            client.call(
                    "terminal",
                    SandboxClient.fields()
                            .add("sandbox", sandbox)
                            .add("columns", columns)
                            .add("rows", rows));
        } catch (ProtocolException e) {
            closeQuietly(client);
            throw new SandboxConnectorException(e.code(), e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(client);
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE,
                    "sandboxd closed the terminal connection: " + e.getMessage(),
                    e);
        }
        Terminal terminal = new Terminal(client, listener);
        WorkManager work = factory.workManager();
        try {
            if (work != null) {
                work.scheduleWork(terminal);
            } else {
                Thread pump = new Thread(terminal, "sandbox-terminal");
                pump.setDaemon(true);
                pump.start();
            }
        } catch (WorkException e) {
            closeQuietly(client);
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE,
                    "no thread for the terminal: " + e.getMessage(),
                    e);
        }
        return terminal;
    }

    /** The pump: output frames to the listener until the shell exits or the connection ends. */
    @Override
    public void run() {
        try {
            while (true) {
                JsonObject frame = client.readAnswer();
                if (frame == null) {
                    break;
                }
                String type = frame.getString("type", "");
                if (type.equals("output")) {
                    listener.output(Base64.getDecoder().decode(frame.getString("data", "")));
                } else if (type.equals("exit")) {
                    break;
                } else if (type.equals("error")) {
                    LOG.fine(() -> "sandboxd refused a terminal frame: " + frame);
                }
            }
        } catch (IOException | ProtocolException | RuntimeException e) {
            if (!closed.get()) {
                LOG.log(Level.FINE, "terminal connection lost", e);
            }
        } finally {
            closeQuietly(client);
            if (ended.compareAndSet(false, true)) {
                listener.ended();
            }
        }
    }

    @Override
    public void release() {
        close();
    }

    @Override
    public void input(byte[] bytes) throws SandboxConnectorException {
        checkOpen();
        try {
            client.writeData("input", bytes);
        } catch (IOException e) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE, "the terminal is gone", e);
        }
    }

    @Override
    public void resize(int columns, int rows) throws SandboxConnectorException {
        if (columns < 1 || columns > 1000 || rows < 1 || rows > 1000) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.BAD_REQUEST,
                    "terminal size out of range: " + columns + "x" + rows);
        }
        send(
                Frames.JSON
                        .createObjectBuilder()
                        .add("type", "resize")
                        .add("columns", columns)
                        .add("rows", rows)
                        .build());
    }

    private void send(JsonObject frame) throws SandboxConnectorException {
        checkOpen();
        try {
            client.write(frame);
        } catch (IOException e) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE, "the terminal is gone", e);
        }
    }

    private void checkOpen() throws SandboxConnectorException {
        if (closed.get()) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE, "the terminal is closed");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                client.write(Frames.JSON.createObjectBuilder().add("type", "close").build());
            } catch (IOException e) {
                // already gone
            }
            // Closing the connection hangs the terminal up and ends the pump.
            closeQuietly(client);
        }
    }

    private static void closeQuietly(SandboxClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
