package pro.codai.launcher;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import pro.codai.platform.config.SettingsFile;
import pro.codai.platform.config.SettingsFileException;

/**
 * Resolved settings: environment variable, else settings file, else default — the same precedence
 * MicroProfile Config gives the application. Loading refuses what would be silently ignored: a key
 * in the file or a {@code CODAIPRO_*} variable that is no setting, and a file holding secrets that
 * every user may read.
 */
public final class Settings {

    /**
     * {@code CODAIPRO_*} variables that are not settings of the server but may be in its
     * environment, with what reads them.
     */
    static final Map<String, String> OTHER_VARIABLES = otherVariables();

    private static final String REFERENCE = "docs/reference/configuration.md";

    private final Map<Setting, String> values;
    private final Path file;

    private Settings(Map<Setting, String> values, Path file) {
        this.values = values;
        this.file = file;
    }

    /**
     * Reads the settings file named by the environment or system properties, then the environment.
     *
     * @throws SettingException for an unknown key or variable, a malformed or exposed file
     */
    public static Settings load(Map<String, String> env, Properties systemProperties)
            throws SettingException {
        checkVariables(env);
        Path file = SettingsFile.location(env, systemProperties);
        Map<String, String> fromFile;
        try {
            fromFile = SettingsFile.read(file);
        } catch (SettingsFileException e) {
            throw SettingException.about(
                    "settings file " + file + ", line " + e.line(), e.problem());
        }
        checkKeys(file, fromFile);
        checkPermissions(file, fromFile);
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String value = fromEnvironment(env, setting);
            if (value == null) {
                value = fromFile.get(setting.key());
            }
            // An empty value is no value, as in MicroProfile Config: the default applies.
            values.put(setting, value == null || value.isEmpty() ? setting.defaultValue() : value);
        }
        return new Settings(values, file);
    }

    /**
     * The variable MicroProfile Config would read for the setting: the key itself, the key with
     * every other character than letters and digits as {@code _}, then that in upper case.
     */
    private static String fromEnvironment(Map<String, String> env, Setting setting)
            throws SettingException {
        String sanitized = setting.key().replaceAll("[^A-Za-z0-9]", "_");
        for (String name : List.of(setting.key(), sanitized, setting.environmentVariable())) {
            String value = env.get(name);
            if (value != null) {
                if (!value.equals(value.strip())) {
                    // The file's values are trimmed; the environment's are not, by every reader.
                    throw SettingException.about(
                            "environment variable " + name,
                            "has blanks around its value; remove them");
                }
                return value;
            }
        }
        return null;
    }

    private static void checkVariables(Map<String, String> env) throws SettingException {
        Set<String> known = new TreeSet<>(OTHER_VARIABLES.keySet());
        for (Setting setting : Setting.values()) {
            known.add(setting.environmentVariable());
        }
        for (String name : new TreeSet<>(env.keySet())) {
            String normalized = Setting.environmentVariable(name);
            if (normalized.startsWith("CODAIPRO_") && !known.contains(normalized)) {
                throw SettingException.about(
                        "environment variable " + name,
                        "not a setting; did you mean "
                                + Spelling.closest(normalized, known)
                                + "? (every setting: "
                                + REFERENCE
                                + ")");
            }
        }
    }

    private static void checkKeys(Path file, Map<String, String> fromFile) throws SettingException {
        List<String> keys = Arrays.stream(Setting.values()).map(Setting::key).toList();
        for (String key : new TreeSet<>(fromFile.keySet())) {
            if (!keys.contains(key)) {
                throw SettingException.about(
                        "settings file " + file + ", line " + SettingsFile.lineOf(file, key),
                        Format.printable(key)
                                + " is not a setting; did you mean "
                                + Spelling.closest(key, keys)
                                + "? (every setting: "
                                + REFERENCE
                                + ")");
            }
        }
    }

    /** A file others may change, or read when it holds secrets, is refused. */
    private static void checkPermissions(Path file, Map<String, String> fromFile)
            throws SettingException {
        Set<PosixFilePermission> permissions;
        try {
            if (!Files.exists(file)) {
                return;
            }
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // not a POSIX file system: nothing to check
        }
        String fix =
                "; make it readable by root and the server only: chmod 0640 "
                        + file
                        + " && chown root:codaipro "
                        + file;
        String mode = mode(permissions);
        if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw SettingException.about(
                    "settings file " + file, "every user may change it (mode " + mode + ")" + fix);
        }
        List<String> secrets = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            if (setting.isSecret() && !fromFile.getOrDefault(setting.key(), "").isEmpty()) {
                secrets.add(setting.key());
            }
        }
        if (!secrets.isEmpty() && permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw SettingException.about(
                    "settings file " + file,
                    "holds secrets ("
                            + String.join(", ", secrets)
                            + ") but every user may read it (mode "
                            + mode
                            + ")"
                            + fix);
        }
    }

    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", mode);
    }

    private static Map<String, String> otherVariables() {
        Map<String, String> other = new LinkedHashMap<>();
        other.put(SettingsFile.LOCATION_ENV, "the settings file to read");
        other.put("CODAIPRO_ALLOW_ROOT", "bin/codaipro-server");
        other.put("CODAIPRO_HOME", "appliance/local/run");
        other.put("CODAIPRO_CACHE_DIR", "appliance/local");
        other.put("CODAIPRO_IMAGE_LANGUAGES", "the sandbox image build");
        other.put("CODAIPRO_KEYCLOAK_DIST", "Keycloak's start script");
        other.put("CODAIPRO_KEYCLOAK_HOME", "Keycloak's start script");
        other.put("CODAIPRO_API_CLIENT_SECRET", "Keycloak's realm import");
        for (String smtp :
                List.of("HOST", "PORT", "FROM", "STARTTLS", "AUTH", "USER", "PASSWORD")) {
            other.put("CODAIPRO_SMTP_" + smtp, "Keycloak's realm import");
        }
        for (String ops :
                List.of(
                        "BACKUP_DIR",
                        "BACKUP_KEEP",
                        "BACKUP_TO",
                        "ETC_DIR",
                        "OPT_DIR",
                        "OPS_DATABASES",
                        "OPS_READY_URLS",
                        "OPS_SERVICES",
                        "OPS_STATE_DIR",
                        "OPS_SYSTEMCTL",
                        "SANDBOX_STATE_DIR",
                        "VOLUME_ROOT")) {
            other.put("CODAIPRO_" + ops, "the codaipro operations command");
        }
        for (String apply :
                List.of(
                        "CA_DIR",
                        "HOSTNAME_FILE",
                        "HOSTS_FILE",
                        "JAVA_CACERTS",
                        "NGINX",
                        "NGINX_SITE",
                        "SETUP_OWNER",
                        "UPDATE_CA")) {
            other.put("CODAIPRO_" + apply, "the setup wizard's root side (setup-apply)");
        }
        for (String image :
                List.of("IMAGE_MIRROR", "IMAGE_SECURITY_MIRROR", "IMAGE_OUTPUT", "IMAGE_WORK")) {
            other.put("CODAIPRO_" + image, "the appliance image build");
        }
        for (String test : List.of("PLAYBOOK_TEST_STEP", "TEST_PORT", "TEST_TIMEOUT")) {
            other.put("CODAIPRO_" + test, "the playbook and image boot tests");
        }
        return Map.copyOf(other);
    }

    /** The settings file that was read (it may not exist). */
    public Path file() {
        return file;
    }

    /** The value as resolved, unchecked. */
    public String raw(Setting setting) {
        return values.get(setting);
    }

    /** The value, checked against the setting's {@link Format}. */
    public String value(Setting setting) throws SettingException {
        String value = raw(setting);
        String problem = setting.format().problem(value);
        if (problem != null) {
            throw new SettingException(setting, problem);
        }
        return value;
    }

    /** Checks every setting's value against its format, in the catalogue's order. */
    public void checkAll() throws SettingException {
        for (Setting setting : Setting.values()) {
            value(setting);
        }
    }

    public int httpPort() throws SettingException {
        return Integer.parseInt(value(Setting.HTTP_PORT));
    }

    public Path dataDir() throws SettingException {
        return Path.of(value(Setting.DATA_DIR)).normalize();
    }

    public DatabaseTarget database() throws SettingException {
        return DatabaseTarget.parse(value(Setting.DB_URL), value(Setting.DB_USER));
    }

    public String databasePassword() throws SettingException {
        return value(Setting.DB_PASSWORD);
    }

    public int poolMax() throws SettingException {
        return Integer.parseInt(value(Setting.DB_POOL_MAX));
    }

    public Path sandboxdSocket() throws SettingException {
        return Path.of(value(Setting.SANDBOXD_SOCKET)).normalize();
    }

    public int sandboxdTerminalConnections() throws SettingException {
        return Integer.parseInt(value(Setting.SANDBOXD_TERMINAL_CONNECTIONS));
    }

    public int runsMaxConcurrent() throws SettingException {
        return Integer.parseInt(value(Setting.RUNS_MAX_CONCURRENT));
    }

    /**
     * Runs one caller may have executing at once; 0 when not set (the connector then takes {@link
     * #runsMaxConcurrent()} less one, at least 1). Refused when above {@link #runsMaxConcurrent()}.
     */
    public int runsMaxPerCaller() throws SettingException {
        String value = value(Setting.RUNS_MAX_PER_CALLER);
        if (value.isEmpty()) {
            return 0;
        }
        int perCaller = Integer.parseInt(value);
        int concurrent = runsMaxConcurrent();
        if (perCaller > concurrent) {
            throw new SettingException(
                    Setting.RUNS_MAX_PER_CALLER,
                    perCaller
                            + " is more than "
                            + Setting.RUNS_MAX_CONCURRENT.key()
                            + " ("
                            + concurrent
                            + "): one caller cannot hold more run slots than there are");
        }
        return perCaller;
    }

    public int runsMaxQueued() throws SettingException {
        return Integer.parseInt(value(Setting.RUNS_MAX_QUEUED));
    }

    public int runsQueueTimeoutSeconds() throws SettingException {
        return Integer.parseInt(value(Setting.RUNS_QUEUE_TIMEOUT));
    }

    public String heap() throws SettingException {
        return value(Setting.JVM_HEAP);
    }

    public String[] jvmOptions() throws SettingException {
        String value = value(Setting.JVM_OPTIONS);
        return value.isEmpty() ? new String[0] : value.strip().split("\\s+");
    }

    /** The portal's public address without a trailing slash; by default on localhost. */
    public String publicUrl() throws SettingException {
        String value = value(Setting.PUBLIC_URL);
        if (value.isEmpty()) {
            return "http://localhost:" + httpPort();
        }
        return withoutTrailingSlash(value);
    }

    /**
     * Where previews are served, without a trailing slash; empty when they are off. By default the
     * portal's own listener under its other loopback name ({@code localhost} ↔ {@code 127.0.0.1}):
     * another host to the browser, so the portal's cookies never go there, and no DNS needed.
     */
    public String previewUrl() throws SettingException {
        String publicUrl = publicUrl();
        String value = value(Setting.IDE_PREVIEW_URL);
        if (value.isEmpty()) {
            URI portal = URI.create(publicUrl);
            String other =
                    switch (portal.getHost().toLowerCase(Locale.ROOT)) {
                        case "localhost" -> "127.0.0.1";
                        case "127.0.0.1", "[::1]" -> "localhost";
                        default -> null;
                    };
            return other == null
                    ? ""
                    : portal.getScheme()
                            + "://"
                            + other
                            + (portal.getPort() == -1 ? "" : ":" + portal.getPort());
        }
        String trimmed = withoutTrailingSlash(value);
        if (URI.create(trimmed).getHost().equalsIgnoreCase(URI.create(publicUrl).getHost())) {
            throw new SettingException(
                    Setting.IDE_PREVIEW_URL,
                    "'"
                            + value
                            + "' has the portal's host name ("
                            + Setting.PUBLIC_URL.key()
                            + "); browsers send a host's cookies to all its ports, so previews"
                            + " need another name");
        }
        return trimmed;
    }

    /** The Keycloak realm's issuer URL, without a trailing slash. */
    public String oidcIssuer() throws SettingException {
        return withoutTrailingSlash(value(Setting.OIDC_ISSUER));
    }

    public String oidcClientId() throws SettingException {
        return value(Setting.OIDC_CLIENT_ID);
    }

    public String oidcApiAudience() throws SettingException {
        return value(Setting.OIDC_API_AUDIENCE);
    }

    /** Checked for presence and length only; the value is never echoed. */
    public String oidcClientSecret() throws SettingException {
        return value(Setting.OIDC_CLIENT_SECRET);
    }

    /** The OTLP endpoint, or empty when telemetry is off. */
    public String otelEndpoint() throws SettingException {
        return value(Setting.OTEL_ENDPOINT);
    }

    private static String withoutTrailingSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
