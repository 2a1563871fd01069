package pro.codai.jobe;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import pro.codai.platform.run.Language;
import pro.codai.platform.run.RunFile;
import pro.codai.platform.run.RunParameters;
import pro.codai.platform.run.RunRejectedException;
import pro.codai.platform.run.RunRequest;
import pro.codai.platform.web.JsonDepth;

/**
 * Reads Jobe's {@code {"run_spec": {…}}} the way Jobe does: the same required attributes, the same
 * file name and file specifier rules, numeric parameters that are not numbers fall back to the
 * default, limits beyond this server's are brought within them (only {@code cputime} above the
 * maximum is refused, with Jobe's text), and the same error answers (400, or 404 for a file not in
 * the cache).
 */
final class RunSpecs {

    private static final Pattern FILE_ID = Pattern.compile("[A-Za-z0-9]{8,64}");

    /** Jobe's file specifier name: letters and digits, with {@code .}, {@code -}, {@code _}. */
    private static final Pattern FILE_LIST_NAME =
            Pattern.compile("[A-Za-z0-9._-]*[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * What Jobe refuses in a source file name: characters reserved by file systems and in URIs,
     * control and non-printing characters. Anything else (a space, letters beyond ASCII) is a name.
     */
    private static final Pattern RESERVED_IN_NAME =
            Pattern.compile("[<>:\"/\\\\|?*\\x00-\\x1F\\x7F\\xA0\\xAD#\\[\\]@!$&'()+,;={}^~`]");

    /** Longest source file name, in UTF-8 bytes: what a Linux file system takes. */
    static final int MAX_NAME_BYTES = 255;

    /** A string PHP's {@code is_numeric} takes: a decimal number, blanks around it allowed. */
    private static final Pattern PHP_NUMERIC =
            Pattern.compile(
                    "[ \\t\\n\\r\\x0B\\f]*[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?[ \\t\\n\\r\\x0B\\f]*");

    /** The smallest output limit: 1 KiB (a smaller positive {@code streamsize} gets this). */
    static final double MIN_STREAM_MEGABYTES = 1.0 / 1024;

    /** Levels of arrays and objects PHP's {@code json_decode}, Jobe's reader, takes. */
    static final int MAX_JSON_DEPTH = 512;

    private RunSpecs() {}

    /**
     * A request body as JSON, as Jobe's PHP decodes it: empty when it is not JSON or nests deeper
     * than {@link #MAX_JSON_DEPTH} (checked before any parser sees it, so that no depth, however
     * great, reaches the parser).
     */
    static Optional<JsonValue> json(String body) {
        String text = body == null ? "" : body;
        if (JsonDepth.exceeds(text.getBytes(StandardCharsets.UTF_8), MAX_JSON_DEPTH)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JobeJson.JSON.createReader(new StringReader(text)).readValue());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A run as Jobe's run_spec asks for it.
     *
     * @param debug Jobe's {@code debug}: Jobe keeps the run's directory and names it in {@code
     *     run_id}; here the run is named, nothing is kept
     */
    record JobeRun(RunRequest request, boolean debug) {}

    static JobeRun parse(String body, Function<String, Optional<byte[]>> files) {
        JsonObject post =
                json(body)
                        .filter(value -> value.getValueType() == JsonValue.ValueType.OBJECT)
                        .map(JsonValue::asJsonObject)
                        .orElseThrow(() -> new JobeError("Non-JSON post data received", 400));
        JsonValue runValue = post.get("run_spec");
        if (runValue == null || runValue.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new JobeError("No run_spec attribute found in post data", 400);
        }
        JsonObject run = runValue.asJsonObject();
        for (String attribute : List.of("sourcecode", "language_id")) {
            if (!(run.get(attribute) instanceof JsonString)) {
                throw new JobeError(
                        "run_spec is missing the required attribute '" + attribute + "'", 400);
            }
        }
        String languageId = run.getString("language_id");
        Language language =
                Language.byId(languageId)
                        .orElseThrow(
                                () ->
                                        new JobeError(
                                                "Language '" + languageId + "' is not known", 400));
        String sourceFileName = null;
        if (run.containsKey("sourcefilename") && !run.isNull("sourcefilename")) {
            if (!(run.get("sourcefilename") instanceof JsonString name)
                    || !isValidSourceFileName(name.getString())) {
                throw new JobeError("The sourcefilename for the run_spec is illegal", 400);
            }
            // Jobe ignores the almost-certainly-wrong 'prog.java' that legacy CodeRunner sends.
            if (!name.getString().equals("prog.java") && !name.getString().isEmpty()) {
                sourceFileName = name.getString();
            }
        }
        String input = run.get("input") instanceof JsonString text ? text.getString() : "";
        List<RunFile> runFiles = new ArrayList<>();
        if (run.get("file_list") instanceof JsonArray list) {
            for (JsonValue item : list) {
                String[] spec = fileSpec(item);
                byte[] content =
                        files.apply(spec[0])
                                .orElseThrow(
                                        () ->
                                                new JobeError(
                                                        "One or more of the specified files is"
                                                                + " missing/unavailable",
                                                        404));
                try {
                    runFiles.add(new RunFile(spec[1], content));
                } catch (RunRejectedException e) {
                    // A name Jobe takes that a run cannot carry (a leading '.' or '-', too long).
                    throw new JobeError(e.getMessage(), 400);
                }
            }
        } else if (run.containsKey("file_list") && !run.isNull("file_list")) {
            throw new JobeError("Invalid file specifier: " + run.get("file_list"), 400);
        }
        JsonObject parameters =
                run.get("parameters") instanceof JsonObject object
                        ? object
                        : JsonValue.EMPTY_JSON_OBJECT;
        try {
            return new JobeRun(
                    new RunRequest(
                                    language,
                                    run.getString("sourcecode"),
                                    sourceFileName,
                                    input.getBytes(StandardCharsets.UTF_8),
                                    runFiles,
                                    limits(parameters))
                            .likeJobe(),
                    isTrue(run.get("debug")));
        } catch (RunRejectedException e) {
            throw new JobeError(e.getMessage(), 400);
        }
    }

    /**
     * The run's limits from Jobe's parameters. Jobe takes any number and applies it as it is (0
     * meaning no limit); here a limit beyond this server's maximum is that maximum, and 0 (or
     * less), "no limit", is the most this server gives: the language's memory, the maximum disk and
     * processes, the maximum output. Only {@code cputime} above the maximum is refused, with Jobe's
     * answer; {@code cputime} 0 or less is Jobe's default. Not a number: the default.
     */
    static RunParameters limits(JsonObject parameters) {
        RunParameters defaults = RunParameters.DEFAULTS;
        int cpu = defaults.cpuSeconds();
        OptionalDouble cputime = numeric(parameters, "cputime");
        if (cputime.isPresent()) {
            // Jobe compares the value's integer part with its maximum.
            if (cputime.getAsDouble() >= RunParameters.MAX_CPU_SECONDS + 1) {
                throw new JobeError(
                        "cputime exceeds maximum allowed on this Jobe server ("
                                + RunParameters.MAX_CPU_SECONDS
                                + " secs)",
                        400);
            }
            if (cputime.getAsDouble() > 0) {
                cpu = within(cputime.getAsDouble(), RunParameters.MAX_CPU_SECONDS);
            }
        }
        OptionalDouble streamsize = numeric(parameters, "streamsize");
        double stream = defaults.streamMegabytes();
        if (streamsize.isPresent()) {
            stream =
                    streamsize.getAsDouble() > 0
                            ? Math.min(
                                    Math.max(streamsize.getAsDouble(), MIN_STREAM_MEGABYTES),
                                    RunParameters.MAX_STREAM_MEGABYTES)
                            : RunParameters.MAX_STREAM_MEGABYTES;
        }
        return new RunParameters(
                cpu,
                limit(
                        parameters,
                        "memorylimit",
                        defaults.memoryMegabytes(),
                        0, // the language's memory
                        RunParameters.MAX_MEMORY_MEGABYTES),
                limit(
                        parameters,
                        "numprocs",
                        defaults.processes(),
                        RunParameters.MAX_PROCESSES,
                        RunParameters.MAX_PROCESSES),
                limit(
                        parameters,
                        "disklimit",
                        defaults.diskMegabytes(),
                        RunParameters.MAX_DISK_MEGABYTES,
                        RunParameters.MAX_DISK_MEGABYTES),
                stream,
                strings(parameters, "compileargs"),
                strings(parameters, "linkargs"),
                strings(parameters, "interpreterargs"),
                strings(parameters, "runargs"));
    }

    /**
     * A whole-number limit: {@code fallback} when absent or not a number, {@code noLimit} for 0 or
     * less, else the amount (a part rounded up) but at most {@code max}.
     */
    private static int limit(
            JsonObject parameters, String name, int fallback, int noLimit, int max) {
        OptionalDouble amount = numeric(parameters, name);
        if (amount.isEmpty()) {
            return fallback;
        }
        return amount.getAsDouble() > 0 ? within(amount.getAsDouble(), max) : noLimit;
    }

    /** A positive amount in whole units, a part rounded up, at most {@code max}. */
    private static int within(double amount, int max) {
        return (int) Math.max(1, Math.min(Math.ceil(amount), max));
    }

    /**
     * Jobe's rule for a source file name: none of the characters file systems or URIs reserve, no
     * control or non-printing character, not starting with {@code .} or {@code -} (so never {@code
     * ..}). A space is allowed; the empty name means the language's default. The name is only ever
     * a member of the tar stream unpacked in the sandbox and a quoted word of its commands.
     */
    static boolean isValidSourceFileName(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES
                && !RESERVED_IN_NAME.matcher(name).find()
                && !name.startsWith(".")
                && !name.startsWith("-");
    }

    private static String[] fileSpec(JsonValue item) {
        if (item instanceof JsonArray spec
                && (spec.size() == 2 || spec.size() == 3)
                && spec.get(0) instanceof JsonString id
                && spec.get(1) instanceof JsonString name
                && FILE_ID.matcher(id.getString()).matches()
                && FILE_LIST_NAME.matcher(name.getString()).matches()) {
            return new String[] {id.getString(), name.getString()};
        }
        throw new JobeError("Invalid file specifier: " + item, 400);
    }

    /** PHP's truth, as Jobe reads {@code debug}: not false, 0, "", "0", null or empty. */
    static boolean isTrue(JsonValue value) {
        if (value == null) {
            return false;
        }
        return switch (value.getValueType()) {
            case TRUE -> true;
            case NUMBER -> ((JsonNumber) value).doubleValue() != 0;
            case STRING -> {
                String text = ((JsonString) value).getString();
                yield !text.isEmpty() && !text.equals("0");
            }
            case ARRAY -> !value.asJsonArray().isEmpty();
            case OBJECT -> true;
            default -> false;
        };
    }

    /**
     * A numeric parameter as Jobe takes it: a JSON number, or a string PHP's {@code is_numeric}
     * takes; anything else is absent (the default).
     */
    static OptionalDouble numeric(JsonObject parameters, String name) {
        JsonValue value = parameters.get(name);
        if (value instanceof JsonNumber number) {
            return OptionalDouble.of(number.doubleValue());
        }
        if (value instanceof JsonString text && PHP_NUMERIC.matcher(text.getString()).matches()) {
            return OptionalDouble.of(Double.parseDouble(text.getString().strip()));
        }
        return OptionalDouble.empty();
    }

    private static List<String> strings(JsonObject parameters, String name) {
        JsonValue value = parameters.get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw new JobeError("Parameter '" + name + "' must be a list of strings", 400);
        }
        List<String> result = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonString text)) {
                throw new JobeError("Parameter '" + name + "' must be a list of strings", 400);
            }
            result.add(text.getString());
        }
        return result;
    }
}
