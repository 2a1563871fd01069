package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The compile cache through the Jobe API, on the built server, the built sandboxd and real LXC
 * sandboxes: an identical C run skips its compile (the {@code codaipro_runs_compile_cache} counter
 * in {@code /metrics} says hit) and answers as the compiled one did; a changed support file or
 * compile argument compiles again; a compile error comes back from the cache as first answered; a
 * program from the cache still runs inside the sandbox's limits. Every test's source carries a
 * nonce of its own, so tests do not share entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompileCacheIT {

    static final Pattern COUNTER =
            Pattern.compile("(?m)^codaipro_runs_compile_cache\\w*\\{([^}]*)\\} ([0-9.E+-]+)$");

    Path workDir;
    Sandboxd sandboxd;
    RunningServer server;

    @BeforeAll
    void start() throws Exception {
        workDir = Files.createTempDirectory(Path.of("target"), "CompileCacheIT-").toAbsolutePath();
        sandboxd = Sandboxd.start(0);
        server =
                RunningServer.start(
                        workDir.resolve("data"),
                        Map.of(
                                "CODAIPRO_SANDBOXD_SOCKET",
                                sandboxd.socket.toString(),
                                "CODAIPRO_JOBE_REQUIRE_API_KEY",
                                "false"));
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

    /** How many cacheable runs hit and missed so far (the Jobe API's counter). */
    record Counts(double hits, double misses) {}

    Counts counts() throws Exception {
        HttpResponse<String> metrics = Http.get(server.uri("/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        double hits = 0;
        double misses = 0;
        Matcher m = COUNTER.matcher(metrics.body());
        while (m.find()) {
            if (m.group(1).contains("result=\"hit\"")) {
                hits += Double.parseDouble(m.group(2));
            } else if (m.group(1).contains("result=\"miss\"")) {
                misses += Double.parseDouble(m.group(2));
            }
        }
        return new Counts(hits, misses);
    }

    static String nonce() {
        return "/* " + UUID.randomUUID() + " */\n";
    }

    JsonObject jobe(JsonObjectBuilder spec) throws Exception {
        HttpResponse<String> response =
                Http.json(
                        "POST",
                        server.uri("/jobe/index.php/restapi/runs"),
                        Json.createObjectBuilder().add("run_spec", spec).build().toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    static JsonObjectBuilder c(String source) {
        return Json.createObjectBuilder().add("language_id", "c").add("sourcecode", source);
    }

    void putFile(String id, String content) throws Exception {
        HttpResponse<String> put =
                Http.json(
                        "PUT",
                        server.uri("/jobe/index.php/restapi/files/" + id),
                        Json.createObjectBuilder()
                                .add(
                                        "file_contents",
                                        Base64.getEncoder()
                                                .encodeToString(
                                                        content.getBytes(StandardCharsets.UTF_8)))
                                .build()
                                .toString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
    }

    static JsonArrayBuilder fileList(String id, String name) {
        return Json.createArrayBuilder().add(Json.createArrayBuilder().add(id).add(name));
    }

    @Test
    void theSameCProgramAgainSkipsItsCompileAndAnswersAsBefore() throws Exception {
        String source =
                nonce()
                        + "#include <stdio.h>\n"
                        + "int main(void) { int n = 0; scanf(\"%d\", &n);"
                        + " printf(\"twice %d is %d\\n\", n, 2 * n); return 0; }\n";
        Counts before = counts();

        JsonObject first = jobe(c(source).add("input", "21\n"));
        Counts afterFirst = counts();
        JsonObject second = jobe(c(source).add("input", "21\n"));
        Counts afterSecond = counts();
        JsonObject otherInput = jobe(c(source).add("input", "5\n"));
        Counts afterThird = counts();

        assertThat(first.getInt("outcome")).as(first.toString()).isEqualTo(15);
        assertThat(first.getString("stdout")).isEqualTo("twice 21 is 42\n");
        assertThat(afterFirst.misses()).isEqualTo(before.misses() + 1);
        assertThat(afterFirst.hits()).isEqualTo(before.hits());
        assertThat(second).as("the same answer from the cached program").isEqualTo(first);
        assertThat(afterSecond.hits())
                .as("the second run skipped compiling")
                .isEqualTo(before.hits() + 1);
        assertThat(afterSecond.misses()).isEqualTo(afterFirst.misses());
        assertThat(otherInput.getInt("outcome")).isEqualTo(15);
        assertThat(otherInput.getString("stdout"))
                .as("another test case: the same program, its own input")
                .isEqualTo("twice 5 is 10\n");
        assertThat(afterThird.hits()).isEqualTo(before.hits() + 2);
    }

    @Test
    void aChangedSupportFileOrCompileArgumentCompilesAgain() throws Exception {
        String source =
                nonce()
                        + "#include <stdio.h>\n#include \"value.h\"\n"
                        + "#ifndef EXTRA\n#define EXTRA 0\n#endif\n"
                        + "int main(void) { printf(\"%d\\n\", VALUE + EXTRA); return 0; }\n";
        String one = UUID.randomUUID().toString().replace("-", "");
        String two = UUID.randomUUID().toString().replace("-", "");
        putFile(one, "#define VALUE 1\n");
        putFile(two, "#define VALUE 2\n");
        Counts before = counts();

        JsonObject withOne = jobe(c(source).add("file_list", fileList(one, "value.h")));
        JsonObject withOneAgain = jobe(c(source).add("file_list", fileList(one, "value.h")));
        Counts afterSame = counts();
        JsonObject withTwo = jobe(c(source).add("file_list", fileList(two, "value.h")));
        Counts afterFile = counts();
        JsonObject withArg =
                jobe(
                        c(source)
                                .add("file_list", fileList(two, "value.h"))
                                .add(
                                        "parameters",
                                        Json.createObjectBuilder()
                                                .add(
                                                        "compileargs",
                                                        Json.createArrayBuilder()
                                                                .add("-Wall")
                                                                .add("-std=c99")
                                                                .add("-DEXTRA=40"))));
        Counts afterArg = counts();

        assertThat(withOne.getString("stdout")).as(withOne.toString()).isEqualTo("1\n");
        assertThat(withOneAgain).isEqualTo(withOne);
        assertThat(afterSame.hits()).isEqualTo(before.hits() + 1);
        assertThat(withTwo.getString("stdout")).as("the new header compiled in").isEqualTo("2\n");
        assertThat(afterFile.misses()).isEqualTo(afterSame.misses() + 1);
        assertThat(afterFile.hits()).isEqualTo(afterSame.hits());
        assertThat(withArg.getString("stdout")).as(withArg.toString()).isEqualTo("42\n");
        assertThat(afterArg.misses()).isEqualTo(afterFile.misses() + 1);
        assertThat(afterArg.hits()).isEqualTo(afterFile.hits());
    }

    @Test
    void aCompileErrorComesBackFromTheCacheAsFirstAnswered() throws Exception {
        String source = nonce() + "int main(void) { return undeclared; }\n";
        Counts before = counts();

        JsonObject first = jobe(c(source));
        Counts afterFirst = counts();
        JsonObject second = jobe(c(source));
        Counts afterSecond = counts();

        assertThat(first.getInt("outcome")).as(first.toString()).isEqualTo(11);
        assertThat(first.getString("cmpinfo")).contains("undeclared");
        assertThat(afterFirst.misses()).isEqualTo(before.misses() + 1);
        assertThat(second).isEqualTo(first);
        assertThat(afterSecond.hits()).isEqualTo(before.hits() + 1);
        assertThat(afterSecond.misses()).isEqualTo(afterFirst.misses());
    }

    @Test
    void aProgramFromTheCacheStillRunsWithinTheSandboxsLimits() throws Exception {
        String source = nonce() + "int main(void) { for (;;) { } }\n";
        JsonObjectBuilder oneSecond = Json.createObjectBuilder().add("cputime", 1);
        Counts before = counts();

        JsonObject first = jobe(c(source).add("parameters", oneSecond));
        JsonObject second =
                jobe(c(source).add("parameters", Json.createObjectBuilder().add("cputime", 1)));
        Counts after = counts();

        assertThat(first.getInt("outcome")).as(first.toString()).isEqualTo(13);
        assertThat(second.getInt("outcome")).as(second.toString()).isEqualTo(13);
        assertThat(after.hits()).isEqualTo(before.hits() + 1);
    }

    @Test
    void aCppProgramIsCachedToo() throws Exception {
        String source =
                nonce() + "#include <iostream>\nint main() { std::cout << \"hi\" << std::endl; }\n";
        Counts before = counts();

        JsonObject first =
                jobe(
                        Json.createObjectBuilder()
                                .add("language_id", "cpp")
                                .add("sourcecode", source));
        JsonObject second =
                jobe(
                        Json.createObjectBuilder()
                                .add("language_id", "cpp")
                                .add("sourcecode", source));
        Counts after = counts();

        assertThat(first.getString("stdout")).as(first.toString()).isEqualTo("hi\n");
        assertThat(second).isEqualTo(first);
        assertThat(after.hits()).isEqualTo(before.hits() + 1);
        assertThat(after.misses()).isEqualTo(before.misses() + 1);
    }

    @Test
    void aCompileWhoseArgumentsAreShellTextBeyondWordsIsNeverCached() throws Exception {
        // Jobe's compileargs are shell text: this one leaves a file beside the program, which a
        // cached program would not have.
        String source =
                nonce()
                        + "#include <stdio.h>\nint main(void) { FILE *f = fopen(\"made.txt\", \"r\");"
                        + " printf(\"%s\\n\", f ? \"made\" : \"missing\"); return 0; }\n";
        // gcc's own words follow the arguments: "true" takes them.
        String shellText = "-Wall -o prog prog.c -lm; echo x > made.txt; true";
        JsonObjectBuilder parameters =
                Json.createObjectBuilder()
                        .add("compileargs", Json.createArrayBuilder().add(shellText));
        Counts before = counts();

        JsonObject first = jobe(c(source).add("parameters", parameters));
        JsonObject second =
                jobe(
                        c(source)
                                .add(
                                        "parameters",
                                        Json.createObjectBuilder()
                                                .add(
                                                        "compileargs",
                                                        Json.createArrayBuilder().add(shellText))));
        Counts after = counts();

        assertThat(first.getString("stdout")).as(first.toString()).isEqualTo("made\n");
        assertThat(second).isEqualTo(first);
        assertThat(after).isEqualTo(before);
    }
}
