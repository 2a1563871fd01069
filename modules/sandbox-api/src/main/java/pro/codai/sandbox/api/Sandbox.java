package pro.codai.sandbox.api;

import java.util.List;

/**
 * One sandbox: a container created from a {@link SandboxSpec}. Thread-safe: runs may be issued
 * concurrently. Closing it destroys it.
 */
public interface Sandbox extends AutoCloseable {

    /** Driver-assigned id, unique on this host, safe as a file name. */
    String id();

    SandboxSpec spec();

    SandboxState state();

    /** Starts the sandbox's init; returns when it can run commands. */
    void start() throws SandboxException;

    /** Runs a command to completion under the request's and the sandbox's limits. */
    ExecResult exec(ExecRequest request) throws SandboxException;

    /** Opens a login shell on a pseudo-terminal of the given size. */
    PtySession openPty(int columns, int rows) throws SandboxException;

    SandboxStats stats() throws SandboxException;

    /**
     * Lowers the running sandbox's limits to {@code limits} (see {@link Limits#canNarrowTo}), so a
     * sandbox started ahead of time can serve a job with smaller limits. Never raises a limit.
     *
     * @throws SandboxException the limits are not narrower, or the driver cannot narrow them
     */
    default void narrow(Limits limits) throws SandboxException {
        throw new SandboxException("this driver cannot narrow a sandbox's limits");
    }

    /**
     * Mounts volumes into the running sandbox as {@link SandboxSpec#mounts} does at creation, for a
     * sandbox started without any (one taken from a warm pool). Each target must be an existing
     * directory in the sandbox. If this fails part-way, destroy the sandbox.
     */
    default void mount(List<Mount> mounts) throws SandboxException {
        throw new SandboxException("this driver cannot mount volumes into a running sandbox");
    }

    /** Stops every process in the sandbox; the sandbox can be started again. */
    void stop() throws SandboxException;

    /** Stops it and removes everything it wrote outside its mounted volumes. */
    void destroy() throws SandboxException;

    @Override
    default void close() throws SandboxException {
        destroy();
    }
}
