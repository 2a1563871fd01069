package pro.codai.launcher;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import pro.codai.platform.config.SettingsFile;

/**
 * Resolved launcher settings: environment variable, else settings file, else default — the same
 * precedence MicroProfile Config gives the application.
 */
public final class Settings {

    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    private final Map<Setting, String> values;
    private final Path file;

    private Settings(Map<Setting, String> values, Path file) {
        this.values = values;
        this.file = file;
    }

    /**
     * Reads the settings file named by the environment or system properties, then the environment.
     */
    public static Settings load(Map<String, String> env, Properties systemProperties) {
        Path file = SettingsFile.location(env, systemProperties);
        Map<String, String> fromFile = SettingsFile.read(file);
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String value = env.get(setting.environmentVariable());
            if (value == null) {
                value = fromFile.get(setting.key());
            }
            values.put(setting, value == null ? setting.defaultValue() : value.trim());
        }
        return new Settings(values, file);
    }

    /** The settings file that was read (it may not exist). */
    public Path file() {
        return file;
    }

    public String raw(Setting setting) {
        return values.get(setting);
    }

    public int httpPort() throws SettingException {
        String value = raw(Setting.HTTP_PORT);
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SettingException(
                Setting.HTTP_PORT, "'" + value + "' is not a TCP port (1-65535)");
    }

    public Path dataDir() throws SettingException {
        String value = raw(Setting.DATA_DIR);
        if (value.isEmpty() || !value.startsWith("/")) {
            throw new SettingException(
                    Setting.DATA_DIR, "'" + value + "' is not an absolute directory path");
        }
        return Path.of(value).normalize();
    }

    public DatabaseTarget database() throws SettingException {
        return DatabaseTarget.parse(raw(Setting.DB_URL), raw(Setting.DB_USER));
    }

    public String databasePassword() {
        return raw(Setting.DB_PASSWORD);
    }

    public int poolMax() throws SettingException {
        String value = raw(Setting.DB_POOL_MAX);
        try {
            int max = Integer.parseInt(value);
            if (max >= 1 && max <= 1000) {
                return max;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SettingException(
                Setting.DB_POOL_MAX, "'" + value + "' is not a pool size (1-1000)");
    }

    public Path sandboxdSocket() throws SettingException {
        String value = raw(Setting.SANDBOXD_SOCKET);
        if (!value.startsWith("/") || value.chars().anyMatch(c -> c <= ' ' || c == ':')) {
            throw new SettingException(
                    Setting.SANDBOXD_SOCKET,
                    "'" + value + "' is not an absolute socket path (no blanks or ':')");
        }
        return Path.of(value).normalize();
    }

    public int runsMaxConcurrent() throws SettingException {
        return integer(Setting.RUNS_MAX_CONCURRENT, 1, 1024);
    }

    public int runsMaxQueued() throws SettingException {
        return integer(Setting.RUNS_MAX_QUEUED, 0, 100_000);
    }

    public int runsQueueTimeoutSeconds() throws SettingException {
        return integer(Setting.RUNS_QUEUE_TIMEOUT, 1, 3600);
    }

    private int integer(Setting setting, int min, int max) throws SettingException {
        String value = raw(setting);
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SettingException(
                setting, "'" + value + "' is not a whole number from " + min + " to " + max);
    }

    public String heap() throws SettingException {
        String value = raw(Setting.JVM_HEAP);
        if (!HEAP_SIZE.matcher(value).matches()) {
            throw new SettingException(
                    Setting.JVM_HEAP, "'" + value + "' is not a heap size such as 768m or 2g");
        }
        return value;
    }

    public String[] jvmOptions() throws SettingException {
        String value = raw(Setting.JVM_OPTIONS);
        if (value.isEmpty()) {
            return new String[0];
        }
        String[] options = value.split("\\s+");
        for (String option : options) {
            if (!option.startsWith("-")) {
                throw new SettingException(
                        Setting.JVM_OPTIONS,
                        "'" + option + "' is not a JVM option (must start with -)");
            }
        }
        return options;
    }

    /** The portal's public address without a trailing slash; by default on localhost. */
    public String publicUrl() throws SettingException {
        String value = raw(Setting.PUBLIC_URL);
        if (value.isEmpty()) {
            return "http://localhost:" + httpPort();
        }
        String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        if (!isHttpUrl(trimmed) || URI.create(trimmed).getRawPath().length() > 0) {
            throw new SettingException(
                    Setting.PUBLIC_URL,
                    "'"
                            + value
                            + "' is not an http(s) address without a path, such as"
                            + " https://ide.campus.edu");
        }
        return trimmed;
    }

    /** The Keycloak realm's issuer URL, without a trailing slash. */
    public String oidcIssuer() throws SettingException {
        String value = raw(Setting.OIDC_ISSUER);
        String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        if (!isHttpUrl(trimmed) || !trimmed.contains("/realms/")) {
            throw new SettingException(
                    Setting.OIDC_ISSUER,
                    "'"
                            + value
                            + "' is not a Keycloak realm URL such as"
                            + " https://login.campus.edu/realms/codaipro");
        }
        return trimmed;
    }

    public String oidcClientId() throws SettingException {
        return token(Setting.OIDC_CLIENT_ID);
    }

    public String oidcApiAudience() throws SettingException {
        return token(Setting.OIDC_API_AUDIENCE);
    }

    /** Checked for presence and length only; the value is never echoed. */
    public String oidcClientSecret() throws SettingException {
        String value = raw(Setting.OIDC_CLIENT_SECRET);
        if (value.length() < 32) {
            throw new SettingException(
                    Setting.OIDC_CLIENT_SECRET,
                    value.isEmpty()
                            ? "is not set; copy the portal client's secret from the realm"
                            : "is shorter than 32 characters");
        }
        return value;
    }

    private String token(Setting setting) throws SettingException {
        String value = raw(setting);
        if (!value.matches("[A-Za-z0-9._:-]{1,255}")) {
            throw new SettingException(
                    setting, "'" + value + "' is not a client name (letters, digits, . _ : -)");
        }
        return value;
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && uri.getRawQuery() == null
                    && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The OTLP endpoint, or empty when telemetry is off. */
    public String otelEndpoint() throws SettingException {
        String value = raw(Setting.OTEL_ENDPOINT);
        if (value.isEmpty()) {
            return value;
        }
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null) {
                return value;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new SettingException(
                Setting.OTEL_ENDPOINT,
                "'" + value + "' is not an http(s) URL such as http://collector:4318");
    }
}
