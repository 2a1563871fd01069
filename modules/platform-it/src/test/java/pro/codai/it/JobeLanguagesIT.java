package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The languages Jobe offers beyond the five of every image, through the Jobe API as CodeRunner
 * calls it, in real sandboxes of the image under test: PHP and pylint are in every image; Pascal
 * and Octave only in an image built with them ({@code CODAIPRO_IMAGE_LANGUAGES}), whose recipe
 * stamp names them. Their tests are skipped for an image without them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobeLanguagesIT {

    static final String ADMIN_TOKEN = "it-admin-token-3e8b1d7c9a2f4e6b0d8c2a4f6e1b3d5a";

    Path workDir;
    Sandboxd sandboxd;
    RunningServer server;
    String jobeKey;

    /** The recipe the image was built from, e.g. {@code bookworm-8+octave+pascal}. */
    String recipe;

    @BeforeAll
    void start() throws Exception {
        workDir = Files.createTempDirectory(Path.of("target"), "JobeLanguagesIT-").toAbsolutePath();
        sandboxd = Sandboxd.start(0);
        recipe =
                Files.readString(
                                Path.of(
                                        System.getProperty("codaipro.it.image.dir"),
                                        "base",
                                        "recipe"))
                        .strip();
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
        jobeKey = server.issueKey(ADMIN_TOKEN, "moodle", "jobe", "runs");
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

    // --- helpers ---------------------------------------------------------------------------

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    URI jobe(String path) {
        return server.uri("/jobe/index.php/restapi/" + path);
    }

    List<String> languages() throws Exception {
        HttpResponse<String> response =
                Http.json("GET", jobe("languages"), null, "X-API-KEY", jobeKey);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonArray languages = Json.createReader(new StringReader(response.body())).readArray();
        return languages.getValuesAs(JsonArray.class).stream().map(l -> l.getString(0)).toList();
    }

    HttpResponse<String> post(JsonObjectBuilder spec) throws Exception {
        return Http.json(
                "POST",
                jobe("runs"),
                Json.createObjectBuilder().add("run_spec", spec).build().toString(),
                "X-API-KEY",
                jobeKey);
    }

    /** A run as CodeRunner sends it: its source named {@code __tester__.<language>}. */
    JsonObject run(String language, String source, String input) throws Exception {
        HttpResponse<String> response =
                post(
                        Json.createObjectBuilder()
                                .add("language_id", language)
                                .add("sourcecode", source)
                                .add("sourcefilename", "__tester__." + language)
                                .add("input", input)
                                .add("file_list", Json.createArrayBuilder()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    boolean imageHas(String language) {
        return List.of(recipe.split("\\+")).contains(language);
    }

    void assumeImageHas(String language) {
        assumeTrue(
                imageHas(language),
                "the image (recipe "
                        + recipe
                        + ") was built without "
                        + language
                        + "; build it with CODAIPRO_IMAGE_LANGUAGES="
                        + language);
    }

    // --- the list ----------------------------------------------------------------------------

    @Test
    void theLanguagesListHasPhpAndTheOptionalLanguagesExactlyWhenTheImageHasThem()
            throws Exception {
        List<String> languages = languages();

        assertThat(languages).containsSubsequence("python3", "c", "cpp", "java", "nodejs", "php");
        assertThat(languages.contains("pascal")).as("pascal listed").isEqualTo(imageHas("pascal"));
        assertThat(languages.contains("octave")).as("octave listed").isEqualTo(imageHas("octave"));
    }

    @Test
    void aRunInAnOptionalLanguageTheImageLacksIsRefusedAsJobeRefusesAnUnknownLanguage()
            throws Exception {
        String absent = imageHas("pascal") ? (imageHas("octave") ? null : "octave") : "pascal";
        assumeTrue(absent != null, "the image has every optional language");
        languages(); // the image has been asked what it has

        HttpResponse<String> response =
                post(
                        Json.createObjectBuilder()
                                .add("language_id", absent)
                                .add("sourcecode", "anything"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Language '" + absent + "' is not known");

        // The run API refuses it too, naming what is installed.
        HttpResponse<String> refused =
                Http.json(
                        "POST",
                        server.uri("/api/v1/runs"),
                        Json.createObjectBuilder()
                                .add("language", absent)
                                .add("source", "anything")
                                .build()
                                .toString(),
                        "X-API-Key",
                        jobeKey);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValue("application/problem+json");
        assertThat(json(refused.body()).getString("detail"))
                .contains("'" + absent + "' is not installed on this server")
                .contains("php");
    }

    // --- PHP -----------------------------------------------------------------------------------

    @Test
    void phpRunsAProgramOnItsInput() throws Exception {
        JsonObject result =
                run(
                        "php",
                        "<?php\n$name = trim(fgets(STDIN));\necho \"Hello, $name!\\n\";\n",
                        "world\n");

        assertThat(result.getInt("outcome")).as(result.toString()).isEqualTo(15);
        assertThat(result.getString("stdout")).isEqualTo("Hello, world!\n");
        assertThat(result.getString("stderr")).isEmpty();
        assertThat(result.getString("cmpinfo")).isEmpty();
    }

    @Test
    void aPhpSyntaxErrorIsACompileErrorFromPhpLint() throws Exception {
        JsonObject result = run("php", "<?php\necho 'unclosed\n", "");

        assertThat(result.getInt("outcome")).as(result.toString()).isEqualTo(11);
        assertThat(result.getString("cmpinfo")).contains("Parse error").contains("line");
        assertThat(result.getString("stdout")).isEmpty();
    }

    @Test
    void anUncaughtPhpExceptionIsReportedOnStdoutAsJobeReportsIt() throws Exception {
        // PHP's command line prints errors on stdout; Jobe's outcome looks at stderr only, so
        // Jobe answers 15 and CodeRunner marks the output wrong.
        JsonObject result = run("php", "<?php\nthrow new Exception('bad value');\n", "");

        assertThat(result.getInt("outcome")).as(result.toString()).isEqualTo(15);
        assertThat(result.getString("stdout"))
                .contains("Fatal error: Uncaught Exception: bad value");
        assertThat(result.getString("stderr")).isEmpty();
    }

    // --- pylint --------------------------------------------------------------------------------

    /**
     * The core of CodeRunner's pylint-checked Python prototypes: the template writes the answer to
     * {@code source.py}, runs {@code python3 -m pylint} on it in a subprocess through the shell
     * with {@code HOME} set to the working directory, and runs the answer only when pylint prints
     * nothing (which needs {@code /etc/pylintrc} without reports or score).
     */
    static String pylintChecked(String answer, String test) {
        return String.join(
                "\n",
                "__student_answer__ = '''" + answer + "'''",
                "import os, subprocess, sys",
                "def pylint_is_happy(code):",
                "    code = \"'''Dummy module docstring'''\\n\" + code",
                "    with open('source.py', 'w') as source:",
                "        source.write(code)",
                "    env = os.environ.copy()",
                "    env['HOME'] = os.getcwd()",
                "    opts = ['--disable=C0303,R0903', '--good-names=i,j,k,n,s,c,_']",
                "    cmd = 'python3 -m pylint ' + ' '.join(opts) + ' source.py'",
                "    try:",
                "        result = subprocess.check_output(cmd, stderr=subprocess.STDOUT, env=env,"
                        + " shell=True)",
                "    except subprocess.CalledProcessError as e:",
                "        result = e.output",
                "    result = result.decode('utf-8')",
                "    if result.strip():",
                "        print(\"Sorry, but your code doesn't pass the pylint style checks.\","
                        + " file=sys.stderr)",
                "        print(result)",
                "        return False",
                "    return True",
                "if pylint_is_happy(__student_answer__):",
                "    exec(__student_answer__)",
                "    " + test,
                "");
    }

    @Test
    void aCodeRunnerPylintPrototypeRunsAnAnswerPylintAccepts() throws Exception {
        JsonObject result =
                run(
                        "python3",
                        pylintChecked(
                                "def add(first, second):\n"
                                        + "    \"\"\"Return the sum.\"\"\"\n"
                                        + "    return first + second\n",
                                "print(add(2, 3))"),
                        "");

        assertThat(result.getString("stderr")).isEmpty();
        assertThat(result.getString("stdout")).isEqualTo("5\n");
        assertThat(result.getInt("outcome")).isEqualTo(15);
    }

    @Test
    void aCodeRunnerPylintPrototypeShowsPylintsComplaints() throws Exception {
        JsonObject result =
                run(
                        "python3",
                        pylintChecked(
                                "def add(first, second):\n    return first + second\n",
                                "print(add(2, 3))"),
                        "");

        assertThat(result.getInt("outcome")).as(result.toString()).isEqualTo(12);
        assertThat(result.getString("stderr")).contains("doesn't pass the pylint style checks");
        assertThat(result.getString("stdout"))
                .contains("missing-function-docstring")
                .doesNotContain("rated at")
                .doesNotContain("5\n");
    }

    // --- Pascal --------------------------------------------------------------------------------

    @Test
    void pascalRunsAProgramOnItsInput() throws Exception {
        assumeImageHas("pascal");

        JsonObject result =
                run(
                        "pascal",
                        "program hello;\nvar name: string;\nbegin\n  readln(name);\n"
                                + "  writeln('Hello, ', name, '!');\nend.\n",
                        "world\n");

        assertThat(result.getInt("outcome")).as(result.toString()).isEqualTo(15);
        assertThat(result.getString("stdout")).isEqualTo("Hello, world!\n");
        assertThat(result.getString("cmpinfo")).isEmpty();
    }

    @Test
    void aPascalSyntaxErrorIsACompileErrorWithFreePascalsMessages() throws Exception {
        assumeImageHas("pascal");

        JsonObject result = run("pascal", "program broken;\nbegin\n  writeln(x)\nend.\n", "");

        assertThat(result.getInt("outcome")).as(result.toString()).isEqualTo(11);
        assertThat(result.getString("cmpinfo")).contains("Error").contains("x");
    }

    // --- Octave --------------------------------------------------------------------------------

    @Test
    void octaveRunsAScriptOnItsInput() throws Exception {
        assumeImageHas("octave");

        JsonObject result =
                run(
                        "octave",
                        "name = fgetl(stdin);\nprintf('Hello, %s!\\n', name);\ndisp(sum([1 2 3]))\n",
                        "world\n");

        assertThat(result.getString("stderr")).isEmpty();
        assertThat(result.getInt("outcome")).isEqualTo(15);
        assertThat(result.getString("stdout")).isEqualTo("Hello, world!\n6\n");
    }

    @Test
    void anOctaveErrorIsARuntimeErrorWithoutOctavesClosingNoise() throws Exception {
        assumeImageHas("octave");

        JsonObject result = run("octave", "disp(1)\nerror('bad value');\n", "");

        assertThat(result.getInt("outcome")).as(result.toString()).isEqualTo(12);
        assertThat(result.getString("stdout")).isEqualTo("1\n");
        assertThat(result.getString("stderr"))
                .contains("error: bad value")
                .doesNotContain("ignoring octave_execution_exception");
    }
}
