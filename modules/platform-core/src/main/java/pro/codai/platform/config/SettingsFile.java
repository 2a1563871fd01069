package pro.codai.platform.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the appliance's settings file is and how it is read. Shared by the application's {@link
 * ConfigFileSource} and the launcher, which must agree on both. Free of Jakarta and MicroProfile
 * types so the launcher can use it outside the server.
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
     * Reads a settings file in {@link Properties} format. A missing file is an empty one (the
     * defaults apply); an unreadable file is an error.
     */
    public static Map<String, String> read(Path file) {
        Properties loaded = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            loaded.load(in);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read settings file " + file, e);
        }
        Map<String, String> values = new TreeMap<>();
        loaded.stringPropertyNames()
                .forEach(key -> values.put(key, loaded.getProperty(key).trim()));
        return Map.copyOf(values);
    }
}
