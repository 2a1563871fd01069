package pro.codai.portal.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class PendingSignInTest {

    @Test
    void theCodeChallengeIsTheS256OfTheVerifierAsInRfc7636() {
        // RFC 7636, appendix B.
        PendingSignIn pending =
                new PendingSignIn(
                        "state",
                        "nonce",
                        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                        "/",
                        Instant.now());

        assertThat(pending.codeChallenge())
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void eachSignInHasItsOwnUnguessableStateNonceAndVerifier() {
        PendingSignIn first = PendingSignIn.start("/app/dashboard.xhtml");
        PendingSignIn second = PendingSignIn.start("/app/dashboard.xhtml");

        assertThat(first.state()).hasSize(43).isNotEqualTo(second.state());
        assertThat(first.nonce())
                .hasSize(43)
                .isNotEqualTo(second.nonce())
                .isNotEqualTo(first.state());
        // RFC 7636: a verifier of 43 to 128 unreserved characters.
        assertThat(first.codeVerifier()).matches("[A-Za-z0-9_-]{43}");
        assertThat(first.codeVerifier()).isNotEqualTo(second.codeVerifier());
    }
}
