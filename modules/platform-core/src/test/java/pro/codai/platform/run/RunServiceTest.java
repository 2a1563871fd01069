package pro.codai.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

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

    @Test
    void onlyJobeCompileArgumentsThatArePlainWordsAreCached() {
        assertThat(
                        RunService.plainWords(
                                List.of("-Wall", "-Werror", "-std=c99", "-DNAME=\"a b\""),
                                List.of("-lm")))
                .isTrue();
        assertThat(RunService.plainWords(null, null)).isTrue();
        for (String shellText :
                List.of(
                        "-O2; echo x > data.txt",
                        "-O2 >/proc/$PPID/fd/1",
                        "$(cat secret)",
                        "-O2 | tee",
                        "`id`",
                        "-O2\necho")) {
            assertThat(RunService.plainWords(List.of(shellText), null)).as(shellText).isFalse();
            assertThat(RunService.plainWords(null, List.of(shellText))).as(shellText).isFalse();
        }
    }
}
