package pro.codai.platform.account;

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

    /** An administrator may not suspend themselves (nobody would be left to undo it). */
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
        if (subject.equals(by)) {
            throw new RefusedException("You cannot suspend your own account.");
        }
        boolean changed = profiles.suspend(subject, by, blankToNull(reason));
        access.look();
        return new Result(
                changed,
                inKeycloak(
                        "Suspended " + subject,
                        () -> {
                            keycloak.setEnabled(subject, false);
                            keycloak.logout(subject);
                        }));
    }

    /** Lifts a suspension: the person may sign in again; their keys work again. */
    public Result reinstate(String subject, String by) {
        boolean changed = profiles.reinstate(subject, by);
        access.look();
        return new Result(
                changed,
                inKeycloak("Reinstated " + subject, () -> keycloak.setEnabled(subject, true)));
    }

    /**
     * Ends every session the person has: the portal's, the workspace and its terminals, tokens and
     * Keycloak's sign-in. They may sign in again.
     */
    public Result endSessions(String subject, String by) {
        profiles.endSessions(subject, by);
        access.look();
        return new Result(
                true,
                inKeycloak("Ended the sessions of " + subject, () -> keycloak.logout(subject)));
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
