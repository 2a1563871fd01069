package pro.codai.platform.account;

import java.util.List;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import pro.codai.platform.audit.AuditLog;

/**
 * What an administrator does to a person's access, from the console or the admin API. The
 * appliance's own record comes first: the database change holds on every server node within a
 * second (the portal's sessions, workspaces, API keys and tokens are checked against it), whatever
 * Keycloak says. Keycloak is then brought in line (account disabled or enabled, its sessions
 * ended); where it cannot be, the result says why and the operation can simply be repeated.
 */
@ApplicationScoped
public class PeopleAdministration {

    private static final Logger LOG = Logger.getLogger(PeopleAdministration.class.getName());

    /** Action recorded when a password reset mail was sent. */
    public static final String PASSWORD_RESET_SENT = "account.password-reset-sent";

    @Inject UserProfiles profiles;
    @Inject KeycloakAccounts keycloak;
    @Inject AccessChanges access;
    @Inject AuditLog audit;

    /**
     * What an operation did: whether it changed anything (false: it was so already), and what
     * Keycloak could not be made to do (null when all went through).
     */
    public record Result(boolean changed, String keycloakProblem) {}

    /**
     * An administrator may not suspend themselves nor take away their own administrator role
     * (nobody might be left to undo it).
     */
    public static class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * Suspends the person: sign-in refused, open workspaces and terminals closed, portal sessions
     * and tokens no longer accepted, personal API keys refused; their files and keys are kept.
     */
    public Result suspend(String subject, String by, String reason) {
        return suspend(subject, by, reason, () -> {});
    }

    /**
     * As {@link #suspend(String, String, String)}, running {@code inForce} once the suspension is
     * recorded and before Keycloak is asked (which takes a while): a caller with the person's
     * workspaces at hand ends them at once instead of at the next check.
     */
    public Result suspend(String subject, String by, String reason, Runnable inForce) {
        if (subject.equals(by)) {
            throw new RefusedException("You cannot suspend your own account.");
        }
        boolean changed = profiles.suspend(subject, by, blankToNull(reason));
        access.look();
        inForce.run();
        // Each step on its own: a failed disable must not spare the person's Keycloak sessions.
        String disabling =
                inKeycloak("Suspended " + subject, () -> keycloak.setEnabled(subject, false));
        String loggingOut = inKeycloak("Suspended " + subject, () -> keycloak.logout(subject));
        return new Result(
                changed,
                disabling == null
                        ? loggingOut
                        : loggingOut == null || loggingOut.equals(disabling)
                                ? disabling
                                : disabling + "; " + loggingOut);
    }

    /** Lifts a suspension: the person may sign in again; their keys work again. */
    public Result reinstate(String subject, String by) {
        boolean changed = profiles.reinstate(subject, by);
        access.look();
        if (!changed) {
            // Not suspended here: an account disabled in Keycloak by someone else stays so.
            return new Result(false, null);
        }
        return new Result(
                true,
                inKeycloak("Reinstated " + subject, () -> keycloak.setEnabled(subject, true)));
    }

    /**
     * Ends every session the person has: the portal's, the workspace and its terminals, tokens and
     * Keycloak's sign-in. They may sign in again.
     */
    public Result endSessions(String subject, String by) {
        return endSessions(subject, by, () -> {});
    }

    /** As {@link #endSessions(String, String)}, running {@code inForce} as for a suspension. */
    public Result endSessions(String subject, String by, Runnable inForce) {
        profiles.endSessions(subject, by);
        access.look();
        inForce.run();
        return new Result(
                true,
                inKeycloak("Ended the sessions of " + subject, () -> keycloak.logout(subject)));
    }

    /**
     * The plans an administrator may give a person (Campus is the institution's, not a person's).
     */
    public static final List<Plan> ASSIGNABLE_PLANS = List.of(Plan.FREE, Plan.STUDENT, Plan.PRO);

    private static void requireAssignable(Plan plan) {
        if (plan != null && !ASSIGNABLE_PLANS.contains(plan)) {
            throw new IllegalArgumentException(
                    "plan must be FREE, STUDENT or PRO, or null for the directory's");
        }
    }

    /** The assignable plan named (any case), or an exception saying which may be named. */
    public static Plan assignablePlan(String name) {
        for (Plan plan : ASSIGNABLE_PLANS) {
            if (name != null && plan.name().equalsIgnoreCase(name.strip())) {
                return plan;
            }
        }
        throw new IllegalArgumentException("plan must be FREE, STUDENT or PRO");
    }

    /**
     * Gives the person a role that wins over the directory's, in force at once on every node and at
     * every sign-in ({@code null}: the directory's again, the one of their last sign-in). Keycloak
     * is not changed: the directory keeps its own view.
     */
    public Result setRole(String subject, Role role, String by) {
        UserProfile profile =
                profiles.findBySubject(subject)
                        .orElseThrow(() -> new UnknownPersonException(subject));
        if (profile.getRoleOverride() == role) {
            return new Result(false, null);
        }
        Role after = role != null ? role : profile.getDirectoryRole();
        if (subject.equals(by) && after != Role.ADMIN) {
            throw new RefusedException("You cannot take away your own administrator role.");
        }
        boolean changed = profiles.overrideRole(subject, role, by);
        access.look();
        return new Result(changed, null);
    }

