package pro.codai.platform.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import jakarta.servlet.http.HttpSession;

/**
 * Behind the appliance's nginx, which ends TLS and passes requests on over plain HTTP from
 * loopback, a request is served as the HTTPS request it was: nginx says so in {@code
 * X-Forwarded-Proto} (and the port in {@code X-Forwarded-Port}), which counts only from a loopback
 * peer (as {@link ClientAddress} trusts {@code X-Real-IP}); from anywhere else the header is
 * ignored. The request then answers {@code https} to {@code getScheme()}, {@code isSecure()} and
 * {@code getRequestURL()}; the redirects the applications make are absolute {@code https://} ones;
 * and the session cookie is marked {@code Secure}, also when it was made before this filter (by the
 * sign-in mechanism, which runs before any filter). Redirects the container makes before any filter
 * (a directory's trailing slash) are nginx's {@code proxy_redirect} to rewrite.
 *
 * <p>Where the public URL is {@code https://}, {@link SecureSessionCookie} marks the session cookie
 * {@code Secure} for every request anyway.
 */
public class ForwardedProto extends HttpFilter {

    private static final long serialVersionUID = 1L;

    static final String PROTO = "X-Forwarded-Proto";
    static final String PORT = "X-Forwarded-Port";

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!forwardedHttps(request.getRemoteAddr(), request.getHeader(PROTO))) {
            chain.doFilter(request, response);
            return;
        }
        String cookie = sessionCookieName(request);
        markSecure(response, cookie);
        int port = port(request.getHeader(PORT));
        HttpsResponse https = new HttpsResponse(response, request, port);
        chain.doFilter(new HttpsRequest(request, https, port, cookie), https);
    }

    /** Whether the request came over HTTPS to nginx: it says so, and it is the peer (loopback). */
    static boolean forwardedHttps(String peer, String proto) {
        return proto != null
                && proto.strip().equalsIgnoreCase("https")
                && ClientAddress.isLoopback(peer);
    }

    /** The port nginx was reached on; 443 when it does not say, or says nonsense. */
    static int port(String header) {
        if (header != null && header.strip().matches("[0-9]{1,5}")) {
            int port = Integer.parseInt(header.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        return 443;
    }

    /**
     * The absolute {@code https} address of a redirect: a relative one resolved against the
     * request, an absolute {@code http} one to the request's own host made {@code https}; any other
     * is left as it is.
     */
    static String httpsLocation(String location, String host, int port, String requestUri) {
        String origin = "https://" + host + (port == 443 ? "" : ":" + port);
        try {
            URI uri = new URI(location);
            if (uri.getScheme() == null && uri.getRawAuthority() == null) {
                return URI.create(origin + (requestUri.startsWith("/") ? requestUri : "/"))
                        .resolve(uri)
                        .toString();
            }
            if ("http".equalsIgnoreCase(uri.getScheme())
                    && host.equalsIgnoreCase(String.valueOf(uri.getHost()))) {
                String rest = location.substring(uri.getScheme().length() + 3);
                int slash = rest.indexOf('/');
                return origin + (slash < 0 ? "/" : rest.substring(slash));
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // Not a URI the container would make sense of either: left to it.
        }
        return location;
    }

    /**
     * Adds {@code Secure} to the session cookie among the answer's {@code Set-Cookie} headers, if
     * it is there without it (the headers are written again in their order).
     */
    static void markSecure(HttpServletResponse response, String cookieName) {
        if (response.isCommitted()) {
            return;
        }
        List<String> cookies = new ArrayList<>(response.getHeaders("Set-Cookie"));
        List<String> marked = new ArrayList<>(cookies.size());
        boolean changed = false;
        for (String cookie : cookies) {
            if (cookie.startsWith(cookieName + "=") && !isSecure(cookie)) {
                marked.add(cookie + "; Secure");
                changed = true;
            } else {
                marked.add(cookie);
            }
        }
        if (changed) {
            response.setHeader("Set-Cookie", marked.get(0));
            for (String cookie : marked.subList(1, marked.size())) {
                response.addHeader("Set-Cookie", cookie);
            }
        }
    }

    static boolean isSecure(String setCookie) {
        for (String attribute : setCookie.split(";")) {
            if (attribute.strip().toLowerCase(Locale.ROOT).equals("secure")) {
                return true;
            }
        }
        return false;
    }

    private static String sessionCookieName(HttpServletRequest request) {
        String name = request.getServletContext().getSessionCookieConfig().getName();
        return name == null || name.isBlank() ? "JSESSIONID" : name;
    }

    /** The request as nginx received it: over HTTPS, on its port. */
    static final class HttpsRequest extends HttpServletRequestWrapper {
        private final HttpServletResponse response;
        private final int port;
        private final String cookie;

        HttpsRequest(
                HttpServletRequest request, HttpServletResponse response, int port, String cookie) {
            super(request);
            this.response = response;
            this.port = port;
            this.cookie = cookie;
        }

        @Override
        public String getScheme() {
            return "https";
        }

        @Override
        public boolean isSecure() {
            return true;
        }

        @Override
        public int getServerPort() {
            return port;
        }

        @Override
        public StringBuffer getRequestURL() {
            return new StringBuffer("https://")
                    .append(getServerName())
                    .append(port == 443 ? "" : ":" + port)
                    .append(getRequestURI());
        }

        @Override
        public HttpSession getSession() {
            return getSession(true);
        }

        @Override
        public HttpSession getSession(boolean create) {
            boolean had = super.getSession(false) != null;
            HttpSession session = super.getSession(create);
            if (!had && session != null) {
                // The container wrote the new session's cookie as for plain HTTP.
                markSecure(response, cookie);
            }
            return session;
        }

        @Override
        public String changeSessionId() {
            String id = super.changeSessionId();
            markSecure(response, cookie);
            return id;
        }
    }

    /** Redirects made absolute with {@code https}. */
    static final class HttpsResponse extends HttpServletResponseWrapper {
        private final HttpServletRequest request;
        private final int port;

        HttpsResponse(HttpServletResponse response, HttpServletRequest request, int port) {
            super(response);
            this.request = request;
            this.port = port;
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            super.sendRedirect(
                    httpsLocation(
                            location, request.getServerName(), port, request.getRequestURI()));
        }
    }
}
