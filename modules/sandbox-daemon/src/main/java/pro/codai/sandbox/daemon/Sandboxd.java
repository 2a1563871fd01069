package pro.codai.sandbox.daemon;

import java.util.concurrent.CountDownLatch;

/**
 * sandboxd's entry point: {@code java -cp 'lib/*' pro.codai.sandbox.daemon.Sandboxd}. Runs as root
 * (systemd unit {@code codaipro-sandboxd.service}); stops cleanly on SIGTERM, destroying its
 * sandboxes.
 */
public final class Sandboxd {

    private Sandboxd() {}

    public static void main(String[] args) throws Exception {
        DaemonConfig config;
        try {
            config = DaemonConfig.load();
        } catch (IllegalArgumentException e) {
            System.err.println("sandboxd: cannot start: " + e.getMessage());
            System.exit(78);
            return;
        } catch (java.io.UncheckedIOException e) {
            System.err.println(
                    "sandboxd: cannot start: " + e.getMessage() + " (" + e.getCause() + ")");
            System.exit(78);
            return;
        }
        SandboxDaemon daemon = new SandboxDaemon(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        daemon.close();
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    } finally {
                                        stopped.countDown();
                                    }
                                },
                                "sandboxd-shutdown"));
        daemon.start();
        stopped.await();
    }
}
