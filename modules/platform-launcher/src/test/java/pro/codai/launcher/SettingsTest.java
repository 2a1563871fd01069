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
    void signInSettingsDefaultToTheLocalKeycloakAndAreChecked() throws Exception {
        Settings defaults =
                Settings.load(
                        Map.of(
                                "CODAIPRO_CONFIG_FILE",
                                tempDir.resolve("absent").toString(),
                                "CODAIPRO_HTTP_PORT",
                                "9090"),
                        new Properties());
        Settings bad =
                Settings.load(
                        Map.of(
                                "CODAIPRO_CONFIG_FILE", tempDir.resolve("absent").toString(),
                                "CODAIPRO_PUBLIC_URL", "https://ide.campus.edu/portal",
                                "CODAIPRO_OIDC_ISSUER", "https://login.campus.edu/",
                                "CODAIPRO_OIDC_CLIENT_SECRET", "tiny-s3cret",
                                "CODAIPRO_OIDC_API_AUDIENCE", "two words"),
                        new Properties());
        Settings good =
                Settings.load(
                        Map.of(
                                "CODAIPRO_CONFIG_FILE",
                                tempDir.resolve("absent").toString(),
                                "CODAIPRO_PUBLIC_URL",
                                "https://ide.campus.edu/",
                                "CODAIPRO_OIDC_ISSUER",
                                "https://login.campus.edu/realms/codaipro/",
                                "CODAIPRO_OIDC_CLIENT_SECRET",
                                "x".repeat(32)),
                        new Properties());

        assertThat(defaults.publicUrl()).isEqualTo("http://localhost:9090");
        assertThat(defaults.oidcIssuer()).isEqualTo("http://localhost:8180/realms/codaipro");
        assertThatThrownBy(defaults::oidcClientSecret)
                .hasMessageContaining("not set")
                .extracting("setting")
                .isEqualTo(Setting.OIDC_CLIENT_SECRET);
        assertThatThrownBy(bad::publicUrl).extracting("setting").isEqualTo(Setting.PUBLIC_URL);
        assertThatThrownBy(bad::oidcIssuer).extracting("setting").isEqualTo(Setting.OIDC_ISSUER);
        assertThatThrownBy(bad::oidcClientSecret)
                .hasMessageNotContaining("tiny-s3cret")
                .extracting("setting")
                .isEqualTo(Setting.OIDC_CLIENT_SECRET);
        assertThatThrownBy(bad::oidcApiAudience)
                .extracting("setting")
                .isEqualTo(Setting.OIDC_API_AUDIENCE);
        assertThat(good.publicUrl()).isEqualTo("https://ide.campus.edu");
        assertThat(good.oidcIssuer()).isEqualTo("https://login.campus.edu/realms/codaipro");
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
