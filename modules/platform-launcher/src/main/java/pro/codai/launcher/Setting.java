package pro.codai.launcher;

import static pro.codai.launcher.Format.absolutePath;
import static pro.codai.launcher.Format.bool;
import static pro.codai.launcher.Format.certificateFile;
import static pro.codai.launcher.Format.clientName;
import static pro.codai.launcher.Format.destination;
import static pro.codai.launcher.Format.emailDomain;
import static pro.codai.launcher.Format.heapSize;
import static pro.codai.launcher.Format.httpUrl;
import static pro.codai.launcher.Format.jvmOptions;
import static pro.codai.launcher.Format.list;
import static pro.codai.launcher.Format.optional;
import static pro.codai.launcher.Format.port;
import static pro.codai.launcher.Format.realmUrl;
import static pro.codai.launcher.Format.secondsOrUnlimited;
import static pro.codai.launcher.Format.secret;
import static pro.codai.launcher.Format.socketPath;
import static pro.codai.launcher.Format.text;
import static pro.codai.launcher.Format.wholeNumber;

import java.util.Locale;

/**
 * Every setting of the server, whoever reads it: the launcher (before the server starts) or the
 * application (MicroProfile Config, in the WARs). Each is read from its environment variable, else
 * the settings file, else its default; the launcher checks every one against its {@link Format}
 * before Payara starts, and refuses any other {@code codaipro.*} key or {@code CODAIPRO_*}
 * variable, so a typo never silently changes what the server does.
 *
 * <p>Adding a setting is one constant here (key, default, format, description) and a row in {@code
 * docs/reference/configuration.md}; tests fail if the row is missing or if the application's code
 * reads a {@code codaipro.*} key that is not here, or with another default.
 */
public enum Setting {
    // Read by the launcher.
    HTTP_PORT("codaipro.http.port", "8080", port(), "TCP port of the HTTP listener."),
    DATA_DIR(
            "codaipro.data.dir",
            "/var/lib/codaipro",
            absolutePath(),
            "Directory for all state: the embedded database, server runtime files, logs."),
    DB_URL(
            "codaipro.db.url",
            "",
            DatabaseTarget::urlProblem,
            "JDBC URL of a PostgreSQL database; empty: the embedded Derby database."),
    DB_USER("codaipro.db.user", "", text(255), "Database user (PostgreSQL)."),
    DB_PASSWORD("codaipro.db.password", "", secret(0, null), "Database password (PostgreSQL)."),
    DB_POOL_MAX(
            "codaipro.db.pool.max",
            "32",
            wholeNumber(1, 1000),
            "Largest number of pooled database connections."),
    JVM_HEAP("codaipro.jvm.heap", "768m", heapSize(), "Largest Java heap of the server (-Xmx)."),
    JVM_OPTIONS("codaipro.jvm.options", "", jvmOptions(), "Extra JVM options for the server."),
    SANDBOXD_SOCKET(
            "codaipro.sandboxd.socket",
            "/run/codaipro/sandboxd.sock",
            socketPath(),
            "Unix socket of sandboxd."),
    SANDBOXD_TERMINAL_CONNECTIONS(
            "codaipro.sandboxd.terminal-connections",
            "2",
            wholeNumber(1, 64),
            "Connections to sandboxd that all of the server's terminals are multiplexed over."),
    RUNS_MAX_CONCURRENT(
            "codaipro.runs.max-concurrent",
            "4",
            wholeNumber(1, 1024),
            "Compile-and-run jobs executing at once, server-wide."),
    RUNS_MAX_PER_CALLER(
            "codaipro.runs.max-per-caller",
            "",
            optional(wholeNumber(1, 1024)),
            "Jobs one caller (a person, an API key) may have executing at once; at most"
                    + " codaipro.runs.max-concurrent. Empty: all of them but one, at least 1."),
    RUNS_MAX_QUEUED(
            "codaipro.runs.max-queued",
            "512",
            wholeNumber(0, 100_000),
            "Jobs allowed to wait for a slot."),
    RUNS_COMPILE_CACHE_MEGABYTES(
            "codaipro.runs.compile-cache-megabytes",
            "32",
            wholeNumber(0, 65_536),
            "Memory for compiled programs and compile errors of identical compiles, per"
                    + " application; 0: off."),
    RUNS_QUEUE_TIMEOUT(
            "codaipro.runs.queue-timeout-seconds",
            "60",
            wholeNumber(1, 3600),
            "Longest a job waits for a slot."),
    PUBLIC_URL(
            "codaipro.public.url",
            "",
            optional(httpUrl(false, "https://ide.campus.edu")),
            "The portal's address as browsers reach it; empty: http://localhost:<http port>."),
    IDE_PREVIEW_URL(
            "codaipro.ide.preview-url",
            "",
            optional(httpUrl(false, "https://preview.ide.campus.edu")),
            "Where Try Now shows students' web pages: the same server under another host name"
                    + " than the portal's. Empty: 127.0.0.1 for a portal on localhost (and the"
                    + " other way round), else previews are off."),
    OIDC_ISSUER(
            "codaipro.oidc.issuer",
            "http://localhost:8180/realms/codaipro",
            realmUrl(),
            "Keycloak realm that signs people in (its issuer URL)."),
    OIDC_CLIENT_ID(
            "codaipro.oidc.client-id",
            "codaipro-portal",
            clientName(),
            "The portal's client in the realm."),
    OIDC_CLIENT_SECRET(
            "codaipro.oidc.client-secret",
            "",
            secret(32, "is not set; copy the portal client's secret from the realm"),
            "The portal client's secret. Required."),
    OIDC_API_AUDIENCE(
            "codaipro.oidc.api-audience",
            "codaipro-api",
            clientName(),
            "Audience a token must name to be accepted by the API."),
    OTEL_ENDPOINT(
            "codaipro.otel.endpoint",
            "",
            optional(httpUrl(true, "http://collector:4318")),
            "OTLP/HTTP endpoint for traces; empty: telemetry off."),

