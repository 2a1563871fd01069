package pro.codai.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How to start Payara Micro for these settings: the command line, the environment it needs, the
 * asadmin commands that set the web listeners up before boot and those that create the database
 * resource after boot.
 *
 * <p>Payara Micro does not deploy EAR files, so the plan deploys the sandbox connector RAR first
 * and then the WARs, all from the server's {@code deploy/} directory.
 */
public record ServerPlan(
        List<String> command,
        Map<String, String> environment,
        List<String> postBootCommands,
        List<String> preBootCommands) {

    /** JNDI name the application looks the data source up by. */
    static final String DATASOURCE_JNDI = "jdbc/codaipro";

    static final String POOL_NAME = "codaipro";

    static final String DEPLOYMENT_COMPLETE = "codaipro.deployment.complete";

    /** The applications readiness waits for, by context root (DeploymentReadinessCheck). */
    static final String DEPLOYMENT_EXPECTED = "codaipro.deployment.expected";

    static final List<String> CONTEXT_ROOTS = List.of("/", "/api", "/jobe");

    /** Runs after the last deployment: only then is the appliance ready. */
    static final String POST_DEPLOY_COMMAND =
            "create-system-properties " + DEPLOYMENT_COMPLETE + "=true";

    /**
     * Server-wide web settings, applied to the configuration before the listeners start: answers
     * name no product or version ({@code Server}, {@code X-Powered-By}); HTTP/1.1 only, since
     * Grizzly's HTTP/2 keeps every stream of a connection that carried a request body until the
     * connection closes (one connection could fill the heap). HTTP/2 to browsers is the TLS proxy's
     * job; {@code CleartextUpgradeFilter} serves clients that still ask for h2c.
     */
    static final List<String> PRE_BOOT_COMMANDS =
            Stream.of("http-listener", "https-listener")
                    .flatMap(
                            listener ->
                                    Stream.of("server-header", "xpowered-by", "http2-enabled")
                                            .map(attribute -> httpOff(listener, attribute)))
                    .toList();

    /** Deployment order matters: the connector must be up before the applications that use it. */
    static final List<String> DEPLOYMENTS =
            List.of("sandbox-connector.rar", "portal.war", "api.war", "jobe.war");

    /**
     * @param serverHome the unpacked server directory ({@code bin/}, {@code lib/}, {@code deploy/})
     * @param javaCommand the {@code java} executable to run the server with
     */
    public static ServerPlan create(Settings settings, Path serverHome, String javaCommand)
            throws SettingException {
        Path dataDir = settings.dataDir();
        Path runDir = dataDir.resolve("run");
        DatabaseTarget database = settings.database();

        List<String> command = new ArrayList<>();
        command.add(javaCommand);
        command.add("-Xmx" + settings.heap());
        command.add("-XX:+ExitOnOutOfMemoryError");
        // A crash report outlives the restart (not in a private /tmp that systemd empties) and
        // stays owner-only: it may hold the environment's secrets.
        command.add("-XX:ErrorFile=" + runDir.resolve("hs_err_pid%p.log"));
        // The same on every host, whatever its LANG. In en-US, String.format (which the WebSocket
        // container calls for each message it reads) also skips building a locale's digit table.
        command.add("-Duser.timezone=UTC");
        command.add("-Duser.language=en");
        command.add("-Duser.country=US");
        command.add("-Djava.awt.headless=true");
        command.add("-Dcodaipro.config.file=" + settings.file());
        command.add("-Dcodaipro.data.dir=" + dataDir);
        command.add("-Dderby.system.home=" + dataDir.resolve("derby"));
        // Readiness stays down until the post-deploy command flips this (DeploymentReadinessCheck).
        command.add("-D" + DEPLOYMENT_COMPLETE + "=false");
        command.add("-D" + DEPLOYMENT_EXPECTED + "=" + String.join(",", CONTEXT_ROOTS));
        // The portal's sign-in and the API's MicroProfile JWT checks, from the same settings.
        String issuer = settings.oidcIssuer();
        command.add("-Dcodaipro.public.url=" + settings.publicUrl());
        String previewUrl = settings.previewUrl();
        if (!previewUrl.isEmpty()) {
            command.add("-Dcodaipro.ide.preview-url=" + previewUrl);
        }
        command.add("-Dcodaipro.oidc.issuer=" + issuer);
        command.add("-Dmp.jwt.verify.issuer=" + issuer);
        command.add(
                "-Dmp.jwt.verify.publickey.location=" + issuer + "/protocol/openid-connect/certs");
        command.add("-Dmp.jwt.verify.publickey.algorithm=RS256");
        command.add("-Dmp.jwt.verify.audiences=" + settings.oidcApiAudience());
        String otelEndpoint = settings.otelEndpoint();
        if (!otelEndpoint.isEmpty()) {
            command.add("-Dotel.sdk.disabled=false");
            command.add("-Dotel.service.name=codaipro");
            command.add("-Dotel.exporter.otlp.protocol=http/protobuf");
            command.add("-Dotel.exporter.otlp.endpoint=" + otelEndpoint);
            command.add("-Dotel.traces.exporter=otlp");
            command.add("-Dotel.metrics.exporter=none");
            command.add("-Dotel.logs.exporter=none");
        }
        command.addAll(List.of(settings.jvmOptions()));
        command.add("-jar");
        command.add(serverHome.resolve("lib/payara-micro.jar").toString());
        command.add("--name");
        command.add("codaipro");
        // No Hazelcast at all: with --nocluster alone Payara Micro still opens its data grid,
        // unauthenticated, on every interface (port 6900), holding the server's configuration.
        command.add("--nohazelcast");
        command.add("--disablephonehome");
        command.add("--port");
        command.add(Integer.toString(settings.httpPort()));
        command.add("--rootdir");
        command.add(dataDir.resolve("payara").toString());
        command.add("--addlibs");
        command.add(serverHome.resolve("lib/jdbc").toString());
        command.add("--prebootcommandfile");
        command.add(runDir.resolve("pre-boot.asadmin").toString());
        command.add("--postbootcommandfile");
        command.add(runDir.resolve("post-boot.asadmin").toString());
        command.add("--postdeploycommandfile");
        command.add(runDir.resolve("post-deploy.asadmin").toString());
        for (String deployment : DEPLOYMENTS) {
            command.add("--deploy");
            command.add(serverHome.resolve("deploy").resolve(deployment).toString());
        }

        Map<String, String> environment = new LinkedHashMap<>();
        // The pool reads the password from the environment, so it is in no file and no command
        // line.
        environment.put(Setting.DB_PASSWORD.environmentVariable(), settings.databasePassword());

        return new ServerPlan(
                List.copyOf(command),
                Map.copyOf(environment),
                java.util.stream.Stream.concat(
                                postBootCommands(database, dataDir, settings.poolMax()).stream(),
                                java.util.stream.Stream.of(connectorCommand(settings)))
                        .toList(),
                java.util.stream.Stream.concat(
                                PRE_BOOT_COMMANDS.stream(),
                                java.util.stream.Stream.of(httpThreadsCommand(settings)))
                        .toList());
    }

    /** Request threads kept beside the runs' for every other request (pages, files, the API). */
    static final int HTTP_THREADS_BESIDE_RUNS = 200;

    /** Beyond this (a queue of thousands), further requests wait in the HTTP layer again. */
    static final int MAX_HTTP_THREADS = 4096;

    /**
     * Enough request threads for every run that may execute or wait at once, and as many again as
     * Payara's default for everything else. A run holds its request thread while it waits for a
     * slot; with fewer threads than runs allowed to wait, a burst's further requests waited in the
     * HTTP layer instead, where nothing answers them as overload and the listener's 30 s idle
     * timeout closed their connections unanswered (a burst of 2048 Jobe runs lost 1552 of them).
     * With enough threads each reaches the run queue at once and is run, queued, or answered as
     * overload. Parked threads cost little memory.
     */
    static String httpThreadsCommand(Settings settings) throws SettingException {
        int threads =
                Math.min(
                        MAX_HTTP_THREADS,
                        settings.runsMaxConcurrent()
                                + settings.runsMaxQueued()
                                + HTTP_THREADS_BESIDE_RUNS);
        return "set configs.config.server-config.thread-pools.thread-pool.http-thread-pool"
                + ".max-thread-pool-size="
                + threads;
    }

    /**
     * The asadmin commands that create the {@code jdbc/codaipro} data source; the same on Payara
     * Micro (post-boot) and a full Payara Server (run once with asadmin).
     */
    public static List<String> postBootCommands(
            DatabaseTarget database, Path dataDir, int poolMax) {
        String pool;
        if (database instanceof DatabaseTarget.PostgreSql postgres) {
            pool =
                    "create-jdbc-connection-pool"
                            + " --datasourceclassname org.postgresql.ds.PGSimpleDataSource"
                            + " --restype javax.sql.DataSource"
                            + poolSizing(poolMax)
                            + " --isconnectvalidatereq true"
                            + " --validationmethod custom-validation"
                            + " --validationclassname"
                            + " org.glassfish.api.jdbc.validation.JDBC40ConnectionValidation"
                            + " --failconnection true"
                            + " --property "
                            + property("url", postgres.jdbcUrl())
                            + ":"
                            + property("user", postgres.user())
                            + ":password=${ENV="
                            + Setting.DB_PASSWORD.environmentVariable()
                            + "}"
                            + " "
                            + POOL_NAME;
        } else {
            Path location = ((DatabaseTarget.EmbeddedDerby) database).location(dataDir);
            pool =
                    "create-jdbc-connection-pool"
                            + " --datasourceclassname org.apache.derby.jdbc.EmbeddedDataSource"
                            + " --restype javax.sql.DataSource"
                            + poolSizing(poolMax)
                            + " --isconnectvalidatereq true"
                            + " --validationmethod custom-validation"
                            + " --validationclassname"
                            + " org.glassfish.api.jdbc.validation.JDBC40ConnectionValidation"
                            + " --property "
                            + property("databaseName", location.toString())
                            + ":createDatabase=create"
                            + " "
                            + POOL_NAME;
        }
        return List.of(
                pool,
                "create-jdbc-resource --connectionpoolid " + POOL_NAME + " " + DATASOURCE_JNDI);
    }

    /**
     * Configures the sandbox connector before it is deployed: sandboxd's socket, the server-wide
     * run queue and the connections terminals are multiplexed over.
     */
    static String connectorCommand(Settings settings) throws SettingException {
        return "create-resource-adapter-config --property "
                + property("SocketPath", settings.sandboxdSocket().toString())
                + ":"
                + property("MaxConcurrentRuns", Integer.toString(settings.runsMaxConcurrent()))
                + ":"
                + property("MaxRunsPerCaller", Integer.toString(settings.runsMaxPerCaller()))
                + ":"
                + property("MaxQueuedRuns", Integer.toString(settings.runsMaxQueued()))
                + ":"
                + property(
                        "QueueTimeoutMillis",
                        Integer.toString(settings.runsQueueTimeoutSeconds() * 1000))
                + ":"
                + property(
                        "TerminalConnections",
                        Integer.toString(settings.sandboxdTerminalConnections()))
                + " sandbox-connector";
    }

    private static String poolSizing(int poolMax) {
        int steady = Math.min(2, poolMax);
        return " --steadypoolsize " + steady + " --maxpoolsize " + poolMax;
    }

    private static String httpOff(String listener, String attribute) {
        return "set configs.config.server-config.network-config.protocols.protocol."
                + listener
                + ".http."
                + attribute
                + "=false";
    }

    /** One asadmin property; ':' separates properties and '=' names them, so both are escaped. */
    static String property(String name, String value) {
        return name + "=" + value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=");
    }

    /**
     * Writes the plan into {@code runDir}: {@code command} and {@code environment} as NUL-separated
     * lists for the start script, {@code post-boot.asadmin} for Payara Micro. Owner-only, since the
     * environment holds the database password. Payara's runtime directory is emptied: it holds no
     * data and is rebuilt at every start.
     */
    public void writeTo(Path runDir, Path payaraRoot) throws IOException {
        Files.createDirectories(runDir);
        Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwx------"));
        writePrivate(runDir.resolve("command"), String.join("\0", command) + "\0");
        StringBuilder env = new StringBuilder();
        environment.forEach(
                (name, value) -> env.append(name).append('=').append(value).append('\0'));
        writePrivate(runDir.resolve("environment"), env.toString());
        writePrivate(runDir.resolve("pre-boot.asadmin"), String.join("\n", preBootCommands) + "\n");
        writePrivate(
                runDir.resolve("post-boot.asadmin"), String.join("\n", postBootCommands) + "\n");
        writePrivate(runDir.resolve("post-deploy.asadmin"), POST_DEPLOY_COMMAND + "\n");
        deleteTree(payaraRoot);
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        // walkFileTree does not follow symbolic links: a link is deleted, not its target.
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e)
                            throws IOException {
                        if (e != null) {
                            throw e;
                        }
                        Files.delete(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }
}
