package pro.codai.sandbox.lxc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which cgroup hierarchy holds the host's controllers: v1 (one mount per controller, as on these
 * build machines) or v2 (the unified hierarchy of a Debian 12 appliance). LXC spells limits
 * differently on each ({@code lxc.cgroup.*} vs {@code lxc.cgroup2.*}).
 */
public enum CgroupVersion {
    V1,
    V2;

    /** Detects the version from {@code /sys/fs/cgroup}. */
    public static CgroupVersion detect() {
        return detect(Path.of("/sys/fs/cgroup"));
    }

    static CgroupVersion detect(Path root) {
        // A v2 mount with controllers lists them in cgroup.controllers; an empty one (v1 hosts
        // may mount an empty v2 tree) does not count.
        Path controllers = root.resolve("cgroup.controllers");
        try {
            if (Files.exists(controllers) && Files.readString(controllers).contains("memory")) {
                return V2;
            }
        } catch (IOException e) {
            // fall through to v1
        }
        return V1;
    }
}
