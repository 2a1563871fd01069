package pro.codai.portal.ide;

import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

import pro.codai.portal.signin.OidcSettings;
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
    private static final String HUB = "codaipro.terminal";
    private static final String HTTP_SESSION = "codaipro.http-session";
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
        // The handshake passed the /app/* sign-in constraint; the principal is the account id.
        Principal user = tab.getUserPrincipal();
        if (user == null) {
            TerminalHub.closeQuietly(
                    tab, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "sign in first"));
            return;
        }
        if (tab.getUserProperties().get(HTTP_SESSION) instanceof String httpSession) {
            TABS_BY_HTTP_SESSION
                    .computeIfAbsent(httpSession, id -> ConcurrentHashMap.newKeySet())
                    .add(tab);
        }
        int columns = size(tab.getRequestParameterMap(), "columns", 80);
        int rows = size(tab.getRequestParameterMap(), "rows", 24);
        Workspaces workspaces = CDI.current().select(Workspaces.class).get();
        Workspace workspace = null;
        try {
            workspace = workspaces.open(user.getName());
            TerminalHub hub = workspace.terminal(workspaces.sandboxes(), columns, rows);
            tab.getUserProperties().put(HUB, hub);
            hub.resize(columns, rows);
            hub.attach(tab);
        } catch (QuotaUsedUpException e) {
            TerminalHub.closeQuietly(
                    tab,
                    new CloseReason(
                            TerminalHub.closeCode(Workspaces.QUOTA_USED_UP),
                            "today's Try Now time is used up"));
        } catch (SandboxConnectorException e) {
            LOG.warning("cannot open a workspace terminal: " + e.getMessage());
            // A refusal for load (sandboxd or the adapter at capacity) keeps the workspace: the
            // page retries later, backing off, and finds its sandbox still there; ending it here
            // would acquire and release a sandbox on every retry, adding to the very load.
            if (workspace != null && !e.isOverload()) {
                // Its sandbox is gone or broken (e.g. sandboxd restarted): the next try starts
                // a new one on the same volume.
                workspaces.end(
                        workspace,
                        new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "restarting"));
            }
            TerminalHub.closeQuietly(
                    tab,
                    new CloseReason(
                            CloseReason.CloseCodes.TRY_AGAIN_LATER,
                            "your workspace cannot start right now"));
        }
    }

    // The container closes the socket with 1009 (too big) for a larger message: the limit of a
    // whole message is the handler's maxMessageSize, not the session's buffer sizes.
    @OnMessage(maxMessageSize = MAX_INPUT_BYTES)
    public void keys(Session tab, byte[] keys) {
        heard(tab);
        TerminalHub hub = hub(tab);
        if (hub == null) {
            return;
        }
        try {
            hub.input(keys);
        } catch (SandboxConnectorException e) {
            TerminalHub.closeQuietly(
                    tab, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "the terminal ended"));
        }
    }

    @OnMessage
    public void control(Session tab, String message) {
        heard(tab);
        TerminalHub hub = hub(tab);
        if (hub == null) {
            return;
        }
        try {
            JsonObject control = Json.createReader(new java.io.StringReader(message)).readObject();
            JsonArray resize = control.getJsonArray("resize");
            if (resize != null && resize.size() == 2) {
                int columns = resize.getInt(0);
                int rows = resize.getInt(1);
                if (columns >= 1 && columns <= 1000 && rows >= 1 && rows <= 1000) {
                    hub.resize(columns, rows);
                }
            }
        } catch (JsonException | ClassCastException | SandboxConnectorException e) {
            // A malformed control message is ignored; the terminal goes on.
            LOG.fine(() -> "ignored terminal control message: " + e.getMessage());
        }
    }

    @OnClose
    public void close(Session tab) {
        TerminalHub hub = hub(tab);
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

    private static TerminalHub hub(Session tab) {
        return (TerminalHub) tab.getUserProperties().get(HUB);
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
