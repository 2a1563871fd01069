package pro.codai.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsFileTest {

    @TempDir Path tempDir;

    @Test
    void valuesAreReadAsUtf8AndTrimmed() throws Exception {
        Path file =
                Files.writeString(
                        tempDir.resolve("codaipro.properties"),
                        "\uFEFF# comment\ncodaipro.site.name = Universität Nord  \n"
                                + "codaipro.http.port:8080\n"
                                + "codaipro.ide.git-hosts=github.com,\\\n    gitlab.uni.example\n"
                                + "codaipro.jvm.options=-Dx=\\u00e9\n");

        assertThat(SettingsFile.read(file))
                .containsEntry("codaipro.site.name", "Universität Nord")
                .containsEntry("codaipro.http.port", "8080")
                .containsEntry("codaipro.ide.git-hosts", "github.com,gitlab.uni.example")
                .containsEntry("codaipro.jvm.options", "-Dx=é")
                .hasSize(4);
        assertThat(SettingsFile.lineOf(file, "codaipro.http.port")).isEqualTo(3);
        assertThat(SettingsFile.lineOf(file, "codaipro.jvm.options")).isEqualTo(6);
        assertThat(SettingsFile.lineOf(file, "codaipro.absent")).isZero();
    }

    @Test
    void aMissingFileIsEmpty() {
        assertThat(SettingsFile.read(tempDir.resolve("absent"))).isEmpty();
    }

    @Test
    void anUnreadableFileIsAnError() {
        assertThatThrownBy(() -> SettingsFile.read(tempDir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read settings file " + tempDir);
    }

    @Test
    void aMalformedUnicodeEscapeNamesItsLine() throws Exception {
        Path file =
                Files.writeString(
                        tempDir.resolve("codaipro.properties"),
                        "# a \\u in a comment is not an escape: \\uZZZZ\n"
                                + "codaipro.site.name=Caf\\u00e9\n"
                                + "codaipro.db.password=C:\\\\users\\\\x\n"
                                + "codaipro.jvm.options=-Dpath=C:\\users\\x\n"
                                + "codaipro.http.port=8080\n");

        assertThatThrownBy(() -> SettingsFile.read(file))
                .isInstanceOf(SettingsFileException.class)
                .hasMessageStartingWith("settings file " + file + ", line 4: malformed \\uXXXX")
                .hasMessageNotContaining("\n")
                .extracting("line")
                .isEqualTo(4);
    }

    @Test
    void anEscapeCutShortAtTheEndOfTheFileNamesTheLastLine() throws Exception {
        Path file = Files.writeString(tempDir.resolve("p"), "a=1\nb=\\u00");

        assertThatThrownBy(() -> SettingsFile.read(file)).extracting("line").isEqualTo(2);
    }

    @Test
    void aFileThatIsNotUtf8NamesTheLine() throws Exception {
        Path file =
                Files.write(
                        tempDir.resolve("latin1.properties"),
                        "codaipro.http.port=8080\ncodaipro.site.name=Universit\u00e4t\n"
                                .getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> SettingsFile.read(file))
                .isInstanceOf(SettingsFileException.class)
                .hasMessage(
                        "settings file "
                                + file
                                + ", line 2: is not UTF-8 text (save the file as UTF-8)");
    }
}
