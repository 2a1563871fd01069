package pro.codai.sandbox.connector;

import java.util.List;

import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.api.SandboxStats;
import pro.codai.sandbox.api.VolumeStats;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.SandboxTerminal;
import pro.codai.sandbox.connector.api.TerminalListener;
import pro.codai.sandbox.connector.api.WarmPoolState;

/**
 * The application's handle on a pooled connection: checks it is still open and associated, then
 * delegates. The server may move a handle to another managed connection ({@code
 * associateConnection}).
 */
final class SandboxConnectionHandle implements SandboxConnection {

    private volatile SandboxManagedConnection managed;

    SandboxConnectionHandle(SandboxManagedConnection managed) {
        this.managed = managed;
    }

    void associate(SandboxManagedConnection connection) {
        this.managed = connection;
    }

    void invalidate() {
        this.managed = null;
    }

    private SandboxManagedConnection managed() throws SandboxConnectorException {
        SandboxManagedConnection connection = managed;
        if (connection == null) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE, "the sandbox connection is closed");
        }
        return connection;
    }

    @Override
    public String acquire(SandboxSpec spec) throws SandboxConnectorException {
        return managed().acquire(spec);
    }

    @Override
    public ExecResult exec(String sandbox, ExecRequest request) throws SandboxConnectorException {
        return managed().exec(sandbox, request);
    }

    @Override
    public void destroy(String sandbox) throws SandboxConnectorException {
        managed().destroy(sandbox);
    }

    @Override
    public void release(String sandbox) throws SandboxConnectorException {
        managed().release(sandbox);
    }

    @Override
    public String acquire(SandboxSpec spec, String owner) throws SandboxConnectorException {
        return managed().acquire(spec, owner);
    }

    @Override
    public List<String> list(String owner) throws SandboxConnectorException {
        return managed().list(owner);
    }

    @Override
    public boolean ensureVolume(String volume) throws SandboxConnectorException {
        return managed().ensureVolume(volume);
    }

    @Override
    public boolean ensureVolume(String volume, long sizeBytes) throws SandboxConnectorException {
        return managed().ensureVolume(volume, sizeBytes);
    }

    @Override
    public VolumeStats volumeStats(String volume) throws SandboxConnectorException {
        return managed().volumeStats(volume);
    }

    @Override
    public SandboxTerminal openTerminal(
            String sandbox, int columns, int rows, TerminalListener listener)
            throws SandboxConnectorException {
        return Terminal.open(managed().factory(), sandbox, columns, rows, listener);
    }

    @Override
    public List<String> list() throws SandboxConnectorException {
        return managed().list();
    }

    @Override
    public SandboxStats stats(String sandbox) throws SandboxConnectorException {
        return managed().stats(sandbox);
    }

    @Override
    public WarmPoolState warmPool() throws SandboxConnectorException {
        return managed().warmPool();
    }

    @Override
    public WarmPoolState setWarmPoolTarget(int size) throws SandboxConnectorException {
        return managed().setWarmPoolTarget(size);
    }

    @Override
    public void close() {
        SandboxManagedConnection connection = managed;
        managed = null;
        if (connection != null) {
            connection.handleClosed(this);
        }
    }
}
