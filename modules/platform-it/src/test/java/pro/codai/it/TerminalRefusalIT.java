package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonString;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import pro.codai.sandbox.protocol.SandboxClient;

/**
 * A terminal refused for load does not churn sandboxes or sockets: the built server and the built
 * sandboxd (one terminal at most, {@code sandboxd.max-terminals=1}) with real LXC. The refused
 * student's tab stays open and is told the server is busy; the server tries again by itself,
 * backing off, while their workspace keeps its sandbox; once a terminal is free the same tab gets a
 * shell in that same sandbox.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TerminalRefusalIT {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    Keycloak keycloak;
    Sandboxd sandboxd;
    RunningServer server;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        keycloak = Keycloak.shared();
        TryNowBenchmark.portalUrl = keycloak.publicUrl();
        sandboxd = Sandboxd.start(0, Map.of("sandboxd.max-terminals", "1"));
        server = RunningServer.start(keycloak, sandboxd, "TerminalRefusalIT");
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
    void aRefusedTerminalWaitsOpenKeepingItsWorkspacesSandboxAndGetsAShellInItLater()
            throws Exception {
        HttpClient first = person("first");
        HttpClient second = person("second");
        TryNowBenchmark.Term taken = TryNowBenchmark.Term.open(first, server, 80, 24);
        taken.awaitOutput("$ ", PATIENCE);

        TryNowBenchmark.Term waiting = TryNowBenchmark.Term.open(second, server, 80, 24);
        waiting.awaitTexts("\"busy\"", 1, PATIENCE);
        List<String> sandboxes = workspaceSandboxes();
        assertThat(sandboxes).as("both workspaces hold a sandbox").hasSize(2);

        // The server tries again (after 1-2 s, then 2-4 s): still refused, nothing acquired or
        // released, the tab still open.
        waiting.awaitTexts("\"busy\"", 3, PATIENCE);
        assertThat(workspaceSandboxes())
                .as("no sandbox acquired or released by a refused try")
                .isEqualTo(sandboxes);
        assertThat(waiting.isClosed()).isFalse();
        // Typed while waiting: it reaches the shell once there is one.
        waiting.send("echo typed-$((6*7))\n");

        // The first student's shell ends, which frees the terminal ...
        taken.send("exit\n");
        assertThat(taken.awaitClose(PATIENCE)).as("the shell ended").isEqualTo(4001);
        assertThat(taken.closeRequested()).as("the page was asked to close").isTrue();
        // ... and the waiting tab gets a shell at the server's next try, in the sandbox it kept.
        waiting.awaitTexts("\"ready\"", 1, PATIENCE);
        waiting.awaitOutput("typed-42", PATIENCE);
        waiting.send("echo kept-$((6*7))\n");
        waiting.awaitOutput("kept-42", PATIENCE);
        assertThat(workspaceSandboxes()).isEqualTo(sandboxes);
        waiting.close();
    }

    private HttpClient person(String name) throws Exception {
        String email = "refusal-" + run + "-" + name + "@mail.example";
        keycloak.createUser(email, email, SignInBenchmark.PASSWORD, true);
        HttpClient person = SignInBenchmark.signIn(keycloak.publicUrl(), email, null);
        TryNowBenchmark.completeProfile(person, server);
        return person;
    }

    /** The workspace sandboxes sandboxd holds, asked over the admin socket. */
    private List<String> workspaceSandboxes() throws Exception {
        try (SandboxClient admin = SandboxClient.connect(sandboxd.adminSocket)) {
            return admin
                    .call("list", SandboxClient.fields().add("owner", "try-now"))
                    .getJsonArray("sandboxes")
                    .getValuesAs(JsonString::getString)
                    .stream()
                    .sorted()
                    .toList();
        }
    }
}
