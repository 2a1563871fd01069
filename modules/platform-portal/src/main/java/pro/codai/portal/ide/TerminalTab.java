package pro.codai.portal.ide;

import java.io.ByteArrayOutputStream;

import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * One browser tab's link to its workspace terminal. The terminal is opened after the handshake, off
 * the container's thread, so keystrokes and resizes can arrive before it is ready: they wait here
 * (up to {@link #MAX_WAITING_BYTES} of keys; a resize keeps the latest) and are passed on once it
 * is, in order.
 */
final class TerminalTab {

    static final int MAX_WAITING_BYTES = 64 * 1024;

    private TerminalHub hub;
    private final ByteArrayOutputStream waitingKeys = new ByteArrayOutputStream();
    private boolean overflowed;
    private int waitingColumns;
    private int waitingRows;

    /** The terminal this tab shows, or null while it is being opened. */
    synchronized TerminalHub hub() {
        return hub;
    }

    synchronized void input(byte[] keys) throws SandboxConnectorException {
        if (hub != null) {
            hub.input(keys);
        } else if (!overflowed && waitingKeys.size() + keys.length <= MAX_WAITING_BYTES) {
            waitingKeys.writeBytes(keys);
        } else {
            overflowed = true;
        }
    }

    synchronized void resize(int columns, int rows) throws SandboxConnectorException {
        if (hub != null) {
            hub.resize(columns, rows);
        } else {
            waitingColumns = columns;
            waitingRows = rows;
        }
    }

    /** Links the tab to its opened terminal and passes on what was typed meanwhile. */
    synchronized void connect(TerminalHub opened) throws SandboxConnectorException {
        hub = opened;
        if (waitingColumns > 0) {
            hub.resize(waitingColumns, waitingRows);
        }
        if (waitingKeys.size() > 0) {
            hub.input(waitingKeys.toByteArray());
            waitingKeys.reset();
        }
    }
}
