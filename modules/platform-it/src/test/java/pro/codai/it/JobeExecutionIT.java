package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs through the Jobe API behave as Jobe 2.2's do wherever CodeRunner can tell: argument lists
 * are shell text, the memory limit is the program's address space, output is cut at streamsize
 * while the program runs on, Jobe's outcome rules, {@code \xNN} escapes for output that is not
 * UTF-8, and twice the CPU time in wall time. The built server on Payara Micro, the built sandboxd
 * and real LXC sandboxes from the real base image; expectations are Jobe's (its testsubmit.py where
 * it has the case).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobeExecutionIT {

    static final String ADMIN_TOKEN = "it-admin-token-4b8e2d6f0a1c3e5b7d9f1a3c5e7b9d0f";

    Path workDir;
    Sandboxd sandboxd;
    RunningServer server;
    String jobeKey;

    @BeforeAll
    void start() throws Exception {
        workDir = Files.createTempDirectory(Path.of("target"), "JobeExecutionIT-").toAbsolutePath();
        sandboxd = Sandboxd.start(0);
        server =
                RunningServer.start(
                        workDir.resolve("data"),
                        Map.of(
                                "CODAIPRO_SANDBOXD_SOCKET",
                                sandboxd.socket.toString(),
                                "CODAIPRO_ADMIN_TOKEN",
                                ADMIN_TOKEN,
                                "CODAIPRO_RUNS_MAX_CONCURRENT",
                                "2"));
        jobeKey = server.issueKey(ADMIN_TOKEN, "moodle", "jobe");
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

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    /** Jobe's answer to a run of {@code source} in {@code language} with these parameters. */
    JsonObject run(String language, String source, JsonObjectBuilder parameters) throws Exception {
        String body =
                Json.createObjectBuilder()
                        .add(
                                "run_spec",
                                Json.createObjectBuilder()
                                        .add("language_id", language)
                                        .add("sourcecode", source)
                                        .add("parameters", parameters))
                        .build()
                        .toString();
        HttpResponse<String> response =
                Http.json(
                        "POST",
                        server.uri("/jobe/index.php/restapi/runs"),
                        body,
                        "X-API-KEY",
                        jobeKey);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    JsonObject run(String language, String source) throws Exception {
        return run(language, source, Json.createObjectBuilder());
    }

    static JsonObjectBuilder params() {
        return Json.createObjectBuilder();
    }

    /** What a failed assertion shows of an answer: never its (possibly huge) output. */
    static String brief(JsonObject answer) {
        return "outcome="
                + answer.getInt("outcome")
                + " stdout="
                + answer.getString("stdout").lines().limit(3).toList()
                + " stderr="
                + answer.getString("stderr").lines().limit(5).toList()
                + " cmpinfo="
                + answer.getString("cmpinfo").lines().limit(3).toList();
    }

    static final String PRINT_ARGS =
            "#include <stdio.h>\n"
                    + "int main(int argc, char *argv[]) {\n"
                    + "    printf(\"%d\\n\", argc - 1);\n"
                    + "    for (int i = 1; i < argc; i++) printf(\"%s\\n\", argv[i]);\n"
                    + "    return 0;\n"
                    + "}\n";

    // --- 1. argument lists are shell text, split by the sandbox's shell -------------------------

    @Test
    void pythonInterpreterArgumentsAreShellTextAsInJobesOwnTest() throws Exception {
        JsonObject answer =
                run(
                        "python3",
                        "\n",
                        params().add(
                                        "interpreterargs",
                                        Json.createArrayBuilder()
                                                .add("-c \"print(\\\"Blah\\\")\"")));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(15);
        assertThat(answer.getString("stdout")).isEqualTo("Blah\n");
    }

    @Test
    void aRunArgumentWithASpaceIsTwoArguments() throws Exception {
        JsonObject answer =
                run(
                        "c",
                        PRINT_ARGS,
                        params().add("runargs", Json.createArrayBuilder().add("a b").add("'c d'")));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(15);
        assertThat(answer.getString("stdout")).isEqualTo("3\na\nb\nc d\n");
    }

    @Test
    void compileArgumentsAreShellTextToo() throws Exception {
        // Jobe's own C default holds "-x c" as one item; here the request's own does the same.
        JsonObject answer =
                run(
                        "c",
                        "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", WIDTH); return 0; }",
                        params().add(
                                        "compileargs",
                                        Json.createArrayBuilder()
                                                .add("-x c")
                                                .add("-DWIDTH=\"6 * 7\"")));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(15);
        assertThat(answer.getString("stdout")).isEqualTo("42\n");
    }

    @Test
    void anUnbalancedQuoteInARunArgumentIsTheShellsRuntimeErrorNotTheServers() throws Exception {
        JsonObject answer =
                run(
                        "c",
                        PRINT_ARGS,
                        params().add("runargs", Json.createArrayBuilder().add("'oops")));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(12);
        assertThat(answer.getString("stderr")).contains("Unterminated quoted string");
        assertThat(answer.getString("stdout")).isEmpty();
    }

    // --- 2. memory: the program's address space
    // ---------------------------------------------------

    @Test
    void aHugeMallocInCReturnsNullAndTheProgramCanSaySo() throws Exception {
        JsonObject answer =
                run(
                        "c",
                        "#include <stdio.h>\n#include <stdlib.h>\n"
                                + "int main(void) { char *p = malloc(2000000000);"
                                + " puts(p == NULL ? \"NULL\" : \"got it\"); return 0; }\n");

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(15);
        assertThat(answer.getString("stdout")).isEqualTo("NULL\n");
    }

    @Test
    void pythonHasJobes1000MegabytesUnlessTheRequestSaysLess() throws Exception {
        String allocate = "x = bytearray(450 * 1024 * 1024)\nprint(len(x) >> 20)\n";

        JsonObject byDefault = run("python3", allocate);
        JsonObject at400 = run("python3", allocate, params().add("memorylimit", 400));

        assertThat(byDefault.getInt("outcome")).as(brief(byDefault)).isEqualTo(15);
        assertThat(byDefault.getString("stdout")).isEqualTo("450\n");
        assertThat(at400.getInt("outcome"))
                .as("MemoryError is Python's runtime error, as on Jobe")
                .isEqualTo(12);
        assertThat(at400.getString("stderr")).contains("MemoryError");
    }

    @Test
    void javaRunsWithJobesHeapAndItsOutOfMemoryErrorIsARuntimeError() throws Exception {
        JsonObject answer =
                run(
                        "java",
                        "import java.util.*;\npublic class Hog { public static void main(String[] a) {"
                                + " List<long[]> all = new ArrayList<>();"
                                + " while (true) all.add(new long[1 << 20]); } }",
                        // Jobe disregards memorylimit for Java: the JVM's -Xmx200m is the limit.
                        params().add("memorylimit", 50).add("cputime", 10));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(12);
        assertThat(answer.getString("stderr"))
                .contains("java.lang.OutOfMemoryError")
                .doesNotContain("\t")
                .contains("\n        at Hog.main");
    }

    // --- 3. output: cut at streamsize while the program runs on --------------------------------

    @Test
    void aFloodingCProgramIsCutAtStreamsizeAndRunsOnToItsTimeLimit() throws Exception {
        JsonObject answer =
                run(
                        "c",
                        "#include <stdio.h>\nint main(void) { while (1) printf(\"Hello\"); }\n",
                        params().add("streamsize", 0.1).add("cputime", 1));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(13);
        assertThat(answer.getString("stdout")).hasSize(100 * 1024).startsWith("HelloHello");
        assertThat(answer.getString("stderr")).isEmpty();
    }

    @Test
    void outputPastStreamsizeFromAProgramThatEndsIsCutAndTheRunSucceeds() throws Exception {
        JsonObject answer =
                run(
                        "python3",
                        "import sys\nsys.stdout.write('x' * 300000)\nprint('done', file=sys.stderr)\n",
                        params().add("streamsize", 0.1));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(12);
        assertThat(answer.getString("stdout")).hasSize(102_400);
        assertThat(answer.getString("stderr")).isEqualTo("done\n");
    }

    // --- 4. output that is not UTF-8
    // --------------------------------------------------------------

    @Test
    void bytesThatAreNotUtf8ComeBackAsJobesHexEscapes() throws Exception {
        JsonObject answer =
                run(
                        "c",
                        "#include <stdio.h>\nint main(void) {"
                                + " fwrite(\"\\x01\\x06\\xc0\\xc9ok\\n\", 1, 7, stdout);"
                                + " fwrite(\"\\xff\\n\", 1, 2, stderr); return 0; }\n");

        assertThat(answer.getString("stdout")).isEqualTo("\\x01\\x06\\xc0\\xc9ok\n");
        assertThat(answer.getString("stderr")).isEqualTo("\\xff\n");
        assertThat(answer.getInt("outcome")).isEqualTo(12);
    }

    @Test
    void validUtf8ComesBackAsItIs() throws Exception {
        JsonObject answer = run("python3", "print('caf\u00e9 \\x01')");

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(15);
        assertThat(answer.getString("stdout")).isEqualTo("caf\u00e9 \u0001\n");
    }

    // --- 5. wall time: twice the CPU time
    // ---------------------------------------------------------

    @Test
    void aSleepPastTwiceTheCpuTimeIsATimeLimitAndOneWithinItIsNot() throws Exception {
        JsonObject twelveAtFive =
                run(
                        "python3",
                        "import time\ntime.sleep(12)\nprint('woke')",
                        params().add("cputime", 5));
        JsonObject threeAtTwo =
                run(
                        "python3",
                        "import time\ntime.sleep(3)\nprint('woke')",
                        params().add("cputime", 2));
        JsonObject fiveAtTwo =
                run(
                        "python3",
                        "import time\ntime.sleep(5)\nprint('woke')",
                        params().add("cputime", 2));

        assertThat(twelveAtFive.getInt("outcome")).as(brief(twelveAtFive)).isEqualTo(13);
        assertThat(twelveAtFive.getString("stdout")).isEmpty();
        assertThat(threeAtTwo.getInt("outcome")).as(brief(threeAtTwo)).isEqualTo(15);
        assertThat(threeAtTwo.getString("stdout")).isEqualTo("woke\n");
        assertThat(fiveAtTwo.getInt("outcome")).as(brief(fiveAtTwo)).isEqualTo(13);
        assertThat(fiveAtTwo.getString("stderr")).isEmpty();
    }

    // --- 6. outcomes
    // --------------------------------------------------------------------------------

    @Test
    void aNonZeroExitWithNothingOnStderrIsASuccessAsJobeJudgesIt() throws Exception {
        JsonObject answer =
                run("c", "#include <stdio.h>\nint main(void) { puts(\"bye\"); return 3; }\n");

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(15);
        assertThat(answer.getString("stdout")).isEqualTo("bye\n");
    }

    @Test
    void aSegfaultIsARuntimeErrorWithTheShellsWordsForIt() throws Exception {
        JsonObject nullPointer =
                run("c", "#include <stdlib.h>\nint main(void) { int *p = NULL; return *p; }\n");
        JsonObject recursion =
                run(
                        "c",
                        "void silly(int i) { int j = i + 1; if (j != 0) silly(j); else silly(j + 1); }\n"
                                + "int main(void) { silly(3); return 0; }\n",
                        params().add("compileargs", Json.createArrayBuilder().add("-std=c99")));

        assertThat(nullPointer.getInt("outcome")).as(brief(nullPointer)).isEqualTo(12);
        assertThat(nullPointer.getString("stderr")).isEqualTo("Segmentation fault\n");
        assertThat(recursion.getInt("outcome")).as(brief(recursion)).isEqualTo(12);
    }

    @Test
    void aCpuBoundProgramIsATimeLimitWithStderrCleared() throws Exception {
        JsonObject answer =
                run(
                        "c",
                        "int main(void) { volatile unsigned long n = 0; for (;;) n++; }\n",
                        params().add("cputime", 1));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(13);
        assertThat(answer.getString("stderr")).isEmpty();
    }

    @Test
    void nodeRunsWithJobesStrictFlag() throws Exception {
        // Jobe runs node --use_strict; Node 18 (Debian 12's, Ubuntu 24.04's) no longer applies
        // it to a program file, so sloppy code runs there as here: what CodeRunner sees is the
        // flag.
        JsonObject answer = run("nodejs", "s = process.execArgv.join(' ')\nconsole.log(s)\n");

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(15);
        assertThat(answer.getString("stdout")).isEqualTo("--use_strict\n");
    }

    @Test
    void aCompilerWarningWithoutWerrorIsACompileErrorAsJobeTakesAnyCompilerStderr()
            throws Exception {
        JsonObject answer =
                run(
                        "c",
                        "#include <stdio.h>\nint main(void) { int unused; puts(\"hi\"); return 0; }\n",
                        params().add("compileargs", Json.createArrayBuilder().add("-Wall")));

        assertThat(answer.getInt("outcome")).as(brief(answer)).isEqualTo(11);
        assertThat(answer.getString("cmpinfo")).contains("unused");
    }
}
