package pro.codai.portal.signin;

import java.io.Serializable;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpSession;

import com.nimbusds.jwt.JWTClaimsSet;

import pro.codai.platform.account.SignIn;

/**
 * The person signed in to this HTTP session and their Keycloak tokens. Kept in the session only
 * (never logged, never sent to the browser); the refresh token keeps it alive while Keycloak's own
 * session lives.
 */
public record SignedInUser(
        String subject,
        String username,
        String email,
        boolean emailVerified,
        String name,
        Set<String> roles,
        String idToken,
        String refreshToken,
        Instant refreshAfter,
        Instant signedInAt)
        implements Serializable {

    /** The session attribute that holds the signed-in person. */
    static final String SESSION_KEY = SignedInUser.class.getName();

    /** Refresh this long before the access token would expire. */
    private static final long EARLY_REFRESH_SECONDS = 30;

    public SignedInUser {
        roles = Set.copyOf(roles);
    }

    /** The person signed in to this session, if any. */
    public static SignedInUser in(HttpSession session) {
        return session == null ? null : (SignedInUser) session.getAttribute(SESSION_KEY);
    }

    /** The person of a sign-in that happens now. */
    static SignedInUser from(JWTClaimsSet idClaims, OidcProvider.Tokens tokens)
            throws ParseException {
        return from(idClaims, tokens, Instant.now());
    }

    /** The person of a session signed in at {@code signedInAt}, with refreshed tokens. */
    static SignedInUser from(JWTClaimsSet idClaims, OidcProvider.Tokens tokens, Instant signedInAt)
            throws ParseException {
        List<String> groups = idClaims.getStringListClaim("groups");
        Boolean verified = idClaims.getBooleanClaim("email_verified");
        long lifetime = Math.max(0, tokens.expiresInSeconds() - EARLY_REFRESH_SECONDS);
        return new SignedInUser(
                idClaims.getSubject(),
                idClaims.getStringClaim("preferred_username"),
                idClaims.getStringClaim("email"),
                Boolean.TRUE.equals(verified),
                idClaims.getStringClaim("name"),
                groups == null ? Set.of() : Set.copyOf(groups),
                tokens.idToken(),
                tokens.refreshToken(),
                Instant.now().plusSeconds(lifetime),
                signedInAt);
    }

    boolean needsRefresh(Instant now) {
        return !now.isBefore(refreshAfter);
    }

    /** The claims as the account service takes them. */
    public SignIn asSignIn() {
        return new SignIn(subject, username, email, emailVerified, name, roles);
    }

    @Override
    public String toString() {
        // Tokens stay out of logs.
        return "SignedInUser[" + subject + ", " + username + ", roles=" + roles + "]";
    }
}
