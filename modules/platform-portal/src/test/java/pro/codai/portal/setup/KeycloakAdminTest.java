package pro.codai.portal.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How the portal's client gets the new public URL next to the installed one. */
class KeycloakAdminTest {

    static final String OLD = "https://codaipro.local";
    static final String NEW = "https://ide.uni.example";

    @Test
    void aUriUnderTheOldRootUrlGetsItsTwinAtTheNewOneAndTheOthersStayAsTheyWere() {
        List<String> uris =
                KeycloakAdmin.withTwins(
                        List.of(OLD + "/signin/callback", "https://elsewhere.example/cb", "+"),
                        OLD,
                        NEW,
                        NEW + "/signin/callback");

        assertThat(uris)
                .containsExactly(
                        OLD + "/signin/callback",
                        NEW + "/signin/callback",
                        "https://elsewhere.example/cb",
                        "+");
    }

    @Test
    void doingItAgainChangesNothing() {
        List<String> once = KeycloakAdmin.withTwins(List.of(OLD + "/"), OLD, NEW, NEW + "/");

        assertThat(KeycloakAdmin.withTwins(once, NEW, NEW, NEW + "/")).isEqualTo(once);
        assertThat(once).containsExactly(OLD + "/", NEW + "/");
    }

    @Test
    void aHostThatOnlyBeginsLikeTheOldOneIsNotTheOldOne() {
        List<String> uris =
                KeycloakAdmin.withTwins(List.of(OLD + ".evil.example/cb"), OLD, NEW, null);

        assertThat(uris).containsExactly(OLD + ".evil.example/cb");
    }

    @Test
    void withoutAnOldRootUrlOnlyTheRequiredUriIsAdded() {
        assertThat(KeycloakAdmin.withTwins(List.of(), "", NEW, NEW + "/signin/callback"))
                .containsExactly(NEW + "/signin/callback");
    }
}
