package pro.codai.platform.account;

import java.io.Serializable;
import java.time.Instant;

/**
 * A person as administrators see them, in the console and the admin API: who, their role and plan
 * (and whether an administrator set them), where from, their last sign-in and their access.
 *
 * @param roleOverride the role an administrator set, null when the directory's holds
 * @param planOverride the plan an administrator set, null when the directory's holds
 */
public record PersonSummary(
        String subject,
        String name,
        String email,
        Role role,
        Plan plan,
        Role roleOverride,
        Plan planOverride,
        String institution,
        String programme,
        Instant lastSignInAt,
        boolean suspended,
        Instant suspendedAt,
        Instant sessionsEndedAt)
        implements Serializable {

    public static PersonSummary of(UserProfile profile) {
        return new PersonSummary(
                profile.getSubject(),
                profile.getDisplayName(),
                profile.getEmail(),
                profile.getRole(),
                profile.getPlan(),
                profile.getRoleOverride(),
                profile.getPlanOverride(),
                profile.getInstitution(),
                profile.getProgramme(),
                profile.getLastSignInAt(),
                profile.isSuspended(),
                profile.getSuspendedAt(),
                profile.getSessionsEndedAt());
    }
}
