package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.SandboxClient;

/**
 * More open workspaces than sandboxd has connections, through everything real: the built server
 * (portal and sandbox connector on Payara Micro), Keycloak, the built sandboxd with LXC sandboxes,
 * its {@code sandboxctl}. Each workspace's terminal is a stream on the connector's multiplexed
 * sandboxd connections (three here, {@code codaipro.sandboxd.terminal-connections}), not a
 * connection of its own, so {@code sandboxd.max-connections} no longer caps the workspaces a box
 * holds; and the admin's reserved socket answers even when every ordinary connection is taken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManyWorkspacesIT {

    static final int MAX_CONNECTIONS = 10;
    static final int WORKSPACES = 20;
    static final int TERMINAL_CONNECTIONS = 3;
    static final Duration PATIENCE = Duration.ofSeconds(60);

    Keycloak keycloak;
    Sandboxd sandboxd;
    RunningServer server;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        keycloak = Keycloak.shared();
        TryNowBenchmark.portalUrl = keycloak.publicUrl();
        sandboxd =
                Sandboxd.start(
                        2, Map.of("sandboxd.max-connections", Integer.toString(MAX_CONNECTIONS)));
        server =
                RunningServer.start(
                        keycloak,
                        sandboxd,
                        "ManyWorkspacesIT",
                        Map.of(
                                "CODAIPRO_SANDBOXD_TERMINAL_CONNECTIONS",
                                Integer.toString(TERMINAL_CONNECTIONS)));
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (sandboxd != null) {
            sandboxd.close();
        }
    }

    @Test
    void twentyWorkspacesKeepTheirTerminalsOnASandboxdOfTenConnectionsAndTheAdminGetsIn()
            throws Exception {
        List<TryNowBenchmark.Term> terminals = new ArrayList<>();
        try {
            for (int i = 0; i < WORKSPACES; i++) {
                String email = "many-" + run + "-" + i + "@mail.example";
                keycloak.createUser(email, email, SignInBenchmark.PASSWORD, true);
                HttpClient person = SignInBenchmark.signIn(keycloak.publicUrl(), email, null);
                TryNowBenchmark.completeProfile(person, server);
                TryNowBenchmark.Term term = TryNowBenchmark.Term.open(person, server, 100, 30);
                term.awaitOutput("$ ", PATIENCE);
                terminals.add(term);
            }
            for (int i = 0; i < WORKSPACES; i++) {
                terminals.get(i).send("echo ws-$((" + i + "*3+1000))\n");
            }
            for (int i = 0; i < WORKSPACES; i++) {
                terminals.get(i).awaitOutput("ws-" + (i * 3 + 1000), PATIENCE);
            }
            assertThat(server.output())
                    .as("the terminals share the connections the setting asks for")
                    .contains("terminal connection 3 of 3 to sandboxd opened")
                    .doesNotContain("terminal connection 4 of");
            // Over the admin socket: the server's pools may hold every ordinary connection by now.
            try (SandboxClient admin = SandboxClient.connect(sandboxd.adminSocket)) {
                assertThat(
                                admin.call("list", SandboxClient.fields().add("owner", "try-now"))
                                        .getJsonArray("sandboxes"))
                        .as("a sandbox of its own for each workspace")
                        .hasSize(WORKSPACES);
            }

            // Every ordinary connection the server does not hold is taken here ...
            List<SandboxClient> taken = new ArrayList<>();
            try {
                boolean refused = false;
                for (int i = 0; i < MAX_CONNECTIONS + 1 && !refused; i++) {
                    SandboxClient client = SandboxClient.connect(sandboxd.socket);
                    taken.add(client);
                    try {
                        client.call("ping", SandboxClient.fields());
                    } catch (ProtocolException | IOException e) {
                        refused = true;
                    }
                }
                assertThat(refused).as("sandboxd at its connection maximum").isTrue();
                Sandboxd.SandboxctlResult ordinary =
                        sandboxd.sandboxctl("--socket", sandboxd.socket.toString(), "ping");
                assertThat(ordinary.status()).as(ordinary.output()).isNotZero();

                // ... and still the admin gets in, over the reserved socket,
                Sandboxd.SandboxctlResult ping =
                        sandboxd.sandboxctl("--socket", sandboxd.adminSocket.toString(), "ping");
                assertThat(ping.status()).as(ping.output()).isZero();
                assertThat(ping.output()).contains("sandboxd protocol 2");
                Sandboxd.SandboxctlResult list =
                        sandboxd.sandboxctl("--socket", sandboxd.adminSocket.toString(), "list");
                assertThat(list.status()).as(list.output()).isZero();
                assertThat(list.output().lines().filter(line -> line.startsWith("sbx-")))
                        .hasSizeGreaterThanOrEqualTo(WORKSPACES);

                // ... and every terminal goes on working.
                for (int i = 0; i < WORKSPACES; i++) {
                    terminals.get(i).send("echo still-$((" + i + "*7+500))\n");
                }
                for (int i = 0; i < WORKSPACES; i++) {
                    terminals.get(i).awaitOutput("still-" + (i * 7 + 500), PATIENCE);
                }
            } finally {
                for (SandboxClient client : taken) {
                    client.close();
                }
            }
        } finally {
            for (TryNowBenchmark.Term term : terminals) {
                term.close();
            }
        }
    }
}
