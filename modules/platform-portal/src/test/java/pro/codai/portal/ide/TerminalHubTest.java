package pro.codai.portal.ide;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.junit.jupiter.api.Test;

class TerminalHubTest {

    /** A tab: its user properties, and the close reasons it was given. */
    record Tab(Session session, Map<String, Object> properties, List<CloseReason> closes) {
        static Tab open() {
            Map<String, Object> properties = new HashMap<>();
            List<CloseReason> closes = new ArrayList<>();
            Session session =
                    (Session)
                            Proxy.newProxyInstance(
                                    Session.class.getClassLoader(),
                                    new Class<?>[] {Session.class},
                                    (proxy, method, arguments) ->
                                            switch (method.getName()) {
                                                case "getUserProperties" -> properties;
                                                case "isOpen" -> closes.isEmpty();
                                                case "close" -> {
                                                    closes.add((CloseReason) arguments[0]);
                                                    yield null;
                                                }
                                                case "hashCode" -> System.identityHashCode(proxy);
                                                case "equals" -> proxy == arguments[0];
                                                default -> null;
                                            });
            return new Tab(session, properties, closes);
        }
    }

    @Test
    void aTabThatWentSilentIsClosedAndTheOthersStay() {
        TerminalHub hub =
                new TerminalHub(new Workspace("someone", "sbx-1", -1, LocalDate.now(), 0));
        long now = System.currentTimeMillis();
        Tab talking = Tab.open();
        Tab silent = Tab.open();
        talking.properties().put(TerminalEndpoint.LAST_HEARD, now - 1_000);
        silent.properties().put(TerminalEndpoint.LAST_HEARD, now - 100_000);
        hub.attach(talking.session());
        hub.attach(silent.session());

        hub.closeSilentTabs(Workspaces.TAB_SILENCE_MILLIS, now);

        assertThat(silent.closes())
                .singleElement()
                .satisfies(
                        reason ->
                                assertThat(reason.getCloseCode())
                                        .isEqualTo(CloseReason.CloseCodes.GOING_AWAY));
        assertThat(talking.closes()).isEmpty();
        assertThat(hub.hasTabs()).isTrue();
    }

    @Test
    void theDaysTimeCountsOnlyWhileShownOrBusyAndStartsAgainTomorrow() {
        LocalDate today = LocalDate.of(2026, 11, 26);
        Workspace workspace = new Workspace("someone", "sbx-1", 60, today, 50);
        long start = System.currentTimeMillis() + 120_000; // long after the last activity
        workspace.meter(start, today, 10_000);
        workspace.meter(start + 30_000, today, 10_000);
        assertThat(workspace.usedSeconds()).as("no tab, nothing happening").isEqualTo(50);

        workspace.touch();
        long now = System.currentTimeMillis();
        workspace.meter(now, today, 60_000);
        workspace.meter(now + 9_000, today, 60_000);
        assertThat(workspace.usedSeconds()).as("something happened lately").isEqualTo(59);
        assertThat(workspace.usedUp()).isFalse();
        workspace.meter(now + 11_000, today, 60_000);
        assertThat(workspace.usedUp()).isTrue();
        assertThat(workspace.takeUnsaved()).isEqualTo(new Workspace.Unsaved(today, 11));

        workspace.meter(now + 12_000, today.plusDays(1), 10_000);
        assertThat(workspace.usedSeconds()).isZero();
        assertThat(workspace.usedUp()).isFalse();
    }

    @Test
    void thePageIsAskedToCloseWithTheCodeAndReasonAsJson() {
        assertThat(
                        TerminalHub.closeRequest(
                                new CloseReason(
                                        TerminalHub.closeCode(TerminalHub.SHELL_ENDED),
                                        "the \"shell\" ended")))
                .isEqualTo("{\"close\":4001,\"reason\":\"the \\\"shell\\\" ended\"}");
    }
}
