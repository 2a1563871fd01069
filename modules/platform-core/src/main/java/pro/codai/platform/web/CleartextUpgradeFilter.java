package pro.codai.platform.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Serves a request that asks to switch protocols to anything but a WebSocket (in practice {@code
 * Upgrade: h2c}, which Java's HTTP client sends by default on {@code http://}) as the plain
 * HTTP/1.1 request it also is.
 *
 * <p>The server speaks HTTP/1.1 only (HTTP/2 is off: Grizzly's HTTP/2 keeps every stream of a
 * connection that carried a request body, so one connection could fill the heap). With HTTP/2 off,
 * Grizzly still treats any request naming an {@code Upgrade} as switching protocols and hands its
 * body over unframed: whoever reads it reads on past the body into the open connection and waits
 * until the read times out (30 s, then a 500). This filter frames that body by its {@code
 * Content-Length} again and closes the connection after the answer, since Grizzly no longer knows
 * where the next request would begin. A body without a length (chunked) is refused with 411.
 */
public class CleartextUpgradeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || upgrade.equalsIgnoreCase("websocket")) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Connection", "close");
        long length = request.getContentLengthLong();
        if (length < 0 && request.getHeader("Transfer-Encoding") != null) {
            response.sendError(HttpServletResponse.SC_LENGTH_REQUIRED);
            return;
        }
        chain.doFilter(new FramedBody(request, Math.max(0, length)), response);
    }

    /** The request with its body cut at its declared length. */
    private static final class FramedBody extends HttpServletRequestWrapper {

        private final long length;
        private ServletInputStream body;

        FramedBody(HttpServletRequest request, long length) {
            super(request);
            this.length = length;
        }

        @Override
        public synchronized ServletInputStream getInputStream() throws IOException {
            if (body == null) {
                body = new BoundedInput(super.getInputStream(), length);
            }
            return body;
        }
    }

    private static final class BoundedInput extends ServletInputStream {

        private final ServletInputStream raw;
        private long left;

        BoundedInput(ServletInputStream raw, long length) {
            this.raw = raw;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = raw.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int read = raw.read(buffer, offset, (int) Math.min(count, left));
            if (read > 0) {
                left -= read;
            }
            return read;
        }

        @Override
        public boolean isFinished() {
            return left <= 0;
        }

        @Override
        public boolean isReady() {
            return left <= 0 || raw.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            raw.setReadListener(listener);
        }
    }
}
