package pro.codai.sandbox.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import jakarta.json.JsonObject;

import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.SandboxClient;

/**
 * {@code sandboxctl}: the admins' command line for sandboxd. It talks to sandboxd's admin socket
 * ({@code /run/codaipro/sandboxd-admin.sock}, root's alone), whose connections are reserved for it:
 * it gets in even when the app server holds every ordinary connection. Without an admin socket (an
 * older sandboxd) it uses the ordinary one.
 *
 * <pre>
 * sandboxctl [--socket PATH] ping | list | stats SANDBOX | kill SANDBOX
 * </pre>
 */
public final class Sandboxctl {

    private static final Path DEFAULT_SOCKET = Path.of("/run/codaipro/sandboxd.sock");

    private Sandboxctl() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        List<String> arguments = Arrays.asList(args);
        Path socket = DaemonConfig.adminSocketNextTo(DEFAULT_SOCKET);
        if (!java.nio.file.Files.exists(socket)) {
            socket = DEFAULT_SOCKET;
        }
        if (arguments.size() >= 2 && arguments.get(0).equals("--socket")) {
            socket = Path.of(arguments.get(1));
            arguments = arguments.subList(2, arguments.size());
        }
        if (arguments.isEmpty()) {
            return usage();
        }
        try (SandboxClient client = SandboxClient.connect(socket)) {
            String command = arguments.get(0);
            switch (command) {
                case "ping" -> {
                    JsonObject hello = client.call("hello", SandboxClient.fields());
                    System.out.println(
                            "sandboxd protocol "
                                    + hello.getInt("version")
                                    + ", driver "
                                    + hello.getString("driver")
                                    + ", warm pool "
                                    + hello.getInt("warmPool")
                                    + " (target "
                                    + hello.getInt("warmPoolTarget", hello.getInt("warmPool"))
                                    + ")");
                }
                case "list" ->
                        client.call("list", SandboxClient.fields())
                                .getJsonArray("sandboxes")
                                .forEach(id -> System.out.println(id.toString().replace("\"", "")));
                case "stats", "kill" -> {
                    if (arguments.size() != 2) {
                        return usage();
                    }
                    JsonObject answer =
                            client.call(
                                    command,
                                    SandboxClient.fields().add("sandbox", arguments.get(1)));
                    if (command.equals("stats")) {
                        System.out.printf(
                                "memory %d bytes (peak %d), cpu %d ms, %d processes, %d OOM kills%n",
                                answer.getJsonNumber("memoryBytes").longValue(),
                                answer.getJsonNumber("memoryPeakBytes").longValue(),
                                answer.getJsonNumber("cpuNanos").longValue() / 1_000_000,
                                answer.getInt("pids"),
                                answer.getJsonNumber("oomKills").longValue());
                    } else {
                        System.out.println("killed " + arguments.get(1));
                    }
                }
                default -> {
                    return usage();
                }
            }
            return 0;
        } catch (ProtocolException e) {
            System.err.println("sandboxctl: " + e.code() + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println(
                    "sandboxctl: cannot talk to sandboxd at " + socket + ": " + e.getMessage());
            return 2;
        }
    }

    private static int usage() {
        System.err.println(
                "usage: sandboxctl [--socket PATH] ping | list | stats SANDBOX | kill SANDBOX");
        return 64;
    }
}
