package pro.codai.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import pro.codai.sandbox.api.NetworkPolicy;

/**
 * What the value of a {@link Setting} must look like. Each check is the one the code that reads the
 * setting relies on, so a value that passes here is read the same way by the server.
 *
 * <pre>
 * JOBE_REQUIRE_API_KEY("codaipro.jobe.require-api-key", "true", Format.bool(), "…")
 * </pre>
 */
@FunctionalInterface
public interface Format {

    /**
     * What is wrong with {@code value} (the setting's own value, or its default when it is not
     * set), or null when nothing is. The text never holds a secret's value.
     */
    String problem(String value);

    /** Whether values are secrets: never shown, and never in a file others can read. */
    default boolean isSecret() {
        return false;
    }

    /** Anything on one line, up to {@code maxLength} characters. */
    static Format text(int maxLength) {
        return value -> {
            if (value.chars().anyMatch(Character::isISOControl)) {
                return "'" + printable(value) + "' holds a line break or control character";
            }
            return value.length() > maxLength
                    ? "is longer than " + maxLength + " characters"
                    : null;
        };
    }

    /** {@code true} or {@code false}; not {@code yes}, {@code 1} or a misspelling of either. */
    static Format bool() {
        return value ->
                value.equals("true") || value.equals("false")
                        ? null
                        : "'" + printable(value) + "' is not true or false";
    }

