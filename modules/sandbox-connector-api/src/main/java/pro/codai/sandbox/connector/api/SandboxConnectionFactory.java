package pro.codai.sandbox.connector.api;

import java.io.Serializable;

import pro.codai.sandbox.api.SandboxSpec;

/** Hands out pooled connections to sandboxd and admission to the shared run queue. */
public interface SandboxConnectionFactory extends Serializable {

    /** A connection from the pool; close it to give it back. */
    SandboxConnection getConnection() throws SandboxConnectorException;

    /**
     * Waits for one of the server-wide run slots (shared by every application using the adapter).
     * One caller holds at most the adapter's {@code MaxRunsPerCaller} slots at once, and waiting
     * callers are served in turn (the one holding the fewest slots first), so one caller's burst
     * cannot hold up everybody else's runs. Close the slot when the run is over.
     *
     * @param caller who the run is for, the same name for every run of theirs across applications
     *     (e.g. {@code person:<subject>}, {@code api-key:<id>})
     * @throws SandboxConnectorException with {@link SandboxConnectorException#isOverload()} when
     *     the queue is full or the wait exceeds the adapter's queue timeout
     */
    RunSlot admitRun(String caller) throws SandboxConnectorException;

    /** The spec of this factory's default sandbox: image, limits and network from its settings. */
    SandboxSpec defaultSpec();
}
