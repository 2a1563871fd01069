package pro.codai.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir Path tempDir;

    @Test
    void environmentOverridesTheFileWhichOverridesTheDefault() throws Exception {
        Path file = tempDir.resolve("codaipro.properties");
        Files.writeString(file, "codaipro.http.port=9090\ncodaipro.jvm.heap=1g\n");

        Settings settings =
                Settings.load(
                        Map.of(
                                "CODAIPRO_CONFIG_FILE",
                                file.toString(),
                                "CODAIPRO_HTTP_PORT",
                                "9191"),
                        new Properties());

        assertThat(settings.file()).isEqualTo(file);
        assertThat(settings.httpPort()).isEqualTo(9191);
        assertThat(settings.heap()).isEqualTo("1g");
        assertThat(settings.dataDir()).isEqualTo(Path.of("/var/lib/codaipro"));
        assertThat(settings.database()).isInstanceOf(DatabaseTarget.EmbeddedDerby.class);
    }

    @Test
    void aMissingSettingsFileMeansDefaults() throws Exception {
        Settings settings =
                Settings.load(
                        Map.of("CODAIPRO_CONFIG_FILE", tempDir.resolve("absent").toString()),
                        new Properties());

        assertThat(settings.httpPort()).isEqualTo(8080);
        assertThat(settings.poolMax()).isEqualTo(32);
        assertThat(settings.otelEndpoint()).isEmpty();
    }

    @Test
    void badValuesNameTheirSetting() {
        Settings settings =
                Settings.load(
                        Map.of(
                                "CODAIPRO_CONFIG_FILE", tempDir.resolve("absent").toString(),
                                "CODAIPRO_HTTP_PORT", "80800",
                                "CODAIPRO_DATA_DIR", "relative/dir",
                                "CODAIPRO_JVM_HEAP", "lots",
                                "CODAIPRO_DB_POOL_MAX", "0",
                                "CODAIPRO_OTEL_ENDPOINT", "collector:4318",
                                "CODAIPRO_JVM_OPTIONS", "-Xss1m oops"),
                        new Properties());

        assertThatThrownBy(settings::httpPort)
                .hasMessageContaining("80800")
                .extracting("setting")
                .isEqualTo(Setting.HTTP_PORT);
        assertThatThrownBy(settings::dataDir).extracting("setting").isEqualTo(Setting.DATA_DIR);
        assertThatThrownBy(settings::heap).extracting("setting").isEqualTo(Setting.JVM_HEAP);
        assertThatThrownBy(settings::poolMax).extracting("setting").isEqualTo(Setting.DB_POOL_MAX);
        assertThatThrownBy(settings::otelEndpoint)
                .extracting("setting")
                .isEqualTo(Setting.OTEL_ENDPOINT);
        assertThatThrownBy(settings::jvmOptions).hasMessageContaining("oops");
    }

    @Test
    void operatorMessageIsOneLineNamingBothSpellingsOfTheSetting() {
        SettingException problem = new SettingException(Setting.DB_URL, "cannot connect");

        assertThat(problem.operatorMessage())
                .isEqualTo(
                        "codaipro: cannot start: setting codaipro.db.url (CODAIPRO_DB_URL): cannot connect")
                .doesNotContain("\n");
    }

    @Test
    void everySettingIsDocumentedInTheConfigurationReference() throws Exception {
        String reference = Files.readString(Path.of("../../docs/reference/configuration.md"));
        for (Setting setting : Setting.values()) {
            assertThat(reference)
                    .as("docs/reference/configuration.md documents %s", setting.key())
                    .contains("`" + setting.key() + "`")
                    .contains("`" + setting.environmentVariable() + "`");
        }
    }
}
