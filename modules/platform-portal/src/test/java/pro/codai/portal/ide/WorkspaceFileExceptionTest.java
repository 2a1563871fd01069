package pro.codai.portal.ide;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a refused file operation reaches the IDE: its status and title. */
class WorkspaceFileExceptionTest {

    @Test
    void aFullHomeIsInsufficientStorageWithATitleAStudentReads() {
        WorkspaceFileException full =
                new WorkspaceFileException("full", "Your home is full: 1.0 MB of 1.0 MB used.");

        assertThat(full.status()).isEqualTo(507);
        assertThat(full.title()).isEqualTo("Your home is full");
        assertThat(new WorkspaceFileException("quota", "").status()).isEqualTo(429);
    }

    @Test
    void sizesAreShownInDecimalMegabytesWithOneDecimal() {
        assertThat(WorkspaceFiles.megabytes(0)).isEqualTo("0.0 MB");
        assertThat(WorkspaceFiles.megabytes(536_870_912)).isEqualTo("536.9 MB");
    }
}
