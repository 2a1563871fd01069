package pro.codai.sandbox.connector.api;

import java.io.Serializable;

import pro.codai.sandbox.api.SandboxSpec;

/** Hands out pooled connections to sandboxd and admission to the shared run queue. */
public interface SandboxConnectionFactory extends Serializable {

    /** A connection from the pool; close it to give it back. */
    SandboxConnection getConnection() throws SandboxConnectorException;

    /**
     * Waits for one of the server-wide run slots (shared by every application using the adapter).
     * Close the slot when the run is over.
     *
     * @throws SandboxConnectorException with {@link SandboxConnectorException#isOverload()} when
     *     the queue is full or the wait exceeds the adapter's queue timeout
     */
    RunSlot admitRun() throws SandboxConnectorException;

    /** The spec of this factory's default sandbox: image, limits and network from its settings. */
    SandboxSpec defaultSpec();
}
