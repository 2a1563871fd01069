package pro.codai.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * A web page on another site (127.0.0.1 on a port of its own; the portal is on localhost), as an
 * attacker would host it: one HTML page, served to whoever visits.
 */
final class ForeignSite implements AutoCloseable {

    private final HttpServer server;

    private ForeignSite(HttpServer server) {
        this.server = server;
    }

    static ForeignSite serving(String html) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = html.getBytes(StandardCharsets.UTF_8);
        server.createContext(
                "/",
                exchange -> {
                    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=UTF-8");
                    exchange.sendResponseHeaders(200, page.length);
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write(page);
                    }
                });
        server.start();
        return new ForeignSite(server);
    }

    /** A page that posts a form to {@code action} as soon as it loads. */
    static ForeignSite postingTo(String action) throws IOException {
        return serving(
                "<!DOCTYPE html><html><body><form id=\"f\" method=\"post\" action=\""
                        + action
                        + "\"><input type=\"hidden\" name=\"x\" value=\"1\"></form>"
                        + "<script>document.getElementById('f').submit();</script>"
                        + "</body></html>");
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
