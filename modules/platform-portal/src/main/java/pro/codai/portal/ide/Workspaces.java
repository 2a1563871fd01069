package pro.codai.portal.ide;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.sandbox.api.Mount;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * The Try Now workspaces of this server: one per signed-in person, each a sandbox of their own with
 * their volume ({@code home-<hash of their account id>}) mounted as {@code /home/student}. A
 * workspace whose terminal no tab has shown for the grace period is ended and its sandbox released;
 * the volume, and so the files, stay.
 */
@ApplicationScoped
public class Workspaces {

    private static final Logger LOG = Logger.getLogger(Workspaces.class.getName());

    static final String HOME = "/home/student";

    /** sandboxd's owner label of workspace sandboxes. */
    static final String OWNER = "try-now";

    @Inject SandboxConnectionFactory sandboxes;

    @Inject
    @ConfigProperty(name = "codaipro.ide.grace-seconds", defaultValue = "900")
    long graceSeconds;

    @Resource ManagedScheduledExecutorService scheduler;

    private final Map<String, Workspace> bySubject = new ConcurrentHashMap<>();
    private final Map<String, Object> openLocks = new ConcurrentHashMap<>();
    private ScheduledFuture<?> culling;

    @PostConstruct
    void startCulling() {
        long period = Math.max(1, Math.min(60, graceSeconds / 4));
        culling = scheduler.scheduleWithFixedDelay(this::cull, period, period, TimeUnit.SECONDS);
    }

    /**
     * Releases the workspace sandboxes a previous server process left in sandboxd. Workspaces live
     * in this server's memory, so at start every sandbox labelled {@link #OWNER} is an orphan of a
     * server that was killed rather than stopped (a stop releases them, {@link #endAll}).
     */
    void releaseOrphans(@Observes @Initialized(ApplicationScoped.class) Object started) {
        try (SandboxConnection connection = sandboxes.getConnection()) {
            List<String> orphans = connection.list(OWNER);
            for (String orphan : orphans) {
                connection.release(orphan);
            }
            if (!orphans.isEmpty()) {
                LOG.info(
                        () ->
                                "Released "
                                        + orphans.size()
                                        + " workspace sandboxes left by the last run");
            }
        } catch (SandboxConnectorException e) {
            LOG.warning(
                    "could not look for workspace sandboxes left by the last run: "
                            + e.getMessage());
        }
    }

    /** The person's workspace, started (sandbox acquired, volume mounted) if they have none. */
    Workspace open(String subject) throws SandboxConnectorException {
        Workspace existing = bySubject.get(subject);
        if (existing != null) {
            return existing;
        }
        synchronized (openLocks.computeIfAbsent(subject, key -> new Object())) {
            existing = bySubject.get(subject);
            if (existing != null) {
                return existing;
            }
            String volume = volumeOf(subject);
            try (SandboxConnection connection = sandboxes.getConnection()) {
                connection.ensureVolume(volume);
                SandboxSpec spec =
                        sandboxes.defaultSpec().withMounts(List.of(new Mount(volume, HOME, false)));
                Workspace started = new Workspace(subject, connection.acquire(spec, OWNER));
                bySubject.put(subject, started);
                LOG.info(() -> "Workspace started in sandbox " + started.sandbox());
                return started;
            }
        }
    }

    /** The connection factory (through a method: a CDI proxy's fields are not the bean's). */
    SandboxConnectionFactory sandboxes() {
        return sandboxes;
    }

    /** The person's workspace if they have one running. */
    Workspace find(String subject) {
        return bySubject.get(subject);
    }

    /** Ends a workspace: its terminal, then its sandbox; the volume stays. */
    void end(Workspace workspace, CloseReason reason) {
        if (!bySubject.remove(workspace.subject(), workspace)) {
            return;
        }
        workspace.closeTerminal(reason);
        try (SandboxConnection connection = sandboxes.getConnection()) {
            connection.release(workspace.sandbox());
        } catch (SandboxConnectorException e) {
            LOG.warning("could not release sandbox " + workspace.sandbox() + ": " + e.getMessage());
        }
    }

    void cull() {
        long now = System.currentTimeMillis();
        for (Workspace workspace : List.copyOf(bySubject.values())) {
            if (workspace.unattendedFor(graceSeconds * 1000, now)) {
                LOG.info(
                        () -> "Workspace in sandbox " + workspace.sandbox() + " ended: unattended");
                end(
                        workspace,
                        new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "workspace idle"));
            }
        }
    }

    @PreDestroy
    void endAll() {
        if (culling != null) {
            culling.cancel(false);
        }
        for (Workspace workspace : List.copyOf(bySubject.values())) {
            end(workspace, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server stopping"));
        }
    }

    /** The volume of an account: a name from its id, which a volume name cannot hold as is. */
    static String volumeOf(String subject) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(subject.getBytes(StandardCharsets.UTF_8));
            return "home-" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
