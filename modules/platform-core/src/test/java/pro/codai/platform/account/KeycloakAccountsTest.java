package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeycloakAccountsTest {

    @Test
    void keycloaksOwnWordsAreTakenFromItsErrorAnswer() {
        assertThat(KeycloakAccounts.reasonIn("{\"errorMessage\":\"User email missing\"}"))
                .isEqualTo("User email missing");
        assertThat(
                        KeycloakAccounts.reasonIn(
                                "{\"error\":\"unauthorized_client\","
                                        + "\"error_description\":\"Invalid client credentials\"}"))
                .isEqualTo("Invalid client credentials");
        assertThat(KeycloakAccounts.reasonIn("{\"error\":\"unknown_error\"}"))
                .isEqualTo("unknown_error");
    }

    @Test
    void anAnswerThatIsNotJsonIsGivenAsItIsAndShortened() {
        assertThat(KeycloakAccounts.reasonIn("<html>Bad Gateway</html>"))
                .isEqualTo("<html>Bad Gateway</html>");
        assertThat(KeycloakAccounts.reasonIn(null)).isEmpty();
        assertThat(KeycloakAccounts.reasonIn("x".repeat(400))).hasSize(301).endsWith("…");
    }

    @Test
    void keycloaksSignInEventsAreReadWithTheirUserNameAndAddress() {
        assertThat(
                        KeycloakAccounts.eventsIn(
                                "[{\"id\":\"e1\",\"time\":1733650000000,\"type\":\"LOGIN_ERROR\","
                                        + "\"realmId\":\"r\",\"clientId\":\"codaipro-portal\","
                                        + "\"userId\":\"kc-1\",\"ipAddress\":\"10.0.0.7\","
                                        + "\"error\":\"invalid_user_credentials\","
                                        + "\"details\":{\"username\":\"ada@uni.example\"}},"
                                        + "{\"time\":1733650000001,\"type\":\"LOGIN_ERROR\","
                                        + "\"error\":\"user_not_found\"}]"))
                .containsExactly(
                        new KeycloakAccounts.SignInEvent(
                                "e1",
                                1733650000000L,
                                "LOGIN_ERROR",
                                "kc-1",
                                "10.0.0.7",
                                "invalid_user_credentials",
                                "ada@uni.example"),
                        new KeycloakAccounts.SignInEvent(
                                "1733650000001:LOGIN_ERROR",
                                1733650000001L,
                                "LOGIN_ERROR",
                                null,
                                null,
                                "user_not_found",
                                null));
    }
}
