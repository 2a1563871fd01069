package pro.codai.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunServiceTest {

    @Test
    void runSandboxesAreLabelledWithTheirModuleInTheLettersAnOwnerLabelMayHave() {
        assertThat(RunService.ownerLabel("jobe")).isEqualTo("runs-jobe");
        assertThat(RunService.ownerLabel("api")).isEqualTo("runs-api");
        assertThat(RunService.ownerLabel("my app#1")).isEqualTo("runs-my-app-1");
        assertThat(RunService.ownerLabel("x".repeat(100))).hasSize(64);
    }

    @Test
    void aRunHoldsItsBytesSeveralTimesAgainstTheHeapBudget() {
        RunRequest megabyte =
                new RunRequest(
                        Language.PYTHON3, "x" + " ".repeat((1 << 20) - 1), null, null, null, null);
        assertThat(RunService.heldKibibytes(megabyte)).isEqualTo(RunService.HELD_COPIES * 1024);
        assertThat(RunService.heldKibibytes(RunRequest.of(Language.C, ""))).isEqualTo(1);
    }
}
