package pro.codai.sandbox.daemon;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import pro.codai.sandbox.api.DriverConfig;
import pro.codai.sandbox.api.Mount;
import pro.codai.sandbox.api.NetworkPolicy;
import pro.codai.sandbox.api.PtySession;
import pro.codai.sandbox.api.Sandbox;
import pro.codai.sandbox.api.SandboxDriver;
import pro.codai.sandbox.api.SandboxDrivers;
import pro.codai.sandbox.api.SandboxException;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.protocol.ChannelStreams;
import pro.codai.sandbox.protocol.Frames;
import pro.codai.sandbox.protocol.Messages;
import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.TerminalChannel;

/**
 * sandboxd's server: owns the driver, the sandboxes, the warm pool and the reaper, and serves the
 * protocol on a Unix socket only the app server's group can open. It is the privilege boundary:
 * every request is validated, limits are capped by the configured maxima, volumes are names under
 * the configured root, and a bad request gets an error answer, never a crash.
 */
public final class SandboxDaemon implements AutoCloseable {

    static final String ID_PREFIX = "sbx";

    private static final Logger LOG = Logger.getLogger(SandboxDaemon.class.getName());

    /** Destroys sandboxes released with {@code "wait": false}, one after another. */
    private final java.util.concurrent.ExecutorService reclaimer =
            java.util.concurrent.Executors.newSingleThreadExecutor(
                    DaemonThreads.named("sandboxd-reclaimer"));

    private final DaemonConfig config;
    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();

    /** The owner label a client gave a sandbox when acquiring it (absent: none). */
    private final Map<String, String> owners = new ConcurrentHashMap<>();

    private static final java.util.regex.Pattern OWNER =
            java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private final ExecutorService connections =
            Executors.newCachedThreadPool(DaemonThreads.named("sandboxd-connection"));
    private final Semaphore connectionSlots;

    /**
     * Connections on the admin socket, beyond {@link #connectionSlots}: however many ordinary
     * connections are open, {@code sandboxctl} gets in.
     */
    static final int ADMIN_CONNECTIONS = 4;

    private final Semaphore adminSlots = new Semaphore(ADMIN_CONNECTIONS);

    /** Terminals open at once, over every connection. */
    private final Semaphore terminalSlots;

    /** Runs in flight; each may hold two capped output buffers, so the small heap is bounded. */
    private final Semaphore runSlots;

    private SandboxDriver driver;
    private WarmPool pool;
    private ServerSocketChannel server;
    private ServerSocketChannel adminServer;
    private Thread acceptor;
    private Thread adminAcceptor;
    private List<String> reapedAtStart = List.of();
    private volatile boolean closing;

    public SandboxDaemon(DaemonConfig config) {
        this.config = config;
        this.connectionSlots = new Semaphore(config.maxConnections());
        this.terminalSlots = new Semaphore(config.maxTerminals());
        this.runSlots = new Semaphore(config.maxConcurrentRuns(), true);
    }

    /** Initialises the driver, reaps what a crash left, fills the pool and starts listening. */
    public void start() throws IOException, SandboxException {
        Files.createDirectories(config.volumeRoot());
        driver =
                SandboxDrivers.best(
                        new DriverConfig(
                                config.stateDir(),
                                config.imageDir(),
                                config.volumeRoot(),
                                config.maximum(),
                                ID_PREFIX,
                                config.egress(),
                                config.resourceViews()));
        reapedAtStart = driver.reap();
        pool =
                new WarmPool(
                        driver,
                        new SandboxSpec("base", config.defaults(), NetworkPolicy.NONE, List.of()),
                        config.warmPoolSize(),
                        config.warmPoolMaxSize());
        listen();
        LOG.info(
                () ->
                        "sandboxd listening on "
                                + config.socket()
                                + " (driver "
                                + driver.id()
                                + ", warm pool "
                                + config.warmPoolSize()
                                + ", reaped "
                                + reapedAtStart.size()
                                + ")");
    }

    WarmPool pool() {
        return pool;
    }

    /** Ordinary connections that could be opened now. */
    int freeConnections() {
        return connectionSlots.availablePermits();
    }

    /** Admin connections that could be opened now. */
    int freeAdminConnections() {
        return adminSlots.availablePermits();
    }

