package pro.codai.platform.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.LimitHit;

/** Runs through the Jobe API behave as Jobe 2.2's do wherever CodeRunner can tell. */
class JobeDialectTest {

    static RunParameters params(int memory, List<String> interpreterArgs, List<String> runArgs) {
        return new RunParameters(5, memory, 30, 20, 2, null, null, interpreterArgs, runArgs);
    }

    static ExecResult ran(int exit, String stdout, String stderr, long cpuMillis, LimitHit hit) {
        return ran(exit, stdout.getBytes(StandardCharsets.UTF_8), stderr, cpuMillis, hit);
    }

    static ExecResult ran(int exit, byte[] stdout, String stderr, long cpuMillis, LimitHit hit) {
        return new ExecResult(
                exit,
                0,
                stdout,
                stderr.getBytes(StandardCharsets.UTF_8),
                false,
                Duration.ofMillis(cpuMillis),
                Duration.ofMillis(cpuMillis + 10),
                hit);
    }

    /** The command of a run as RunService builds it in Jobe's dialect. */
    static String jobeRunCommand(Language language, String source, RunParameters p) {
        RunParameters words = p.withArgumentsOfTheirOwn();
        Set<String> shellText = Collections.newSetFromMap(new IdentityHashMap<>());
        shellText.addAll(words.allArguments());
        return RunService.jobeCommand(language.run(source, words), shellText);
    }

    // --- 1. argument lists are shell text --------------------------------------------------------

    @Test
    void interpreterArgumentsArePastedIntoTheShellCommandAsJobeDoes() {
        String command =
                jobeRunCommand(
                        Language.PYTHON3,
                        "prog.py",
                        params(0, List.of("-c \"print(\\\"Blah\\\")\""), List.of("a b", "$HOME")));

        // The request's text as it came; the language's own words quoted.
        assertThat(command).isEqualTo("'python3' -c \"print(\\\"Blah\\\")\" 'prog.py' a b $HOME");
    }

    @Test
    void theLanguagesOwnWordsAreQuotedEvenWhenTheyEqualAnArgument() {
        // "-o" from the request is shell text; the compiler's own "-o" is one quoted word.
        RunParameters p = new RunParameters(5, 0, 30, 20, 2, List.of("-o"), null, null, null);
        RunParameters words = p.withArgumentsOfTheirOwn();
        Set<String> shellText = Collections.newSetFromMap(new IdentityHashMap<>());
        shellText.addAll(words.allArguments());

        assertThat(RunService.jobeCommand(Language.C.compile("prog.c", words), shellText))
                .isEqualTo("'gcc' -o '-o' 'prog' 'prog.c' '-lm'");
    }

    @Test
    void theRunApiKeepsEachArgumentOneWord() {
        RunParameters p = params(0, null, List.of("a b"));

        assertThat(RunService.shellQuoted(Language.C.run("prog.c", p))).isEqualTo("'./prog' 'a b'");
    }

    @Test
    void pythonWithInterpreterArgumentsOfItsOwnCompilesThenRunsAsJobeDoes() {
        RunParameters own = params(0, List.of("-m", "trace"), null);

        assertThat(Language.PYTHON3.compile("prog.py", own))
                .containsExactly("python3", "-m", "py_compile", "prog.py");
        assertThat(Language.PYTHON3.run("prog.py", own))
                .containsExactly("python3", "-m", "trace", "prog.py");
        assertThat(Language.PYTHON3.compile("prog.py", params(0, null, null))).isEmpty();
    }

    @Test
    void anArgumentWithANulCharacterIsRefused() {
        assertThatThrownBy(() -> params(0, null, List.of("a\0b")))
                .isInstanceOf(RunRejectedException.class)
                .hasMessageContaining("runargs");
    }

    // --- 2. memory: the address space, as runguard's --memsize -----------------------------------

    @Test
    void theAddressSpaceIsJobesPerLanguageDefaultOrTheRequestsLimit() {
        assertThat(RunParameters.DEFAULTS.memoryMegabytes()).as("the language's default").isZero();
        assertThat(Language.PYTHON3.addressSpaceMegabytes(0)).isEqualTo(1000);
        assertThat(Language.C.addressSpaceMegabytes(0)).isEqualTo(400);
        assertThat(Language.NODEJS.addressSpaceMegabytes(0)).isEqualTo(400);
        assertThat(Language.CPP.addressSpaceMegabytes(450)).isEqualTo(450);
        assertThat(Language.JAVA.addressSpaceMegabytes(100))
                .as("Java: memorylimit disregarded, the JVM manages its memory")
                .isZero();
        assertThat(Language.JAVA.run("Main.java", RunParameters.DEFAULTS))
                .containsSequence("-Xrs", "-Xss8m", "-Xmx200m");
        assertThat(Language.NODEJS.run("prog.js", RunParameters.DEFAULTS))
                .containsExactly("node", "--use_strict", "prog.js");
    }

