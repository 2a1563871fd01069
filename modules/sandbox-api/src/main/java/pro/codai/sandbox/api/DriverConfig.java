package pro.codai.sandbox.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Configuration every driver receives.
 *
 * @param stateDir where the driver keeps sandboxes (e.g. {@code /var/lib/codaipro/sandboxes})
 * @param imageDir where base images live
 * @param volumeRoot the only directory under which {@link Mount} volumes are resolved
 * @param maximum limits no sandbox may exceed, whatever its spec asks
 * @param namePrefix prefix of every sandbox id, so the reaper touches only its own
 * @param egress the bridge and subnet of sandboxes allowed some network destinations
 * @param resourceViews show each sandbox its own limits where the driver can ({@code
 *     /proc/meminfo}, CPU count, uptime: LXC binds LXCFS's files when LXCFS runs); false: the
 *     host's, as before
 */
public record DriverConfig(
        Path stateDir,
        Path imageDir,
        Path volumeRoot,
        Limits maximum,
        String namePrefix,
        EgressNetwork egress,
        boolean resourceViews) {

    /**
     * A configuration with the {@linkplain EgressNetwork#DEFAULT default egress network} and
     * resource views.
     */
    public DriverConfig(
            Path stateDir, Path imageDir, Path volumeRoot, Limits maximum, String namePrefix) {
        this(stateDir, imageDir, volumeRoot, maximum, namePrefix, EgressNetwork.DEFAULT);
    }

    /** A configuration with resource views. */
    public DriverConfig(
            Path stateDir,
            Path imageDir,
            Path volumeRoot,
            Limits maximum,
            String namePrefix,
            EgressNetwork egress) {
        this(stateDir, imageDir, volumeRoot, maximum, namePrefix, egress, true);
    }

    /** This configuration with resource views on or off. */
    public DriverConfig withResourceViews(boolean on) {
        return new DriverConfig(stateDir, imageDir, volumeRoot, maximum, namePrefix, egress, on);
    }

    public DriverConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(imageDir, "imageDir");
        Objects.requireNonNull(volumeRoot, "volumeRoot");
        Objects.requireNonNull(maximum, "maximum");
        Objects.requireNonNull(egress, "egress");
        if (namePrefix == null || !namePrefix.matches("[a-z][a-z0-9-]{0,15}")) {
            throw new IllegalArgumentException("not a name prefix: " + namePrefix);
        }
    }
}
