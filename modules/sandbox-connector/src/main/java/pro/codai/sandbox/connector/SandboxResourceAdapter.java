package pro.codai.sandbox.connector;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

/**
 * The sandbox connector's resource adapter: the application's client of sandboxd, the root service
 * that owns the LXC containers. One per server, shared by every application: it holds the socket
 * path, the server-wide run queue ({@link RunGate}) and the few connections every terminal of the
 * server is multiplexed over ({@link TerminalChannels}); connection factories ({@link
 * SandboxManagedConnectionFactory}) pool connections to sandboxd for requests.
 *
 * <p>Configure it before deployment with {@code create-resource-adapter-config --property
 * SocketPath=…:MaxConcurrentRuns=…:MaxRunsPerCaller=…:MaxQueuedRuns=…:QueueTimeoutMillis=…:
 * TerminalConnections=… sandbox-connector}.
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

    /** Terminal connections to sandboxd unless configured. */
    static final int DEFAULT_TERMINAL_CONNECTIONS = 2;

    @ConfigProperty(
            defaultValue = "2",
            description =
                    "sandboxd connections every terminal of the server is multiplexed over"
                            + " (each carries any number of terminals).")
    private Integer terminalConnections = DEFAULT_TERMINAL_CONNECTIONS;

    private static volatile ExecutorService fallback;

    private volatile WorkManager workManager;
    private volatile RunGate runGate;
    private final Map<Path, TerminalChannels> terminalChannels = new ConcurrentHashMap<>();

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
        terminalChannels.values().forEach(TerminalChannels::close);
        terminalChannels.clear();
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

    /** The terminal connections to sandboxd at {@code socket}, shared by the server's terminals. */
    TerminalChannels terminalChannels(Path socket) {
        return terminalChannels.computeIfAbsent(
                socket,
                path ->
                        new TerminalChannels(
                                path,
                                terminalConnections == null
                                        ? DEFAULT_TERMINAL_CONNECTIONS
                                        : terminalConnections,
                                this::execute));
    }

    /**
     * Runs a terminal connection's reader or a terminal's output delivery on the work manager (on
     * threads of the adapter's own outside a started adapter).
     */
    private void execute(Runnable task) {
        WorkManager work = workManager;
        if (work == null) {
            fallbackExecutor().execute(task);
            return;
        }
        try {
            work.scheduleWork(
                    new Work() {
                        @Override
                        public void run() {
                            task.run();
                        }

                        @Override
                        public void release() {
                            // a reader ends when its connection closes; a delivery on its own
                        }
                    });
        } catch (WorkException e) {
            throw new RejectedExecutionException("no work thread: " + e.getMessage(), e);
        }
    }

    /** Daemon threads for terminals outside a started adapter (tools, tests). */
    static Executor fallbackExecutor() {
        ExecutorService executor = fallback;
        if (executor == null) {
            synchronized (SandboxResourceAdapter.class) {
                if (fallback == null) {
                    fallback =
                            Executors.newCachedThreadPool(
                                    runnable -> {
                                        Thread thread = new Thread(runnable, "sandbox-terminals");
                                        thread.setDaemon(true);
                                        return thread;
                                    });
                }
                executor = fallback;
            }
        }
        return executor;
    }

    public Integer getTerminalConnections() {
        return terminalConnections;
    }

    public void setTerminalConnections(Integer terminalConnections) {
        this.terminalConnections = terminalConnections;
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
                && Objects.equals(queueTimeoutMillis, that.queueTimeoutMillis)
                && Objects.equals(terminalConnections, that.terminalConnections);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                socketPath, maxConcurrentRuns, maxRunsPerCaller, maxQueuedRuns, queueTimeoutMillis);
    }
}
