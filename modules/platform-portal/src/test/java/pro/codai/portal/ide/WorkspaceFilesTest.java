package pro.codai.portal.ide;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkspaceFilesTest {

    @Test
    void aNulOrAnyOtherControlCharacterInAPathIsABadPathBeforeAnythingRuns() {
        for (String bad : new String[] {"a\u0000b", "dir\u0000/x", "line\nbreak", "del\u007f"}) {
            assertThatThrownBy(() -> WorkspaceFiles.requireNoControlCharacters(bad))
                    .isInstanceOfSatisfying(
                            WorkspaceFileException.class,
                            refused ->
                                    org.assertj.core.api.Assertions.assertThat(refused.status())
                                            .isEqualTo(400));
        }
        assertThatCode(() -> WorkspaceFiles.requireNoControlCharacters("dir/ok file é.py"))
                .doesNotThrowAnyException();
    }
}
