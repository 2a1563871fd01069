package pro.codai.sandbox.connector;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;

import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.api.SandboxStats;
import pro.codai.sandbox.api.VolumeStats;
import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.WarmPoolState;
import pro.codai.sandbox.protocol.Frames;
import pro.codai.sandbox.protocol.Messages;
import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.SandboxClient;

/**
 * One pooled connection to sandboxd. If the connection turns out dead (sandboxd restarted since it
 * was opened), a request is sent again once on a fresh connection: a dead peer processed nothing,
 * and a sandbox it may have created before dying is removed by its reaper. If sandboxd stays
 * unreachable the pool is told, and it discards this connection.
 */
final class SandboxManagedConnection implements ManagedConnection {

    private static final Logger LOG = Logger.getLogger(SandboxManagedConnection.class.getName());

    private final SandboxManagedConnectionFactory factory;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final List<SandboxConnectionHandle> handles = new CopyOnWriteArrayList<>();
    private SandboxClient client;
    private volatile boolean broken;
    private PrintWriter logWriter;

    SandboxManagedConnection(SandboxManagedConnectionFactory factory, SandboxClient client) {
        this.factory = factory;
        this.client = client;
    }

    SandboxManagedConnectionFactory factory() {
        return factory;
    }

    boolean isBroken() {
        return broken;
    }

    String acquire(SandboxSpec spec) throws SandboxConnectorException {
        return call("acquire", Messages.specFields(spec)).getString("sandbox");
    }

    String acquire(SandboxSpec spec, String owner) throws SandboxConnectorException {
        return call("acquire", Messages.specFields(spec).add("owner", owner)).getString("sandbox");
    }

    ExecResult exec(String sandbox, ExecRequest request) throws SandboxConnectorException {
        JsonObject answer = call("exec", Messages.execFields(sandbox, request));
        try {
            return Messages.execResult(answer);
        } catch (ProtocolException e) {
            throw new SandboxConnectorException(e.code(), e.getMessage(), e);
        }
    }

    boolean ensureVolume(String volume) throws SandboxConnectorException {
        return call("volume", SandboxClient.fields().add("volume", volume)).getBoolean("created");
    }

    boolean ensureVolume(String volume, long sizeBytes) throws SandboxConnectorException {
        return call(
                        "volume",
                        SandboxClient.fields().add("volume", volume).add("sizeBytes", sizeBytes))
                .getBoolean("created");
    }

    VolumeStats volumeStats(String volume) throws SandboxConnectorException {
        JsonObject answer = call("volume-stats", SandboxClient.fields().add("volume", volume));
        try {
            return Messages.volumeStats(answer);
        } catch (ProtocolException e) {
            throw new SandboxConnectorException(e.code(), e.getMessage(), e);
        }
    }

    void destroy(String sandbox) throws SandboxConnectorException {
        call("destroy", SandboxClient.fields().add("sandbox", sandbox));
    }

    void release(String sandbox) throws SandboxConnectorException {
        call("destroy", SandboxClient.fields().add("sandbox", sandbox).add("wait", false));
    }

    List<String> list() throws SandboxConnectorException {
        return ids(call("list", SandboxClient.fields()));
    }

    List<String> list(String owner) throws SandboxConnectorException {
        return ids(call("list", SandboxClient.fields().add("owner", owner)));
    }

    private static List<String> ids(JsonObject answer) {
        List<String> ids = new ArrayList<>();
        for (JsonValue id : answer.getJsonArray("sandboxes")) {
            ids.add(((JsonString) id).getString());
        }
        return ids;
    }

    SandboxStats stats(String sandbox) throws SandboxConnectorException {
        JsonObject answer = call("stats", SandboxClient.fields().add("sandbox", sandbox));
        try {
            return Messages.stats(answer);
        } catch (ProtocolException e) {
            throw new SandboxConnectorException(e.code(), e.getMessage(), e);
        }
    }

    WarmPoolState warmPool() throws SandboxConnectorException {
        return warmPoolState(call("warm-pool", SandboxClient.fields()));
    }

    WarmPoolState setWarmPoolTarget(int size) throws SandboxConnectorException {
        return warmPoolState(call("warm-pool", SandboxClient.fields().add("size", size)));
    }

    private static WarmPoolState warmPoolState(JsonObject answer) throws SandboxConnectorException {
        try {
            return new WarmPoolState(
                    (int) Messages.number(answer, "available", 0, Integer.MAX_VALUE),
                    (int) Messages.number(answer, "target", 0, Integer.MAX_VALUE),
                    (int) Messages.number(answer, "floor", 0, Integer.MAX_VALUE),
                    (int) Messages.number(answer, "max", 0, Integer.MAX_VALUE));
        } catch (ProtocolException e) {
            throw new SandboxConnectorException(e.code(), e.getMessage(), e);
        }
    }

    /** Whether sandboxd answers on this connection; used by pool validation. */
    synchronized boolean ping() {
        if (broken) {
            return false;
        }
        try {
            client.call("ping", SandboxClient.fields());
            return true;
        } catch (IOException | ProtocolException | RuntimeException e) {
            broken = true;
            return false;
        }
    }

    private synchronized JsonObject call(String op, JsonObjectBuilder fields)
            throws SandboxConnectorException {
        JsonObject request = fields.build();
        try {
            return client.call(op, copy(request));
        } catch (ProtocolException e) {
            throw new SandboxConnectorException(e.code(), e.getMessage(), e);
        } catch (IOException first) {
            try {
                reconnect();
                return client.call(op, copy(request));
            } catch (ProtocolException e) {
                throw new SandboxConnectorException(e.code(), e.getMessage(), e);
            } catch (IOException | ResourceException again) {
                broken = true;
                notifyError(again);
                throw new SandboxConnectorException(
                        SandboxConnectorException.UNAVAILABLE,
                        "sandboxd is not reachable at "
                                + factory.socket()
                                + ": "
                                + again.getMessage(),
                        again);
            }
        }
    }

    private static JsonObjectBuilder copy(JsonObject request) {
        return Frames.JSON.createObjectBuilder(request);
    }

    private void reconnect() throws ResourceException {
        closeQuietly();
        client = factory.connect();
        LOG.info(() -> "Reconnected to sandboxd at " + factory.socket());
    }

    private void notifyError(Exception cause) {
        ConnectionEvent event =
                new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, cause);
        for (ConnectionEventListener listener : listeners) {
            listener.connectionErrorOccurred(event);
        }
    }

    void handleClosed(SandboxConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener listener : listeners) {
            listener.connectionClosed(event);
        }
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) {
        SandboxConnectionHandle handle = new SandboxConnectionHandle(this);
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof SandboxConnectionHandle handle)) {
            throw new ResourceException("not a sandbox connection handle: " + connection);
        }
        handle.associate(this);
        handles.add(handle);
    }

    @Override
    public void cleanup() {
        for (SandboxConnectionHandle handle : handles) {
            handle.invalidate();
        }
        handles.clear();
    }

    @Override
    public void destroy() {
        cleanup();
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            client.close();
        } catch (IOException e) {
            // closing a dead socket
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("sandboxd has no transactions");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("sandboxd has no transactions");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "sandboxd";
            }

            @Override
            public String getEISProductVersion() {
                return Integer.toString(Messages.VERSION);
            }

            @Override
            public int getMaxConnections() {
                return 0; // sandboxd limits connections itself
            }

            @Override
            public String getUserName() {
                return "";
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