    static Format wholeNumber(long min, long max) {
        return value -> {
            try {
                long number = Long.parseLong(value);
                if (number >= min && number <= max) {
                    return null;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            return "'" + printable(value) + "' is not a whole number from " + min + " to " + max;
        };
    }

    /** A whole number of seconds up to {@code max}, or {@code unlimited}. */
    static Format secondsOrUnlimited(long max) {
        Format seconds = wholeNumber(0, max);
        return value ->
                value.equalsIgnoreCase("unlimited") || seconds.problem(value) == null
                        ? null
                        : "'"
                                + printable(value)
                                + "' is not unlimited or a number of seconds from 0"
                                + " to "
                                + max;
    }

    static Format port() {
        Format number = wholeNumber(1, 65535);
        return value ->
                number.problem(value) == null
                        ? null
                        : "'" + printable(value) + "' is not a TCP port (1-65535)";
    }

    /** An absolute path; empty allowed only through {@link #optional}. */
    static Format absolutePath() {
        return value ->
                value.startsWith("/") && value.chars().noneMatch(Character::isISOControl)
                        ? null
                        : "'" + printable(value) + "' is not an absolute path";
    }

    /** A secret of at least {@code minLength} printable characters without blanks. */
    static Format secret(int minLength, String whenMissing) {
        return new Format() {
            @Override
            public String problem(String value) {
                if (value.isEmpty()) {
                    return whenMissing;
                }
                if (value.length() < minLength) {
                    return "is shorter than " + minLength + " characters";
                }
                if (minLength > 0 && !value.chars().allMatch(c -> c > ' ' && c < 127)) {
                    return "holds blanks or characters other than printable ASCII";
                }
                return null;
            }

            @Override
            public boolean isSecret() {
                return true;
            }
        };
    }

    /** Empty, or what {@code format} accepts. */
    static Format optional(Format format) {
        return new Format() {
            @Override
            public String problem(String value) {
                return value.isEmpty() ? null : format.problem(value);
            }

            @Override
            public boolean isSecret() {
                return format.isSecret();
            }
        };
    }

    /** An http(s) URL with a host, no query and no fragment; with {@code pathAllowed} or not. */
    static Format httpUrl(boolean pathAllowed, String example) {
        return value -> {
            String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            try {
                URI uri = new URI(trimmed);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                        && uri.getHost() != null
                        && uri.getRawUserInfo() == null
                        && uri.getRawQuery() == null
                        && uri.getRawFragment() == null
                        && (pathAllowed || uri.getRawPath().isEmpty())) {
                    return null;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            return "'"
                    + printable(value)
                    + "' is not an http(s) address"
                    + (pathAllowed ? "" : " without a path")
                    + ", such as "
                    + example;
        };
    }

    /** Comma- or blank-separated entries, each accepted by {@code entry}. */
    static Format list(Format entry) {
        return value -> {
            for (String item : entries(value)) {
                String problem = entry.problem(item);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        };
    }

    /** The entries of a list setting, as the application splits them. */
    static List<String> entries(String value) {
        return Arrays.stream(value.split("[,\\s]+")).filter(entry -> !entry.isEmpty()).toList();
    }

    /** A domain name, e.g. {@code student.uni.example} (a leading {@code @} is tolerated). */
    static Format emailDomain() {
        Pattern domain =
                Pattern.compile(
                        "@?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
        return value ->
                domain.matcher(value.toLowerCase(Locale.ROOT)).matches()
                        ? null
                        : "'" + printable(value) + "' is not an email domain such as uni.example";
    }

    /** A network destination as sandboxd takes it: {@code host} or {@code host:port}. */
    static Format destination() {
        return value -> {
            try {
                new NetworkPolicy(List.of(value.toLowerCase(Locale.ROOT)));
                return null;
            } catch (IllegalArgumentException e) {
                return "'" + printable(value) + "' is not a host or host:port";
            }
        };
    }

    /** A PEM file of certificates that the server's user can read. */
    static Format certificateFile() {
        return value -> {
            String path = absolutePath().problem(value);
            if (path != null) {
                return path;
            }
            try {
                Path file = Path.of(value);
                if (!Files.isRegularFile(file) || Files.size(file) > 4 << 20) {
                    return value + " is not a file of certificates (a regular file up to 4 MB)";
                }
                String content = Files.readString(file);
                return content.contains("-----BEGIN CERTIFICATE-----")
                        ? null
                        : value + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
            } catch (IOException | RuntimeException e) {
                return "cannot read " + value + " (" + e.getClass().getSimpleName() + ")";
            }
        };
    }

    /** A Java heap size as {@code -Xmx} takes it: {@code 768m}, {@code 2g}. */
    static Format heapSize() {
        Pattern size = Pattern.compile("[1-9][0-9]*[kKmMgG]?");
        return value ->
                size.matcher(value).matches()
                        ? null
                        : "'" + printable(value) + "' is not a heap size such as 768m or 2g";
    }

    /**
     * JVM options separated by blanks, each starting with {@code -}; none setting a {@code
     * codaipro.*} property, which would override a setting unchecked (a system property comes first
     * in MicroProfile Config).
     */
    static Format jvmOptions() {
        return value -> {
            for (String option : value.split("\\s+")) {
                if (!option.isEmpty() && !option.startsWith("-")) {
                    return "'" + printable(option) + "' is not a JVM option (must start with -)";
                }
                if (option.startsWith("-Dcodaipro.")) {
                    return "'"
                            + printable(option.split("=", 2)[0])
                            + "' sets a setting: give it as a setting, where it is checked";
                }
            }
            return null;
        };
    }

    /** An absolute path that can stand in an asadmin property: no blanks, no {@code :}. */
    static Format socketPath() {
        return value ->
                value.startsWith("/") && value.chars().noneMatch(c -> c <= ' ' || c == ':')
                        ? null
                        : "'"
                                + printable(value)
                                + "' is not an absolute socket path (no blanks or ':')";
    }

    /** A Keycloak realm's issuer URL. */
    static Format realmUrl() {
        Format url = httpUrl(true, "https://login.campus.edu/realms/codaipro");
        return value ->
                url.problem(value) == null && value.contains("/realms/")
                        ? null
                        : "'"
                                + printable(value)
                                + "' is not a Keycloak realm URL such as"
                                + " https://login.campus.edu/realms/codaipro";
    }

    /** An OpenID Connect client or audience name. */
    static Format clientName() {
        Pattern name = Pattern.compile("[A-Za-z0-9._:-]{1,255}");
        return value ->
                name.matcher(value).matches()
                        ? null
                        : "'"
                                + printable(value)
                                + "' is not a client name (letters, digits, . _ : -)";
    }

    /** A value as it may be shown in a one-line message: control characters escaped. */
    static String printable(String value) {
        StringBuilder shown = new StringBuilder();
        value.codePoints()
                .forEach(
                        c -> {
                            if (Character.isISOControl(c)) {
                                shown.append(String.format("\\u%04x", c));
                            } else {
                                shown.appendCodePoint(c);
                            }
                        });
        return shown.length() > 200 ? shown.substring(0, 200) + "…" : shown.toString();
    }
}
