package pro.codai.sandbox.connector.api;

import java.util.List;

import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.api.SandboxStats;
import pro.codai.sandbox.api.VolumeStats;

/**
 * A handle on a pooled connection to sandboxd. Not for concurrent use; close it (try-with-
 * resources) to return the connection to the pool. After close every method throws.
 */
public interface SandboxConnection extends AutoCloseable {

    /**
     * A started sandbox for the spec, by id: a warm one from sandboxd's pool when the spec is the
     * pool's, else a fresh one. sandboxd caps the limits at its configured maxima.
     */
    String acquire(SandboxSpec spec) throws SandboxConnectorException;

    /** Runs a program in the sandbox and waits for it. */
    ExecResult exec(String sandbox, ExecRequest request) throws SandboxConnectorException;

    /** Stops and removes the sandbox; returns when it is gone. */
    void destroy(String sandbox) throws SandboxConnectorException;

    /**
     * Hands the sandbox back for destruction without waiting for it: sandboxd stops and removes it
     * in the background (and finishes before it shuts down). For the end of a request, where the
     * caller need not wait.
     */
    void release(String sandbox) throws SandboxConnectorException;

    /** Ids of the sandboxes sandboxd holds (all clients). */
    List<String> list() throws SandboxConnectorException;

    SandboxStats stats(String sandbox) throws SandboxConnectorException;

    /**
     * Acquires a started sandbox as {@link #acquire(SandboxSpec)} does, labelled with {@code owner}
     * (1–64 letters, digits, '_', '.', '-') so that {@link #list(String)} finds it, e.g. to release
     * what a crashed holder left.
     */
    String acquire(SandboxSpec spec, String owner) throws SandboxConnectorException;

    /** The sandboxes sandboxd holds that were acquired with this owner label. */
    List<String> list(String owner) throws SandboxConnectorException;

    /**
     * Makes sure a student's volume exists (created with their home directory's starter files if
     * not); returns whether it was created. Mount it with the sandbox spec's mounts.
     */
    boolean ensureVolume(String volume) throws SandboxConnectorException;

    /**
     * As {@link #ensureVolume(String)}, with a hard size: a new volume gets {@code sizeBytes}
     * (sandboxd caps it by its maximum), an existing smaller one grows to it, none ever shrinks.
     */
    boolean ensureVolume(String volume, long sizeBytes) throws SandboxConnectorException;

    /** How full a student's volume is (bytes and inodes, used and total). */
    VolumeStats volumeStats(String volume) throws SandboxConnectorException;

    /**
     * Opens a terminal in a running sandbox: a login shell as the student in {@code /home/student},
     * {@code columns} × {@code rows} (1–1000 each). It uses a sandboxd connection of its own, so it
     * outlives this connection handle; close it to end it.
     */
    SandboxTerminal openTerminal(String sandbox, int columns, int rows, TerminalListener listener)
            throws SandboxConnectorException;

    /** sandboxd's warm pool now: how many sandboxes are ready, its target and bounds. */
    WarmPoolState warmPool() throws SandboxConnectorException;

    /**
     * Sets the size sandboxd keeps its warm pool at, e.g. ahead of a class start; sandboxd starts
     * or destroys pooled sandboxes towards it in the background and answers at once.
     *
     * <pre>{@code
     * try (SandboxConnection sandboxd = factory.getConnection()) {
     *     WarmPoolState pool = sandboxd.warmPool();
     *     sandboxd.setWarmPoolTarget(Math.min(pool.floor() + 30, pool.max()));
     * }
     * }</pre>
     *
     * @return the pool's state after the change
     * @throws SandboxConnectorException {@code bad_request} when {@code size} is below the pool's
     *     floor or above its maximum (nothing changes), or sandboxd is unavailable
     */
    WarmPoolState setWarmPoolTarget(int size) throws SandboxConnectorException;

    @Override
    void close();
}
