package pro.codai.portal.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wizard's side of the root request: written whole, root's answers read back as
 * appliance/ops/setup-apply writes them, and a failed request asked again as it was.
 */
class RootRequestTest {

    @TempDir Path setup;

    @Test
    void aRequestWrittenAndNotAnsweredIsPending() throws Exception {
        assertThat(RootRequest.status(setup).state()).isEqualTo(RootRequest.State.NONE);

        RootRequest.write(setup, "ide.campus.edu", null, null);

        assertThat(RootRequest.status(setup).state()).isEqualTo(RootRequest.State.PENDING);
        assertThat(Files.readString(setup.resolve("apply/request.properties")))
                .contains("hostname=ide.campus.edu", "tls=keep", "campus_ca=no");
    }

    @Test
    void rootsFailureIsReadWithItsReasonAndTheRequestIsAskedAgainAsItWas() throws Exception {
        RootRequest.write(setup, "ide.campus.edu", null, null);
        String request = Files.readString(setup.resolve("apply/request.properties"));
        failAsRootDoes("nginx refused the new certificate or server name: [emerg] \u001b[31mx\n");

        RootRequest.Status failed = RootRequest.status(setup);
        assertThat(failed.state()).isEqualTo(RootRequest.State.FAILED);
        assertThat(failed.detail())
                .isEqualTo("nginx refused the new certificate or server name: [emerg]  [31mx");

        assertThat(RootRequest.retry(setup)).isTrue();
        assertThat(RootRequest.status(setup).state()).isEqualTo(RootRequest.State.PENDING);
        assertThat(Files.readString(setup.resolve("apply/request.properties"))).isEqualTo(request);
        assertThat(setup.resolve("apply/failed")).doesNotExist();
        assertThat(RootRequest.retry(setup)).as("nothing failed now").isFalse();
    }

    @Test
    void rootsSuccessIsReadWithThePublicUrlAndANewRequestForgetsIt() throws Exception {
        RootRequest.write(setup, "ide.campus.edu", null, null);
        Files.writeString(
                setup.resolve("applied"),
                "host_name=ide.campus.edu\npublic_url=https://ide.campus.edu\n");

        assertThat(RootRequest.status(setup))
                .isEqualTo(
                        new RootRequest.Status(
                                RootRequest.State.APPLIED, "https://ide.campus.edu"));

        RootRequest.write(setup, "lab.campus.edu", null, null);
        assertThat(RootRequest.status(setup).state()).isEqualTo(RootRequest.State.PENDING);
    }

    @Test
    void aFailureAfterTheSuccessWasToldWins() throws Exception {
        RootRequest.write(setup, "ide.campus.edu", null, null);
        Files.writeString(setup.resolve("applied"), "public_url=https://ide.campus.edu\n");
        failAsRootDoes("codaipro-keycloak did not restart\n");

        assertThat(RootRequest.status(setup).state()).isEqualTo(RootRequest.State.FAILED);
    }

    @Test
    void anAnswerThatIsASymlinkIsNotRead() throws Exception {
        RootRequest.write(setup, "ide.campus.edu", null, null);
        Path secret = Files.writeString(setup.resolve("secret"), "not for the page");
        Files.createSymbolicLink(setup.resolve("apply/failed"), secret);

        assertThat(RootRequest.status(setup).state()).isEqualTo(RootRequest.State.PENDING);
    }

    /** What setup-apply's fail() leaves. */
    private void failAsRootDoes(String reason) throws Exception {
        Path apply = setup.resolve("apply");
        Files.writeString(apply.resolve("failed"), reason);
        Files.move(apply.resolve("request.properties"), apply.resolve("request.properties.failed"));
    }
}
