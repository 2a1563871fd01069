package pro.codai.sandbox.lxc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Makes idmapped bind mounts through the {@code idmapper} co-process (see {@code
 * src/main/c/idmapper.c}): an idmapped mount needs a user namespace, and a JVM cannot fork a child
 * into one. The helper ships inside this jar; it is copied into the driver's state directory
 * (root-only) and started once, then restarted if it ever dies.
 */
final class IdMapper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IdMapper.class.getName());

    private final Path executable;
    private Process process;
    private Writer requests;
    private BufferedReader replies;

    IdMapper(Path stateDir) throws IOException {
        executable = Helpers.install(stateDir, "idmapper");
    }

    /**
     * Mounts an idmapped view of {@code source} at {@code target}: ids {@code from..from+count-1}
     * on disk appear as {@code to..to+count-1}.
     *
     * @param flags any of {@code ro}, {@code nosuid}, {@code nodev}, {@code noexec}
     */
    synchronized void mount(Path source, Path target, int from, int to, int count, String... flags)
            throws IOException {
        String request =
                String.join(
                        " ",
                        "mount",
                        plain(source),
                        plain(target),
                        Integer.toString(from),
                        Integer.toString(to),
                        Integer.toString(count),
                        flags.length == 0 ? "-" : String.join(",", flags));
        String reply = exchange(request);
        if (!"ok".equals(reply)) {
            throw new IOException(
                    "cannot mount an idmapped view of " + source + " at " + target + ": " + reply);
        }
    }

    /**
     * Mounts an idmapped view of {@code source} at {@code target} inside the mount namespace of
     * process {@code pid} (a running sandbox's init); {@code target} is resolved in the sandbox
     * without following symbolic links and must be an existing directory.
     */
    synchronized void inject(
            Path source, long pid, String target, int from, int to, int count, String... flags)
            throws IOException {
        String request =
                String.join(
                        " ",
                        "inject",
                        plain(source),
                        plain(Path.of(target)),
                        Integer.toString(from),
                        Integer.toString(to),
                        Integer.toString(count),
                        flags.length == 0 ? "-" : String.join(",", flags),
                        Long.toString(pid));
        String reply = exchange(request);
        if (!"ok".equals(reply)) {
            throw new IOException(
                    "cannot mount an idmapped view of "
                            + source
                            + " at "
                            + target
                            + " in process "
                            + pid
                            + "'s mounts: "
                            + reply);
        }
    }

    private String exchange(String request) throws IOException {
        if (process == null || !process.isAlive()) {
            start();
        }
        requests.write(request + "\n");
        requests.flush();
        String reply = replies.readLine();
        if (reply == null) {
            process = null;
            throw new IOException("the idmapper helper exited");
        }
        return reply;
    }

    private void start() throws IOException {
        if (process != null) {
            LOG.warning("the idmapper helper exited; starting it again");
        }
        process =
                new ProcessBuilder(executable.toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        requests =
                new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        replies =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Paths are built by the driver; one with a space or newline would break the line format. */
    private static String plain(Path path) throws IOException {
        String text = path.toAbsolutePath().toString();
        if (text.chars().anyMatch(c -> c <= ' ')) {
            throw new IOException("path has blanks or control characters: " + text);
        }
        return text;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            process = null;
        }
    }
}
