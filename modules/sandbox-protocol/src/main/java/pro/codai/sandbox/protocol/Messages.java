package pro.codai.sandbox.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.LimitHit;
import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.Mount;
import pro.codai.sandbox.api.NetworkPolicy;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.api.SandboxStats;
import pro.codai.sandbox.api.VolumeStats;

/**
 * Converts between protocol JSON and the sandbox API's value types, validating every field: wrong
 * types, missing fields and out-of-range values become {@link ProtocolException}s naming the field,
 * never a crash.
 */
public final class Messages {

    /**
     * The protocol version of every request but {@code terminals}: version 1's operations keep
     * version 1, so a client of this code still talks to a daemon that speaks only version 1.
     */
    public static final int VERSION = 1;

    /**
     * The highest protocol version this code speaks: version 2 adds the {@code terminals} request
     * (many terminals multiplexed over one connection, see {@link TerminalChannel}).
     */
    public static final int LATEST_VERSION = 2;

    /** The version a request for {@code op} carries: the first version that has it. */
    public static int versionOf(String op) {
        return TerminalChannel.OP.equals(op) ? 2 : VERSION;
    }

    private Messages() {}

    public static String string(JsonObject message, String field) throws ProtocolException {
        JsonValue value = message.get(field);
        if (!(value instanceof JsonString text)) {
            throw bad(field + " must be a string");
        }
        return text.getString();
    }

    static String optionalString(JsonObject message, String field, String fallback)
            throws ProtocolException {
        return message.containsKey(field) ? string(message, field) : fallback;
    }

