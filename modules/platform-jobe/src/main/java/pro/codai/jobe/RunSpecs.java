package pro.codai.jobe;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.json.Json;
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

/**
 * Reads Jobe's {@code {"run_spec": {…}}} the way Jobe does: the same required attributes, the same
 * file specifier rules, numeric parameters that are not numbers fall back to the default, and the
 * same error answers (400, or 404 for a file not in the cache).
 */
final class RunSpecs {

    private static final Pattern FILE_ID = Pattern.compile("[A-Za-z0-9]{8,64}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private RunSpecs() {}

    static RunRequest parse(String body, Function<String, java.util.Optional<byte[]>> files) {
        JsonObject post;
        try {
            JsonValue value =
                    Json.createReader(new StringReader(body == null ? "" : body)).readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new JobeError("Non-JSON post data received", 400);
            }
            post = value.asJsonObject();
        } catch (RuntimeException e) {
            // A JsonException, or the parser's unchecked "too deeply nested" past 1000 levels:
            // Jobe (PHP's json_decode, 512 levels) answers both the same way.
            throw new JobeError("Non-JSON post data received", 400);
        }
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
                runFiles.add(new RunFile(spec[1], content));
            }
        } else if (run.containsKey("file_list") && !run.isNull("file_list")) {
            throw new JobeError("Invalid file specifier: " + run.get("file_list"), 400);
        }
        JsonObject parameters =
                run.get("parameters") instanceof JsonObject object
                        ? object
                        : JsonValue.EMPTY_JSON_OBJECT;
        RunParameters defaults = RunParameters.DEFAULTS;
        int cpu = integer(parameters, "cputime", defaults.cpuSeconds());
        if (cpu > RunParameters.MAX_CPU_SECONDS) {
            throw new JobeError(
                    "cputime exceeds maximum allowed on this Jobe server ("
                            + RunParameters.MAX_CPU_SECONDS
                            + " secs)",
                    400);
        }
        try {
            return new RunRequest(
                    language,
                    run.getString("sourcecode"),
                    sourceFileName,
                    input.getBytes(StandardCharsets.UTF_8),
                    runFiles,
                    new RunParameters(
                            cpu,
                            integer(parameters, "memorylimit", defaults.memoryMegabytes()),
                            integer(parameters, "numprocs", defaults.processes()),
                            integer(parameters, "disklimit", defaults.diskMegabytes()),
                            number(parameters, "streamsize", defaults.streamMegabytes()),
                            strings(parameters, "compileargs"),
                            strings(parameters, "linkargs"),
                            strings(parameters, "interpreterargs"),
                            strings(parameters, "runargs")));
        } catch (RunRejectedException e) {
            throw new JobeError(e.getMessage(), 400);
        }
    }

    /** Jobe's rule: no path separators, reserved or control characters, no leading dot or dash. */
    static boolean isValidSourceFileName(String name) {
        return !name.isEmpty()
                && name.length() <= 128
                && FILE_NAME.matcher(name).matches()
                && name.charAt(0) != '.'
                && name.charAt(0) != '-';
    }

    private static String[] fileSpec(JsonValue item) {
        if (item instanceof JsonArray spec
                && (spec.size() == 2 || spec.size() == 3)
                && spec.get(0) instanceof JsonString id
                && spec.get(1) instanceof JsonString name
                && FILE_ID.matcher(id.getString()).matches()
                && isValidSourceFileName(name.getString())) {
            return new String[] {id.getString(), name.getString()};
        }
        throw new JobeError("Invalid file specifier: " + item, 400);
    }

    /** A numeric parameter; one that is not a number takes the default, as in Jobe. */
    private static int integer(JsonObject parameters, String name, int fallback) {
        JsonValue value = parameters.get(name);
        if (value instanceof JsonNumber number) {
            return (int)
                    Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, number.longValue()));
        }
        if (value instanceof JsonString text) {
            try {
                return Integer.parseInt(text.getString().strip());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    private static double number(JsonObject parameters, String name, double fallback) {
        JsonValue value = parameters.get(name);
        if (value instanceof JsonNumber number) {
            return number.doubleValue();
        }
        if (value instanceof JsonString text) {
            try {
                return Double.parseDouble(text.getString().strip());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
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
