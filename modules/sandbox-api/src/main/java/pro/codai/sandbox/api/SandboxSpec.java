package pro.codai.sandbox.api;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What sandbox to create.
 *
 * @param image name of the base image the sandbox is a copy-on-write clone of
 * @param limits resource limits; capped by the driver's configured maxima
 * @param network what it may reach; {@link NetworkPolicy#NONE} by default
 * @param mounts volumes to mount
 */
public record SandboxSpec(String image, Limits limits, NetworkPolicy network, List<Mount> mounts) {

    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");

    public SandboxSpec {
        if (image == null || !IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("not an image name: " + image);
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(network, "network");
        mounts = List.copyOf(mounts);
    }

    /** The image with default limits, no network and no mounts. */
    public static SandboxSpec defaults(String image) {
        return new SandboxSpec(image, Limits.DEFAULT, NetworkPolicy.NONE, List.of());
    }

    public SandboxSpec withLimits(Limits newLimits) {
        return new SandboxSpec(image, newLimits, network, mounts);
    }

    public SandboxSpec withNetwork(NetworkPolicy newNetwork) {
        return new SandboxSpec(image, limits, newNetwork, mounts);
    }

    public SandboxSpec withMounts(List<Mount> newMounts) {
        return new SandboxSpec(image, limits, network, newMounts);
    }
}
