package pro.codai.it;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sockets a group of processes listens on, as the kernel lists them ({@code /proc/net/tcp*} and
 * {@code /proc/net/udp*}, matched to the processes through their descriptors), so a test can say
 * what a started appliance exposes. Needs root to read other users' descriptors.
 */
final class ListeningSockets {

    /** One listening TCP socket or bound UDP socket. */
    record Socket(String protocol, InetAddress address, int port, long pid, String command) {

        boolean loopback() {
            return address.isLoopbackAddress();
        }

        @Override
        public String toString() {
            return protocol
                    + " "
                    + address.getHostAddress()
                    + ":"
                    + port
                    + " ("
                    + command
                    + ", pid "
                    + pid
                    + ")";
        }
    }

    private static final String TCP_LISTEN = "0A";

    private ListeningSockets() {}

    /** The listening sockets of these processes and all their descendants. */
    static List<Socket> of(ProcessHandle... roots) throws IOException {
        Map<Long, String> socketOwners = new HashMap<>(); // inode -> "pid command"
        for (ProcessHandle root : roots) {
            Stream.concat(Stream.of(root), root.descendants())
                    .forEach(process -> collectSocketInodes(process.pid(), socketOwners));
        }
        List<Socket> sockets = new ArrayList<>();
        for (String protocol : List.of("tcp", "tcp6", "udp", "udp6")) {
            Path table = Path.of("/proc/net", protocol);
            if (!Files.exists(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                boolean tcp = protocol.startsWith("tcp");
                if (tcp && !fields[3].equals(TCP_LISTEN)) {
                    continue;
                }
                String owner = socketOwners.get(Long.parseLong(fields[9]));
                if (owner == null) {
                    continue;
                }
                String[] local = fields[1].split(":");
                String[] pidAndCommand = owner.split(" ", 2);
                sockets.add(
                        new Socket(
                                protocol,
                                address(local[0]),
                                Integer.parseInt(local[1], 16),
                                Long.parseLong(pidAndCommand[0]),
                                pidAndCommand[1]));
            }
        }
        return sockets;
    }

    private static void collectSocketInodes(long pid, Map<Long, String> owners) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        String command;
        try {
            command = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return; // gone meanwhile
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    owners.put(
                            Long.parseLong(target.substring(8, target.length() - 1)),
                            pid + " " + command);
                }
            }
        } catch (IOException e) {
            // the process ended while we looked
        }
    }

    /** /proc/net writes addresses as host-order 32-bit words in hex. */
    private static InetAddress address(String hex) throws UnknownHostException {
        byte[] bytes = new BigInteger("1" + hex, 16).toByteArray();
        byte[] words = new byte[hex.length() / 2];
        System.arraycopy(bytes, bytes.length - words.length, words, 0, words.length);
        byte[] address = new byte[words.length];
        for (int word = 0; word < words.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                address[word + i] = words[word + 3 - i];
            }
        }
        return InetAddress.getByAddress(address);
    }
}
