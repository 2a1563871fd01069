package pro.codai.platform.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The address of the client a request comes from. Behind the appliance's nginx every request
 * arrives from loopback, and nginx names the client in {@code X-Real-IP} (set from its own peer
 * address, never passed on from the client); so a request from loopback that carries an IP literal
 * there is the client's. A request from anywhere else is its own peer, whatever it claims.
 */
public final class ClientAddress {

    static final String HEADER = "X-Real-IP";

    private ClientAddress() {}

    public static String of(HttpServletRequest request) {
        return of(request.getRemoteAddr(), request.getHeader(HEADER));
    }

    static String of(String peer, String realIp) {
        if (realIp == null || !isLoopback(peer)) {
            return peer;
        }
        String claimed = realIp.strip();
        return isIpLiteral(claimed) ? claimed : peer;
    }

    /**
     * The client an address stands for when failures are counted: the address itself, or for IPv6
     * its /64 (which one host usually has whole); an IPv4-mapped address is its IPv4 address.
     */
    public static String counted(String address) {
        if (address == null || address.isBlank()) {
            return "unknown";
        }
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            // A literal (it holds ':'), so no name is looked up.
            InetAddress parsed = InetAddress.getByName(address);
            if (parsed instanceof Inet6Address) {
                byte[] bytes = parsed.getAddress();
                Arrays.fill(bytes, 8, 16, (byte) 0);
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            }
            return parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** Whether a peer address (an IP literal) is loopback; a name or garbage is not. */
    static boolean isLoopback(String address) {
        return address != null && isIpLiteral(address) && parse(address).isLoopbackAddress();
    }

    /** Only digits, dots, hex and colons: parsing it never asks a name server. */
    private static boolean isIpLiteral(String text) {
        return !text.isEmpty()
                && text.length() <= 45
                && text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                && (text.indexOf(':') >= 0 || text.chars().filter(c -> c == '.').count() == 3)
                && parseable(text);
    }

    private static boolean parseable(String text) {
        try {
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static InetAddress parse(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
