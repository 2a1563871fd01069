package pro.codai.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void badValuesNameTheirSetting() throws Exception {
        Settings settings =
                Settings.load(
                        Map.of(
                                "CODAIPRO_CONFIG_FILE", tempDir.resolve("absent").toString(),
                                "CODAIPRO_HTTP_PORT", "80800",
                                "CODAIPRO_DATA_DIR", "relative/dir",
                                "CODAIPRO_JVM_HEAP", "lots",
                                "CODAIPRO_DB_POOL_MAX", "0",
                                "CODAIPRO_OTEL_ENDPOINT", "collector:4318",
                                "CODAIPRO_SANDBOXD_TERMINAL_CONNECTIONS", "0",
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
        assertThatThrownBy(settings::sandboxdTerminalConnections)
                .extracting("setting")
                .isEqualTo(Setting.SANDBOXD_TERMINAL_CONNECTIONS);
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
    void theRunsOfOneCallerAreCappedAtMostAtTheServersRunSlots() throws Exception {
        assertThat(settings(Map.of()).runsMaxPerCaller())
                .as("unset: the connector takes all the slots but one")
                .isZero();
        assertThat(
                        settings(
                                        Map.of(
                                                "CODAIPRO_RUNS_MAX_CONCURRENT", "8",
                                                "CODAIPRO_RUNS_MAX_PER_CALLER", "8"))
                                .runsMaxPerCaller())
                .isEqualTo(8);
        assertThatThrownBy(
                        () ->
                                settings(
                                                Map.of(
                                                        "CODAIPRO_RUNS_MAX_CONCURRENT", "4",
                                                        "CODAIPRO_RUNS_MAX_PER_CALLER", "5"))
                                        .runsMaxPerCaller())
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("5 is more than codaipro.runs.max-concurrent (4)")
                .extracting("setting")
                .isEqualTo(Setting.RUNS_MAX_PER_CALLER);
        for (String bad : new String[] {"0", "1025", "two"}) {
            assertThatThrownBy(
                            () -> settings(Map.of("CODAIPRO_RUNS_MAX_PER_CALLER", bad)).checkAll())
                    .isInstanceOf(SettingException.class)
                    .extracting("setting")
                    .isEqualTo(Setting.RUNS_MAX_PER_CALLER);
        }
    }

    @Test
    void previewsDefaultToTheOtherLoopbackNameAndMustBeOnAnotherHost() throws Exception {
        assertThat(settings(Map.of("CODAIPRO_HTTP_PORT", "9090")).previewUrl())
                .as("a portal on localhost previews on 127.0.0.1, the same listener")
                .isEqualTo("http://127.0.0.1:9090");
        assertThat(settings(Map.of("CODAIPRO_PUBLIC_URL", "http://127.0.0.1:8080")).previewUrl())
                .isEqualTo("http://localhost:8080");
        assertThat(settings(Map.of("CODAIPRO_PUBLIC_URL", "https://ide.campus.edu")).previewUrl())
                .as("no default under a real name: previews are off")
                .isEmpty();
        assertThat(
                        settings(
                                        Map.of(
                                                "CODAIPRO_PUBLIC_URL", "https://ide.campus.edu",
                                                "CODAIPRO_IDE_PREVIEW_URL",
                                                        "https://preview.ide.campus.edu/"))
                                .previewUrl())
                .isEqualTo("https://preview.ide.campus.edu");
        for (String bad :
                new String[] {
                    "preview.ide.campus.edu",
                    "ftp://preview.campus.edu",
                    "https://preview.campus.edu/pages",
                    "https://user@preview.campus.edu",
                    "https://preview.campus.edu/?x=1"
                }) {
            assertThatThrownBy(
                            () ->
                                    settings(
                                                    Map.of(
                                                            "CODAIPRO_PUBLIC_URL",
                                                            "https://ide.campus.edu",
                                                            "CODAIPRO_IDE_PREVIEW_URL",
                                                            bad))
                                            .previewUrl())
                    .as(bad)
                    .extracting("setting")
                    .isEqualTo(Setting.IDE_PREVIEW_URL);
        }
        assertThatThrownBy(
                        () ->
                                settings(
                                                Map.of(
                                                        "CODAIPRO_PUBLIC_URL",
                                                        "https://ide.campus.edu",
                                                        "CODAIPRO_IDE_PREVIEW_URL",
                                                        "https://IDE.campus.edu:8443"))
                                        .previewUrl())
                .as("another port of the portal's host gets its cookies")
                .hasMessageContaining("another name")
                .extracting("setting")
                .isEqualTo(Setting.IDE_PREVIEW_URL);
    }

    private Settings settings(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("CODAIPRO_CONFIG_FILE", tempDir.resolve("absent").toString());
        try {
            return Settings.load(all, new Properties());
        } catch (SettingException e) {
            throw new AssertionError(e.operatorMessage(), e);
        }
    }

    @Test
    void operatorMessageIsOneLineNamingBothSpellingsOfTheSetting() {
        SettingException problem = new SettingException(Setting.DB_URL, "cannot connect");

        assertThat(problem.operatorMessage())
                .isEqualTo(
                        "codaipro: cannot start: setting codaipro.db.url (CODAIPRO_DB_URL): cannot connect")
                .doesNotContain("\n");
    }

    private Settings load(Map<String, String> env) throws SettingException {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("CODAIPRO_CONFIG_FILE", tempDir.resolve("absent").toString());
        return Settings.load(all, new Properties());
    }

    private Path settingsFile(String content, String mode) throws Exception {
        Path file = tempDir.resolve("codaipro.properties");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void aMisspeltKeyInTheFileIsRefusedNamingTheClosestKnownKeyAndTheLine() throws Exception {
        Path file =
                settingsFile(
                        "# Jobe\ncodaipro.http.port=8080\ncodaipro.jobe.requre-api-key=false\n",
                        "rw-r-----");

        assertThatThrownBy(() -> load(Map.of("CODAIPRO_CONFIG_FILE", file.toString())))
                .isInstanceOf(SettingException.class)
                .hasMessageStartingWith(
                        "codaipro.jobe.requre-api-key is not a setting; did you mean"
                                + " codaipro.jobe.require-api-key?")
                .extracting(e -> ((SettingException) e).operatorMessage())
                .asString()
                .startsWith("codaipro: cannot start: settings file " + file + ", line 3: ")
                .doesNotContain("false")
                .doesNotContain("\n");
    }

    @Test
    void aKeyOutsideTheCatalogueIsRefusedEvenWithoutTheCodaiproPrefix() throws Exception {
        Path file = settingsFile("http.port=9090\n", "rw-r-----");

        assertThatThrownBy(() -> load(Map.of("CODAIPRO_CONFIG_FILE", file.toString())))
                .hasMessageContaining(
                        "http.port is not a setting; did you mean codaipro.http.port?");
    }

    @Test
    void anUnknownCodaiproVariableIsRefusedNamingTheClosestKnownOne() {
        assertThatThrownBy(() -> load(Map.of("CODAIPRO_IDE_GRACE_SECOND", "60")))
                .isInstanceOf(SettingException.class)
                .hasMessageStartingWith("not a setting; did you mean CODAIPRO_IDE_GRACE_SECONDS?")
                .extracting(e -> ((SettingException) e).subject())
                .isEqualTo("environment variable CODAIPRO_IDE_GRACE_SECOND");
        assertThatThrownBy(() -> load(Map.of("codaipro_jobe_require_apikey", "false")))
                .hasMessageContaining("did you mean CODAIPRO_JOBE_REQUIRE_API_KEY?");
    }

    @Test
    void variablesOfTheScriptsAndOfKeycloakAreKnownAndOtherVariablesIgnored() throws Exception {
        Settings settings =
                load(
                        Map.of(
                                "CODAIPRO_ALLOW_ROOT", "true",
                                "CODAIPRO_HOME", "/opt/codaipro",
                                "CODAIPRO_KEYCLOAK_HOME", "/var/lib/codaipro-keycloak",
                                "CODAIPRO_SMTP_HOST", "localhost",
                                "PATH", "/usr/bin",
                                "SANDBOXD_JAVA_OPTS", "-Xmx1g"));

        assertThat(settings.httpPort()).isEqualTo(8080);
    }

    @Test
    void theLowerCaseSpellingsMicroProfileConfigReadsAreReadToo() throws Exception {
        Settings settings = load(Map.of("codaipro_http_port", "9191", "codaipro.jvm.heap", "1g"));

        assertThat(settings.httpPort()).isEqualTo(9191);
        assertThat(settings.heap()).isEqualTo("1g");
    }

    @Test
    void anEmptyValueMeansTheDefaultAndBlanksAroundAVariablesValueAreRefused() throws Exception {
        assertThat(load(Map.of("CODAIPRO_HTTP_PORT", "")).httpPort()).isEqualTo(8080);
        assertThatThrownBy(() -> load(Map.of("CODAIPRO_JOBE_REQUIRE_API_KEY", "true ")))
                .hasMessage("has blanks around its value; remove them")
                .extracting(e -> ((SettingException) e).subject())
                .isEqualTo("environment variable CODAIPRO_JOBE_REQUIRE_API_KEY");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ture", "yes", "1", "on", "TRUE ", "False"})
    void aBooleanIsTrueOrFalseAndNothingElse(String value) throws Exception {
        Path file = settingsFile("codaipro.jobe.require-api-key=" + value + "\n", "rw-r-----");
        Settings settings = load(Map.of("CODAIPRO_CONFIG_FILE", file.toString()));

        assertThatThrownBy(() -> settings.value(Setting.JOBE_REQUIRE_API_KEY))
                .hasMessage("'" + value.strip() + "' is not true or false")
                .extracting("setting")
                .isEqualTo(Setting.JOBE_REQUIRE_API_KEY);
    }

    @Test
    void trueAndFalseAreBooleans() throws Exception {
        assertThat(
                        load(Map.of("CODAIPRO_JOBE_REQUIRE_API_KEY", "false"))
                                .value(Setting.JOBE_REQUIRE_API_KEY))
                .isEqualTo("false");
        assertThat(load(Map.of()).value(Setting.JOBE_REQUIRE_API_KEY)).isEqualTo("true");
    }

    @Test
    void anAdminTokenIsEmptyOr32PrintableCharactersAndNeverShown() throws Exception {
        Settings shortToken = load(Map.of("CODAIPRO_ADMIN_TOKEN", "short-s3cret-token"));
        Settings blanks =
                load(Map.of("CODAIPRO_ADMIN_TOKEN", "a token with blanks in it, 32+ chars"));
        Settings none = load(Map.of());
        Settings good = load(Map.of("CODAIPRO_ADMIN_TOKEN", "t".repeat(32)));

        assertThatThrownBy(() -> shortToken.value(Setting.ADMIN_TOKEN))
                .hasMessage("is shorter than 32 characters")
                .extracting(e -> ((SettingException) e).operatorMessage())
                .asString()
                .contains("codaipro.admin.token (CODAIPRO_ADMIN_TOKEN)")
                .doesNotContain("s3cret");
        assertThatThrownBy(() -> blanks.value(Setting.ADMIN_TOKEN))
                .hasMessageNotContaining("blanks in it");
        assertThat(none.value(Setting.ADMIN_TOKEN)).isEmpty();
        assertThat(good.value(Setting.ADMIN_TOKEN)).hasSize(32);
    }

    @Test
    void aFileHoldingSecretsThatEveryUserMayReadIsRefused() throws Exception {
        Path file = settingsFile("codaipro.admin.token=" + "t".repeat(40) + "\n", "rw-r--r--");

        assertThatThrownBy(() -> load(Map.of("CODAIPRO_CONFIG_FILE", file.toString())))
                .hasMessage(
                        "holds secrets (codaipro.admin.token) but every user may read it (mode"
                                + " 0644); make it readable by root and the server only: chmod"
                                + " 0640 "
                                + file
                                + " && chown root:codaipro "
                                + file)
                .hasMessageNotContaining("tttt")
                .extracting(e -> ((SettingException) e).subject())
                .isEqualTo("settings file " + file);
    }

    @Test
    void aPrivateFileWithSecretsOrAReadableOneWithoutIsAccepted() throws Exception {
        Path file =
                settingsFile(
                        "codaipro.oidc.client-secret="
                                + "s".repeat(32)
                                + "\ncodaipro.db.password=pw\n",
                        "rw-r-----");
        assertThat(load(Map.of("CODAIPRO_CONFIG_FILE", file.toString())).oidcClientSecret())
                .hasSize(32);

        settingsFile("codaipro.site.name=North\ncodaipro.admin.token=\n", "rw-r--r--");
        assertThat(load(Map.of("CODAIPRO_CONFIG_FILE", file.toString())).value(Setting.SITE_NAME))
                .isEqualTo("North");
    }

    @Test
    void aFileEveryUserMayChangeIsRefused() throws Exception {
        Path file = settingsFile("codaipro.site.name=North\n", "rw-rw-rw-");

        assertThatThrownBy(() -> load(Map.of("CODAIPRO_CONFIG_FILE", file.toString())))
                .hasMessageStartingWith("every user may change it (mode 0666)");
    }

    @Test
    void aMalformedEscapeIsRefusedWithItsLine() throws Exception {
        Path file =
                settingsFile(
                        "codaipro.site.name=North\ncodaipro.data.dir=C:\\users\\codaipro\n",
                        "rw-r-----");

        assertThatThrownBy(() -> load(Map.of("CODAIPRO_CONFIG_FILE", file.toString())))
                .hasMessageStartingWith("malformed \\uXXXX escape")
                .extracting(e -> ((SettingException) e).subject())
                .isEqualTo("settings file " + file + ", line 2");
    }

    @Test
    void theApplicationsSettingsAreCheckedToo() throws Exception {
        Map<Setting, String> bad = new java.util.LinkedHashMap<>();
        bad.put(Setting.SITE_NAME, "North\\u000aSouth");
        bad.put(Setting.STUDENTS_EMAIL_DOMAINS, "uni.example, student@uni.example");
        bad.put(Setting.IDE_GRACE_SECONDS, "0");
        bad.put(Setting.IDE_IDLE_SECONDS, "half an hour");
        bad.put(Setting.IDE_QUOTA_WARNING_SECONDS, "-1");
        bad.put(Setting.IDE_GIT_HOSTS, "github.com, https://gitlab.uni.example");
        bad.put(Setting.IDE_GIT_CA_FILE, tempDir.resolve("missing.pem").toString());
        bad.put(Setting.QUOTA_TRY_NOW_FREE, "2h");
        bad.put(Setting.QUOTA_TRY_NOW_PRO, "unlimted");
        bad.put(Setting.JOBE_FILE_CACHE_MEGABYTES, "0");
        StringBuilder content = new StringBuilder();
        bad.forEach(
                (setting, value) ->
                        content.append(setting.key()).append('=').append(value).append('\n'));
        Path file = settingsFile(content.toString(), "rw-r-----");
        Settings settings =
                load(
                        Map.of(
                                "CODAIPRO_CONFIG_FILE", file.toString(),
                                "CODAIPRO_OIDC_CLIENT_SECRET", "s".repeat(32)));

        for (Setting setting : bad.keySet()) {
            assertThatThrownBy(() -> settings.value(setting))
                    .as(setting.key())
                    .isInstanceOf(SettingException.class)
                    .extracting("setting")
                    .isEqualTo(setting);
        }
        assertThatThrownBy(settings::checkAll).extracting("setting").isEqualTo(Setting.SITE_NAME);
    }

    @Test
    void jvmOptionsCannotSetASettingPastTheChecks() throws Exception {
        Settings settings =
                load(
                        Map.of(
                                "CODAIPRO_JVM_OPTIONS",
                                "-Xss1m -Dcodaipro.jobe.require-api-key=ture -Dotel.x=1"));

        assertThatThrownBy(settings::jvmOptions)
                .hasMessage(
                        "'-Dcodaipro.jobe.require-api-key' sets a setting: give it as a setting,"
                                + " where it is checked")
                .extracting("setting")
                .isEqualTo(Setting.JVM_OPTIONS);
        assertThat(load(Map.of("CODAIPRO_JVM_OPTIONS", "-Xss1m -Dotel.x=1")).jvmOptions())
                .containsExactly("-Xss1m", "-Dotel.x=1");
    }

    @Test
    void theApplicationsSettingsAcceptWhatTheApplicationReads() throws Exception {
        Path ca =
                Files.writeString(
                        tempDir.resolve("ca.pem"),
                        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        Settings settings =
                load(
                        Map.of(
                                "CODAIPRO_STUDENTS_EMAIL_DOMAINS",
                                        "student.uni.example, @uni.example",
                                "CODAIPRO_IDE_GIT_HOSTS", "github.com gitlab.uni.example:8443",
                                "CODAIPRO_IDE_GIT_CA_FILE", ca.toString(),
                                "CODAIPRO_QUOTA_TRY_NOW_SECONDS_STUDENT", "Unlimited",
                                "CODAIPRO_QUOTA_TRY_NOW_SECONDS_FREE", "0",
                                "CODAIPRO_SITE_NAME", "Universität Nord",
                                "CODAIPRO_OIDC_CLIENT_SECRET", "s".repeat(32)));

        settings.checkAll();
    }
}