    public static long number(JsonObject message, String field, long min, long max)
            throws ProtocolException {
        JsonValue value = message.get(field);
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw bad(field + " must be an integer");
        }
        long result;
        try {
            result = number.longValueExact();
        } catch (ArithmeticException e) {
            throw bad(field + " is out of range");
        }
        if (result < min || result > max) {
            throw bad(field + " must be between " + min + " and " + max);
        }
        return result;
    }

    static long optionalNumber(JsonObject message, String field, long min, long max, long fallback)
            throws ProtocolException {
        return message.containsKey(field) ? number(message, field, min, max) : fallback;
    }

    static boolean optionalBoolean(JsonObject message, String field, boolean fallback)
            throws ProtocolException {
        JsonValue value = message.get(field);
        if (value == null) {
            return fallback;
        }
        if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
            throw bad(field + " must be true or false");
        }
        return value == JsonValue.TRUE;
    }

    private static List<String> strings(JsonObject message, String field) throws ProtocolException {
        JsonValue value = message.get(field);
        if (value == null) {
            return List.of();
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw bad(field + " must be an array of strings");
        }
        List<String> result = new ArrayList<>();
        for (JsonValue item : value.asJsonArray()) {
            if (!(item instanceof JsonString text)) {
                throw bad(field + " must be an array of strings");
            }
            result.add(text.getString());
        }
        return result;
    }

    /** Limits from a request: absent fields take the default; the daemon caps them later. */
    public static Limits limits(JsonObject message, Limits defaults) throws ProtocolException {
        JsonValue value = message.get("limits");
        if (value == null) {
            return defaults;
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw bad("limits must be an object");
        }
        JsonObject limits = value.asJsonObject();
        try {
            return new Limits(
                    optionalNumber(
                            limits, "memoryBytes", 1 << 20, Long.MAX_VALUE, defaults.memoryBytes()),
                    (int)
                            optionalNumber(
                                    limits,
                                    "cpuMillicores",
                                    1,
                                    1_000_000,
                                    defaults.cpuMillicores()),
                    (int) optionalNumber(limits, "pids", 1, 1_000_000, defaults.pids()),
                    optionalNumber(
                            limits, "diskBytes", 1 << 20, Long.MAX_VALUE, defaults.diskBytes()),
                    (int) optionalNumber(limits, "openFiles", 16, 1_048_576, defaults.openFiles()),
                    Duration.ofMillis(
                            optionalNumber(
                                    limits,
                                    "cpuMillis",
                                    1,
                                    Long.MAX_VALUE / 1_000_000,
                                    defaults.cpuTime().toMillis())),
                    Duration.ofMillis(
                            optionalNumber(
                                    limits,
                                    "wallMillis",
                                    1,
                                    Long.MAX_VALUE / 1_000_000,
                                    defaults.wallTime().toMillis())));
        } catch (IllegalArgumentException e) {
            throw bad("limits: " + e.getMessage());
        }
    }

    public static SandboxSpec spec(JsonObject message, Limits defaults) throws ProtocolException {
        String image = optionalString(message, "image", "base");
        List<Mount> mounts = new ArrayList<>();
        JsonValue mountsValue = message.get("mounts");
        if (mountsValue != null) {
            if (mountsValue.getValueType() != JsonValue.ValueType.ARRAY) {
                throw bad("mounts must be an array");
            }
            for (JsonValue item : mountsValue.asJsonArray()) {
                if (item.getValueType() != JsonValue.ValueType.OBJECT) {
                    throw bad("each mount must be an object");
                }
                JsonObject mount = item.asJsonObject();
                try {
                    mounts.add(
                            new Mount(
                                    string(mount, "volume"),
                                    string(mount, "target"),
                                    mount.getBoolean("readOnly", false)));
                } catch (IllegalArgumentException e) {
                    throw bad("mount: " + e.getMessage());
                }
            }
        }
        try {
            return new SandboxSpec(
                    image,
                    limits(message, defaults),
                    new NetworkPolicy(strings(message, "allowedHosts")),
                    mounts);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    public static ExecRequest exec(JsonObject message) throws ProtocolException {
        List<String> argv = strings(message, "argv");
        Map<String, String> env = new LinkedHashMap<>();
        JsonValue envValue = message.get("env");
        if (envValue != null) {
            if (envValue.getValueType() != JsonValue.ValueType.OBJECT) {
                throw bad("env must be an object of strings");
            }
            for (var entry : envValue.asJsonObject().entrySet()) {
                if (!(entry.getValue() instanceof JsonString text)) {
                    throw bad("env must be an object of strings");
                }
                env.put(entry.getKey(), text.getString());
            }
        }
        byte[] stdin;
        try {
            stdin = Base64.getDecoder().decode(optionalString(message, "stdin", ""));
        } catch (IllegalArgumentException e) {
            throw bad("stdin must be base64");
        }
        boolean stopAtOutputLimit = optionalBoolean(message, "stopAtOutputLimit", true);
        try {
            return new ExecRequest(
                    argv,
                    env,
                    optionalString(message, "cwd", "/home/student"),
                    stdin,
                    (int)
                            optionalNumber(
                                    message,
                                    "outputLimit",
                                    0,
                                    Frames.MAX_FRAME_BYTES / 3,
                                    ExecRequest.DEFAULT_OUTPUT_LIMIT),
                    Duration.ofMillis(optionalNumber(message, "cpuMillis", 1, 86_400_000, 10_000)),
                    Duration.ofMillis(optionalNumber(message, "wallMillis", 1, 86_400_000, 20_000)),
                    stopAtOutputLimit);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    public static JsonObjectBuilder execResult(ExecResult result) {
        return Frames.JSON
                .createObjectBuilder()
                .add("exitCode", result.exitCode())
                .add("signal", result.signal())
                .add("stdout", Base64.getEncoder().encodeToString(result.stdout()))
                .add("stderr", Base64.getEncoder().encodeToString(result.stderr()))
                .add("outputTruncated", result.outputTruncated())
                .add("cpuMillis", result.cpuTime().toMillis())
                .add("wallMillis", result.wallTime().toMillis())
                .add("limitHit", result.limitHit().name());
    }

    /** The fields of a {@code create} or {@code acquire} request for a spec (client side). */
    public static JsonObjectBuilder specFields(SandboxSpec spec) {
        Limits limits = spec.limits();
        JsonArrayBuilder mounts = Frames.JSON.createArrayBuilder();
        for (Mount mount : spec.mounts()) {
            mounts.add(
                    Frames.JSON
                            .createObjectBuilder()
                            .add("volume", mount.volume())
                            .add("target", mount.target())
                            .add("readOnly", mount.readOnly()));
        }
        return Frames.JSON
                .createObjectBuilder()
                .add("image", spec.image())
                .add(
                        "limits",
                        Frames.JSON
                                .createObjectBuilder()
                                .add("memoryBytes", limits.memoryBytes())
                                .add("cpuMillicores", limits.cpuMillicores())
                                .add("pids", limits.pids())
                                .add("diskBytes", limits.diskBytes())
                                .add("openFiles", limits.openFiles())
                                .add("cpuMillis", limits.cpuTime().toMillis())
                                .add("wallMillis", limits.wallTime().toMillis()))
                .add("mounts", mounts)
                .add("allowedHosts", array(spec.network().allowedHosts()));
    }

    /** The fields of an {@code exec} request (client side). */
    public static JsonObjectBuilder execFields(String sandbox, ExecRequest request) {
        JsonObjectBuilder env = Frames.JSON.createObjectBuilder();
        request.env().forEach(env::add);
        return Frames.JSON
                .createObjectBuilder()
                .add("sandbox", sandbox)
                .add("argv", array(request.argv()))
                .add("env", env)
                .add("cwd", request.cwd())
                .add("stdin", Base64.getEncoder().encodeToString(request.stdin()))
                .add("outputLimit", request.outputLimitBytes())
                .add("cpuMillis", request.cpuTime().toMillis())
                .add("wallMillis", request.wallTime().toMillis())
                .add("stopAtOutputLimit", request.stopAtOutputLimit());
    }

    /** An {@code exec} answer as a result (client side). */
    public static ExecResult execResult(JsonObject answer) throws ProtocolException {
        try {
            return new ExecResult(
                    (int) number(answer, "exitCode", -1, 255),
                    (int) number(answer, "signal", 0, 128),
                    Base64.getDecoder().decode(string(answer, "stdout")),
                    Base64.getDecoder().decode(string(answer, "stderr")),
                    answer.getBoolean("outputTruncated", false),
                    Duration.ofMillis(number(answer, "cpuMillis", 0, Long.MAX_VALUE / 1_000_000)),
                    Duration.ofMillis(number(answer, "wallMillis", 0, Long.MAX_VALUE / 1_000_000)),
                    LimitHit.valueOf(string(answer, "limitHit")));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw bad("malformed exec answer: " + e.getMessage());
        }
    }

    /** A {@code stats} answer as stats (client side). */
    public static SandboxStats stats(JsonObject answer) throws ProtocolException {
        return new SandboxStats(
                number(answer, "memoryBytes", 0, Long.MAX_VALUE),
                number(answer, "memoryPeakBytes", 0, Long.MAX_VALUE),
                number(answer, "cpuNanos", 0, Long.MAX_VALUE),
                (int) number(answer, "pids", 0, Integer.MAX_VALUE),
                number(answer, "oomKills", 0, Long.MAX_VALUE));
    }

    public static JsonObjectBuilder stats(SandboxStats stats) {
        return Frames.JSON
                .createObjectBuilder()
                .add("memoryBytes", stats.memoryBytes())
                .add("memoryPeakBytes", stats.memoryPeakBytes())
                .add("cpuNanos", stats.cpuNanos())
                .add("pids", stats.pids())
                .add("oomKills", stats.oomKills());
    }

    /** A {@code volume-stats} answer as stats (client side). */
    public static VolumeStats volumeStats(JsonObject answer) throws ProtocolException {
        return new VolumeStats(
                number(answer, "usedBytes", 0, Long.MAX_VALUE),
                number(answer, "totalBytes", 0, Long.MAX_VALUE),
                number(answer, "usedInodes", 0, Long.MAX_VALUE),
                number(answer, "totalInodes", 0, Long.MAX_VALUE));
    }

    public static JsonObjectBuilder volumeStats(VolumeStats stats) {
        return Frames.JSON
                .createObjectBuilder()
                .add("usedBytes", stats.usedBytes())
                .add("totalBytes", stats.totalBytes())
                .add("usedInodes", stats.usedInodes())
                .add("totalInodes", stats.totalInodes());
    }

    public static JsonArrayBuilder array(List<String> values) {
        JsonArrayBuilder array = Frames.JSON.createArrayBuilder();
        values.forEach(array::add);
        return array;
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ProtocolException.BAD_REQUEST, message);
    }
}
