package pro.codai.portal.ide;

import java.lang.reflect.Field;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Logger;

import jakarta.websocket.Session;

/**
 * Takes the WebSocket container's idle-timeout bookkeeping off Payara's managed executor for the
 * terminal's sessions.
 *
 * <p>Tyrus (2.1.5 in Payara 6) reschedules a session's idle-timeout task for every message it
 * receives or sends, even with no timeout set, on the server's managed scheduled executor; each
 * schedule captures the thread context, which looks up thread-context providers through the
 * application's class loader across every module of the server. Profiled at 100 active terminals,
 * that was over half of the server's CPU time per echoed keystroke. The terminal has no container
 * idle timeout (the page pings; silent tabs are closed by culling), so the task is a no-op: running
 * it on a plain executor changes nothing but the cost. If a later Tyrus has no such field, the
 * session is left as it is (slower, same behaviour).
 */
final class ContainerTimeouts {

    private static final Logger LOG = Logger.getLogger(ContainerTimeouts.class.getName());

    private static final ScheduledExecutorService PLAIN = plainExecutor();

    private static volatile boolean warned;

    private ContainerTimeouts() {}

    /** Moves the session's idle-timeout task to a plain executor, if the container allows. */
    static void lighten(Session session) {
        try {
            for (Class<?> type = session.getClass(); type != null; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (field.getName().equals("service")
                            && field.getType() == ScheduledExecutorService.class) {
                        field.setAccessible(true);
                        field.set(session, PLAIN);
                        return;
                    }
                }
            }
            warnOnce("no scheduler field in " + session.getClass().getName());
        } catch (ReflectiveOperationException | RuntimeException e) {
            warnOnce(e.toString());
        }
    }

    private static void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.info("terminal sessions keep the container's idle-timeout scheduler: " + why);
        }
    }

    private static ScheduledExecutorService plainExecutor() {
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(
                        1,
                        task -> {
                            Thread thread = new Thread(task, "terminal-idle-timeouts");
                            thread.setDaemon(true);
                            return thread;
                        });
        // Rescheduling cancels the previous task: drop it at once rather than keep it queued.
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
