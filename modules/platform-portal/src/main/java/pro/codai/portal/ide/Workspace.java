package pro.codai.portal.ide;

import jakarta.websocket.CloseReason;

import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * A student's Try Now workspace: their own running sandbox with their volume as home, and its
 * terminal. Lives while a tab shows it and for the grace period after the last one closed.
 */
final class Workspace {

    private final String subject;
    private final String sandbox;
    private final long startedMillis = System.currentTimeMillis();
    private TerminalHub terminal;

    Workspace(String subject, String sandbox) {
        this.subject = subject;
        this.sandbox = sandbox;
    }

    String subject() {
        return subject;
    }

    String sandbox() {
        return sandbox;
    }

    /** The workspace's terminal, opened (again, if its shell ended) at the given size. */
    synchronized TerminalHub terminal(SandboxConnectionFactory sandboxes, int columns, int rows)
            throws SandboxConnectorException {
        if (terminal == null || terminal.isEnded()) {
            TerminalHub hub = new TerminalHub();
            try (SandboxConnection connection = sandboxes.getConnection()) {
                hub.connect(connection.openTerminal(sandbox, columns, rows, hub));
            }
            terminal = hub;
        }
        return terminal;
    }

    /** Whether no tab has shown the workspace for {@code graceMillis}. */
    synchronized boolean unattendedFor(long graceMillis, long nowMillis) {
        if (terminal == null) {
            return nowMillis - startedMillis >= graceMillis;
        }
        return !terminal.hasTabs() && nowMillis - terminal.lastActivityMillis() >= graceMillis;
    }

    /** Ends the terminal, telling its tabs why. */
    synchronized void closeTerminal(CloseReason reason) {
        if (terminal != null) {
            terminal.close(reason);
            terminal = null;
        }
    }
}
