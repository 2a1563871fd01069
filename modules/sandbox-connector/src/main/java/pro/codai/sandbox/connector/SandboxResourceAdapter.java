package pro.codai.sandbox.connector;

import java.util.Objects;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;

/**
 * The sandbox connector's resource adapter: the application's client of sandboxd, the root service
 * that owns the LXC containers. One per server, shared by every application: it holds the socket
 * path and the server-wide run queue ({@link RunGate}); connection factories ({@link
 * SandboxManagedConnectionFactory}) pool connections to sandboxd.
 *
 * <p>Configure it before deployment with {@code create-resource-adapter-config --property
 * SocketPath=…:MaxConcurrentRuns=…:MaxRunsPerCaller=…:MaxQueuedRuns=…:QueueTimeoutMillis=…
 * sandbox-connector}.
 */
@Connector(
        displayName = "CodaiPro sandbox connector",
        description = "Client of sandboxd: sandboxes, code execution and terminals.",
        vendorName = "CodaiPro",
        eisType = "sandboxd",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction)
public class SandboxResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(SandboxResourceAdapter.class.getName());

    @ConfigProperty(
            defaultValue = "/run/codaipro/sandboxd.sock",
            description = "Unix socket on which sandboxd listens.")
    private String socketPath = "/run/codaipro/sandboxd.sock";

    @ConfigProperty(
            defaultValue = "4",
            description =
                    "Runs (compile-and-run jobs) executing at once, server-wide; keep it near the"
                            + " number of cores.")
    private Integer maxConcurrentRuns = 4;

    @ConfigProperty(
            defaultValue = "0",
            description =
                    "Runs one caller (a person, an API key) may have executing at once; at most"
                            + " MaxConcurrentRuns. 0: all of MaxConcurrentRuns but one, at least 1.")
    private Integer maxRunsPerCaller = 0;

    @ConfigProperty(
            defaultValue = "512",
            description = "Runs allowed to wait for a slot; more are refused at once as overload.")
    private Integer maxQueuedRuns = 512;

    @ConfigProperty(
            defaultValue = "60000",
            description = "Longest a run waits for a slot before it is refused as overload (ms).")
    private Integer queueTimeoutMillis = 60_000;

    private volatile WorkManager workManager;
    private volatile RunGate runGate;

    @Override
    public void start(BootstrapContext context) {
        workManager = context.getWorkManager();
        int perCaller =
                maxRunsPerCaller == null || maxRunsPerCaller == 0
                        ? RunGate.defaultPerCaller(maxConcurrentRuns)
                        : maxRunsPerCaller;
        runGate = new RunGate(maxConcurrentRuns, perCaller, maxQueuedRuns, queueTimeoutMillis);
        LOG.info(
                () ->
                        "Sandbox connector started: sandboxd socket "
                                + socketPath
                                + ", "
                                + maxConcurrentRuns
                                + " concurrent runs ("
                                + perCaller
                                + " per caller), "
                                + maxQueuedRuns
                                + " queued");
    }

    @Override
    public void stop() {
        workManager = null;
        LOG.info("Sandbox connector stopped");
    }

    /** Whether the server started the adapter and handed it a work manager. */
    public boolean isStarted() {
        return workManager != null;
    }

    WorkManager workManager() {
        return workManager;
    }

    RunGate runGate() {
        RunGate gate = runGate;
        if (gate == null) {
            throw new IllegalStateException("the sandbox connector is not started");
        }
        return gate;
    }

    public String getSocketPath() {
        return socketPath;
    }

    public void setSocketPath(String socketPath) {
        this.socketPath = socketPath;
    }

    public Integer getMaxConcurrentRuns() {
        return maxConcurrentRuns;
    }

    public void setMaxConcurrentRuns(Integer maxConcurrentRuns) {
        this.maxConcurrentRuns = maxConcurrentRuns;
    }

    public Integer getMaxRunsPerCaller() {
        return maxRunsPerCaller;
    }

    public void setMaxRunsPerCaller(Integer maxRunsPerCaller) {
        this.maxRunsPerCaller = maxRunsPerCaller;
    }

    public Integer getMaxQueuedRuns() {
        return maxQueuedRuns;
    }

    public void setMaxQueuedRuns(Integer maxQueuedRuns) {
        this.maxQueuedRuns = maxQueuedRuns;
    }

    public Integer getQueueTimeoutMillis() {
        return queueTimeoutMillis;
    }

    public void setQueueTimeoutMillis(Integer queueTimeoutMillis) {
        this.queueTimeoutMillis = queueTimeoutMillis;
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec)
            throws ResourceException {
        throw new NotSupportedException("the sandbox connector has no inbound endpoints");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        // no inbound endpoints
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    // The server compares adapters by identity of configuration (Connectors 2.1, 5.3.1).
    @Override
    public boolean equals(Object other) {
        return other instanceof SandboxResourceAdapter that
                && Objects.equals(socketPath, that.socketPath)
                && Objects.equals(maxConcurrentRuns, that.maxConcurrentRuns)
                && Objects.equals(maxRunsPerCaller, that.maxRunsPerCaller)
                && Objects.equals(maxQueuedRuns, that.maxQueuedRuns)
                && Objects.equals(queueTimeoutMillis, that.queueTimeoutMillis);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                socketPath, maxConcurrentRuns, maxRunsPerCaller, maxQueuedRuns, queueTimeoutMillis);
    }
}
