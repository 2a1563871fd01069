package pro.codai.portal.ide;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

import pro.codai.platform.account.AccessChanges;
import pro.codai.platform.account.Plan;
import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.audit.AuditEntry;
import pro.codai.platform.audit.AuditEvent;
import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.quota.TryNowQuotas;
import pro.codai.sandbox.api.Mount;
import pro.codai.sandbox.api.NetworkPolicy;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.api.SandboxStats;
import pro.codai.sandbox.api.VolumeStats;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.WarmPoolState;

/**
 * The Try Now workspaces of this server: one per signed-in person, each a sandbox of their own with
 * their volume ({@code home-<hash of their account id>}) mounted as {@code /home/student}. A
 * workspace whose terminal no tab has shown for the grace period is ended and its sandbox released;
 * the volume, and so the files, stay. So is one nobody has used for the idle time (no input, no
 * saves, no program using the CPU), and one whose plan's daily Try Now time is used up.
 */
@ApplicationScoped
public class Workspaces {

    private static final Logger LOG = Logger.getLogger(Workspaces.class.getName());

    static final String HOME = "/home/student";

    /** sandboxd's owner label of workspace sandboxes. */
    static final String OWNER = "try-now";

    /** Close code: the plan's daily Try Now time is used up. */
    static final int QUOTA_USED_UP = 4002;

    /** Close code: ended after the idle time without activity. */
    static final int IDLE = 4003;

    /** Close code: ended by an administrator from the console. */
    static final int ENDED_BY_ADMINISTRATOR = 4004;

    /** Close code: an administrator suspended the person or ended all their sessions. */
    static final int ACCESS_ENDED = 4005;

    /** How often open workspaces are checked against administrators' access changes. */
    private static final long ACCESS_CHECK_MILLIS = 1000;

    /** Action recorded when an administrator ends someone's workspace. */
    public static final String ENDED_BY_ADMINISTRATOR_ACTION = "session.ended-by-admin";

    /** Action recorded when a workspace ends (its detail: why, and after how long). */
    static final String SESSION_ENDED = "session.ended";

    /** CPU time per activity check above which the student's programs count as busy. */
    static final long BUSY_CPU_NANOS = 100_000_000L;

    /** A tab silent this long (the page pings every 30 s) is gone. */
    static final long TAB_SILENCE_MILLIS = 95_000;

    private static final long METER_MILLIS = 2000;
    private static final long SAVE_EVERY_METERS = 10;

    @Inject SandboxConnectionFactory sandboxes;

    @Inject
    @ConfigProperty(name = "codaipro.ide.grace-seconds", defaultValue = "900")
    long graceSeconds;

    @Inject
    @ConfigProperty(name = "codaipro.ide.idle-seconds", defaultValue = "1800")
    long idleSeconds;

    @Inject
    @ConfigProperty(name = "codaipro.ide.quota-warning-seconds", defaultValue = "300")
    long warningSeconds;

    // Optional: MicroProfile Config treats an empty default as no value at all.
    @Inject
    @ConfigProperty(name = "codaipro.ide.git-hosts")
    Optional<String> gitHostsSetting;

    @Inject UserProfiles profiles;
    @Inject TryNowQuotas quotas;
    @Inject AuditLog audit;
    @Inject AccessChanges access;

    @Resource ManagedScheduledExecutorService scheduler;

    private final Map<String, Workspace> bySubject = new ConcurrentHashMap<>();
    private final Map<String, Object> openLocks = new ConcurrentHashMap<>();

    /** The workspaces' network: to the allowed Git hosts only (none: no network). */
    private NetworkPolicy network;

    private ScheduledFuture<?> culling;
    private ScheduledFuture<?> metering;
    private ScheduledFuture<?> accessChecking;
    private long meters;

