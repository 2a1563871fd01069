package pro.codai.sandbox.lxc;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import pro.codai.sandbox.api.EgressNetwork;
import pro.codai.sandbox.api.NetworkPolicy;

/**
 * Enforces egress allowlists with nftables. A sandbox allowed some destinations gets a routed veth
 * link ({@code lxc.net.0.veth.mode = router}); one table, {@code inet codaipro_<prefix>}, then:
 *
 * <ul>
 *   <li>drops everything the sandboxes' links send to the host itself (Payara, the database, SSH,
 *       the gateway address);
 *   <li>forwards a new connection only if (link, source address, destination address, TCP port) is
 *       in the {@code allowed} set, so a spoofed source address gains nothing;
 *   <li>lets only replies of such connections back in, so sandboxes cannot reach each other;
 *   <li>masquerades what leaves.
 * </ul>
 *
 * Names are resolved by sandboxd when the sandbox is created and written into its {@code
 * /etc/hosts}; the sandbox has no DNS server to ask (and so no DNS channel out).
 */
final class Egress {

    private static final Logger LOG = Logger.getLogger(Egress.class.getName());

    /** What a sandbox's LXC config and {@code /etc/hosts} need. */
    record Link(
            String interfaceName,
            String address,
            int prefixLength,
            String gateway,
            List<String> hostsLines) {}

    private final EgressNetwork network;
    private final String table;
    private final Map<String, List<String>> elementsBySandbox = new ConcurrentHashMap<>();
    private boolean ready;

    Egress(EgressNetwork network) {
        this.network = network;
        this.table = "codaipro_" + network.interfacePrefix();
    }

    String table() {
        return table;
    }

    /**
     * Resolves the policy's destinations and admits them for the sandbox's link {@code n}.
     *
     * @throws IOException a destination does not resolve to IPv4, or nftables refused
     */
    Link attach(String sandboxId, int n, NetworkPolicy policy) throws IOException {
        if (n > network.capacity()) {
            throw new IOException("no address left in " + network.subnet());
        }
        ensureReady();
        String link = network.interfaceName(n);
        String address = network.sandboxAddress(n);
        Set<String> elements = new LinkedHashSet<>();
        List<String> hostsLines = new ArrayList<>();
        for (NetworkPolicy.Destination destination : policy.destinations()) {
            List<String> addresses = resolve(destination.host());
            if (!addresses.contains(destination.host())) {
                hostsLines.add(addresses.get(0) + " " + destination.host());
            }
            for (String target : addresses) {
                for (int port : destination.ports()) {
                    elements.add("\"" + link + "\" . " + address + " . " + target + " . " + port);
                }
            }
        }
        List<String> list = List.copyOf(elements);
        nft("add element inet " + table + " allowed { " + String.join(", ", list) + " }\n");
        elementsBySandbox.put(sandboxId, list);
        return new Link(
                link, address, network.prefixLength(), network.gatewayAddress(), hostsLines);
    }

    /**
     * Once the sandbox's link exists (LXC made it at start): its proxied ARP replies for the
     * gateway go out at once. The kernel otherwise holds each for a random part of {@code
     * proxy_delay} (0.8 s), which every first connection waited for, and a reply it holds in its
     * queue is lost when the queue is purged.
     */
    void started(Link link) {
        Path delay = Path.of("/proc/sys/net/ipv4/neigh", link.interfaceName(), "proxy_delay");
        try {
            Files.writeString(delay, "0\n");
        } catch (IOException e) {
            LOG.warning(() -> "could not set " + delay + ": " + e.getMessage());
        }
    }

    /** Withdraws what {@link #attach} admitted for the sandbox (no-op if nothing). */
    void detach(String sandboxId) {
        List<String> elements = elementsBySandbox.remove(sandboxId);
        if (elements == null) {
            return;
        }
        try {
            nft(
                    "delete element inet "
                            + table
                            + " allowed { "
                            + String.join(", ", elements)
                            + " }\n");
        } catch (IOException e) {
            LOG.warning(() -> "could not withdraw egress of " + sandboxId + ": " + e.getMessage());
        }
    }

    /**
     * (Re)creates the table: at the first use after a start, any left from a previous run goes with
     * the sandboxes the reaper removed.
     */
    private synchronized void ensureReady() throws IOException {
        if (ready) {
            return;
        }
        Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1\n");
        String links = network.interfacePrefix() + "-*";
        nft(
                String.join(
                        "\n",
                        "table inet " + table,
                        "delete table inet " + table,
                        "table inet " + table + " {",
                        "  set allowed { type ifname . ipv4_addr . ipv4_addr . inet_service; }",
                        "  chain input {",
                        "    type filter hook input priority -10; policy accept;",
                        "    iifname \"" + links + "\" drop",
                        "  }",
                        "  chain forward {",
                        "    type filter hook forward priority -10; policy accept;",
                        "    oifname \"" + links + "\" ct state established,related accept",
                        "    oifname \"" + links + "\" drop",
                        "    iifname . ip saddr . ip daddr . tcp dport @allowed accept",
                        "    iifname \"" + links + "\" drop",
                        "  }",
                        "  chain postrouting {",
                        "    type nat hook postrouting priority 100; policy accept;",
                        "    ip saddr "
                                + network.subnet()
                                + " oifname != \""
                                + links
                                + "\" masquerade",
                        "  }",
                        "}",
                        ""));
        ready = true;
        LOG.info(() -> "egress table inet " + table + " ready for " + network.subnet());
    }

    private static List<String> resolve(String host) throws IOException {
        try {
            List<String> found = new ArrayList<>();
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (address instanceof Inet4Address) {
                    found.add(address.getHostAddress());
                }
            }
            if (found.isEmpty()) {
                throw new IOException(host + " has no IPv4 address");
            }
            return found;
        } catch (UnknownHostException e) {
            throw new IOException("cannot resolve " + host, e);
        }
    }

    private static void nft(String script) throws IOException {
        Process process = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        process.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("nft did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for nft", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("nft failed: " + output.strip());
        }
    }
}
