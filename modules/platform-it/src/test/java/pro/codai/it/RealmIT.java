package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped realm export as the real Keycloak imported it: the settings a campus relies on, and
 * the portal client refusing any sign-in without PKCE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealmIT {

    Keycloak keycloak;
    JsonObject realm;

    @BeforeAll
    void start() throws Exception {
        keycloak = Keycloak.shared();
        realm = Keycloak.json(keycloak.admin("GET", "", null)).asJsonObject();
    }

    @Test
    void registrationVerificationResetAndLockoutAreOn() {
        assertThat(realm.getBoolean("registrationAllowed")).isTrue();
        assertThat(realm.getBoolean("verifyEmail")).isTrue();
        assertThat(realm.getBoolean("resetPasswordAllowed")).isTrue();
        assertThat(realm.getBoolean("bruteForceProtected")).isTrue();
        assertThat(realm.getBoolean("permanentLockout")).isFalse();
        assertThat(realm.getString("passwordPolicy")).contains("length(10)").contains("notEmail");
        assertThat(realm.getString("loginTheme")).isEqualTo("codaipro");
        assertThat(realm.getJsonObject("smtpServer").getString("host")).isEqualTo("127.0.0.1");
    }

    @Test
    void googleAndGithubArePresentButOff() throws Exception {
        var providers = Keycloak.json(keycloak.admin("GET", "/identity-provider/instances", null));

        assertThat(providers.asJsonArray())
                .extracting(p -> p.asJsonObject().getString("alias"))
                .contains("google", "github");
        assertThat(providers.asJsonArray())
                .allSatisfy(p -> assertThat(p.asJsonObject().getBoolean("enabled")).isFalse());
    }

    @Test
    void thePortalClientIsConfidentialWithPkceAndOneRedirectAddress() throws Exception {
        JsonObject portal = keycloak.client("codaipro-portal");

        assertThat(portal.getBoolean("publicClient")).isFalse();
        assertThat(portal.getBoolean("implicitFlowEnabled")).isFalse();
        assertThat(portal.getBoolean("directAccessGrantsEnabled")).isFalse();
        assertThat(portal.getJsonObject("attributes").getString("pkce.code.challenge.method"))
                .isEqualTo("S256");
        assertThat(portal.getJsonArray("redirectUris"))
                .containsExactly(
                        jakarta.json.Json.createValue(keycloak.publicUrl() + "/signin/callback"));
    }

    @Test
    void aSignInWithoutPkceOrToAnotherAddressIsRefused() throws Exception {
        String auth = keycloak.issuer() + "/protocol/openid-connect/auth?client_id=codaipro-portal";
        String callback = keycloak.publicUrl() + "/signin/callback";
        HttpResponse<String> withoutPkce =
                Http.get(
                        URI.create(
                                auth
                                        + "&response_type=code&scope=openid&redirect_uri="
                                        + callback));
        HttpResponse<String> elsewhere =
                Http.get(
                        URI.create(
                                auth
                                        + "&response_type=code&scope=openid&code_challenge_method=S256"
                                        + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                                        + "&redirect_uri=https://evil.example/steal"));
        HttpResponse<String> withPkce =
                Http.get(
                        URI.create(
                                auth
                                        + "&response_type=code&scope=openid&code_challenge_method=S256"
                                        + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                                        + "&redirect_uri="
                                        + callback));

        // Keycloak sends the error back to the (registered) redirect address.
        assertThat(withoutPkce.headers().firstValue("Location").orElse(""))
                .startsWith(callback)
                .contains("error=invalid_request")
                .contains("code_challenge_method");
        assertThat(elsewhere.statusCode()).isEqualTo(400);
        assertThat(elsewhere.body()).contains("Invalid parameter: redirect_uri");
        assertThat(withPkce.statusCode()).isEqualTo(200);
        assertThat(withPkce.body()).contains("kc-form-login").contains("codaipro.css");
    }
}
