package pro.codai.sandbox.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import pro.codai.sandbox.api.ExecRequest;

class MessagesTest {

    @Test
    void anExecThatRunsOnPastItsOutputLimitSaysSoOnTheWire() throws Exception {
        ExecRequest runsOn = ExecRequest.of("yes").withStopAtOutputLimit(false);

        ExecRequest received = Messages.exec(Messages.execFields("s1", runsOn).build());

        assertThat(received.stopAtOutputLimit()).isFalse();
        assertThat(received.argv()).isEqualTo(List.of("yes"));
    }

    @Test
    void anExecStopsAtItsOutputLimitUnlessTheRequestSaysOtherwise() throws Exception {
        assertThat(ExecRequest.of("yes").stopAtOutputLimit()).isTrue();
        var fields = Messages.execFields("s1", ExecRequest.of("yes")).build();
        var withoutField = Frames.JSON.createObjectBuilder(fields);
        withoutField.remove("stopAtOutputLimit");

        assertThat(Messages.exec(fields).stopAtOutputLimit()).isTrue();
        assertThat(Messages.exec(withoutField.build()).stopAtOutputLimit()).isTrue();
    }

    @Test
    void aStopAtOutputLimitThatIsNotABooleanIsRefused() {
        var fields =
                Frames.JSON
                        .createObjectBuilder(
                                Messages.execFields("s1", ExecRequest.of("yes")).build())
                        .add("stopAtOutputLimit", "no");

        assertThatThrownBy(() -> Messages.exec(fields.build()))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("stopAtOutputLimit");
    }

    @Test
    void onlyTheTerminalsRequestNeedsVersionTwoSoVersionOneDaemonsStillAnswerTheRest() {
        assertThat(Messages.versionOf("terminals")).isEqualTo(2);
        for (String op : List.of("hello", "ping", "acquire", "exec", "terminal", "destroy")) {
            assertThat(Messages.versionOf(op)).as(op).isEqualTo(1);
        }
        assertThat(Messages.LATEST_VERSION).isEqualTo(2);
    }
}
