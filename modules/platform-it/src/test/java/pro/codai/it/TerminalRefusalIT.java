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
 * A terminal refused for load does not churn sandboxes: the built server and the built sandboxd
 * (one terminal at most, {@code sandboxd.max-terminals=1}) with real LXC. The refused student's tab
 * is closed with 1013 ("try again later"), their workspace keeps its sandbox through every retry,
 * and the retry after a terminal is free gets a shell in that same sandbox.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TerminalRefusalIT {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final int TRY_AGAIN_LATER = 1013;

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
    void aRefusedTerminalKeepsItsWorkspacesSandboxThroughRetriesAndGetsAShellInItLater()
            throws Exception {
        HttpClient first = person("first");
        HttpClient second = person("second");
        TryNowBenchmark.Term taken = TryNowBenchmark.Term.open(first, server, 80, 24);
        taken.awaitOutput("$ ", PATIENCE);

        TryNowBenchmark.Term refused = TryNowBenchmark.Term.open(second, server, 80, 24);
        assertThat(refused.awaitClose(PATIENCE)).isEqualTo(TRY_AGAIN_LATER);
        List<String> sandboxes = workspaceSandboxes();
        assertThat(sandboxes).as("both workspaces hold a sandbox").hasSize(2);

        for (int retry = 0; retry < 3; retry++) {
            TryNowBenchmark.Term again = TryNowBenchmark.Term.open(second, server, 80, 24);
            assertThat(again.awaitClose(PATIENCE)).isEqualTo(TRY_AGAIN_LATER);
            assertThat(workspaceSandboxes())
                    .as("no sandbox acquired or released by a refused retry")
                    .isEqualTo(sandboxes);
        }

        // The first student's shell ends, which frees the terminal ...
        taken.send("exit\n");
        taken.awaitClose(PATIENCE);
        // ... and the second student's next try gets a shell, in the sandbox it kept.
        TryNowBenchmark.Term shell = awaitShell(second);
        shell.send("echo kept-$((6*7))\n");
        shell.awaitOutput("kept-42", PATIENCE);
        assertThat(workspaceSandboxes()).isEqualTo(sandboxes);
        shell.close();
    }

    /** Tries the terminal until it opens (sandboxd notices the freed terminal in its own time). */
    private TryNowBenchmark.Term awaitShell(HttpClient person) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            TryNowBenchmark.Term term = TryNowBenchmark.Term.open(person, server, 80, 24);
            try {
                term.awaitOutput("$ ", Duration.ofSeconds(5));
                return term;
            } catch (IllegalStateException refusedAgain) {
                if (System.nanoTime() > deadline) {
                    throw refusedAgain;
                }
            }
        }
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
