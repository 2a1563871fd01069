package pro.codai.platform.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What was built: version, commit and commit time, written into the jar by the build.
 *
 * @param version the product version, e.g. {@code 0.1.0}
 * @param commit the abbreviated commit id the build came from, or {@code unknown}
 * @param commitTime when that commit was made (ISO-8601, UTC), or {@code unknown}
 */
public record BuildInfo(String version, String commit, String commitTime) {

    static final String RESOURCE = "/codaipro-build.properties";

    /** The build information of the running code. */
    public static BuildInfo current() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(
                known(properties.getProperty("codaipro.version")),
                known(properties.getProperty("codaipro.build.commit")),
                known(properties.getProperty("codaipro.build.time")));
    }

    private static String known(String value) {
        // An unfiltered placeholder means the build had no git metadata to offer.
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }
}
