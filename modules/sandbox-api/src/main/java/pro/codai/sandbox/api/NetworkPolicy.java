package pro.codai.sandbox.api;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a sandbox may reach on the network. {@link #NONE} (the default) gives it a network namespace
 * with loopback only.
 *
 * @param allowedHosts host names or addresses the sandbox may connect to; empty means none
 */
public record NetworkPolicy(List<String> allowedHosts) {

    /** No network at all: loopback only. */
    public static final NetworkPolicy NONE = new NetworkPolicy(List.of());

    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

    public NetworkPolicy {
        allowedHosts = List.copyOf(allowedHosts);
        for (String host : allowedHosts) {
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("not a host name: " + host);
            }
        }
    }

    public boolean isNone() {
        return allowedHosts.isEmpty();
    }
}
