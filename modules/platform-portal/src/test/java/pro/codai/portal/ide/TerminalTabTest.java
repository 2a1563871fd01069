package pro.codai.portal.ide;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import pro.codai.sandbox.connector.api.SandboxTerminal;

class TerminalTabTest {

    /** A terminal that writes down what reaches it, in order. */
    static final class RecordingTerminal implements SandboxTerminal {
        final List<String> received = new ArrayList<>();

        @Override
        public void input(byte[] bytes) {
            received.add("keys " + new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void resize(int columns, int rows) {
            received.add("size " + columns + "x" + rows);
        }

        @Override
        public void close() {}
    }

    static TerminalHub hub(RecordingTerminal terminal) {
        TerminalHub hub =
                new TerminalHub(new Workspace("someone", "sbx-1", -1, LocalDate.now(), 0));
        hub.connect(terminal);
        return hub;
    }

    static byte[] keys(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whatIsTypedWhileTheWorkspaceStartsReachesTheShellInOrderWithTheLatestSize()
            throws Exception {
        RecordingTerminal terminal = new RecordingTerminal();
        TerminalTab tab = new TerminalTab();

        tab.input(keys("ls"));
        tab.resize(100, 30);
        tab.input(keys(" -l\r"));
        tab.resize(120, 40);
        assertThat(tab.hub()).isNull();
        assertThat(terminal.received).isEmpty();

        TerminalHub hub = hub(terminal);
        tab.connect(hub);
        tab.input(keys("pwd\r"));
        tab.resize(90, 20);

        assertThat(tab.hub()).isSameAs(hub);
        assertThat(terminal.received)
                .containsExactly("size 120x40", "keys ls -l\r", "keys pwd\r", "size 90x20");
    }

    @Test
    void nothingWaitsWhenNothingWasTyped() throws Exception {
        RecordingTerminal terminal = new RecordingTerminal();
        TerminalTab tab = new TerminalTab();

        tab.connect(hub(terminal));

        assertThat(terminal.received).isEmpty();
    }

    @Test
    void typingAheadBeyondTheLimitDropsItAndEverythingAfterSoTheShellGetsAPrefix()
            throws Exception {
        RecordingTerminal terminal = new RecordingTerminal();
        TerminalTab tab = new TerminalTab();
        byte[] almostAll = new byte[TerminalTab.MAX_WAITING_BYTES - 1];
        Arrays.fill(almostAll, (byte) 'a');

        tab.input(almostAll);
        tab.input(keys("bc"));
        tab.input(keys("d"));
        tab.connect(hub(terminal));
        tab.input(keys("e"));

        assertThat(terminal.received).hasSize(2);
        assertThat(terminal.received.get(0))
                .hasSize("keys ".length() + TerminalTab.MAX_WAITING_BYTES - 1)
                .endsWith("aaa");
        assertThat(terminal.received.get(1)).as("typed once it is ready").isEqualTo("keys e");
    }
}
