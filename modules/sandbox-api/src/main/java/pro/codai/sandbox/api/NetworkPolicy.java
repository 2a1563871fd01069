package pro.codai.sandbox.api;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a sandbox may reach on the network. {@link #NONE} (the default) gives it a network namespace
 * with loopback only. Otherwise it may open TCP connections to the listed destinations and nothing
 * else: not the host, not another sandbox, not the rest of the network.
 *
 * @param allowedHosts destinations as {@code host} (ports 80 and 443) or {@code host:port}; a host
 *     is a DNS name or an IPv4 address; empty means none
 */
public record NetworkPolicy(List<String> allowedHosts) {

    /** No network at all: loopback only. */
    public static final NetworkPolicy NONE = new NetworkPolicy(List.of());

    /** Ports a destination without an explicit one may be reached on. */
    public static final List<Integer> DEFAULT_PORTS = List.of(80, 443);

    private static final Pattern DESTINATION =
            Pattern.compile("([A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:([0-9]{1,5}))?");

    /** One allowed destination: a host and the TCP ports it may be reached on. */
    public record Destination(String host, List<Integer> ports) {}

    public NetworkPolicy {
        allowedHosts = List.copyOf(allowedHosts);
        for (String entry : allowedHosts) {
            parse(entry);
        }
    }

    public boolean isNone() {
        return allowedHosts.isEmpty();
    }

    public List<Destination> destinations() {
        return allowedHosts.stream().map(NetworkPolicy::parse).toList();
    }

    private static Destination parse(String entry) {
        Matcher matcher = DESTINATION.matcher(entry == null ? "" : entry);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a host or host:port: " + entry);
        }
        if (matcher.group(4) == null) {
            return new Destination(matcher.group(1), DEFAULT_PORTS);
        }
        int port = Integer.parseInt(matcher.group(4));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a TCP port: " + entry);
        }
        return new Destination(matcher.group(1), List.of(port));
    }
}
