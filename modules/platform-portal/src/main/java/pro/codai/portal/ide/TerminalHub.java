package pro.codai.portal.ide;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.SandboxTerminal;
import pro.codai.sandbox.connector.api.TerminalListener;

/**
 * One terminal of a workspace and the browser tabs showing it. The terminal outlives its tabs
 * (closing or reloading a tab and coming back finds the same shell and processes), so the last
 * {@link #SCROLLBACK_BYTES} of output are kept and replayed to a tab that attaches.
 *
 * <p>Output reaches every attached tab before the next chunk is read from the sandbox: a tab that
 * reads slowly slows the program in the sandbox (the connector's flow control), so nothing queues
 * in the server; one that takes longer than {@link #SEND_TIMEOUT_SECONDS} for a chunk is
 * disconnected. With no tab attached, output only goes to the scrollback.
 */
final class TerminalHub implements TerminalListener {

    static final int SCROLLBACK_BYTES = 64 * 1024;
    static final long SEND_TIMEOUT_SECONDS = 10;

    /** Close code for a terminal whose shell ended (an application code, 4000–4999). */
    static final int SHELL_ENDED = 4001;

    /** User property of a tab the page was asked to close: the reason. */
    private static final String CLOSING = "codaipro.closing";

    /** How long a page has to close a socket the server asked it to close. */
    static final long PAGE_CLOSE_SECONDS = 10;

    private static final Logger LOG = Logger.getLogger(TerminalHub.class.getName());

    private final byte[] scrollback = new byte[SCROLLBACK_BYTES];
    private int scrollbackStart;
    private int scrollbackLength;
    private final List<Session> tabs = new ArrayList<>();
    private final Workspace workspace;
    private volatile SandboxTerminal terminal;
    private volatile boolean ended;
    private volatile long lastAttachedMillis = System.currentTimeMillis();

    TerminalHub(Workspace workspace) {
        this.workspace = workspace;
    }

    void connect(SandboxTerminal opened) {
        this.terminal = opened;
    }

    boolean isEnded() {
        return ended;
    }

    synchronized boolean hasTabs() {
        return !tabs.isEmpty();
    }

    /** When a tab last came or went. */
    long lastAttachedMillis() {
        return lastAttachedMillis;
    }

    /** Shows the scrollback in a new tab, then everything that follows. */
    synchronized void attach(Session tab) {
        if (ended) {
            closeQuietly(tab, new CloseReason(closeCode(SHELL_ENDED), "the shell ended"));
            return;
        }
        byte[] replay = new byte[scrollbackLength];
        int firstPart = Math.min(scrollbackLength, SCROLLBACK_BYTES - scrollbackStart);
        System.arraycopy(scrollback, scrollbackStart, replay, 0, firstPart);
        System.arraycopy(scrollback, 0, replay, firstPart, scrollbackLength - firstPart);
        if (replay.length == 0 || send(tab, replay)) {
            tabs.add(tab);
        }
        lastAttachedMillis = System.currentTimeMillis();
    }

    synchronized void detach(Session tab) {
        tabs.remove(tab);
        lastAttachedMillis = System.currentTimeMillis();
    }

    void input(byte[] keys) throws SandboxConnectorException {
        workspace.touch();
        terminal.input(keys);
    }

    void resize(int columns, int rows) throws SandboxConnectorException {
        terminal.resize(columns, rows);
    }

    @Override
    public synchronized void output(byte[] bytes) {
        remember(bytes);
        for (Session tab : List.copyOf(tabs)) {
            if (isClosing(tab) || !send(tab, bytes)) {
                tabs.remove(tab);
            }
        }
    }

    @Override
    public synchronized void ended() {
        ended = true;
        for (Session tab : tabs) {
            closeQuietly(tab, new CloseReason(closeCode(SHELL_ENDED), "the shell ended"));
        }
        tabs.clear();
    }