    @Test
    void aJobeRunLimitsItsAddressSpaceInJobesKilobytesBeforeItsShellRunsTheCommand() {
        assertThat(RunService.jobeRun("'python3' 'prog.py'", 1000))
                .isEqualTo(
                        "ulimit -v 1000000 || exit 1\n"
                                + "exec /bin/sh -c ''\\''python3'\\'' '\\''prog.py'\\'''");
        assertThat(RunService.jobeRun("'java' 'Main'", 0)).startsWith("exec /bin/sh -c ");
        assertThat(RunService.jobeUnpackAndCompile("'gcc' 'prog.c'", 500))
                .startsWith("tar -x -f - || exit 1\nulimit -v 500000 || exit 1\n")
                .contains(" >/dev/null 2>.codaipro-compile\n")
                .contains("[ -s .codaipro-compile ]");
    }

    @Test
    void theSandboxMemoryIsAWallALittleBeyondTheAddressSpace() {
        RunParameters defaults = RunParameters.DEFAULTS;

        assertThat(RunService.sandboxMemoryMegabytes(Language.PYTHON3, defaults, true, 1000))
                .isEqualTo(1064);
        assertThat(RunService.sandboxMemoryMegabytes(Language.C, defaults, true, 500))
                .isEqualTo(564);
        assertThat(
                        RunService.sandboxMemoryMegabytes(
                                Language.JAVA, params(100, null, null), true, 0))
                .isEqualTo(1024);
        assertThat(
                        RunService.sandboxMemoryMegabytes(
                                Language.C, params(2048, null, null), true, 2048))
                .isEqualTo(RunParameters.MAX_MEMORY_MEGABYTES);
        assertThat(RunService.sandboxMemoryMegabytes(Language.PYTHON3, defaults, false, 0))
                .as("the run API: the sandbox's memory is the limit")
                .isEqualTo(400);
    }

    // --- 3. output: cut at Jobe's streamsize --------------------------------------------------

    @Test
    void theStreamCapIsJobesMegabytesOfAThousandKibibytes() {
        assertThat(params(0, null, null).jobeStreamBytes()).isEqualTo(2_048_000);
        assertThat(new RunParameters(5, 0, 30, 20, 0.1, null, null, null, null).jobeStreamBytes())
                .isEqualTo(102_400);
    }

    // --- 4. output that is not UTF-8 ----------------------------------------------------------

    @Test
    void outputThatIsNotUtf8ComesBackWithJobesHexEscapes() {
        byte[] bytes = {1, 6, (byte) 0xc0, (byte) 0xc9, 'a', '\n', '\t', '\r', 0x7f, '~'};

        assertThat(JobeText.of(bytes)).isEqualTo("\\x01\\x06\\xc0\\xc9a\n\t\r\\x7f~");
        assertThat(JobeText.of("caf\u00e9 \u0001\n".getBytes(StandardCharsets.UTF_8)))
                .as("valid UTF-8, control characters and all, comes back as it is")
                .isEqualTo("caf\u00e9 \u0001\n");

        RunResult result =
                RunService.jobeResult(Language.C, ran(0, bytes, "", 10, LimitHit.NONE), false, 5);
        assertThat(result.stdout()).startsWith("\\x01\\x06\\xc0\\xc9");
    }

    // --- 5 and 6. outcomes -----------------------------------------------------------------------

    @Test
    void aNonZeroExitWithNothingOnStderrIsASuccessAsOnJobe() {
        RunResult result =
                RunService.jobeResult(
                        Language.C, ran(3, "partial\n", "", 10, LimitHit.NONE), false, 5);

        assertThat(result.outcome()).isEqualTo(Outcome.OK);
        assertThat(result.exitCode()).isEqualTo(3);
    }

