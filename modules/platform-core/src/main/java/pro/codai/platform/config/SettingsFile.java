package pro.codai.platform.config;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import pro.codai.platform.text.Utf8;

/**
 * Where the appliance's settings file is and how it is read. Shared by the application's {@link
 * ConfigFileSource} and the launcher, which must agree on both. Free of Jakarta and MicroProfile
 * types so the launcher can use it outside the server.
 *
 * <p>The file is in {@link Properties} format, read as UTF-8 (so a site name such as "Universität"
 * needs no escapes). A file that is not UTF-8 or holds a malformed {@code \}{@code uXXXX} escape is
 * refused with the line at fault ({@link SettingsFileException}), never read in part.
 */
public final class SettingsFile {

    /** Property naming the settings file. */
    public static final String LOCATION_PROPERTY = "codaipro.config.file";

    /** Environment variable naming the settings file. */
    public static final String LOCATION_ENV = "CODAIPRO_CONFIG_FILE";

    /** Used when neither the property nor the variable is set. */
    public static final Path DEFAULT_LOCATION = Path.of("/etc/codaipro/codaipro.properties");

    private SettingsFile() {}

    /** The settings file named by the system property, else the environment, else the default. */
    public static Path location(Map<String, String> env, Properties systemProperties) {
        String fromProperty = systemProperties.getProperty(LOCATION_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return Path.of(fromProperty);
        }
        String fromEnv = env.get(LOCATION_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return DEFAULT_LOCATION;
    }

    /**
     * Reads a settings file, values trimmed. A missing file is an empty one (the defaults apply);
     * an unreadable file is an {@link UncheckedIOException}; a malformed one a {@link
     * SettingsFileException} naming the line.
     */
    public static Map<String, String> read(Path file) {
        List<String> lines = lines(file);
        if (lines == null) {
            return Map.of();
        }
        Properties loaded;
        try {
            loaded = load(lines, lines.size());
        } catch (IllegalArgumentException e) {
            // Properties names no line: find the first one that makes it fail.
            int line = 1;
            while (line < lines.size() && loads(lines, line)) {
                line++;
            }
            throw new SettingsFileException(
                    file,
                    line,
                    "malformed \\uXXXX escape (a backslash and u need four hexadecimal digits"
                            + " after them; write \\\\ for a backslash)");
        }
        Map<String, String> values = new TreeMap<>();
        loaded.stringPropertyNames()
                .forEach(key -> values.put(key, loaded.getProperty(key).trim()));
        return Map.copyOf(values);
    }

    /**
     * The line on which {@code key} is set in the file, or 0 if it is not (for messages about a
     * setting found by {@link #read}).
     */
    public static int lineOf(Path file, String key) {
        List<String> lines = lines(file);
        if (lines == null) {
            return 0;
        }
        for (int line = 1; line <= lines.size(); line++) {
            try {
                if (load(lines, line).containsKey(key)) {
                    return line;
                }
            } catch (IllegalArgumentException e) {
                return 0;
            }
        }
        return 0;
    }

    /** The file's lines, decoded strictly as UTF-8; null when there is no file. */
    private static List<String> lines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read settings file " + file, e);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                lines.add(decode(file, bytes, start, i, lines.size() + 1));
                start = i + 1;
            }
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1)); // a byte order mark some editors write
        }
        return lines;
    }

    private static String decode(Path file, byte[] bytes, int from, int to, int line) {
        try {
            return Utf8.strictly(bytes, from, to - from);
        } catch (CharacterCodingException e) {
            throw new SettingsFileException(
                    file, line, "is not UTF-8 text (save the file as UTF-8)");
        }
    }

    private static boolean loads(List<String> lines, int count) {
        try {
            load(lines, count);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Loads the first {@code count} lines. */
    private static Properties load(List<String> lines, int count) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(String.join("\n", lines.subList(0, count))));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return properties;
    }
}
