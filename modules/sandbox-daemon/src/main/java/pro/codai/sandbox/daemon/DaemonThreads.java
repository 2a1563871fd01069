package pro.codai.sandbox.daemon;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads, so a thread dump of sandboxd says who is who. */
final class DaemonThreads {

    private DaemonThreads() {}

    static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
