package pro.codai.platform.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class RunRequestTest {

    @Test
    void languagesAreFoundByJobesIdsInAnyCase() {
        assertThat(Language.byId("Python3")).contains(Language.PYTHON3);
        assertThat(Language.byId("nodejs")).contains(Language.NODEJS);
        assertThat(Language.byId("cobol")).isEmpty();
        assertThat(Language.byId(null)).isEmpty();
    }

    @Test
    void sourceNamesDefaultLikeJobes() {
        assertThat(RunRequest.of(Language.C, "int main(){}").effectiveSourceFileName())
                .isEqualTo("prog.c");
        assertThat(
                        RunRequest.of(Language.JAVA, "public final class Main { }")
                                .effectiveSourceFileName())
                .isEqualTo("Main.java");
        assertThat(RunRequest.of(Language.JAVA, "class Hidden {}").effectiveSourceFileName())
                .isEqualTo("prog.java");
    }

    @Test
    void commandsUseJobesDefaultFlagsUnlessTheRequestGivesItsOwn() {
        RunParameters defaults = RunParameters.DEFAULTS;
        RunParameters own =
                new RunParameters(5, 400, 30, 20, 2, List.of("-O2"), List.of(), null, List.of("7"));

        assertThat(Language.C.compile("prog.c", defaults))
                .containsExactly(
                        "gcc",
                        "-Wall",
                        "-Werror",
                        "-std=c99",
                        "-x",
                        "c",
                        "-o",
                        "prog",
                        "prog.c",
                        "-lm");
        assertThat(Language.C.compile("prog.c", own))
                .containsExactly("gcc", "-O2", "-o", "prog", "prog.c");
        assertThat(Language.C.run("prog.c", own)).containsExactly("./prog", "7");
        assertThat(Language.PYTHON3.run("prog.py", defaults))
                .startsWith("python3", "-BE", "-c")
                .endsWith("prog.py");
        assertThat(Language.PYTHON3.compile("prog.py", defaults))
                .as("compiled by the same interpreter that runs it")
                .isEmpty();
        assertThat(Language.JAVA.run("Main.java", defaults))
                .containsExactly("java", "-Xrs", "-Xss8m", "-Xmx200m", "-cp", ".", "Main");
        assertThat(Language.NODEJS.compile("prog.js", defaults)).isEmpty();
    }

    @Test
    void limitsOutOfRangeAndUnsafeNamesAreRejected() {
        assertThatThrownBy(() -> new RunParameters(0, 400, 30, 20, 2, null, null, null, null))
                .hasMessageContaining("cputime");
        assertThatThrownBy(() -> new RunParameters(5, 99_999, 30, 20, 2, null, null, null, null))
                .hasMessageContaining("memorylimit");
        assertThatThrownBy(() -> new RunParameters(5, 400, 30, 20, 0, null, null, null, null))
                .hasMessageContaining("streamsize");
        assertThatThrownBy(() -> new RunFile("../etc/passwd", new byte[0]))
                .isInstanceOf(RunRejectedException.class);
        assertThatThrownBy(() -> new RunFile(".hidden", new byte[0]))
                .isInstanceOf(RunRejectedException.class);
        assertThatThrownBy(() -> new RunRequest(Language.C, "x", "a/b.c", null, null, null))
                .hasMessageContaining("sourcefilename");
        assertThatThrownBy(
                        () ->
                                new RunRequest(
                                        Language.C,
                                        "x",
                                        null,
                                        new byte[RunRequest.MAX_BYTES],
                                        null,
                                        null))
                .hasMessageContaining("exceed");
    }

    @Test
    void aCompiledLanguageIsUnpackedAndCompiledInOneExecAndAnInterpretedOneAlsoRunsInIt() {
        assertThat(RunService.unpackAndCompile(List.of("gcc", "prog.c")))
                .startsWith("tar -x -f - || exit 1\n")
                .contains("'gcc' 'prog.c' >.codaipro-compile 2>&1 || {")
                .doesNotContain("exec");
        assertThat(RunService.unpackAndRun(List.of("node", "prog.js")))
                .isEqualTo("tar -x -f - || exit 1\nexec 'node' 'prog.js' <.codaipro-input\n");
    }

    @Test
    void aPhaseIsKilledAfterTwiceItsCpuTimeInWallTimeAsJobeDoes() {
        assertThat(RunService.wallTime(5)).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(RunService.wallTime(1)).isEqualTo(java.time.Duration.ofSeconds(2));
    }

    @Test
    void aCompileFailureMarkedOnStderrBecomesACompileError() {
        var ran =
                new pro.codai.sandbox.api.ExecResult(
                        1,
                        0,
                        new byte[0],
                        (RunService.COMPILE_FAILED + "\nprog.c:1: error: x undeclared\n")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        false,
                        java.time.Duration.ofMillis(30),
                        java.time.Duration.ofMillis(40),
                        pro.codai.sandbox.api.LimitHit.NONE);

        RunResult result = RunService.result(Language.C, ran, true);

        assertThat(result.outcome()).isEqualTo(Outcome.COMPILE_ERROR);
        assertThat(result.compileOutput()).isEqualTo("prog.c:1: error: x undeclared\n");
        assertThat(result.stderr()).isEmpty();
        assertThat(RunService.result(Language.C, ran, false).outcome())
                .as("a compiled program writing the marker is not a compile error")
                .isEqualTo(Outcome.RUNTIME_ERROR);
    }

    @Test
    void wordsAreQuotedForTheShell() {
        assertThat(RunService.shellQuoted(List.of("gcc", "it's", "$HOME")))
                .isEqualTo("'gcc' 'it'\\''s' '$HOME'");
    }

    @Test
    void theTarHeaderIsUstarWithAValidChecksum() {
        byte[] archive = new Tar().add("prog.c", "int main(){}".getBytes()).finish();

        assertThat(archive.length % 512).isZero();
        assertThat(new String(archive, 257, 5)).isEqualTo("ustar");
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : archive[i] & 0xff;
        }
        assertThat(Long.parseLong(new String(archive, 148, 6), 8)).isEqualTo(sum);
    }

    static RunParameters withStream(double megabytes) {
        return new RunParameters(5, 400, 30, 20, megabytes, null, null, null, null);
    }

    static RunParameters withRunArgs(List<String> runArgs) {
        return new RunParameters(5, 400, 30, 20, 2, null, null, null, runArgs);
    }

    @Test
    void theOutputLimitGoesUpToFiveMegabytesWhatSandboxdCanSendBack() {
        assertThat(withStream(5).streamMegabytes()).isEqualTo(5);
        // sandboxd takes at most a third of its 16 MiB frame (both streams travel in base64).
        assertThat(withStream(5).streamBytes()).isLessThanOrEqualTo((16 << 20) / 3);
        assertThatThrownBy(() -> withStream(5.01))
                .isInstanceOf(RunRejectedException.class)
                .hasMessage("streamsize must be more than 0 and at most 5 MB");
        assertThatThrownBy(() -> withStream(16)).isInstanceOf(RunRejectedException.class);
        assertThatThrownBy(() -> withStream(0)).isInstanceOf(RunRejectedException.class);
    }

    @Test
    void extraArgumentsHoldAtMost16KiBTogether() {
        assertThat(withRunArgs(List.of("a".repeat(16 * 1024))).runArgs()).hasSize(1);
        assertThat(withRunArgs(List.of("a".repeat(8 * 1024), "b".repeat(8 * 1024))).runArgs())
                .hasSize(2);
        assertThatThrownBy(() -> withRunArgs(List.of("a".repeat(16 * 1024 + 1))))
                .isInstanceOf(RunRejectedException.class)
                .hasMessageContaining("at most 16384 bytes");
        // UTF-8 bytes, not characters: 8193 two-byte letters are 16386 bytes.
        assertThatThrownBy(() -> withRunArgs(List.of("é".repeat(8 * 1024 + 1))))
                .isInstanceOf(RunRejectedException.class);
        assertThatThrownBy(
                        () ->
                                new RunParameters(
                                        5,
                                        400,
                                        30,
                                        20,
                                        2,
                                        List.of("a".repeat(8 * 1024)),
                                        null,
                                        null,
                                        List.of("b".repeat(8 * 1024 + 1))))
                .as("the lists together")
                .isInstanceOf(RunRejectedException.class);
    }
}