    // Read by the application.
    SETUP_REQUIRED(
            "codaipro.setup.required",
            "false",
            bool(),
            "Whether this server is an appliance that needs its first-boot setup: until the setup"
                    + " wizard at /setup is completed, nothing else is served."),
    SETUP_CLIENT_SECRET(
            "codaipro.setup.client-secret",
            "",
            secret(32, null),
            "Secret of the realm's codaipro-setup client (a service account that manages users,"
                    + " the directory connection and mail); the setup wizard needs it."),
    PEOPLE_CLIENT_SECRET(
            "codaipro.people.client-secret",
            "",
            secret(32, null),
            "Secret of the realm's codaipro-people client (a service account that may manage users"
                    + " only); the admin console needs it to suspend accounts in Keycloak, end"
                    + " their sessions there and send password reset mail."),
    SITE_NAME("codaipro.site.name", "CodaiPro Campus", text(100), "The name shown in the portal."),
    ADMIN_TOKEN(
            "codaipro.admin.token",
            "",
            secret(32, null),
            "Break-glass token for /api/v1/admin/…; empty: only the admin role."),
    STUDENTS_EMAIL_DOMAINS(
            "codaipro.students.email-domains",
            "",
            list(emailDomain()),
            "Email domains whose verified addresses get the Student plan."),
    RUNS_PERSON_RUNS_PER_HOUR(
            "codaipro.runs.person-runs-per-hour",
            "600",
            wholeNumber(0, 1_000_000),
            "Runs one person may start per hour through /api/v1/runs with a token; 0: no budget."),
    IDE_GRACE_SECONDS(
            "codaipro.ide.grace-seconds",
            "900",
            wholeNumber(1, 86_400),
            "How long a workspace lives on once no tab shows it."),
    IDE_IDLE_SECONDS(
            "codaipro.ide.idle-seconds",
            "1800",
            wholeNumber(1, 86_400),
            "A workspace nobody uses for this long is stopped."),
    IDE_QUOTA_WARNING_SECONDS(
            "codaipro.ide.quota-warning-seconds",
            "300",
            wholeNumber(0, 86_400),
            "The IDE warns when this little of the day's time is left."),
    PREWARM_LEAD_SECONDS(
            "codaipro.prewarm.lead-seconds",
            "600",
            wholeNumber(0, 86_400),
            "How long before an announced class start the warm pool holds its students too."),
    PREWARM_TAIL_SECONDS(
            "codaipro.prewarm.tail-seconds",
            "300",
            wholeNumber(0, 86_400),
            "How long after an announced class start the warm pool still holds its students."),
    PREWARM_PERIOD_SECONDS(
            "codaipro.prewarm.period-seconds",
            "30",
            wholeNumber(1, 3600),
            "How often the server sets sandboxd's warm-pool target from the class starts."),
    IDE_GIT_HOSTS(
            "codaipro.ide.git-hosts",
            "",
            list(destination()),
            "Where students may clone Git repositories from."),
    IDE_GIT_CA_FILE(
            "codaipro.ide.git-ca-file",
            "",
            optional(certificateFile()),
            "Extra certificate authorities (PEM) trusted when cloning."),
    QUOTA_TRY_NOW_FREE(
            "codaipro.quota.try-now-seconds.free",
            "7200",
            secondsOrUnlimited(86_400),
            "Try Now seconds a day on the Free plan."),
    QUOTA_TRY_NOW_STUDENT(
            "codaipro.quota.try-now-seconds.student",
            "unlimited",
            secondsOrUnlimited(86_400),
            "Try Now seconds a day on the Student plan."),
    QUOTA_TRY_NOW_PRO(
            "codaipro.quota.try-now-seconds.pro",
            "unlimited",
            secondsOrUnlimited(86_400),
            "Try Now seconds a day on the Pro plan."),
    QUOTA_TRY_NOW_CAMPUS(
            "codaipro.quota.try-now-seconds.campus",
            "unlimited",
            secondsOrUnlimited(86_400),
            "Try Now seconds a day on the Campus plan."),
    QUOTA_HOME_FREE(
            "codaipro.quota.home-megabytes.free",
            "512",
            wholeNumber(16, 1_048_576),
            "Size of a home (persistent files) on the Free plan, in MB."),
    QUOTA_HOME_STUDENT(
            "codaipro.quota.home-megabytes.student",
            "1024",
            wholeNumber(16, 1_048_576),
            "Size of a home on the Student plan, in MB."),
    QUOTA_HOME_PRO(
            "codaipro.quota.home-megabytes.pro",
            "5120",
            wholeNumber(16, 1_048_576),
            "Size of a home on the Pro plan, in MB."),
    QUOTA_HOME_CAMPUS(
            "codaipro.quota.home-megabytes.campus",
            "2048",
            wholeNumber(16, 1_048_576),
            "Size of a home on the Campus plan, in MB."),
    JOBE_REQUIRE_API_KEY(
            "codaipro.jobe.require-api-key",
            "true",
            bool(),
            "Whether the Jobe API needs an API key of scope jobe."),
    JOBE_FILE_CACHE_MEGABYTES(
            "codaipro.jobe.file-cache-megabytes",
            "256",
            wholeNumber(1, 1_048_576),
            "Size of the Jobe API's file cache.");

    private final String key;
    private final String defaultValue;
    private final Format format;
    private final String description;

    Setting(String key, String defaultValue, Format format, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.format = format;
        this.description = description;
    }

    /** Property name, as written in the settings file. */
    public String key() {
        return key;
    }

    /** Environment variable that overrides the file: the MicroProfile Config mapping of the key. */
    public String environmentVariable() {
        return environmentVariable(key);
    }

    /** MicroProfile Config's environment spelling of a property name. */
    static String environmentVariable(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The value when neither the environment nor the file sets one (empty: none). */
    public String defaultValue() {
        return defaultValue;
    }

    public Format format() {
        return format;
    }

    /** Whether the value is a secret: never shown, never in a file others can read. */
    public boolean isSecret() {
        return format.isSecret();
    }

    public String description() {
        return description;
    }

    /** How a problem report names this setting: both spellings, so either can be searched for. */
    public String displayName() {
        return key + " (" + environmentVariable() + ")";
    }
}
