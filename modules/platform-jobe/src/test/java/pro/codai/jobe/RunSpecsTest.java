package pro.codai.jobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pro.codai.platform.run.RunParameters;

class RunSpecsTest {

    static RunSpecs.JobeRun parse(JsonObjectBuilder spec) {
        return RunSpecs.parse(
                Json.createObjectBuilder().add("run_spec", spec).build().toString(),
                id -> Optional.empty());
    }

    static JsonObjectBuilder printOne() {
        return Json.createObjectBuilder()
                .add("language_id", "python3")
                .add("sourcecode", "print(1)");
    }

    static RunParameters limits(String parametersJson) {
        return parse(
                        printOne()
                                .add(
                                        "parameters",
                                        Json.createReader(new java.io.StringReader(parametersJson))
                                                .readObject()))
                .request()
                .parameters();
    }

    @Test
    void limitsCodeRunnerPrototypesSendAreBroughtWithinTheServersMaxima() {
        assertThat(limits("{\"memorylimit\": 200000}").memoryMegabytes()).isEqualTo(2048);
        assertThat(limits("{\"memorylimit\": 1000000}").memoryMegabytes()).isEqualTo(2048);
        assertThat(limits("{\"memorylimit\": \"200000\"}").memoryMegabytes()).isEqualTo(2048);
        assertThat(limits("{\"numprocs\": 100000}").processes()).isEqualTo(512);
        assertThat(limits("{\"disklimit\": 5000}").diskMegabytes()).isEqualTo(1024);
        assertThat(limits("{\"streamsize\": 100}").streamMegabytes()).isEqualTo(5);
        assertThat(limits("{\"cputime\": 120.5}").cpuSeconds()).isEqualTo(120);
    }

    @Test
    void zeroOrLessIsNoLimitWhichIsTheMostTheServerGives() {
        assertThat(limits("{\"memorylimit\": 0}").memoryMegabytes())
                .as("0: the language's memory")
                .isZero();
        assertThat(limits("{\"memorylimit\": -5}").memoryMegabytes()).isZero();
        assertThat(limits("{\"disklimit\": -1}").diskMegabytes()).isEqualTo(1024);
        assertThat(limits("{\"disklimit\": 0}").diskMegabytes()).isEqualTo(1024);
        assertThat(limits("{\"numprocs\": 0}").processes()).isEqualTo(512);
        assertThat(limits("{\"streamsize\": 0}").streamMegabytes()).isEqualTo(5);
        assertThat(limits("{\"streamsize\": -2}").streamMegabytes()).isEqualTo(5);
        assertThat(limits("{\"cputime\": 0}").cpuSeconds()).as("Jobe's default").isEqualTo(5);
        assertThat(limits("{\"cputime\": -3}").cpuSeconds()).isEqualTo(5);
    }

    @Test
    void limitsWithinRangeAreKeptAndPartsRoundedUp() {
        RunParameters p =
                limits(
                        "{\"cputime\": 3, \"memorylimit\": 300, \"numprocs\": 7,"
                                + " \"disklimit\": 2.5, \"streamsize\": 0.5}");
        assertThat(p.cpuSeconds()).isEqualTo(3);
        assertThat(p.memoryMegabytes()).isEqualTo(300);
        assertThat(p.processes()).isEqualTo(7);
        assertThat(p.diskMegabytes()).isEqualTo(3);
        assertThat(p.streamMegabytes()).isEqualTo(0.5);
        assertThat(limits("{\"streamsize\": 1e-9}").streamMegabytes())
                .isEqualTo(RunSpecs.MIN_STREAM_MEGABYTES);
        assertThat(limits("{\"memorylimit\": \" 1e3 \"}").memoryMegabytes()).isEqualTo(1000);
    }

    @Test
    void whatIsNotANumberTakesTheDefault() {
        RunParameters p =
                limits(
                        "{\"cputime\": \"lots\", \"memorylimit\": true, \"numprocs\": [1],"
                                + " \"disklimit\": \"0x10\", \"streamsize\": null}");
        assertThat(p)
                .extracting(
                        RunParameters::cpuSeconds,
                        RunParameters::memoryMegabytes,
                        RunParameters::processes,
                        RunParameters::diskMegabytes,
                        RunParameters::streamMegabytes)
                .containsExactly(5, 0, 30, 20, 2.0); // memory 0: the language's default
    }

