package pro.codai.sandbox.connector;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Subject;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.EISSystemException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;

import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.NetworkPolicy;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.api.Sizes;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.protocol.SandboxClient;

/**
 * Makes pooled connections to sandboxd. Every knob is a config property with a default; an
 * application defines its factory with {@code @ConnectionFactoryDefinition(resourceAdapter =
 * "sandbox-connector", interfaceName = "…SandboxConnectionFactory", properties = {…})}.
 */
@ConnectionDefinition(
        connectionFactory = SandboxConnectionFactory.class,
        connectionFactoryImpl = SandboxConnectionFactoryImpl.class,
        connection = SandboxConnection.class,
        connectionImpl = SandboxConnectionHandle.class)
public class SandboxManagedConnectionFactory
        implements ManagedConnectionFactory,
                ResourceAdapterAssociation,
                ValidatingManagedConnectionFactory {

    private static final long serialVersionUID = 1L;

    @ConfigProperty(
            defaultValue = "",
            description = "sandboxd's socket for this factory; empty: the adapter's SocketPath.")
    private String socketPath = "";

    @ConfigProperty(defaultValue = "base", description = "Image of the default sandbox.")
    private String defaultImage = "base";

    @ConfigProperty(defaultValue = "512m", description = "Memory of the default sandbox.")
    private String defaultMemory = "512m";

    @ConfigProperty(
            defaultValue = "1000",
            description = "CPU bandwidth of the default sandbox (1000 = one core).")
    private Integer defaultCpuMillicores = 1000;

    @ConfigProperty(defaultValue = "256", description = "Processes and threads of the default.")
    private Integer defaultPids = 256;

    @ConfigProperty(defaultValue = "1g", description = "Writable disk of the default sandbox.")
    private String defaultDisk = "1g";

    @ConfigProperty(defaultValue = "1024", description = "Open files of the default sandbox.")
    private Integer defaultOpenFiles = 1024;

    @ConfigProperty(defaultValue = "600", description = "CPU seconds of one run (default).")
    private Integer defaultCpuSeconds = 600;

    @ConfigProperty(defaultValue = "1800", description = "Wall seconds of one run (default).")
    private Integer defaultWallSeconds = 1800;

    @ConfigProperty(
            defaultValue = "",
            description =
                    "Comma-separated network destinations of the default sandbox (host or"
                            + " host:port); empty: no network.")
    private String defaultAllowedHosts = "";

    private transient ResourceAdapter resourceAdapter;
    private transient TerminalChannels ownTerminalChannels;
    private transient PrintWriter logWriter;

    @Override
    public Object createConnectionFactory(ConnectionManager manager) {
        return new SandboxConnectionFactoryImpl(this, manager);
    }

    @Override
    public Object createConnectionFactory() throws ResourceException {
        throw new ResourceException("the sandbox connector runs inside the application server");
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        return new SandboxManagedConnection(this, connect());
    }

    /** A new client connection to sandboxd. */
    SandboxClient connect() throws ResourceException {
        Path socket = socket();
        try {
            return SandboxClient.connect(socket);
        } catch (java.io.IOException e) {
            EISSystemException failure =
                    new EISSystemException(
                            "cannot connect to sandboxd at " + socket + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    Path socket() {
        if (socketPath != null && !socketPath.isBlank()) {
            return Path.of(socketPath);
        }
        return Path.of(adapter().getSocketPath());
    }

    SandboxResourceAdapter adapter() {
        if (!(resourceAdapter instanceof SandboxResourceAdapter adapter)) {
            throw new IllegalStateException("not associated with the sandbox resource adapter");
        }
        return adapter;
    }

    /** The default sandbox's spec from this factory's properties. */
    SandboxSpec defaultSpec() {
        return new SandboxSpec(
                defaultImage,
                new Limits(
                        bytes(defaultMemory, "DefaultMemory"),
                        defaultCpuMillicores,
                        defaultPids,
                        bytes(defaultDisk, "DefaultDisk"),
                        defaultOpenFiles,
                        Duration.ofSeconds(defaultCpuSeconds),
                        Duration.ofSeconds(defaultWallSeconds)),
                new NetworkPolicy(
                        Arrays.stream(defaultAllowedHosts.split(","))
                                .map(String::strip)
                                .filter(entry -> !entry.isEmpty())
                                .toList()),
                java.util.List.of());
    }

    /** {@code 512m}, {@code 2g}, {@code 64k} or plain bytes. */
    static long bytes(String value, String property) {
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage());
        }
    }

    @Override
    public ManagedConnection matchManagedConnections(
            Set connections, Subject subject, ConnectionRequestInfo info) {
        // Every connection to sandboxd is like every other.
        for (Object candidate : connections) {
            if (candidate instanceof SandboxManagedConnection connection
                    && connection.factory() == this
                    && !connection.isBroken()) {
                return connection;
            }
        }
        return null;
    }

    /** Connections that no longer answer a ping (sandboxd restarted, socket gone). */
    @Override
    public Set getInvalidConnections(Set connections) {
        Set<Object> invalid = new HashSet<>();
        for (Object candidate : connections) {
            if (!(candidate instanceof SandboxManagedConnection connection) || !connection.ping()) {
                invalid.add(candidate);
            }
        }
        return invalid;
    }

    /**
     * The multiplexed connections this factory's terminals travel over: the adapter's for this
     * socket (shared by every factory and application of the server), or this factory's own outside
     * an adapter.
     */
    TerminalChannels terminalChannels() {
        if (resourceAdapter instanceof SandboxResourceAdapter adapter && adapter.isStarted()) {
            return adapter.terminalChannels(socket());
        }
        synchronized (this) {
            if (ownTerminalChannels == null) {
                ownTerminalChannels =
                        new TerminalChannels(
                                socket(),
                                SandboxResourceAdapter.DEFAULT_TERMINAL_CONNECTIONS,
                                SandboxResourceAdapter.fallbackExecutor());
            }
            return ownTerminalChannels;
        }
    }

    /** The adapter's work manager, or null outside a started adapter. */
    jakarta.resource.spi.work.WorkManager workManager() {
        return resourceAdapter instanceof SandboxResourceAdapter adapter
                ? adapter.workManager()
                : null;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter adapter) {
        this.resourceAdapter = adapter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    public String getSocketPath() {
        return socketPath;
    }

    public void setSocketPath(String socketPath) {
        this.socketPath = socketPath;
    }

    public String getDefaultImage() {
        return defaultImage;
    }

    public void setDefaultImage(String defaultImage) {
        this.defaultImage = defaultImage;
    }

    public String getDefaultMemory() {
        return defaultMemory;
    }

    public void setDefaultMemory(String defaultMemory) {
        this.defaultMemory = defaultMemory;
    }

    public Integer getDefaultCpuMillicores() {
        return defaultCpuMillicores;
    }

    public void setDefaultCpuMillicores(Integer defaultCpuMillicores) {
        this.defaultCpuMillicores = defaultCpuMillicores;
    }

    public Integer getDefaultPids() {
        return defaultPids;
    }

    public void setDefaultPids(Integer defaultPids) {
        this.defaultPids = defaultPids;
    }

    public String getDefaultDisk() {
        return defaultDisk;
    }

    public void setDefaultDisk(String defaultDisk) {
        this.defaultDisk = defaultDisk;
    }

    public Integer getDefaultOpenFiles() {
        return defaultOpenFiles;
    }

    public void setDefaultOpenFiles(Integer defaultOpenFiles) {
        this.defaultOpenFiles = defaultOpenFiles;
    }

    public Integer getDefaultCpuSeconds() {
        return defaultCpuSeconds;
    }

    public void setDefaultCpuSeconds(Integer defaultCpuSeconds) {
        this.defaultCpuSeconds = defaultCpuSeconds;
    }

    public Integer getDefaultWallSeconds() {
        return defaultWallSeconds;
    }

    public void setDefaultWallSeconds(Integer defaultWallSeconds) {
        this.defaultWallSeconds = defaultWallSeconds;
    }

    public String getDefaultAllowedHosts() {
        return defaultAllowedHosts;
    }

    public void setDefaultAllowedHosts(String defaultAllowedHosts) {
        this.defaultAllowedHosts = defaultAllowedHosts;
    }

    // Pools compare factories by configuration (Connectors 2.1, 6.5.3.4).
    @Override
    public boolean equals(Object other) {
        return other instanceof SandboxManagedConnectionFactory that
                && Objects.equals(socketPath, that.socketPath)
                && Objects.equals(defaultImage, that.defaultImage)
                && Objects.equals(defaultMemory, that.defaultMemory)
                && Objects.equals(defaultCpuMillicores, that.defaultCpuMillicores)
                && Objects.equals(defaultPids, that.defaultPids)
                && Objects.equals(defaultDisk, that.defaultDisk)
                && Objects.equals(defaultOpenFiles, that.defaultOpenFiles)
                && Objects.equals(defaultCpuSeconds, that.defaultCpuSeconds)
                && Objects.equals(defaultWallSeconds, that.defaultWallSeconds)
                && Objects.equals(defaultAllowedHosts, that.defaultAllowedHosts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(socketPath, defaultImage, defaultMemory, defaultAllowedHosts);
    }
}
