package pro.codai.platform.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.persistence.Like;
import pro.codai.platform.setup.SiteSettings;

/**
 * Finds and provisions user profiles. A profile is made at a person's first sign-in from the
 * token's claims; at every sign-in after that the directory's view (email, name, role, plan) wins.
 */
@ApplicationScoped
@Transactional
public class UserProfiles {

    /** Action recorded at every sign-in (the portal's, after Keycloak checked the person). */
    public static final String SIGNED_IN = "account.signed-in";

    /** Action recorded when Keycloak let a suspended person through and the portal did not. */
    public static final String SIGN_IN_REFUSED = "account.sign-in-refused";

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    @Inject AuditLog audit;

    // Optional: MicroProfile Config treats an empty default as no value at all.
    @Inject
    @ConfigProperty(name = "codaipro.students.email-domains")
    Optional<String> studentEmailDomains;

    public Optional<UserProfile> findBySubject(String subject) {
        return entityManager
                .createNamedQuery(UserProfile.FIND_BY_SUBJECT, UserProfile.class)
                .setParameter("subject", subject)
                .getResultStream()
                .findFirst();
    }

    /**
     * The people with any of these e-mail addresses (any case), keyed by the address in lower case;
     * an address two people share maps to both.
     */
    public Map<String, List<UserProfile>> findByEmails(Collection<String> emails) {
        Map<String, List<UserProfile>> found = new HashMap<>();
        List<String> wanted =
                emails.stream().map(e -> e.toLowerCase(Locale.ROOT)).distinct().toList();
        // In slices: a query's IN list stays small enough for every database's planner.
        for (int from = 0; from < wanted.size(); from += 500) {
            List<String> slice = wanted.subList(from, Math.min(wanted.size(), from + 500));
            entityManager
                    .createQuery(
                            "SELECT p FROM UserProfile p WHERE LOWER(p.email) IN :emails",
                            UserProfile.class)
                    .setParameter("emails", slice)
                    .getResultStream()
                    .forEach(
                            profile ->
                                    found.computeIfAbsent(
                                                    profile.getEmail().toLowerCase(Locale.ROOT),
                                                    email -> new ArrayList<>())
                                            .add(profile));
        }
        return found;
    }

    /** Action recorded when an administrator adds a person before their first sign-in. */
    public static final String REGISTERED = "account.registered";

    /**
     * Adds a person an administrator names before their first sign-in, with the role and plan they
     * chose (null: {@code STUDENT}, and the plan the address earns, until the directory says at the
     * first sign-in). A choice made here wins over the directory's, as {@link #overrideRole}.
     */
    public UserProfile register(
            String subject,
            String email,
            String name,
            Role role,
            Plan plan,
            String by,
            String note) {
        Plan earned = planPolicy().isStudentAddress(email) ? Plan.STUDENT : Plan.FREE;
        UserProfile profile =
                new UserProfile(
                        subject,
                        email,
                        name,
                        role != null ? role : Role.STUDENT,
                        plan != null ? plan : earned);
        Instant now = Instant.now();
        if (role != null) {
            profile.overrideRole(role, now);
        }
        if (plan != null) {
            profile.overridePlan(plan, now);
        }
        entityManager.persist(profile);
        audit.record(
                by,
                REGISTERED,
                "user:" + subject,
                email
                        + ", "
                        + profile.getRole()
                        + ", "
                        + profile.getPlan()
                        + (note == null ? "" : "; " + note));
        return profile;
    }

    /**
     * The people {@code filter} finds, by name, {@code max} of them after skipping {@code first}.
     */
    public List<UserProfile> search(PeopleFilter filter, int first, int max) {
        return matching("SELECT p", filter, UserProfile.class)
                .setFirstResult(Math.max(0, first))
                .setMaxResults(Math.max(1, Math.min(max, 1000)))
                .getResultList();
    }

    /** How many people {@code filter} finds. */
    public long count(PeopleFilter filter) {
        return matching("SELECT COUNT(p)", filter, Long.class).getSingleResult();
    }

