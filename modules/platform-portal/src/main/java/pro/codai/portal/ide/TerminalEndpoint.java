package pro.codai.portal.ide;

import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import pro.codai.platform.account.AccessChanges;
import pro.codai.portal.signin.OidcSettings;
import pro.codai.portal.signin.SignedInUser;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * The workspace terminal over a WebSocket: binary messages are keystrokes (browser → server) and
 * screen output (server → browser); a text message {@code {"resize":[columns,rows]}} resizes.
 *
 * <p>Only for a signed-in person (the path is under {@code /app/*}, so the handshake passes the
 * sign-in constraint), from the portal's own origin, with messages of bounded size. See
 * docs/reference/ide-protocol.md.
 */
@ServerEndpoint(value = "/app/terminal", configurator = TerminalEndpoint.Handshake.class)
public class TerminalEndpoint {

    static final int MAX_INPUT_BYTES = 64 * 1024;
    static final int MAX_CONTROL_CHARS = 256;

    private static final Logger LOG = Logger.getLogger(TerminalEndpoint.class.getName());
    private static final String TAB = "codaipro.terminal";

    /** Sent once the tab shows its terminal: the workspace is up and keys reach the shell. */
    static final String READY = "{\"ready\":true}";

    private static final String HTTP_SESSION = "codaipro.http-session";

    /** When the tab's HTTP session signed in: what an administrator's decisions compare with. */
    private static final String SIGNED_IN_AT = "codaipro.signed-in-at";

    static final String LAST_HEARD = "codaipro.last-heard";

    /** The open tabs of each signed-in HTTP session, closed when it ends (sign-out, expiry). */
    private static final Map<String, Set<Session>> TABS_BY_HTTP_SESSION = new ConcurrentHashMap<>();

    /** Refuses handshakes from other origins (cross-site WebSocket hijacking). */
    public static class Handshake extends ServerEndpointConfig.Configurator {

        @Override
        public boolean checkOrigin(String origin) {
            if (origin == null) {
                return false;
            }
            String expected = origin(CDI.current().select(OidcSettings.class).get().publicUrl());
            return origin.equals(expected);
        }

        @Override
        public void modifyHandshake(
                ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            if (request.getHttpSession() instanceof HttpSession session) {
                config.getUserProperties().put(HTTP_SESSION, session.getId());
                SignedInUser user = SignedInUser.in(session);
                if (user != null) {
                    config.getUserProperties().put(SIGNED_IN_AT, user.signedInAt());
                }
            }
        }

        static String origin(String url) {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getRawAuthority();
        }
    }

    @OnOpen
    public void open(Session tab, EndpointConfig config) {
        tab.setMaxBinaryMessageBufferSize(MAX_INPUT_BYTES);
        tab.setMaxTextMessageBufferSize(MAX_CONTROL_CHARS);
        // No container idle timeout (0): with one, every message would leave a cancelled timeout
        // task queued on Payara's managed executor until it expired. The page pings instead, and
        // culling closes tabs that went silent (TerminalHub.closeSilentTabs).
        tab.setMaxIdleTimeout(0);
        ContainerTimeouts.lighten(tab);
        heard(tab);
        tab.getUserProperties().put(TAB, new TerminalTab());
        // The handshake passed the /app/* sign-in constraint; the principal is the account id.
        Principal user = tab.getUserPrincipal();
        if (user != null && tab.getUserProperties().get(HTTP_SESSION) instanceof String session) {
            TABS_BY_HTTP_SESSION
                    .computeIfAbsent(session, id -> ConcurrentHashMap.newKeySet())
                    .add(tab);
        }
        int columns = size(tab.getRequestParameterMap(), "columns", 80);
        int rows = size(tab.getRequestParameterMap(), "rows", 24);
        // Everything else happens on a thread of its own (TerminalStarts): starting a workspace
        // can take seconds under load, and this thread is the container's.
        try {
            CDI.current()
                    .select(TerminalStarts.class)
                    .get()
                    .submit(() -> start(tab, user, columns, rows, 0));
        } catch (RejectedExecutionException stopping) {
            // The application is stopping; the page reconnects to the next one.
        }
    }

    /**
     * Opens the tab's workspace terminal (starting the workspace if need be) and attaches it. When
     * the workspace cannot start (sandboxd at capacity, or unavailable) the tab stays open: it is
     * told so ({@link #busy}) and tried again here, backing off ({@link
     * TerminalStarts#retryDelayMillis}), until it starts or the tab goes away.
     */
    private static void start(Session tab, Principal user, int columns, int rows, int attempt) {
        if (user == null) {
            TerminalHub.closeQuietly(
                    tab, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "sign in first"));
            return;
        }
        if (!tab.isOpen()) {
            return; // the page went away while it waited
        }
        // A tab waiting for its workspace retries here without any HTTP request: it must not
        // outlive an administrator's suspension or ending of the person's sessions.
        Instant signedInAt =
                tab.getUserProperties().get(SIGNED_IN_AT) instanceof Instant at
                        ? at
                        : Instant.EPOCH;
        if (CDI.current().select(AccessChanges.class).get().ended(user.getName(), signedInAt)) {
            TerminalHub.closeQuietly(
                    tab,
                    new CloseReason(
                            TerminalHub.closeCode(Workspaces.ACCESS_ENDED),
                            "access ended by an administrator"));
            return;
        }
        Workspaces workspaces = CDI.current().select(Workspaces.class).get();
        Workspace workspace = null;
        try {
            workspace = workspaces.open(user.getName());
            TerminalHub hub = workspace.terminal(workspaces.sandboxes(), columns, rows);
            hub.resize(columns, rows);
            send(tab, READY);
            hub.attach(tab);
            tab(tab).connect(hub);
            if (!tab.isOpen()) {
                hub.detach(tab); // closed while it attached: @OnClose found no terminal yet
            }
        } catch (QuotaUsedUpException e) {
            TerminalHub.closeQuietly(
                    tab,
                    new CloseReason(
                            TerminalHub.closeCode(Workspaces.QUOTA_USED_UP),
                            "today's Try Now time is used up"));
        } catch (SandboxConnectorException e) {
            String problem = "cannot open a workspace terminal: " + e.getMessage();
            if (attempt == 0) {
                LOG.warning(problem);
            } else {
                LOG.fine(problem);
            }
            // A refusal for load (sandboxd or the adapter at capacity) keeps the workspace: the
            // next try finds its sandbox still there; ending it here would acquire and release a
            // sandbox on every try, adding to the very load.
            if (workspace != null && !e.isOverload()) {
                // Its sandbox is gone or broken (e.g. sandboxd restarted): the next try starts
                // a new one on the same volume.
                workspaces.end(
                        workspace,
                        new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "restarting"));
            }
            long delay = TerminalStarts.retryDelayMillis(attempt, ThreadLocalRandom.current());
            try {
                send(tab, busy(delay));
                CDI.current()
                        .select(TerminalStarts.class)
                        .get()
                        .schedule(() -> start(tab, user, columns, rows, attempt + 1), delay);
            } catch (ExecutionException | TimeoutException | RejectedExecutionException gone) {
                TerminalHub.closeQuietly(
                        tab,
                        new CloseReason(
                                CloseReason.CloseCodes.TRY_AGAIN_LATER,
                                "your workspace cannot start right now"));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        } catch (ExecutionException | TimeoutException e) {
            // The tab went away or stopped reading before its terminal was attached.
            TerminalHub.closeQuietly(
                    tab, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "the tab is gone"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Nothing else would tell: the executor keeps a task's exception to itself.
            LOG.log(Level.SEVERE, "opening a workspace terminal failed", e);
            TerminalHub.closeQuietly(
                    tab,
                    new CloseReason(
                            CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                            "your workspace cannot start right now"));
        }
    }

    /** The text telling a tab its workspace cannot start yet, and when it is tried again. */
    static String busy(long retryInMillis) {
        return "{\"busy\":\"your workspace cannot start right now\",\"retryInMillis\":"
                + retryInMillis
                + "}";
    }

    private static void send(Session tab, String text)
            throws InterruptedException, ExecutionException, TimeoutException {
        tab.getAsyncRemote().sendText(text).get(TerminalHub.SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    // The container closes the socket with 1009 (too big) for a larger message: the limit of a
    // whole message is the handler's maxMessageSize, not the session's buffer sizes.
    @OnMessage(maxMessageSize = MAX_INPUT_BYTES)
    public void keys(Session tab, byte[] keys) {
        heard(tab);
        if (TerminalHub.isClosing(tab)) {
            return; // the page was asked to close
        }
        try {
            tab(tab).input(keys);
        } catch (SandboxConnectorException e) {
            TerminalHub.closeQuietly(
                    tab, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "the terminal ended"));
        }
    }

    @OnMessage
    public void control(Session tab, String message) {
        heard(tab);
        try {
            JsonObject control = Json.createReader(new java.io.StringReader(message)).readObject();
            JsonArray resize = control.getJsonArray("resize");
            if (resize != null && resize.size() == 2) {
                int columns = resize.getInt(0);
                int rows = resize.getInt(1);
                if (columns >= 1 && columns <= 1000 && rows >= 1 && rows <= 1000) {
                    tab(tab).resize(columns, rows);
                }
            }
        } catch (JsonException | ClassCastException | SandboxConnectorException e) {
            // A malformed control message is ignored; the terminal goes on.
            LOG.fine(() -> "ignored terminal control message: " + e.getMessage());
        }
    }

    @OnClose
    public void close(Session tab) {
        TerminalHub hub = tab(tab).hub();
        if (hub != null) {
            hub.detach(tab);
        }
        if (tab.getUserProperties().get(HTTP_SESSION) instanceof String httpSession) {
            Set<Session> tabs = TABS_BY_HTTP_SESSION.get(httpSession);
            if (tabs != null) {
                tabs.remove(tab);
                TABS_BY_HTTP_SESSION.remove(httpSession, Set.of());
            }
        }
    }

    /** Closes the terminal tabs of an HTTP session that ends: signed out, or expired. */
    @WebListener
    public static class SignOut implements HttpSessionListener {

        @Override
        public void sessionDestroyed(HttpSessionEvent event) {
            Set<Session> tabs = TABS_BY_HTTP_SESSION.remove(event.getSession().getId());
            if (tabs != null) {
                for (Session tab : tabs) {
                    TerminalHub.closeQuietly(
                            tab,
                            new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "signed out"));
                }
            }
        }
    }

    private static void heard(Session tab) {
        tab.getUserProperties().put(LAST_HEARD, System.currentTimeMillis());
    }

    private static TerminalTab tab(Session tab) {
        return (TerminalTab) tab.getUserProperties().get(TAB);
    }

    private static int size(Map<String, List<String>> parameters, String name, int fallback) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(values.get(0));
            return value >= 1 && value <= 1000 ? value : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