    /** As {@link #setRole}, for the plan (one of {@link #ASSIGNABLE_PLANS}, or null). */
    public Result setPlan(String subject, Plan plan, String by) {
        requireAssignable(plan);
        boolean changed = profiles.overridePlan(subject, plan, by);
        access.look();
        return new Result(changed, null);
    }

    /** Most people one bulk operation takes. */
    public static final int MAX_BULK = 1000;

    /**
     * What a bulk operation did: how many it changed, how many were so already, who it skipped
     * (oneself, or no one with that subject) and for how many Keycloak could not be told.
     */
    public record BulkResult(
            int changed, int unchanged, List<String> skipped, int keycloakProblems) {

        public BulkResult {
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Suspends each of {@code subjects} as {@link #suspend(String, String, String, Runnable)} does,
     * skipping oneself and unknown subjects: all are recorded first and in force on every node
     * together ({@code inForce} runs once then), and Keycloak is told after.
     */
    public BulkResult suspendEach(
            List<String> subjects, String by, String reason, Runnable inForce) {
        return each(
                subjects,
                subject -> {
                    if (subject.equals(by)) {
                        throw new RefusedException("You cannot suspend your own account.");
                    }
                    return profiles.suspend(subject, by, blankToNull(reason));
                },
                inForce,
                subject -> keycloak.setEnabled(subject, false),
                true);
    }

    /** Re-enables each of {@code subjects}, as {@link #reinstate} does. */
    public BulkResult reinstateEach(List<String> subjects, String by) {
        return each(
                subjects,
                subject -> profiles.reinstate(subject, by),
                () -> {},
                subject -> keycloak.setEnabled(subject, true),
                false);
    }

    /** Sets the plan of each of {@code subjects}, as {@link #setPlan} does. */
    public BulkResult setPlanOfEach(List<String> subjects, Plan plan, String by) {
        requireAssignable(plan);
        return each(
                subjects,
                subject -> profiles.overridePlan(subject, plan, by),
                () -> {},
                null,
                false);
    }

    private interface Recording {
        boolean record(String subject);
    }

    /**
     * Records {@code recording} for each subject (once each, in order), looks at the changes once,
     * runs {@code inForce}, then tells Keycloak ({@code inKeycloak}, null: nothing to tell) of each
     * changed person; when {@code suspending}, of each suspended already too (repeating a
     * suspension brings Keycloak in line, as for one person) and logs them out there.
     */
    private BulkResult each(
            List<String> subjects,
            Recording recording,
            Runnable inForce,
            KeycloakChange inKeycloak,
            boolean suspending) {
        if (subjects.size() > MAX_BULK) {
            throw new IllegalArgumentException(
                    "at most " + MAX_BULK + " people at a time, not " + subjects.size());
        }
        int unchanged = 0;
        List<String> changed = new java.util.ArrayList<>();
        List<String> toTell = new java.util.ArrayList<>();
        List<String> skipped = new java.util.ArrayList<>();
        try {
            for (String subject : new java.util.LinkedHashSet<>(subjects)) {
                try {
                    if (recording.record(subject)) {
                        changed.add(subject);
                        toTell.add(subject);
                    } else {
                        unchanged++;
                        if (suspending) {
                            toTell.add(subject);
                        }
                    }
                } catch (RefusedException | UnknownPersonException e) {
                    skipped.add(subject);
                }
            }
        } finally {
            // Even when the database fails half-way, what was recorded is put in force.
            access.look();
            inForce.run();
        }
        int keycloakProblems = 0;
        if (inKeycloak != null) {
            String done = suspending ? "Suspended " : "Re-enabled ";
            for (String subject : toTell) {
                String problem = inKeycloak(done + subject, () -> inKeycloak.apply(subject));
                String loggingOut =
                        suspending
                                ? inKeycloak(done + subject, () -> keycloak.logout(subject))
                                : null;
                if (problem != null || loggingOut != null) {
                    keycloakProblems++;
                }
            }
        }
        return new BulkResult(changed.size(), unchanged, skipped, keycloakProblems);
    }

    private interface KeycloakChange {
        void apply(String subject) throws KeycloakAccounts.KeycloakException;
    }

    /** Mails the person a link to choose a new password; recorded once Keycloak has sent it. */
    public void sendPasswordReset(String subject, String by)
            throws KeycloakAccounts.KeycloakException {
        UserProfile profile =
                profiles.findBySubject(subject)
                        .orElseThrow(() -> new UnknownPersonException(subject));
        keycloak.sendPasswordReset(subject);
        audit.record(by, PASSWORD_RESET_SENT, "user:" + subject, profile.getEmail());
    }

    private interface KeycloakCall {
        void run() throws KeycloakAccounts.KeycloakException;
    }

    /** Runs {@code call}; what Keycloak could not be made to do, or null. */
    private static String inKeycloak(String done, KeycloakCall call) {
        try {
            call.run();
            return null;
        } catch (KeycloakAccounts.KeycloakException e) {
            LOG.warning(() -> done + " here but not in Keycloak: " + e.getMessage());
            return e.getMessage();
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
