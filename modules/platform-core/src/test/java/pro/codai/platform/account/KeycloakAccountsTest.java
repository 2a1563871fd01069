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
}
