package pro.codai.platform.account;

import java.util.Objects;
import java.util.Set;

/**
 * What the identity provider vouches for at a sign-in: the verified claims of an ID or access
 * token. {@code roles} are Keycloak realm role names (the token's {@code groups} claim).
 */
public record SignIn(
        String subject,
        String username,
        String email,
        boolean emailVerified,
        String displayName,
        Set<String> roles) {

    public SignIn {
        Objects.requireNonNull(subject, "subject");
        roles = Set.copyOf(roles);
    }

    /** The strongest of the person's roles; everyone who may sign in is at least a student. */
    public Role role() {
        if (roles.contains("admin")) {
            return Role.ADMIN;
        }
        if (roles.contains("instructor")) {
            return Role.INSTRUCTOR;
        }
        return Role.STUDENT;
    }

    /** A name to show: the display name, else the username, else the email. */
    public String shownName() {
        for (String candidate : new String[] {displayName, username, email}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip();
            }
        }
        return subject;
    }
}
