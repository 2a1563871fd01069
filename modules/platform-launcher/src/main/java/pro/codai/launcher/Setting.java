package pro.codai.launcher;

import java.util.Locale;

/**
 * The settings the launcher reads before the server starts. Each is read from the environment
 * variable, else the settings file, else its default. {@code docs/reference/configuration.md} lists
 * them; a test keeps the two in step.
 */
public enum Setting {
    HTTP_PORT("codaipro.http.port", "8080", "TCP port of the HTTP listener."),
    DATA_DIR(
            "codaipro.data.dir",
            "/var/lib/codaipro",
            "Directory for all state: the embedded database, server runtime files, logs."),
    DB_URL(
            "codaipro.db.url",
            "",
            "JDBC URL of a PostgreSQL database (jdbc:postgresql://host:5432/name). Empty: the"
                    + " embedded Derby database under the data directory."),
    DB_USER("codaipro.db.user", "", "Database user (PostgreSQL)."),
    DB_PASSWORD("codaipro.db.password", "", "Database password (PostgreSQL). Never logged."),
    DB_POOL_MAX("codaipro.db.pool.max", "32", "Largest number of pooled database connections."),
    JVM_HEAP("codaipro.jvm.heap", "768m", "Largest Java heap of the server (-Xmx), e.g. 768m, 2g."),
    JVM_OPTIONS(
            "codaipro.jvm.options",
            "",
            "Extra JVM options for the server, separated by spaces (e.g. -Dotel.bsp.schedule.delay=500)."),
    SANDBOXD_SOCKET(
            "codaipro.sandboxd.socket",
            "/run/codaipro/sandboxd.sock",
            "Unix socket of sandboxd (the sandbox connector's SocketPath)."),
    RUNS_MAX_CONCURRENT(
            "codaipro.runs.max-concurrent",
            "4",
            "Compile-and-run jobs executing at once, server-wide; keep it near the number of cores."),
    RUNS_MAX_QUEUED(
            "codaipro.runs.max-queued",
            "512",
            "Jobs allowed to wait for a slot; more are answered as overload (Jobe outcome 21)."),
    RUNS_QUEUE_TIMEOUT(
            "codaipro.runs.queue-timeout-seconds",
            "60",
            "Longest a job waits for a slot before it is answered as overload; keep it below"
                    + " Moodle's HTTP timeout."),
    PUBLIC_URL(
            "codaipro.public.url",
            "",
            "The portal's address as browsers reach it (e.g. https://ide.campus.edu), used for"
                    + " sign-in redirects. Empty: http://localhost:<http port>."),
    OIDC_ISSUER(
            "codaipro.oidc.issuer",
            "http://localhost:8180/realms/codaipro",
            "Keycloak realm that signs people in (its issuer URL); the API accepts tokens from it"
                    + " only."),
    OIDC_CLIENT_ID(
            "codaipro.oidc.client-id", "codaipro-portal", "The portal's client in the realm."),
    OIDC_CLIENT_SECRET(
            "codaipro.oidc.client-secret",
            "",
            "The portal client's secret (at least 32 characters). Required. Never logged."),
    OIDC_API_AUDIENCE(
            "codaipro.oidc.api-audience",
            "codaipro-api",
            "Audience a token must name to be accepted by the API."),
    OTEL_ENDPOINT(
            "codaipro.otel.endpoint",
            "",
            "OTLP/HTTP endpoint for traces (e.g. http://collector:4318). Empty: telemetry off.");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** Property name, as written in the settings file. */
    public String key() {
        return key;
    }

    /** Environment variable that overrides the file: the MicroProfile Config mapping of the key. */
    public String environmentVariable() {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** How a problem report names this setting: both spellings, so either can be searched for. */
    public String displayName() {
        return key + " (" + environmentVariable() + ")";
    }
}
