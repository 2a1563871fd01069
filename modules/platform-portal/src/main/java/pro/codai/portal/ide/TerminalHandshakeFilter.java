package pro.codai.portal.ide;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The outermost filter of the terminal's handshake: what {@code @OnOpen} asks to do after the
 * handshake starts only once the container has finished with the upgrade request.
 *
 * <p>Why: closing an upgraded socket makes Payara finish the suspended upgrade response and recycle
 * the request. If that happens while the container is still unwinding the upgrade request (its
 * filters, listeners, monitoring, all after {@code @OnOpen}), the rest of that request runs on a
 * recycled object, and the object goes back to the pool twice: later requests then share it, and
 * handshakes hang or fail. A terminal refused at once (sandboxd at capacity) closed its socket in
 * exactly that window.
 */
public class TerminalHandshakeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private static final ThreadLocal<List<Runnable>> AFTER_HANDSHAKE = new ThreadLocal<>();

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        List<Runnable> after = new ArrayList<>();
        AFTER_HANDSHAKE.set(after);
        try {
            chain.doFilter(request, response);
        } finally {
            AFTER_HANDSHAKE.remove();
            for (Runnable task : after) {
                submit(task);
            }
        }
    }

    /**
     * Runs {@code task} on a thread of its own once the handshake on this thread is over (at once
     * when this thread is not in a handshake).
     */
    static void afterHandshake(Runnable task) {
        List<Runnable> after = AFTER_HANDSHAKE.get();
        if (after != null) {
            after.add(task);
        } else {
            submit(task);
        }
    }

    private static void submit(Runnable task) {
        try {
            CDI.current().select(TerminalStarts.class).get().submit(task);
        } catch (RejectedExecutionException stopping) {
            // The application is stopping; the page reconnects to the next one.
        }
    }
}