    @PostConstruct
    void startCulling() {
        List<String> hosts =
                Arrays.stream(gitHostsSetting.orElse("").split("[,\\s]+"))
                        .map(host -> host.strip().toLowerCase(Locale.ROOT))
                        .filter(host -> !host.isEmpty())
                        .toList();
        try {
            network = new NetworkPolicy(hosts);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("codaipro.ide.git-hosts: " + e.getMessage(), e);
        }
        long period = cullPeriodMillis();
        culling =
                scheduler.scheduleWithFixedDelay(this::cull, period, period, TimeUnit.MILLISECONDS);
        metering =
                scheduler.scheduleWithFixedDelay(
                        this::meter, METER_MILLIS, METER_MILLIS, TimeUnit.MILLISECONDS);
        accessChecking =
                scheduler.scheduleWithFixedDelay(
                        this::endRevoked,
                        ACCESS_CHECK_MILLIS,
                        ACCESS_CHECK_MILLIS,
                        TimeUnit.MILLISECONDS);
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
    Workspace open(String subject) throws SandboxConnectorException, QuotaUsedUpException {
        Workspace existing = bySubject.get(subject);
        if (existing != null) {
            return existing;
        }
        synchronized (openLocks.computeIfAbsent(subject, key -> new Object())) {
            existing = bySubject.get(subject);
            if (existing != null) {
                return existing;
            }
            long allowance = quotas.dailyAllowanceSeconds(planOf(subject));
            LocalDate today = LocalDate.now();
            long used = quotas.usedSeconds(subject, today);
            if (allowance != TryNowQuotas.UNLIMITED && used >= allowance) {
                throw new QuotaUsedUpException(allowance);
            }
            String volume = volumeOf(subject);
            try (SandboxConnection connection = sandboxes.getConnection()) {
                connection.ensureVolume(volume, quotas.homeBytes(planOf(subject)));
                // The network reaches the allowed Git hosts and nothing else (sandboxd enforces
                // it; the hosts must be in its own allowlist too).
                SandboxSpec spec =
                        sandboxes
                                .defaultSpec()
                                .withMounts(List.of(new Mount(volume, HOME, false)))
                                .withNetwork(network);
                Workspace started =
                        new Workspace(
                                subject, connection.acquire(spec, OWNER), allowance, today, used);
                bySubject.put(subject, started);
                LOG.info(() -> "Workspace started in sandbox " + started.sandbox());
                recordQuietly(
                        subject,
                        AuditEvent.SESSION_STARTED,
                        subject,
                        "sandbox " + started.sandbox());
                return started;
            }
        }
    }

    /**
     * The open workspaces as an administrator watches them, longest open first: whose, since when,
     * idle for how long, and what the sandbox uses now (-1 where sandboxd could not say).
     */
    public List<LiveWorkspace> live() {
        List<Workspace> open = new ArrayList<>(bySubject.values());
        open.sort(Comparator.comparingLong(Workspace::startedMillis));
        List<LiveWorkspace> live = new ArrayList<>(open.size());
        long now = System.currentTimeMillis();
        try (SandboxConnection connection = sandboxes.getConnection()) {
            for (Workspace workspace : open) {
                live.add(liveOf(workspace, now, connection));
            }
        } catch (SandboxConnectorException e) {
            LOG.fine(() -> "no sandboxd for the live view: " + e.getMessage());
            for (Workspace workspace : open.subList(live.size(), open.size())) {
                live.add(liveOf(workspace, now, null));
            }
        }
        return live;
    }

    private LiveWorkspace liveOf(Workspace workspace, long now, SandboxConnection connection) {
        SandboxStats stats = null;
        VolumeStats home = null;
        if (connection != null) {
            try {
                stats = connection.stats(workspace.sandbox());
                home = connection.volumeStats(volumeOf(workspace.subject()));
            } catch (SandboxConnectorException e) {
                LOG.fine(() -> "no statistics of " + workspace.sandbox() + ": " + e.getMessage());
            }
        }
        return new LiveWorkspace(
                workspace.subject(),
                workspace.sandbox(),
                Instant.ofEpochMilli(workspace.startedMillis()),
                Math.max(0, (now - workspace.lastActivityMillis()) / 1000),
                stats == null ? -1 : stats.cpuNanos() / 1_000_000,
                stats == null ? -1 : stats.memoryBytes(),
                stats == null ? -1 : stats.pids(),
                home == null ? -1 : home.usedBytes(),
                home == null ? -1 : home.totalBytes());
    }

    /**
     * Ends a person's workspace for an administrator (the page is told, the files stay); recorded
     * as done by {@code administrator}. False when the person has no workspace open.
     */
    public boolean endForAdministrator(String subject, String sandbox, String administrator) {
        Workspace workspace = bySubject.get(subject);
        // Only the workspace the administrator saw, and only if this call is what ends it.
        if (workspace == null
                || !workspace.sandbox().equals(sandbox)
                || !end(
                        workspace,
                        new CloseReason(
                                TerminalHub.closeCode(ENDED_BY_ADMINISTRATOR),
                                "ended by an administrator"))) {
            return false;
        }
        LOG.info(() -> "Workspace in sandbox " + sandbox + " ended by an administrator");
        recordQuietly(administrator, ENDED_BY_ADMINISTRATOR_ACTION, subject, "sandbox " + sandbox);
        return true;
    }

    /** The sandbox host's warm pool, as sandboxd reports it; empty when sandboxd is unreachable. */
    public Optional<WarmPoolState> warmPool() {
        try (SandboxConnection connection = sandboxes.getConnection()) {
            return Optional.of(connection.warmPool());
        } catch (SandboxConnectorException e) {
            return Optional.empty();
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

    /**
     * Where students may clone from ({@code codaipro.ide.git-hosts}): {@code host} (HTTPS on 443)
     * or {@code host:port} entries; empty when cloning is off.
     */
    List<String> gitHosts() {
        return network.allowedHosts();
    }

    /** The running workspace whose preview address holds {@code token}. */
    Workspace findByPreviewToken(String token) {
        for (Workspace workspace : bySubject.values()) {
            if (MessageDigest.isEqual(
                    workspace.previewToken().getBytes(StandardCharsets.US_ASCII),
                    token.getBytes(StandardCharsets.US_ASCII))) {
                return workspace;
            }
        }
        return null;
    }

    /** The person's Try Now time today, from their running workspace or the database. */
    Quota quota(String subject) {
        Plan plan = planOf(subject);
        Workspace running = bySubject.get(subject);
        if (running != null) {
            return new Quota(
                    plan.name(), running.allowanceSeconds(), running.usedSeconds(), warningSeconds);
        }
        return new Quota(
                plan.name(),
                quotas.dailyAllowanceSeconds(plan),
                quotas.usedSeconds(subject, LocalDate.now()),
                warningSeconds);
    }

    /** How full the person's home is (their volume, running workspace or not). */
    public VolumeStats home(String subject) throws SandboxConnectorException {
        try (SandboxConnection connection = sandboxes.getConnection()) {
            return connection.volumeStats(volumeOf(subject));
        }
    }

    private Plan planOf(String subject) {
        return profiles.findBySubject(subject).map(UserProfile::getPlan).orElse(Plan.FREE);
    }

    /** Ends a workspace: its terminal, then its sandbox; the volume stays. */
    boolean end(Workspace workspace, CloseReason reason) {
        if (!bySubject.remove(workspace.subject(), workspace)) {
            return false; // ended already (by the culling, the meter, another administrator)
        }
        workspace.closeTerminal(reason);
        save(workspace);
        recordQuietly(
                workspace.subject(),
                SESSION_ENDED,
                workspace.subject(),
                (reason.getReasonPhrase().isBlank() ? "ended" : reason.getReasonPhrase())
                        + " after "
                        + Quota.duration(workspace.ageMillis() / 1000));
        try (SandboxConnection connection = sandboxes.getConnection()) {
            connection.release(workspace.sandbox());
        } catch (SandboxConnectorException e) {
            LOG.warning("could not release sandbox " + workspace.sandbox() + ": " + e.getMessage());
        }
        return true;
    }

    /**
     * Ends workspaces nobody shows (grace period) or uses (idle time). Programs using the CPU count
     * as use, as do keystrokes and file operations.
     */
    void cull() {
        for (Workspace workspace : List.copyOf(bySubject.values())) {
            try (SandboxConnection connection = sandboxes.getConnection()) {
                if (workspace.cpuBusy(
                        connection.stats(workspace.sandbox()).cpuNanos(), BUSY_CPU_NANOS)) {
                    workspace.touch();
                }
            } catch (SandboxConnectorException e) {
                LOG.fine(() -> "no statistics of " + workspace.sandbox() + ": " + e.getMessage());
            }
            long now = System.currentTimeMillis();
            workspace.closeSilentTabs(TAB_SILENCE_MILLIS, now);
            if (workspace.unattendedFor(graceSeconds * 1000, now)) {
                LOG.info(
                        () -> "Workspace in sandbox " + workspace.sandbox() + " ended: unattended");
                end(workspace, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "unattended"));
            } else if (now - workspace.lastActivityMillis() >= idleSeconds * 1000) {
                LOG.info(() -> "Workspace in sandbox " + workspace.sandbox() + " ended: idle");
                end(
                        workspace,
                        new CloseReason(
                                TerminalHub.closeCode(IDLE),
                                "stopped after " + Quota.duration(idleSeconds) + " without use"));
            }
        }
    }

    /**
     * Ends the workspaces of people an administrator suspended or whose sessions an administrator
     * ended since the workspace started (on any node: the decision is read from the database).
     */
    public void endRevoked() {
        if (bySubject.isEmpty()) {
            return;
        }
        try {
            access.look();
            for (Workspace workspace : List.copyOf(bySubject.values())) {
                if (access.ended(
                        workspace.subject(), Instant.ofEpochMilli(workspace.startedMillis()))) {
                    LOG.info(
                            () ->
                                    "Workspace in sandbox "
                                            + workspace.sandbox()
                                            + " ended: access ended by an administrator");
                    end(
                            workspace,
                            new CloseReason(
                                    TerminalHub.closeCode(ACCESS_ENDED),
                                    "access ended by an administrator"));
                }
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again.
            LOG.warning("could not check workspaces against access changes: " + e);
        }
    }

    /** Counts Try Now time, saves it now and then, and ends workspaces whose time is used up. */
    void meter() {
        long now = System.currentTimeMillis();
        LocalDate today = LocalDate.now();
        boolean saveNow = ++meters % SAVE_EVERY_METERS == 0;
        for (Workspace workspace : List.copyOf(bySubject.values())) {
            workspace.meter(now, today, 2 * METER_MILLIS + cullPeriodMillis());
            if (workspace.usedUp()) {
                LOG.info(
                        () ->
                                "Workspace in sandbox "
                                        + workspace.sandbox()
                                        + " ended: daily Try Now time used up");
                end(
                        workspace,
                        new CloseReason(
                                TerminalHub.closeCode(QUOTA_USED_UP),
                                "today's Try Now time is used up"));
            } else if (saveNow) {
                save(workspace);
            }
        }
    }

    /** How often {@link #cull} looks: often enough for the shorter of grace and idle time. */
    private long cullPeriodMillis() {
        return 1000 * Math.max(1, Math.min(60, Math.min(graceSeconds, idleSeconds) / 4));
    }

    /**
     * A workspace's start or end in the audit log, done to {@code person}; never what stops a
     * workspace starting or ending.
     */
    private void recordQuietly(String actor, String action, String person, String detail) {
        try {
            audit.record(actor, action, AuditEntry.PERSON_TARGET + person, detail);
        } catch (RuntimeException e) {
            LOG.warning("could not record " + action + " in the audit log: " + e.getMessage());
        }
    }

    private void save(Workspace workspace) {
        Workspace.Unsaved unsaved = workspace.takeUnsaved();
        try {
            quotas.addUsedSeconds(workspace.subject(), unsaved.day(), unsaved.seconds());
        } catch (RuntimeException e) {
            LOG.warning("could not save Try Now time: " + e.getMessage());
        }
    }

    @PreDestroy
    void endAll() {
        if (culling != null) {
            culling.cancel(false);
            metering.cancel(false);
            accessChecking.cancel(false);
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