    private void listen() throws IOException {
        Path socket = config.socket();
        // The admin socket first: root's alone (mode 0600), never counted against the others.
        adminServer = bind(config.adminSocket(), "rw-------");
        adminAcceptor =
                new Thread(
                        () -> acceptLoop(adminServer, adminSlots, "admin connections"),
                        "sandboxd-accept-admin");
        adminAcceptor.start();
        server = bind(socket, "rw-rw----");
        try {
            GroupPrincipal group =
                    socket.getFileSystem()
                            .getUserPrincipalLookupService()
                            .lookupPrincipalByGroupName(config.socketGroup());
            Files.getFileAttributeView(
                            socket, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setGroup(group);
        } catch (IOException e) {
            LOG.warning(
                    () ->
                            "group "
                                    + config.socketGroup()
                                    + " not found: only root can connect to "
                                    + socket);
        }
        acceptor =
                new Thread(
                        () -> acceptLoop(server, connectionSlots, "connections"),
                        "sandboxd-accept");
        acceptor.start();
    }

    /** A listening Unix socket at {@code socket} (replacing a stale one) with {@code mode}. */
    private static ServerSocketChannel bind(Path socket, String mode) throws IOException {
        Files.createDirectories(socket.getParent());
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(socket)) {
                throw new IOException(
                        socket + " exists and is not a socket; refusing to replace it");
            }
            Files.delete(socket);
        }
        ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listening.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(mode));
        return listening;
    }

    private static boolean isSocket(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .isOther();
    }

    private void acceptLoop(ServerSocketChannel listening, Semaphore slots, String what) {
        while (!closing) {
            try {
                SocketChannel channel = listening.accept();
                if (!slots.tryAcquire()) {
                    refuse(channel, "too many " + what);
                    continue;
                }
                connections.execute(
                        () -> {
                            try (channel) {
                                serve(channel);
                            } catch (IOException e) {
                                LOG.log(Level.FINE, "connection ended", e);
                            } finally {
                                slots.release();
                            }
                        });
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(Level.WARNING, "accept failed", e);
                }
            }
        }
    }

    private static void refuse(SocketChannel channel, String why) {
        try (channel) {
            DataOutputStream out = new DataOutputStream(ChannelStreams.output(channel));
            Frames.write(
                    out, error(null, new ProtocolException(ProtocolException.OVERLOADED, why)));
        } catch (IOException e) {
            // the client went away
        }
    }

    private void serve(SocketChannel channel) throws IOException {
        DataInputStream in =
                new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel)));
        DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(ChannelStreams.output(channel)));
        while (!closing) {
            JsonObject request;
            try {
                request = Frames.read(in);
            } catch (ProtocolException e) {
                Frames.write(out, error(null, e));
                if (ProtocolException.FRAME_TOO_LARGE.equals(e.code())) {
                    return; // the rest of the stream cannot be framed any more
                }
                continue;
            } catch (EOFException e) {
                return;
            }
            if (request == null) {
                return;
            }
            if ("terminal".equals(request.getString("op", ""))
                    && request.getInt("v", 0) == Messages.VERSION) {
                openTerminal(request, in, out);
                return; // a terminal connection ends with its terminal
            }
            if (TerminalChannel.OP.equals(request.getString("op", ""))) {
                if (request.getInt("v", 0) != Messages.versionOf(TerminalChannel.OP)) {
                    Frames.write(
                            out,
                            error(
                                    request.get("id"),
                                    new ProtocolException(
                                            ProtocolException.UNSUPPORTED_VERSION,
                                            "terminals needs protocol version 2")));
                    continue;
                }
                Frames.write(out, ok(request.get("id"), TerminalMux.answer(), 2));
                new TerminalMux(
                                in,
                                out,
                                this::openPty,
                                connections,
                                terminalSlots,
                                config.maxTerminals())
                        .run();
                return; // a terminals connection carries nothing else
            }
            Frames.write(out, handle(request));
        }
    }

    /** Answers one request; never throws. */
    JsonObject handle(JsonObject request) {
        JsonValue id = request.get("id");
        JsonValue requestId = id instanceof JsonNumber ? id : null;
        try {
            long version = Messages.number(request, "v", 0, Integer.MAX_VALUE);
            if (version < Messages.VERSION || version > Messages.LATEST_VERSION) {
                throw new ProtocolException(
                        ProtocolException.UNSUPPORTED_VERSION,
                        "protocol version "
                                + version
                                + " is not supported (this daemon speaks "
                                + Messages.VERSION
                                + " to "
                                + Messages.LATEST_VERSION
                                + ")");
            }
            JsonObjectBuilder body = dispatch(Messages.string(request, "op"), request);
            return ok(requestId, body);
        } catch (ProtocolException e) {
            return error(requestId, e);
        } catch (SandboxException e) {
            LOG.log(Level.WARNING, "sandbox operation failed", e);
            return error(
                    requestId,
                    new ProtocolException(ProtocolException.SANDBOX_FAILED, e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected error answering a request", e);
            return error(
                    requestId,
                    new ProtocolException(ProtocolException.SANDBOX_FAILED, "internal error"));
        }
    }

    private JsonObjectBuilder dispatch(String op, JsonObject request)
            throws ProtocolException, SandboxException {
        return switch (op) {
            case "hello" ->
                    Frames.JSON
                            .createObjectBuilder()
                            .add("version", Messages.LATEST_VERSION)
                            .add(
                                    "versions",
                                    Frames.JSON
                                            .createArrayBuilder()
                                            .add(Messages.VERSION)
                                            .add(Messages.LATEST_VERSION))
                            .add("driver", driver.id())
                            .add("warmPool", pool.available())
                            .add("warmPoolTarget", pool.target())
                            .add("reapedAtStart", reapedAtStart.size());
            case "ping" -> Frames.JSON.createObjectBuilder();
            case "warm-pool" -> warmPool(request);
            case "list" -> {
                String owner = owner(request);
                yield Frames.JSON
                        .createObjectBuilder()
                        .add(
                                "sandboxes",
                                Messages.array(
                                        sandboxes.keySet().stream()
                                                .filter(
                                                        id ->
                                                                owner == null
                                                                        || owner.equals(
                                                                                owners.get(id)))
                                                .sorted()
                                                .toList()));
            }
            case "create" -> {
                Sandbox sandbox = create(Messages.spec(request, config.defaults()));
                yield Frames.JSON.createObjectBuilder().add("sandbox", sandbox.id());
            }
            case "acquire" -> acquire(request);
            case "volume" -> {
                String name = Messages.string(request, "volume");
                try {
                    Mount.checkVolumeName(name);
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException(ProtocolException.BAD_REQUEST, e.getMessage());
                }
                long size =
                        request.containsKey("sizeBytes")
                                ? Messages.number(request, "sizeBytes", 1, Long.MAX_VALUE)
                                : config.volumeDefaultBytes();
                yield Frames.JSON
                        .createObjectBuilder()
                        .add(
                                "created",
                                driver.ensureVolume(name, Math.min(size, config.volumeMaxBytes())));
            }
            case "volume-stats" -> {
                String name = Messages.string(request, "volume");
                try {
                    Mount.checkVolumeName(name);
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException(ProtocolException.BAD_REQUEST, e.getMessage());
                }
                yield Messages.volumeStats(driver.volumeStats(name));
            }
            case "start" -> {
                sandbox(request).start();
                yield Frames.JSON.createObjectBuilder();
            }
            case "exec" -> exec(request);
            case "stats" -> Messages.stats(sandbox(request).stats());
            case "stop" -> {
                sandbox(request).stop();
                yield Frames.JSON.createObjectBuilder();
            }
            case "destroy", "kill" -> {
                Sandbox sandbox = sandbox(request);
                sandboxes.remove(sandbox.id());
                owners.remove(sandbox.id());
                if (request.getBoolean("wait", true)) {
                    sandbox.destroy();
                } else {
                    // The caller does not wait for the teardown; sandboxd still owns it, and
                    // its shutdown (or, after a crash, the reaper) finishes what is pending.
                    reclaimer.execute(() -> destroyQuietly(sandbox));
                }
                yield Frames.JSON.createObjectBuilder();
            }
            default ->
                    throw new ProtocolException(
                            ProtocolException.UNKNOWN_OP, "no operation '" + op + "'");
        };
    }

    /**
     * Sets the warm pool's target when the request has a {@code size} (between the configured size
     * and maximum; anything else is refused and changes nothing), and answers the pool's state.
     */
    private JsonObjectBuilder warmPool(JsonObject request) throws ProtocolException {
        if (request.containsKey("size")) {
            long size = Messages.number(request, "size", Integer.MIN_VALUE, Integer.MAX_VALUE);
            try {
                pool.resize((int) size);
            } catch (IllegalArgumentException outOfRange) {
                throw new ProtocolException(ProtocolException.BAD_REQUEST, outOfRange.getMessage());
            }
        }
        return Frames.JSON
                .createObjectBuilder()
                .add("available", pool.available())
                .add("target", pool.target())
                .add("floor", pool.floor())
                .add("max", pool.max());
    }

    private JsonObjectBuilder exec(JsonObject request) throws ProtocolException, SandboxException {
        Sandbox sandbox = sandbox(request);
        var run = Messages.exec(request);
        try {
            runSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException(ProtocolException.OVERLOADED, "shutting down");
        }
        try {
            return Messages.execResult(sandbox.exec(run));
        } finally {
            runSlots.release();
        }
    }

    /** A terminal in one of this daemon's sandboxes, for a multiplexed terminal stream. */
    private PtySession openPty(String id, int columns, int rows) throws ProtocolException {
        Sandbox sandbox = sandboxes.get(id);
        if (sandbox == null) {
            throw new ProtocolException(ProtocolException.NOT_FOUND, "no sandbox '" + id + "'");
        }
        try {
            return sandbox.openPty(columns, rows);
        } catch (SandboxException e) {
            throw new ProtocolException(ProtocolException.SANDBOX_FAILED, e.getMessage());
        }
    }

    /**
     * Switches the connection to a terminal: answers {@code ok}, then carries terminal frames until
     * the shell exits or the client closes.
     */
    private void openTerminal(JsonObject request, DataInputStream in, DataOutputStream out)
            throws IOException {
        PtySession terminal;
        try {
            Sandbox sandbox = sandbox(request);
            terminal =
                    sandbox.openPty(
                            (int) Messages.number(request, "columns", 1, 1000),
                            (int) Messages.number(request, "rows", 1, 1000));
        } catch (ProtocolException e) {
            Frames.write(out, error(request.get("id"), e));
            return;
        } catch (SandboxException e) {
            Frames.write(
                    out,
                    error(
                            request.get("id"),
                            new ProtocolException(
                                    ProtocolException.SANDBOX_FAILED, e.getMessage())));
            return;
        }
        Frames.write(out, ok(request.get("id"), Frames.JSON.createObjectBuilder()));
        TerminalBridge.run(terminal, in, out, connections);
    }

    /**
     * A started sandbox: from the warm pool when the request asks for the pool's image, network and
     * mounts and no higher limits (a warm sandbox is narrowed to the request's limits).
     */
    /** The request's optional {@code owner} label; null when absent. */
    private static String owner(JsonObject request) throws ProtocolException {
        if (!request.containsKey("owner")) {
            return null;
        }
        String owner = Messages.string(request, "owner");
        if (!OWNER.matcher(owner).matches()) {
            throw new ProtocolException(
                    ProtocolException.BAD_REQUEST,
                    "an owner is 1-64 letters, digits, '_', '.' or '-': " + owner);
        }
        return owner;
    }

    private JsonObjectBuilder acquire(JsonObject request)
            throws ProtocolException, SandboxException {
        String owner = owner(request);
        JsonObject acquired = acquireFor(request).build();
        if (owner != null) {
            owners.put(acquired.getString("sandbox"), owner);
        }
        return Frames.JSON.createObjectBuilder(acquired);
    }

    private JsonObjectBuilder acquireFor(JsonObject request)
            throws ProtocolException, SandboxException {
        SandboxSpec spec = Messages.spec(request, config.defaults());
        SandboxSpec capped = spec.withLimits(spec.limits().cappedBy(config.maximum()));
        SandboxSpec pooled = pool.spec();
        // Volumes a pool sandbox lacks are mounted into it once taken (a workspace's home).
        boolean volumesToMount = pooled.mounts().isEmpty() && !capped.mounts().isEmpty();
        if (capped.image().equals(pooled.image())
                && capped.network().equals(pooled.network())
                && (capped.mounts().equals(pooled.mounts()) || volumesToMount)
                && pooled.limits().canNarrowTo(capped.limits())) {
            Sandbox warm = pool.poll();
            if (warm != null
                    && !capped.limits().equals(pooled.limits())
                    && !narrowed(warm, capped)) {
                warm = null;
            }
            if (warm != null && volumesToMount && !mounted(warm, capped)) {
                warm = null;
            }
            if (warm != null) {
                sandboxes.put(warm.id(), warm);
                return Frames.JSON
                        .createObjectBuilder()
                        .add("sandbox", warm.id())
                        .add("warm", true);
            }
        }
        Sandbox sandbox = create(capped);
        try {
            sandbox.start();
        } catch (SandboxException e) {
            sandboxes.remove(sandbox.id());
            sandbox.destroy();
            throw e;
        }
        return Frames.JSON.createObjectBuilder().add("sandbox", sandbox.id()).add("warm", false);
    }

    /**
     * Mounts the spec's volumes into a warm sandbox; destroys it if that fails (the request is then
     * served by a new sandbox, which reports a missing volume, say, as its own error).
     */
    private static boolean mounted(Sandbox warm, SandboxSpec spec) throws SandboxException {
        try {
            warm.mount(spec.mounts());
            return true;
        } catch (SandboxException e) {
            LOG.warning(
                    () ->
                            "could not mount volumes in warm sandbox "
                                    + warm.id()
                                    + ": "
                                    + e.getMessage());
            warm.destroy();
            return false;
        }
    }

    /** Narrows a warm sandbox to the spec's limits; destroys it if that fails. */
    private static boolean narrowed(Sandbox warm, SandboxSpec spec) throws SandboxException {
        try {
            warm.narrow(spec.limits());
            return true;
        } catch (SandboxException e) {
            LOG.warning(() -> "could not narrow warm sandbox " + warm.id() + ": " + e.getMessage());
            warm.destroy();
            return false;
        }
    }

    private Sandbox create(SandboxSpec spec) throws ProtocolException, SandboxException {
        for (String destination : spec.network().allowedHosts()) {
            if (!config.allowedDestinations().contains(destination)) {
                throw new ProtocolException(
                        ProtocolException.FORBIDDEN,
                        "destination '"
                                + destination
                                + "' is not in sandboxd.network.allowed-hosts");
            }
        }
        if (sandboxes.size() >= config.maxSandboxes()) {
            throw new ProtocolException(
                    ProtocolException.OVERLOADED,
                    "at capacity: " + config.maxSandboxes() + " sandboxes");
        }
        Sandbox sandbox = driver.create(spec);
        sandboxes.put(sandbox.id(), sandbox);
        return sandbox;
    }

    private Sandbox sandbox(JsonObject request) throws ProtocolException {
        String id = Messages.string(request, "sandbox");
        Sandbox sandbox = sandboxes.get(id);
        if (sandbox == null) {
            throw new ProtocolException(ProtocolException.NOT_FOUND, "no sandbox '" + id + "'");
        }
        return sandbox;
    }

    private static JsonObject ok(JsonValue id, JsonObjectBuilder body) {
        return ok(id, body, Messages.VERSION);
    }

    private static JsonObject ok(JsonValue id, JsonObjectBuilder body, int version) {
        JsonObjectBuilder response =
                Frames.JSON.createObjectBuilder().add("v", version).add("ok", true);
        if (id != null) {
            response.add("id", id);
        }
        body.build().forEach(response::add);
        return response.build();
    }

    private static JsonObject error(JsonValue id, ProtocolException e) {
        JsonObjectBuilder response =
                Frames.JSON
                        .createObjectBuilder()
                        .add("v", Messages.VERSION)
                        .add("ok", false)
                        .add(
                                "error",
                                Frames.JSON
                                        .createObjectBuilder()
                                        .add("code", e.code())
                                        .add("message", e.getMessage()));
        if (id != null) {
            response.add("id", id);
        }
        return response.build();
    }

    private static void destroyQuietly(Sandbox sandbox) {
        try {
            sandbox.destroy();
        } catch (SandboxException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not destroy " + sandbox.id(), e);
        }
    }

    /**
     * Stops listening, drains the pool, destroys every sandbox and closes the driver (volumes
     * unmounted).
     */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        try {
            if (server != null) {
                server.close();
                Files.deleteIfExists(config.socket());
            }
            if (adminServer != null) {
                adminServer.close();
                Files.deleteIfExists(config.adminSocket());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the socket failed", e);
        }
        connections.shutdownNow();
        if (pool != null) {
            pool.close();
        }
        for (Sandbox sandbox : sandboxes.values()) {
            try {
                sandbox.destroy();
            } catch (SandboxException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not destroy " + sandbox.id(), e);
            }
        }
        sandboxes.clear();
        reclaimer.shutdown();
        if (!reclaimer.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
            LOG.warning("sandboxes still being destroyed at shutdown; the reaper will finish");
        }
        if (acceptor != null) {
            acceptor.join(5000);
        }
        if (adminAcceptor != null) {
            adminAcceptor.join(5000);
        }
        // Its sandboxes are gone: the driver unmounts the students' volumes and ends its helpers.
        if (driver != null) {
            driver.close();
        }
    }
}
