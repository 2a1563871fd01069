package pro.codai.sandbox.connector.api;

/**
 * A terminal in a sandbox: a login shell as the student on a pseudo-terminal, one stream among many
 * on a few shared sandboxd connections. Output goes to the {@link TerminalListener} given when it
 * was opened. Safe to call from any thread; {@link #input} waits while 64 KiB of earlier input is
 * not yet written to the terminal. Closing hangs the terminal up and ends every process on it.
 */
public interface SandboxTerminal extends AutoCloseable {

    /** Writes keystrokes (or pasted text) to the terminal. */
    void input(byte[] bytes) throws SandboxConnectorException;

    /** Resizes the terminal (1–1000 columns and rows); the shell gets SIGWINCH. */
    void resize(int columns, int rows) throws SandboxConnectorException;

    /** Hangs the terminal up. Idempotent; the listener's {@code ended} follows. */
    @Override
    void close();
}