    private <T> TypedQuery<T> matching(String select, PeopleFilter filter, Class<T> type) {
        List<String> conditions = new ArrayList<>();
        if (filter.text() != null) {
            conditions.add(
                    "(LOWER(p.email) LIKE :like ESCAPE '!'"
                            + " OR LOWER(p.displayName) LIKE :like ESCAPE '!')");
        }
        if (filter.role() != null) {
            conditions.add("p.role = :role");
        }
        if (filter.plan() != null) {
            conditions.add("p.plan = :plan");
        }
        if (filter.suspended() != null) {
            conditions.add(
                    filter.suspended() ? "p.suspendedAt IS NOT NULL" : "p.suspendedAt IS NULL");
        }
        String jpql =
                select
                        + " FROM UserProfile p"
                        + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                        + (type == UserProfile.class ? " ORDER BY p.displayName, p.id" : "");
        TypedQuery<T> query = entityManager.createQuery(jpql, type);
        if (filter.text() != null) {
            query.setParameter("like", Like.containing(filter.text()));
        }
        if (filter.role() != null) {
            query.setParameter("role", filter.role());
        }
        if (filter.plan() != null) {
            query.setParameter("plan", filter.plan());
        }
        return query;
    }

    /** Number of people who have ever signed in. */
    public long count() {
        return entityManager.createNamedQuery(UserProfile.COUNT_ALL, Long.class).getSingleResult();
    }

    @Inject SiteSettings siteSettings;

    /**
     * The plan rules with the student email domains: those configured and those the setup wizard
     * recorded.
     */
    public PlanPolicy planPolicy() {
        List<String> domains =
                new ArrayList<>(Arrays.asList(studentEmailDomains.orElse("").split("[,\\s]+")));
        siteSettings
                .get(SiteSettings.STUDENT_EMAIL_DOMAINS)
                .ifPresent(chosen -> domains.addAll(Arrays.asList(chosen.split("[,\\s]+"))));
        return new PlanPolicy(domains);
    }

    /**
     * Provisions (first time) or refreshes the profile of a person who has just signed in. A
     * suspended person's sign-in is recorded as refused; the caller refuses it.
     */
    public UserProfile signedIn(SignIn signIn) {
        Plan directoryPlan = planPolicy().planFor(signIn);
        String email = signIn.email() == null || signIn.email().isBlank() ? "-" : signIn.email();
        Optional<UserProfile> existing = findBySubject(signIn.subject());
        UserProfile profile;
        if (existing.isPresent()) {
            profile = existing.get();
            profile.updateIdentity(email, signIn.shownName());
            // What an administrator set wins over the directory until they clear it.
            Role role =
                    profile.getRoleOverride() != null ? profile.getRoleOverride() : signIn.role();
            Plan plan =
                    profile.getPlanOverride() != null ? profile.getPlanOverride() : directoryPlan;
            profile.recordDirectoryView(signIn.role(), directoryPlan);
            if (profile.getRole() != role) {
                audit.record(
                        "directory",
                        ROLE_CHANGED,
                        "user:" + signIn.subject(),
                        profile.getRole() + " -> " + role);
                profile.changeRole(role);
            }
            if (profile.getPlan() != plan) {
                audit.record(
                        "directory",
                        PLAN_CHANGED,
                        "user:" + signIn.subject(),
                        profile.getPlan() + " -> " + plan);
                profile.changePlan(plan);
            }
        } else {
            profile =
                    new UserProfile(
                            signIn.subject(),
                            email,
                            signIn.shownName(),
                            signIn.role(),
                            directoryPlan);
            profile.recordDirectoryView(signIn.role(), directoryPlan);
            entityManager.persist(profile);
            audit.record(
                    signIn.subject(),
                    "account.provisioned",
                    "user:" + signIn.subject(),
                    signIn.role() + ", " + directoryPlan);
        }
        if (profile.isSuspended()) {
            audit.record(
                    signIn.subject(), SIGN_IN_REFUSED, "user:" + signIn.subject(), "suspended");
            return profile;
        }
        profile.recordSignIn(signIn.username(), Instant.now());
        audit.record(signIn.subject(), SIGNED_IN, "user:" + signIn.subject(), null);
        return profile;
    }

    /** Audit actions of what administrators do to a person's access. */
    public static final String SUSPENDED = "account.suspended";