    @ParameterizedTest
    @ValueSource(strings = {"121", "\"500\"", "1e9", "\"130.0\""})
    void cputimeAboveTheMaximumIsRefusedWithJobesText(String cputime) {
        assertThatThrownBy(() -> limits("{\"cputime\": " + cputime + "}"))
                .isInstanceOf(JobeError.class)
                .hasMessage("cputime exceeds maximum allowed on this Jobe server (120 secs)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"my prog.py", "prog.py", "Été.py", "a..b.py", "prog", "x%y.c"})
    void sourceFileNamesJobeTakesAreTaken(String name) {
        assertThat(RunSpecs.isValidSourceFileName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a/b.py",
                "..",
                ".",
                ".hidden.py",
                "-x.py",
                "a\\b.py",
                "a:b.py",
                "a\tb.py",
                "a\u00a0b.py",
                "a\u0000b",
                "a*b",
                "a$b",
                "a(b)",
                "a;b",
                "a`b",
                "a'b",
                "a\"b"
            })
    void sourceFileNamesJobeRefusesAreRefused(String name) {
        assertThat(RunSpecs.isValidSourceFileName(name)).isFalse();
        assertThatThrownBy(() -> parse(printOne().add("sourcefilename", name)))
                .isInstanceOf(JobeError.class)
                .hasMessage("The sourcefilename for the run_spec is illegal");
    }

    @Test
    void anEmptySourceFileNameIsTheLanguagesDefaultAsInJobe() {
        assertThat(parse(printOne().add("sourcefilename", "")).request().sourceFileName()).isNull();
    }

    @Test
    void aSourceFileNameLongerThanAFileSystemTakesIsRefused() {
        assertThat(RunSpecs.isValidSourceFileName("a".repeat(255))).isTrue();
        assertThat(RunSpecs.isValidSourceFileName("a".repeat(256))).isFalse();
        assertThat(RunSpecs.isValidSourceFileName("é".repeat(128))).isFalse();
    }

    @Test
    void aFileListNameWithASpaceIsAnInvalidSpecifierAsInJobe() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        printOne()
                                                .add(
                                                        "file_list",
                                                        Json.createArrayBuilder()
                                                                .add(
                                                                        Json.createArrayBuilder()
                                                                                .add("abcdefgh1")
                                                                                .add(
                                                                                        "my data.txt")))))
                .isInstanceOf(JobeError.class)
                .hasMessageStartingWith("Invalid file specifier");
    }

    @Test
    void debugIsReadAsPhpReadsATruth() {
        assertThat(parse(printOne().add("debug", true)).debug()).isTrue();
        assertThat(parse(printOne().add("debug", 1)).debug()).isTrue();
        assertThat(parse(printOne().add("debug", "yes")).debug()).isTrue();
        assertThat(parse(printOne()).debug()).isFalse();
        assertThat(parse(printOne().add("debug", false)).debug()).isFalse();
        assertThat(parse(printOne().add("debug", 0)).debug()).isFalse();
        assertThat(parse(printOne().add("debug", "0")).debug()).isFalse();
        assertThat(parse(printOne().add("debug", "")).debug()).isFalse();
        assertThat(parse(printOne().addNull("debug")).debug()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {513, 1000, 100_000})
    void jsonNestedDeeperThanPhpTakesIsNonJsonData(int depth) {
        for (String body :
                new String[] {
                    "[".repeat(depth) + "]".repeat(depth),
                    "[".repeat(depth),
                    "{\"run_spec\":" + "[".repeat(depth),
                    "{\"run_spec\":{\"language_id\":\"c\",\"sourcecode\":\"x\",\"parameters\":"
                            + "{\"a\":".repeat(depth)
                }) {
            assertThatThrownBy(() -> RunSpecs.parse(body, id -> Optional.empty()))
                    .isInstanceOf(JobeError.class)
                    .hasMessage("Non-JSON post data received");
        }
    }

    @Test
    void jsonNestedAsDeepAsPhpTakesIsRead() {
        String nested = "[".repeat(500) + "]".repeat(500);
        assertThat(
                        parse(
                                        printOne()
                                                .add(
                                                        "parameters",
                                                        Json.createObjectBuilder()
                                                                .add(
                                                                        "extra",
                                                                        Json.createReader(
                                                                                        new java.io
                                                                                                .StringReader(
                                                                                                nested))
                                                                                .readValue())))
                                .request()
                                .sourceCode())
                .isEqualTo("print(1)");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                ".hidden",
                "-x",
                "a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789"
            })
    void aFileListNameARunCannotCarryIsJobesBadRequestNeverAServerError(String name) {
        String body =
                Json.createObjectBuilder()
                        .add(
                                "run_spec",
                                printOne()
                                        .add(
                                                "file_list",
                                                Json.createArrayBuilder()
                                                        .add(
                                                                Json.createArrayBuilder()
                                                                        .add("abcdef0123456789")
                                                                        .add(name))))
                        .build()
                        .toString();

        assertThatThrownBy(() -> RunSpecs.parse(body, id -> Optional.of(new byte[] {1})))
                .isInstanceOf(JobeError.class)
                .satisfies(e -> assertThat(((JobeError) e).status()).isEqualTo(400));
    }
}
