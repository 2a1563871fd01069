package pro.codai.portal.signin;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * A sign-in sent to Keycloak and not yet back: the state that ties the callback to this browser
 * session, the nonce bound into the ID token, the PKCE verifier, and the page to return to.
 */
record PendingSignIn(
        String state, String nonce, String codeVerifier, String returnTo, Instant startedAt)
        implements Serializable {

    private static final SecureRandom RANDOM = new SecureRandom();

    static PendingSignIn start(String returnTo) {
        return new PendingSignIn(random(), random(), random(), returnTo, Instant.now());
    }

    /** The S256 code challenge of the verifier (RFC 7636). */
    String codeChallenge() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(codeVerifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
