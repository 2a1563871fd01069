package pro.codai.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.LimitHit;

/** PHP, Pascal and Octave: the commands and defaults of Jobe's tasks for them. */
class JobeLanguagesTest {

    static final RunParameters DEFAULTS = RunParameters.DEFAULTS;

    static final RunParameters OWN_ARGS =
            new RunParameters(
                    5,
                    400,
                    30,
                    20,
                    2,
                    List.of("-O2"),
                    null,
                    List.of("-d", "x=1"),
                    List.of("arg one"));

    @Test
    void theyAreKnownByJobesIdsAndNamedAsJobeNamesThem() {
        assertThat(Language.byId("php")).contains(Language.PHP);
        assertThat(Language.byId("Pascal")).contains(Language.PASCAL);
        assertThat(Language.byId("octave")).contains(Language.OCTAVE);
        assertThat(RunRequest.of(Language.PHP, "<?php echo 1;").effectiveSourceFileName())
                .isEqualTo("prog.php");
        assertThat(RunRequest.of(Language.PASCAL, "begin end.").effectiveSourceFileName())
                .isEqualTo("prog.pas");
        assertThat(RunRequest.of(Language.OCTAVE, "disp(1)").effectiveSourceFileName())
                .isEqualTo("prog.m");
    }

    @Test
    void phpIsCheckedWithLintThenRunWithoutAnIniFile() {
        assertThat(Language.PHP.compile("prog.php", DEFAULTS))
                .containsExactly("php", "-l", "prog.php");
        assertThat(Language.PHP.run("prog.php", DEFAULTS))
                .containsExactly("php", "--no-php-ini", "prog.php");
        assertThat(Language.PHP.run("prog.php", OWN_ARGS))
                .containsExactly("php", "-d", "x=1", "prog.php", "arg one");
        assertThat(Language.PHP.memoryMegabytes(0)).as("Jobe's 400 MB").isEqualTo(400);
    }

    @Test
    void pascalCompilesWithJobesArgumentsIntoSourceDotExe() {
        List<String> compile = Language.PASCAL.compile("prog.pas", DEFAULTS);
        assertThat(compile).startsWith("/bin/sh", "-c").endsWith("prog.pas", "-vew", "-Se");
        assertThat(compile.get(2))
                .contains("fpc \"$@\" -Fe\"$0.err\" -o\"$0.exe\" \"$0\"")
                .contains("cat \"$0.err\"");
        assertThat(Language.PASCAL.compile("prog.pas", OWN_ARGS)).endsWith("prog.pas", "-O2");
        assertThat(Language.PASCAL.run("prog.pas", DEFAULTS)).containsExactly("./prog.pas.exe");
        assertThat(Language.PASCAL.run("__tester__.pascal", OWN_ARGS))
                .containsExactly("./__tester__.pascal.exe", "arg one");
    }

    @Test
    void octaveRunsTheScriptWithJobesArgumentsAndMemory() {
        assertThat(Language.OCTAVE.compile("prog.m", DEFAULTS)).isEmpty();
        assertThat(Language.OCTAVE.run("prog.m", DEFAULTS))
                .containsExactly(
                        "octave", "--norc", "--no-window-system", "--silent", "-H", "prog.m");
        assertThat(Language.OCTAVE.memoryMegabytes(0)).isEqualTo(500);
    }

    @Test
    void octavesStderrLosesItsReturnsTrailingBlankLinesAndClosingNoise() {
        assertThat(
                        Language.OCTAVE.filteredStderr(
                                "error: 'x' undefined\r\nerror: ignoring octave_execution_exception"
                                        + " while executing\n\n"))
                .isEqualTo("error: 'x' undefined\n");
        assertThat(Language.OCTAVE.filteredStderr("warning: w\nerror: No such file or directory\n"))
                .isEqualTo("warning: w\n");
        assertThat(Language.OCTAVE.filteredStderr("\n\n")).isEmpty();
        assertThat(Language.OCTAVE.filteredStderr("error: No such file or directory\nerror: x"))
                .as("only a last line is dropped")
                .isEqualTo("error: No such file or directory\nerror: x\n");
        assertThat(Language.PHP.filteredStderr("a\r\n\n")).isEqualTo("a\r\n\n");
    }

    @Test
    void aRunWhoseStderrIsOnlyOctavesNoiseSucceeds() {
        ExecResult ran =
                new ExecResult(
                        0,
                        0,
                        "ans = 2\n".getBytes(StandardCharsets.UTF_8),
                        "error: No such file or directory\n".getBytes(StandardCharsets.UTF_8),
                        false,
                        Duration.ofMillis(300),
                        Duration.ofMillis(400),
                        LimitHit.NONE);

        RunResult result = RunService.jobeResult(Language.OCTAVE, ran, true, 5);

        assertThat(result.outcome()).isEqualTo(Outcome.OK);
        assertThat(result.stderr()).isEmpty();
        assertThat(RunService.result(Language.OCTAVE, ran, true).outcome())
                .as("the run API filters it too")
                .isEqualTo(Outcome.OK);
        assertThat(RunService.jobeResult(Language.PHP, ran, true, 5).outcome())
                .isEqualTo(Outcome.RUNTIME_ERROR);
    }

    @Test
    void octaveHasJobesFiveHundredMegabytesOfAddressSpaceByDefault() {
        assertThat(Language.OCTAVE.addressSpaceMegabytes(0)).isEqualTo(500);
        assertThat(Language.OCTAVE.addressSpaceMegabytes(800)).isEqualTo(800);
    }
}
