package pro.codai.sandbox.connector;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.SandboxTerminal;
import pro.codai.sandbox.connector.api.TerminalListener;
import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.TerminalChannel;

/**
 * A terminal: one stream on one of the adapter's few multiplexed sandboxd connections ({@link
 * TerminalChannels}). Its output reaches the listener on the adapter's work manager; the listener
 * blocking holds back this terminal's output in sandboxd (its window), never the other terminals'.
 */
final class Terminal implements SandboxTerminal, TerminalChannel.Listener {

    private static final Logger LOG = Logger.getLogger(Terminal.class.getName());

    private final TerminalListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile TerminalChannel.Stream stream;

    private Terminal(TerminalListener listener) {
        this.listener = listener;
    }

    static Terminal open(
            SandboxManagedConnectionFactory factory,
            String sandbox,
            int columns,
            int rows,
            TerminalListener listener)
            throws SandboxConnectorException {
        Terminal terminal = new Terminal(listener);
        try {
            terminal.stream = factory.terminalChannels().open(sandbox, columns, rows, terminal);
        } catch (ProtocolException e) {
            throw new SandboxConnectorException(e.code(), e.getMessage(), e);
        } catch (IOException e) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE,
                    "cannot open a terminal through sandboxd at "
                            + factory.socket()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return terminal;
    }

    @Override
    public void output(byte[] bytes) {
        listener.output(bytes);
    }

    @Override
    public void ended() {
        if (ended.compareAndSet(false, true)) {
            listener.ended();
        }
    }

    @Override
    public void input(byte[] bytes) throws SandboxConnectorException {
        try {
            stream.input(bytes);
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
        try {
            stream.resize(columns, rows);
        } catch (IOException e) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE, "the terminal is gone", e);
        }
    }

    @Override
    public void close() {
        TerminalChannel.Stream open = stream;
        if (open != null) {
            open.close();
        } else {
            LOG.log(Level.FINE, "closing a terminal that never opened");
        }
    }
}