    @Test
    void anythingOnStderrIsARuntimeErrorWithThatText() {
        RunResult segfault =
                RunService.jobeResult(
                        Language.C,
                        ran(139, "", "Segmentation fault\n", 10, LimitHit.NONE),
                        false,
                        5);

        assertThat(segfault.outcome()).isEqualTo(Outcome.RUNTIME_ERROR);
        assertThat(segfault.stderr()).isEqualTo("Segmentation fault\n");
        assertThat(
                        RunService.jobeResult(
                                        Language.C,
                                        ran(0, "", "warning\n", 10, LimitHit.NONE),
                                        false,
                                        5)
                                .outcome())
                .isEqualTo(Outcome.RUNTIME_ERROR);
    }

    @Test
    void aLanguagesOwnOutOfMemoryIsARuntimeErrorNotAMemoryLimit() {
        String memoryError = "Traceback (most recent call last):\n  ...\nMemoryError\n";

        RunResult result =
                RunService.jobeResult(
                        Language.PYTHON3, ran(1, "", memoryError, 100, LimitHit.NONE), true, 5);

        assertThat(result.outcome()).isEqualTo(Outcome.RUNTIME_ERROR);
        assertThat(result.stderr()).isEqualTo(memoryError);
        assertThat(
                        RunService.jobeResult(
                                        Language.C,
                                        ran(137, "", "Killed\n", 100, LimitHit.MEMORY),
                                        false,
                                        5)
                                .outcome())
                .as("the sandbox's memory wall, which Jobe does not have")
                .isEqualTo(Outcome.MEMORY_LIMIT);
    }

    @Test
    void aTimeLimitClearsStderrWhateverNamedIt() {
        for (ExecResult timedOut :
                List.of(
                        ran(152, "out", "CPU time limit exceeded\n", 5000, LimitHit.NONE),
                        ran(137, "out", "Killed\n", 6000, LimitHit.NONE),
                        ran(-1, "out", "", 100, LimitHit.WALL_TIME),
                        ran(-1, "out", "", 5000, LimitHit.CPU_TIME))) {
            RunResult result = RunService.jobeResult(Language.C, timedOut, false, 5);

            assertThat(result.outcome()).as(timedOut.toString()).isEqualTo(Outcome.TIME_LIMIT);
            assertThat(result.stderr()).isEmpty();
            assertThat(result.stdout()).isEqualTo("out");
        }
    }

    @Test
    void javasStackTraceTabsBecomeSpacesAsJobeFiltersThem() {
        String trace =
                "Exception in thread \"main\" java.lang.IllegalStateException\n\tat Fails.main(Fails.java:1)\n";

        RunResult result =
                RunService.jobeResult(
                        Language.JAVA, ran(1, "", trace, 100, LimitHit.NONE), false, 5);

        assertThat(result.stderr())
                .isEqualTo(
                        "Exception in thread \"main\" java.lang.IllegalStateException\n        at Fails.main(Fails.java:1)\n");
    }

    @Test
    void aCompileErrorCarriesTheCompilersStderrAsCmpinfo() {
        byte[] stderr =
                (RunService.COMPILE_FAILED + "\nprog.c:1: error: x undeclared\n")
                        .getBytes(StandardCharsets.UTF_8);
        ExecResult compiled =
                new ExecResult(
                        1,
                        0,
                        new byte[0],
                        stderr,
                        false,
                        Duration.ofMillis(30),
                        Duration.ofMillis(40),
                        LimitHit.NONE);

        RunResult result = RunService.jobeResult(Language.C, compiled, true, 10);

        assertThat(result.outcome()).isEqualTo(Outcome.COMPILE_ERROR);
        assertThat(result.compileOutput()).isEqualTo("prog.c:1: error: x undeclared\n");
        assertThat(RunService.jobeResult(Language.C, compiled, false, 10).outcome())
                .as("a program writing the marker is not a compile error")
                .isEqualTo(Outcome.RUNTIME_ERROR);
    }

    @Test
    void aJobeRequestSaysSoAndKeepsItThroughCopies() {
        RunRequest request = RunRequest.of(Language.C, "int main(){}").likeJobe();

        assertThat(request.dialect()).isEqualTo(RunRequest.Dialect.JOBE);
        assertThat(request.withInput(new byte[] {1}).dialect()).isEqualTo(RunRequest.Dialect.JOBE);
        assertThat(RunRequest.of(Language.C, "int main(){}").dialect())
                .isEqualTo(RunRequest.Dialect.APPLIANCE);
    }
}
