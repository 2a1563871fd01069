package pro.codai.sandbox.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import pro.codai.sandbox.api.EgressNetwork;
import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.NetworkPolicy;
import pro.codai.sandbox.api.Sizes;

/**
 * sandboxd's settings, from {@code /etc/codaipro/sandboxd.properties} (or the file named by {@code
 * -Dsandboxd.config}); each overridable by a system property of the same name.
 *
 * @param socket the Unix socket it listens on
 * @param socketGroup the group allowed to connect (mode 0660); the app server's group
 * @param stateDir where sandboxes live
 * @param imageDir where base images live
 * @param volumeRoot the only directory volumes are resolved under
 * @param maximum limits no sandbox may exceed
 * @param defaults limits of a sandbox whose request names none
 * @param warmPoolSize started sandboxes kept ready for {@code acquire}
 * @param maxConnections concurrent client connections
 * @param maxSandboxes sandboxes alive at once; more are refused as overload
 * @param maxConcurrentRuns runs executing at once; more wait their turn
 * @param allowedDestinations the only network destinations a request may allow ({@code host} or
 *     {@code host:port}); empty: sandboxes never have network
 * @param egress interface prefix and subnet of sandboxes with network
 */
public record DaemonConfig(
        Path socket,
        String socketGroup,
        Path stateDir,
        Path imageDir,
        Path volumeRoot,
        Limits maximum,
        Limits defaults,
        int warmPoolSize,
        int maxConnections,
        int maxSandboxes,
        int maxConcurrentRuns,
        Set<String> allowedDestinations,
        EgressNetwork egress) {

    public static final Path DEFAULT_FILE = Path.of("/etc/codaipro/sandboxd.properties");

    /** Reads the settings file (absent: defaults), then system properties. */
    public static DaemonConfig load() throws IOException {
        Properties properties = new Properties();
        Path file = Path.of(System.getProperty("sandboxd.config", DEFAULT_FILE.toString()));
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            // defaults
        }
        properties.putAll(System.getProperties());
        return from(properties);
    }

    /** Settings from properties (keys as in the settings file). */
    public static DaemonConfig from(Properties p) {
        Limits maximum =
                new Limits(
                        bytes(p, "sandboxd.max.memory", 2L << 30),
                        integer(p, "sandboxd.max.cpu-millicores", 2000),
                        integer(p, "sandboxd.max.pids", 512),
                        bytes(p, "sandboxd.max.disk", 4L << 30),
                        integer(p, "sandboxd.max.open-files", 4096),
                        Duration.ofSeconds(integer(p, "sandboxd.max.cpu-seconds", 3600)),
                        Duration.ofSeconds(integer(p, "sandboxd.max.wall-seconds", 8 * 3600)));
        Limits defaults =
                new Limits(
                                bytes(p, "sandboxd.default.memory", 512L << 20),
                                integer(p, "sandboxd.default.cpu-millicores", 1000),
                                integer(p, "sandboxd.default.pids", 256),
                                bytes(p, "sandboxd.default.disk", 1L << 30),
                                integer(p, "sandboxd.default.open-files", 1024),
                                Duration.ofSeconds(integer(p, "sandboxd.default.cpu-seconds", 600)),
                                Duration.ofSeconds(
                                        integer(p, "sandboxd.default.wall-seconds", 1800)))
                        .cappedBy(maximum);
        Path socket = Path.of(p.getProperty("sandboxd.socket", "/run/codaipro/sandboxd.sock"));
        if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new IllegalArgumentException(
                    "setting sandboxd.socket: a Unix socket path must be at most 107 bytes: "
                            + socket);
        }
        return new DaemonConfig(
                socket,
                p.getProperty("sandboxd.socket-group", "codaipro"),
                Path.of(
                        p.getProperty(
                                "sandboxd.state-dir", "/var/lib/codaipro-sandboxes/sandboxes")),
                Path.of(p.getProperty("sandboxd.image-dir", "/var/lib/codaipro-sandboxes/images")),
                Path.of(
                        p.getProperty(
                                "sandboxd.volume-root", "/var/lib/codaipro-sandboxes/volumes")),
                maximum,
                defaults,
                integer(p, "sandboxd.warm-pool.size", 4),
                integer(p, "sandboxd.max-connections", 128),
                integer(p, "sandboxd.max-sandboxes", 1000),
                Math.max(1, integer(p, "sandboxd.max-concurrent-runs", 8)),
                destinations(p, "sandboxd.network.allowed-hosts"),
                egress(p));
    }

    private static Set<String> destinations(Properties p, String key) {
        Set<String> destinations = new LinkedHashSet<>();
        for (String entry : p.getProperty(key, "").split(",")) {
            if (!entry.isBlank()) {
                destinations.add(entry.strip());
            }
        }
        try {
            new NetworkPolicy(List.copyOf(destinations)); // validates every entry
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting " + key + ": " + e.getMessage());
        }
        return Set.copyOf(destinations);
    }

    private static EgressNetwork egress(Properties p) {
        try {
            return new EgressNetwork(
                    p.getProperty(
                            "sandboxd.network.interface-prefix",
                            EgressNetwork.DEFAULT.interfacePrefix()),
                    p.getProperty("sandboxd.network.subnet", EgressNetwork.DEFAULT.subnet()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting sandboxd.network.*: " + e.getMessage());
        }
    }

    private static int integer(Properties p, String key, int fallback) {
        String value = p.getProperty(key);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "setting " + key + ": '" + value + "' is not a non-negative integer");
        }
    }

    /** A size such as {@code 512m}, {@code 2g} or a plain number of bytes. */
    static long bytes(Properties p, String key, long fallback) {
        String value = p.getProperty(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting " + key + ": " + e.getMessage());
        }
    }
}