    public static final String REINSTATED = "account.reinstated";
    public static final String ROLE_CHANGED = "account.role-changed";
    public static final String PLAN_CHANGED = "account.plan-changed";
    public static final String SESSIONS_ENDED = "account.sessions-ended";

    /**
     * Suspends the person (see {@link UserProfile#suspend}); recorded as done by {@code by}. False
     * when they were suspended already.
     */
    public boolean suspend(String subject, String by, String reason) {
        UserProfile profile = require(subject);
        if (profile.isSuspended()) {
            return false;
        }
        profile.suspend(by, Instant.now());
        audit.record(by, SUSPENDED, "user:" + subject, reason);
        return true;
    }

    /** Lifts the person's suspension. False when they were not suspended. */
    public boolean reinstate(String subject, String by) {
        UserProfile profile = require(subject);
        if (!profile.isSuspended()) {
            return false;
        }
        profile.reinstate(Instant.now());
        audit.record(by, REINSTATED, "user:" + subject, null);
        return true;
    }

    /**
     * Sets the person's role as an administrator decides ({@code null}: the directory's again, as
     * of their last sign-in). False when it was so already.
     */
    public boolean overrideRole(String subject, Role role, String by) {
        UserProfile profile = require(subject);
        if (profile.getRoleOverride() == role) {
            return false;
        }
        String before = profile.getRole().name();
        profile.overrideRole(role, Instant.now());
        audit.record(
                by,
                ROLE_CHANGED,
                "user:" + subject,
                role == null
                        ? before + " -> " + profile.getRole() + ", the directory's"
                        : before + " -> " + role + ", set by an administrator");
        return true;
    }

    /** As {@link #overrideRole}, for the plan. */
    public boolean overridePlan(String subject, Plan plan, String by) {
        UserProfile profile = require(subject);
        if (profile.getPlanOverride() == plan) {
            return false;
        }
        String before = profile.getPlan().name();
        profile.overridePlan(plan, Instant.now());
        audit.record(
                by,
                PLAN_CHANGED,
                "user:" + subject,
                plan == null
                        ? before + " -> " + profile.getPlan() + ", the directory's"
                        : before + " -> " + plan + ", set by an administrator");
        return true;
    }

    /** Ends every session the person has open now (workspace, portal, tokens). */
    public void endSessions(String subject, String by) {
        require(subject).endSessions(Instant.now());
        audit.record(by, SESSIONS_ENDED, "user:" + subject, null);
    }

    /** A person's access as administrators last set it. */
    public record AccessState(
            String subject,
            Instant suspendedAt,
            Instant sessionsEndedAt,
            Role roleOverride,
            Plan planOverride,
            Instant changedAt) {}

    /**
     * The people whose access changed at or after {@code since} (null: ever), oldest change first.
     */
    public List<AccessState> accessChangedSince(Instant since) {
        TypedQuery<UserProfile> query =
                entityManager.createQuery(
                        "SELECT p FROM UserProfile p WHERE p.accessChangedAt "
                                + (since == null ? "IS NOT NULL" : ">= :since")
                                + " ORDER BY p.accessChangedAt",
                        UserProfile.class);
        if (since != null) {
            query.setParameter("since", since);
        }
        return query.getResultList().stream()
                .map(
                        profile ->
                                new AccessState(
                                        profile.getSubject(),
                                        profile.getSuspendedAt(),
                                        profile.getSessionsEndedAt(),
                                        profile.getRoleOverride(),
                                        profile.getPlanOverride(),
                                        profile.getAccessChangedAt()))
                .toList();
    }

    /** Saves what the person tells about themselves; their first profile completion. */
    public UserProfile completeProfile(
            String subject, AccountKind kind, String institution, String programme) {
        UserProfile profile = require(subject);
        profile.completeProfile(kind, institution, programme);
        audit.record(subject, "account.profile-completed", "user:" + subject, kind.name());
        return profile;
    }

    /** The person has seen (or skipped) the onboarding tour. */
    public UserProfile finishOnboarding(String subject) {
        UserProfile profile = require(subject);
        profile.markOnboardingDone();
        return profile;
    }

    private UserProfile require(String subject) {
        return findBySubject(subject).orElseThrow(() -> new UnknownPersonException(subject));
    }
}