    /**
     * Closes tabs nothing was heard from (keystrokes, resizes, the page's pings) for {@code
     * silenceMillis}: a vanished browser must not keep the workspace attended.
     */
    void closeSilentTabs(long silenceMillis, long nowMillis) {
        List<Session> silent = new ArrayList<>();
        synchronized (this) {
            for (Session tab : tabs) {
                Object heard = tab.getUserProperties().get(TerminalEndpoint.LAST_HEARD);
                if (heard instanceof Long at && nowMillis - at >= silenceMillis) {
                    silent.add(tab);
                }
            }
            tabs.removeAll(silent);
        }
        for (Session tab : silent) {
            closeQuietly(
                    tab, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "no sign of the tab"));
        }
    }

    /** Ends the terminal and disconnects its tabs with {@code reason}. */
    void close(CloseReason reason) {
        List<Session> attached;
        synchronized (this) {
            attached = List.copyOf(tabs);
            tabs.clear();
        }
        for (Session tab : attached) {
            closeQuietly(tab, reason);
        }
        SandboxTerminal open = terminal;
        if (open != null) {
            open.close();
        }
    }

    private void remember(byte[] bytes) {
        int offset = Math.max(0, bytes.length - SCROLLBACK_BYTES);
        for (int i = offset; i < bytes.length; i++) {
            int end = (scrollbackStart + scrollbackLength) % SCROLLBACK_BYTES;
            scrollback[end] = bytes[i];
            if (scrollbackLength < SCROLLBACK_BYTES) {
                scrollbackLength++;
            } else {
                scrollbackStart = (scrollbackStart + 1) % SCROLLBACK_BYTES;
            }
        }
    }

    /** Sends and waits, so output never queues in the server; false if the tab is gone or stuck. */
    private static boolean send(Session tab, byte[] bytes) {
        if (!tab.isOpen()) {
            return false;
        }
        try {
            tab.getAsyncRemote()
                    .sendBinary(ByteBuffer.wrap(bytes))
                    .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.fine("a terminal tab stopped reading; disconnecting it");
            closeQuietly(
                    tab,
                    new CloseReason(
                            CloseReason.CloseCodes.TRY_AGAIN_LATER, "the connection is too slow"));
            return false;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static CloseReason.CloseCode closeCode(int code) {
        return CloseReason.CloseCodes.getCloseCode(code);
    }

    /**
     * Ends a tab: asks the page to close its socket ({@code {"close":code,"reason":…}}), and closes
     * it from here only if the page has not within {@link #PAGE_CLOSE_SECONDS}.
     *
     * <p>Why the page: with the server closing its sockets (a refusal, the day's time used up),
     * requests served beside them failed on Payara's recycled request objects (a null connection or
     * context) and later handshakes hung; with the page closing, none did. The likely cause: Tyrus
     * hands the connection back to Payara before the page's answering close frame arrives, and
     * Payara reads that frame as a new request.
     */
    static void closeQuietly(Session tab, CloseReason reason) {
        if (!tab.isOpen() || tab.getUserProperties().putIfAbsent(CLOSING, reason) != null) {
            return; // gone, or already asked
        }
        try {
            tab.getAsyncRemote().sendText(closeRequest(reason));
            TerminalStarts.later(() -> closeNow(tab, reason), PAGE_CLOSE_SECONDS);
        } catch (RuntimeException cannotAsk) {
            closeNow(tab, reason);
        }
    }

    /**
     * Whether the page was asked to close the tab: it gets no more output, its keys are dropped.
     */
    static boolean isClosing(Session tab) {
        return tab.getUserProperties().containsKey(CLOSING);
    }

    /** The text asking the page to close its socket with {@code reason}. */
    static String closeRequest(CloseReason reason) {
        return Json.createObjectBuilder()
                .add("close", reason.getCloseCode().getCode())
                .add("reason", reason.getReasonPhrase())
                .build()
                .toString();
    }

    private static void closeNow(Session tab, CloseReason reason) {
        try {
            if (tab.isOpen()) {
                tab.close(reason);
            }
        } catch (IOException | IllegalStateException e) {
            // already closing
        }
    }
}
