package pro.codai.portal.site;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Origins as browsers write them ({@code scheme://host[:port]}, RFC 6454), the default preview
 * address, and the check that a request was sent by a page of the portal itself. No state: the
 * logic behind {@link SiteOrigins}, testable without a server.
 */
final class Origins {

    private Origins() {}

    /**
     * The origin of an http(s) address, as a browser sends it in {@code Origin}: scheme and host in
     * lower case, the port only when it is not the scheme's default.
     */
    static String of(String url) {
        URI uri = URI.create(url.strip());
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort =
                port == -1
                        || ("http".equals(scheme) && port == 80)
                        || ("https".equals(scheme) && port == 443);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }

    /** The host name of an address, lower case, without the brackets of an IPv6 address. */
    static String host(String url) {
        return bare(URI.create(url.strip()).getHost());
    }

    /** A host name as a request names it, comparable with {@link #host(String)}. */
    static String bare(String host) {
        String lower = host == null ? "" : host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]")
                ? lower.substring(1, lower.length() - 1)
                : lower;
    }

    /**
     * Where previews are served when no address is set: for a portal on {@code localhost} the same
     * listener reached as {@code 127.0.0.1} (and the other way round), a different host to the
     * browser, so it never sends the portal's cookies there, and one that needs no DNS. A portal
     * under a real name has no default: previews stay off until an address is set.
     */
    static Optional<String> defaultPreviewUrl(String publicUrl) {
        URI uri = URI.create(publicUrl.strip());
        String other =
                switch (host(publicUrl)) {
                    case "localhost" -> "127.0.0.1";
                    case "127.0.0.1", "::1" -> "localhost";
                    default -> null;
                };
        if (other == null) {
            return Optional.empty();
        }
        return Optional.of(
                uri.getScheme().toLowerCase(Locale.ROOT)
                        + "://"
                        + other
                        + (uri.getPort() == -1 ? "" : ":" + uri.getPort()));
    }

    /**
     * The preview address to use: {@code configured} (an http(s) address without a path, on another
     * host than the portal), else the default for {@code publicUrl}; without a trailing slash.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code configured}
     */
    static Optional<String> previewUrl(String configured, String publicUrl) {
        String value = configured == null ? "" : configured.strip();
        if (value.isEmpty()) {
            return defaultPreviewUrl(publicUrl);
        }
        if (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + configured + "' is not an address");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "'"
                            + configured
                            + "' is not an http(s) address without a path, such as"
                            + " https://preview.ide.campus.edu");
        }
        if (host(value).equals(host(publicUrl))) {
            throw new IllegalArgumentException(
                    "'"
                            + configured
                            + "' is on the portal's own host name; browsers send a host's"
                            + " cookies to all its ports, so previews need another name");
        }
        return Optional.of(value);
    }

    /**
     * Whether a state-changing request comes from a page of {@code portalOrigin}: its {@code
     * Origin} header names it, or (a browser that sent none) {@code Sec-Fetch-Site} says {@code
     * same-origin}. A request with neither is refused: every browser in use sends one of them with
     * a POST, so only a forged or stripped request lacks both.
     */
    static boolean sentFrom(String portalOrigin, String originHeader, String fetchSite) {
        if (originHeader != null) {
            if (originHeader.isBlank() || "null".equals(originHeader.strip())) {
                return false; // an opaque origin: a sandboxed page, a redirect across sites
            }
            try {
                return of(originHeader).equals(portalOrigin);
            } catch (IllegalArgumentException | NullPointerException e) {
                return false;
            }
        }
        return "same-origin".equals(fetchSite);
    }
}
