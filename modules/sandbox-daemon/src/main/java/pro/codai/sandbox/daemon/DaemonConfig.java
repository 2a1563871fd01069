package pro.codai.sandbox.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

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
 * @param resourceViews sandboxes see their own limits in {@code /proc} and {@code /sys} ({@code
 *     auto}: LXCFS's files when it runs); {@code off}: the host's
 * @param volumeDefaultBytes size of a student's volume whose {@code volume} request names none
 * @param volumeMaxBytes the largest size a {@code volume} request gets (larger ones are capped)
 * @param adminSocket a second Unix socket, for root alone (mode 0600), with connections of its own
 *     beyond {@code maxConnections}: {@code sandboxctl} always gets in
 * @param maxTerminals terminals open at once over all connections; more are refused as overload
 * @param warmPoolMaxSize the largest target a {@code warm-pool} request may set; never below {@code
 *     warmPoolSize}
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
        EgressNetwork egress,
        boolean resourceViews,
        long volumeDefaultBytes,
        long volumeMaxBytes,
        Path adminSocket,
        int maxTerminals,
        int warmPoolMaxSize) {

    public static final Path DEFAULT_FILE = Path.of("/etc/codaipro/sandboxd.properties");

    /** The system property naming the settings file. */
    static final String FILE_PROPERTY = "sandboxd.config";

    /**
     * Every setting sandboxd knows; any other key is refused at start, naming the closest of these.
     * Adding a setting: read it in {@link #from} and list it here and in {@code
     * docs/reference/sandboxd-configuration.md} (a test checks all three agree).
     */
    static final List<String> KEYS =
            List.of(
                    "sandboxd.socket",
                    "sandboxd.socket-group",
                    "sandboxd.admin-socket",
                    "sandboxd.state-dir",
                    "sandboxd.image-dir",
                    "sandboxd.volume-root",
                    "sandboxd.volume.default-size",
                    "sandboxd.volume.max-size",
                    "sandboxd.warm-pool.size",
                    "sandboxd.warm-pool.max-size",
                    "sandboxd.max-connections",
                    "sandboxd.max-terminals",
                    "sandboxd.max-sandboxes",
                    "sandboxd.max-concurrent-runs",
                    "sandboxd.network.allowed-hosts",
                    "sandboxd.network.interface-prefix",
                    "sandboxd.network.subnet",
                    "sandboxd.resource-views",
                    "sandboxd.max.memory",
                    "sandboxd.max.cpu-millicores",
                    "sandboxd.max.pids",
                    "sandboxd.max.disk",
                    "sandboxd.max.open-files",
                    "sandboxd.max.cpu-seconds",
                    "sandboxd.max.wall-seconds",
                    "sandboxd.default.memory",
                    "sandboxd.default.cpu-millicores",
                    "sandboxd.default.pids",
                    "sandboxd.default.disk",
                    "sandboxd.default.open-files",
                    "sandboxd.default.cpu-seconds",
                    "sandboxd.default.wall-seconds");

    private static final String REFERENCE = "docs/reference/sandboxd-configuration.md";

    /**
     * Reads the settings file (absent: defaults), then system properties.
     *
     * @throws IllegalArgumentException with one line for the operator: an unknown key, a bad value,
     *     a malformed or unsafe settings file
     */
    public static DaemonConfig load() {
        Path file = Path.of(System.getProperty(FILE_PROPERTY, DEFAULT_FILE.toString()));
        Properties properties = DaemonSettingsFile.read(file);
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "settings file "
                                + file
                                + ", line "
                                + DaemonSettingsFile.lineOf(file, key)
                                + ": "
                                + unknown(key));
            }
        }
        for (String key : new TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (key.startsWith("sandboxd.") && !key.equals(FILE_PROPERTY) && !KEYS.contains(key)) {
                throw new IllegalArgumentException("system property " + unknown(key));
            }
        }
        properties.putAll(System.getProperties());
        return from(properties);
    }

    private static String unknown(String key) {
        return key
                + " is not a setting; did you mean "
                + DaemonSettingsFile.closest(key, KEYS)
                + "? (every setting: "
                + REFERENCE
                + ")";
    }

    /**
     * Settings from properties (keys as in the settings file); a {@code sandboxd.*} key that is not
     * a setting is refused.
     */
    public static DaemonConfig from(Properties p) {
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (key.startsWith("sandboxd.") && !key.equals(FILE_PROPERTY) && !KEYS.contains(key)) {
                throw new IllegalArgumentException(unknown(key));
            }
        }
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
        Path socket = path(p, "sandboxd.socket", "/run/codaipro/sandboxd.sock");
        if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new IllegalArgumentException(
                    "setting sandboxd.socket: a Unix socket path must be at most 107 bytes: "
                            + socket);
        }
        long volumeMax = bytes(p, "sandboxd.volume.max-size", 10L << 30);
        Path adminSocket = path(p, "sandboxd.admin-socket", adminSocketNextTo(socket).toString());
        if (adminSocket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new IllegalArgumentException(
                    "setting sandboxd.admin-socket: a Unix socket path must be at most 107 bytes: "
                            + adminSocket);
        }
        if (adminSocket.equals(socket)) {
            throw new IllegalArgumentException(
                    "setting sandboxd.admin-socket: must differ from sandboxd.socket: "
                            + adminSocket);
        }
        int warmPoolSize = integer(p, "sandboxd.warm-pool.size", 4);
        return new DaemonConfig(
                socket,
                p.getProperty("sandboxd.socket-group", "codaipro"),
                path(p, "sandboxd.state-dir", "/var/lib/codaipro-sandboxes/sandboxes"),
                path(p, "sandboxd.image-dir", "/var/lib/codaipro-sandboxes/images"),
                path(p, "sandboxd.volume-root", "/var/lib/codaipro-sandboxes/volumes"),
                maximum,
                defaults,
                warmPoolSize,
                integer(p, "sandboxd.max-connections", 256),
                integer(p, "sandboxd.max-sandboxes", 1000),
                Math.max(1, integer(p, "sandboxd.max-concurrent-runs", 8)),
                destinations(p, "sandboxd.network.allowed-hosts"),
                egress(p),
                resourceViews(p),
                Math.min(volumeMax, bytes(p, "sandboxd.volume.default-size", 1L << 30)),
                volumeMax,
                adminSocket,
                Math.max(1, integer(p, "sandboxd.max-terminals", 2000)),
                Math.max(warmPoolSize, integer(p, "sandboxd.warm-pool.max-size", 64)));
    }

    /**
     * The admin socket's default: next to the socket, {@code NAME-admin.sock} for {@code NAME.sock}
     * ({@code /run/codaipro/sandboxd-admin.sock} for the default socket).
     */
    static Path adminSocketNextTo(Path socket) {
        String name = socket.getFileName().toString();
        String stem = name.endsWith(".sock") ? name.substring(0, name.length() - 5) : name;
        return socket.resolveSibling(stem + "-admin.sock");
    }

    private static boolean resourceViews(Properties p) {
        String value = p.getProperty("sandboxd.resource-views", "auto").strip();
        return switch (value) {
            case "auto" -> true;
            case "off" -> false;
            default ->
                    throw new IllegalArgumentException(
                            "setting sandboxd.resource-views: '" + value + "' is not auto or off");
        };
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

    private static Path path(Properties p, String key, String fallback) {
        String value = p.getProperty(key, fallback).strip();
        if (!value.startsWith("/") || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    "setting " + key + ": '" + value + "' is not an absolute path");
        }
        return Path.of(value);
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
