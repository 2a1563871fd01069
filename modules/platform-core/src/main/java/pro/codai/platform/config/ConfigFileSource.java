package pro.codai.platform.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * MicroProfile Config source for the appliance's settings file ({@code
 * /etc/codaipro/codaipro.properties} by default).
 *
 * <p>Its ordinal, 250, sits below environment variables (300) and system properties (400), so an
 * environment variable such as {@code CODAIPRO_SITE_NAME} overrides {@code codaipro.site.name} in
 * the file. The launcher reads the same file with the same rules ({@link SettingsFile}).
 */
public final class ConfigFileSource implements ConfigSource {

    static final int ORDINAL = 250;

    private final Map<String, String> properties;
    private final String name;

    public ConfigFileSource() {
        this(SettingsFile.location(System.getenv(), System.getProperties()));
    }

    ConfigFileSource(Path file) {
        this.properties = SettingsFile.read(file);
        this.name = "codaipro settings file " + file;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
