package pro.codai.sandbox.api;

import java.util.regex.Pattern;

/**
 * The host side of sandboxes whose {@link NetworkPolicy} allows some destinations: each such
 * sandbox gets a routed point-to-point link (no bridge, so no layer-2 path between sandboxes) whose
 * host end is named {@code <interfacePrefix>-<n>}, and an address from an IPv4 subnet. The subnet's
 * first address is the sandboxes' gateway (answered by the host); sandboxes get the following ones.
 *
 * @param interfacePrefix names the host ends of sandboxes' links (a-z, 0-9, at most 9 characters)
 * @param subnet IPv4 network in CIDR form, {@code /8} to {@code /24}, e.g. {@code 10.213.0.0/16}
 */
public record EgressNetwork(String interfacePrefix, String subnet) {

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,8}");
    private static final Pattern CIDR =
            Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    // after the patterns: static fields initialise in order
    public static final EgressNetwork DEFAULT = new EgressNetwork("cpsbx", "10.213.0.0/16");

    public EgressNetwork {
        if (interfacePrefix == null || !PREFIX.matcher(interfacePrefix).matches()) {
            throw new IllegalArgumentException(
                    "not an interface prefix (a-z0-9, at most 9): " + interfacePrefix);
        }
        network(subnet); // validates
    }

    /** The subnet's network address as an int. */
    public int networkAddress() {
        return network(subnet);
    }

    public int prefixLength() {
        return Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
    }

    /** Addresses available to sandboxes (all but network, gateway and broadcast). */
    public int capacity() {
        return (1 << (32 - prefixLength())) - 3;
    }

    /** The n-th sandbox address (n ≥ 1) in dotted form. */
    public String sandboxAddress(int n) {
        if (n < 1 || n > capacity()) {
            throw new IllegalArgumentException("no address " + n + " in " + subnet);
        }
        return dotted(networkAddress() + 1 + n);
    }

    /** The host end of the n-th sandbox's link. */
    public String interfaceName(int n) {
        return interfacePrefix + "-" + n;
    }

    public String gatewayAddress() {
        return dotted(networkAddress() + 1);
    }

    public static String dotted(int address) {
        return (address >>> 24)
                + "."
                + ((address >>> 16) & 255)
                + "."
                + ((address >>> 8) & 255)
                + "."
                + (address & 255);
    }

    private static int network(String cidr) {
        var matcher = CIDR.matcher(cidr == null ? "" : cidr);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not an IPv4 CIDR subnet: " + cidr);
        }
        int address = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(matcher.group(i));
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 CIDR subnet: " + cidr);
            }
            address = (address << 8) | octet;
        }
        int length = Integer.parseInt(matcher.group(5));
        if (length < 8 || length > 24) {
            throw new IllegalArgumentException("subnet must be /8 to /24: " + cidr);
        }
        int hostBits = (1 << (32 - length)) - 1;
        if ((address & hostBits) != 0) {
            throw new IllegalArgumentException("host bits set in subnet: " + cidr);
        }
        return address;
    }
}
