package pro.codai.platform.account;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The suspensions, ended sessions and roles and plans administrators decided, as this server node
 * knows them: what the portal's sessions, the workspaces and the API's tokens are checked against
 * on every request. The database is the record; each node reads what changed since its last look at
 * most once a second, so a decision made on any node holds on all of them within about a second.
 */
@ApplicationScoped
public class AccessChanges {

    private static final Logger LOG = Logger.getLogger(AccessChanges.class.getName());

    /** How often a node looks again. */
    static final Duration LOOK_EVERY = Duration.ofSeconds(1);

    /**
     * How far back each look reaches behind the newest change seen: a change stamped earlier but
     * committed later, or stamped by a node whose clock is behind, is still found.
     */
    static final Duration OVERLAP = Duration.ofSeconds(60);

    private record Access(
            Instant suspendedAt, Instant sessionsEndedAt, Role roleOverride, Plan planOverride) {}

    /** The realm roles that name a person's role and plan (Keycloak's, in tokens). */
    private static final Set<String> ROLE_NAMES = Set.of("student", "instructor", "admin");

    private static final Set<String> PLAN_NAMES = Set.of("plan-student", "plan-pro");

    private final Map<String, Access> bySubject = new ConcurrentHashMap<>();
    private final ReentrantLock looking = new ReentrantLock();
    private volatile Instant newestSeen;
    private volatile long lastLookNanos;
    private volatile boolean attempted;
    private volatile long lastWarningNanos;

    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    @Inject UserProfiles profiles;

    /**
     * True when what the person opened at {@code openedAt} (a sign-in, a workspace, a token) may no
     * longer be used: they are suspended, or an administrator ended their sessions after it.
     */
    public boolean ended(String subject, Instant openedAt) {
        lookIfDue();
        Access access = bySubject.get(subject);
        return access != null
                && (access.suspendedAt() != null
                        || (access.sessionsEndedAt() != null
                                && openedAt.isBefore(access.sessionsEndedAt())));
    }

    /**
     * The person's roles as the appliance grants them: those of their token or sign-in ({@code
     * directoryRoles}, Keycloak realm roles), with the role and plan an administrator set in their
     * place.
     */
    public Set<String> roles(String subject, Set<String> directoryRoles) {
        lookIfDue();
        Access access = bySubject.get(subject);
        if (access == null || (access.roleOverride() == null && access.planOverride() == null)) {
            return directoryRoles;
        }
        Set<String> roles = new HashSet<>(directoryRoles);
        if (access.roleOverride() != null) {
            roles.removeAll(ROLE_NAMES);
            roles.add("student");
            if (access.roleOverride() != Role.STUDENT) {
                roles.add("instructor");
            }
            if (access.roleOverride() == Role.ADMIN) {
                roles.add("admin");
            }
        }
        if (access.planOverride() != null) {
            roles.removeAll(PLAN_NAMES);
            if (access.planOverride() == Plan.PRO || access.planOverride() == Plan.CAMPUS) {
                roles.add("plan-pro");
            } else if (access.planOverride() == Plan.STUDENT) {
                roles.add("plan-student");
            }
        }
        return Set.copyOf(roles);
    }

    /** True when the person is suspended. */
    public boolean suspended(String subject) {
        lookIfDue();
        Access access = bySubject.get(subject);
        return access != null && access.suspendedAt() != null;
    }

    /** Reads the changes now (this node made one, or a sweep wants the latest). */
    public void look() {
        looking.lock();
        try {
            read();
        } finally {
            looking.unlock();
        }
    }

    /**
     * Reads the changes if the last look is older than {@link #LOOK_EVERY}; a caller that finds
     * another thread reading goes on with what is known (a second old at most).
     */
    private void lookIfDue() {
        if (attempted && System.nanoTime() - lastLookNanos < LOOK_EVERY.toNanos()) {
            return;
        }
        if (looking.tryLock()) {
            try {
                if (!attempted || System.nanoTime() - lastLookNanos >= LOOK_EVERY.toNanos()) {
                    read();
                }
            } finally {
                looking.unlock();
            }
        }
    }

    private void read() {
        Instant since = newestSeen == null ? null : newestSeen.minus(OVERLAP);
        try {
            for (UserProfiles.AccessState change : profiles.accessChangedSince(since)) {
                bySubject.put(
                        change.subject(),
                        new Access(
                                change.suspendedAt(),
                                change.sessionsEndedAt(),
                                change.roleOverride(),
                                change.planOverride()));
                if (newestSeen == null || change.changedAt().isAfter(newestSeen)) {
                    newestSeen = change.changedAt();
                }
            }
        } catch (RuntimeException e) {
            // The database is away: what is known stays in force; the next look tries again.
            // Said once a minute at most: this runs every second while it lasts.
            long now = System.nanoTime();
            if (now - lastWarningNanos > WARN_EVERY.toNanos() || lastWarningNanos == 0) {
                lastWarningNanos = now;
                LOG.log(
                        Level.WARNING,
                        "could not read administrators'' access changes (suspensions, ended"
                                + " sessions) from the database; the last ones read stay in"
                                + " force: {0}",
                        e.toString());
            }
        } finally {
            lastLookNanos = System.nanoTime();
            attempted = true;
        }
    }
}
