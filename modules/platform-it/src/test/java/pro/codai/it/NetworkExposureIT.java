package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a started appliance exposes to the network: the server, Keycloak and sandboxd, each started
 * by its own start script with the product's defaults, listen beyond loopback on the server's HTTP
 * port and nothing else — no data grid, no cache cluster, no admin port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkExposureIT {

    Keycloak keycloak;
    Sandboxd sandboxd;
    RunningServer server;

    @BeforeAll
    void start() throws Exception {
        keycloak = Keycloak.shared();
        sandboxd = Sandboxd.start(1);
        server = RunningServer.start(keycloak, sandboxd, "NetworkExposureIT");
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
    void onlyTheServersHttpPortListensBeyondLoopback() throws Exception {
        List<ListeningSockets.Socket> sockets =
                ListeningSockets.of(
                        server.process().toHandle(),
                        keycloak.processHandle(),
                        sandboxd.processHandle());
        sockets.forEach(socket -> System.out.println("FIGURE listening: " + socket));

        assertThat(sockets)
                .as("the server's HTTP listener")
                .anyMatch(socket -> socket.port() == server.port() && !socket.loopback());
        List<ListeningSockets.Socket> unexpected =
                sockets.stream()
                        .filter(socket -> !socket.loopback())
                        .filter(
                                socket ->
                                        !(socket.protocol().startsWith("tcp")
                                                && socket.port() == server.port()
                                                && socket.pid() == server.process().pid()))
                        .toList();
        assertThat(unexpected).as("sockets reachable from other hosts").isEmpty();
    }
}
