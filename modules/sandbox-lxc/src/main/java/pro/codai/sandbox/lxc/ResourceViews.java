package pro.codai.sandbox.lxc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import pro.codai.sandbox.api.Limits;

/**
 * What a sandbox sees of its own limits. Without this, {@code /proc/meminfo}, {@code /proc/cpuinfo}
 * and {@code /proc/uptime} are the host's, so {@code free}, {@code top} and a JVM's heap sizing see
 * the whole machine. With it:
 *
 * <ul>
 *   <li>LXCFS's files, when LXCFS runs ({@code /var/lib/lxcfs} is a {@code fuse.lxcfs} mount), are
 *       bound read-only over the sandbox's {@code /proc/{meminfo,cpuinfo,stat,uptime,diskstats,
 *       swaps,loadavg}} and {@code /sys/devices/system/cpu}: memory from its memory cgroup, CPUs
 *       from its CFS quota (LXCFS started with {@code --enable-cfs}), uptime from its init. This is
 *       what LXC's {@code lxc.mount.hook} from the lxcfs package does, written as {@code
 *       lxc.mount.entry} lines instead, so no script runs as root over paths in the sandbox; each
 *       entry is {@code optional}, so a stopped LXCFS never keeps a sandbox from starting;
 *   <li>the sandbox's own cgroup, read-only at {@code /sys/fs/cgroup} (a JVM sizes its heap and
 *       threads from it; {@code sysinfo(2)}, which the JVM otherwise asks, is the host's);
 *   <li>{@code OMP_NUM_THREADS} set to its CPU limit in whole cores (OpenMP, and {@code nproc},
 *       which honours it; a cpuset would pin sandboxes to cores instead of sharing them).
 * </ul>
 *
 * Native-free: rendering and detection are unit-tested.
 *
 * @param enabled views wanted at all ({@code sandboxd.resource-views=auto}); off: none of this
 * @param lxcfs LXCFS is mounted, so its files are bound
 */
record ResourceViews(boolean enabled, boolean lxcfs) {

    /** Where the lxcfs package mounts LXCFS. */
    static final Path LXCFS_ROOT = Path.of("/var/lib/lxcfs");

    /** The {@code /proc} files LXCFS renders per cgroup; {@code slabinfo} (root-only) is left. */
    static final List<String> PROC_FILES =
            List.of("meminfo", "cpuinfo", "stat", "uptime", "diskstats", "swaps", "loadavg");

    static final ResourceViews OFF = new ResourceViews(false, false);

    /** Views as wanted, with LXCFS's files if this process sees LXCFS mounted. */
    static ResourceViews detect(boolean wanted) {
        if (!wanted) {
            return OFF;
        }
        String mountinfo;
        try {
            mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            mountinfo = "";
        }
        // A crashed LXCFS leaves its mount behind, answering ENOTCONN: that is not running.
        return new ResourceViews(
                true,
                lxcfsMounted(mountinfo, LXCFS_ROOT)
                        && Files.isReadable(LXCFS_ROOT.resolve("proc/meminfo")));
    }

    /**
     * Whether {@code mountinfo} (as in {@code /proc/self/mountinfo}) has a {@code fuse.lxcfs} mount
     * at {@code root}.
     */
    static boolean lxcfsMounted(String mountinfo, Path root) {
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length > 4
                    && separator > 4
                    && separator + 1 < fields.length
                    && root.toString().equals(LxcDriver.unescapeMountPath(fields[4]))
                    && fields[separator + 1].equals("fuse.lxcfs")) {
                return true;
            }
        }
        return false;
    }

    /** The sandbox's LXC configuration lines for these views (none when off). */
    List<String> configLines() {
        if (!enabled) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        // force: LXC otherwise leaves the mount to a container that keeps CAP_SYS_ADMIN in its own
        // namespace (a systemd would); ours runs no such init. Its own cgroup only (cgroup
        // namespace), read-only; mount(2) is refused by the seccomp policy, so it stays that way.
        lines.add("lxc.mount.auto = cgroup:ro:force");
        if (lxcfs) {
            for (String file : PROC_FILES) {
                lines.add(bind(LXCFS_ROOT.resolve("proc").resolve(file), "proc/" + file));
            }
            lines.add(bind(LXCFS_ROOT.resolve("sys/devices/system/cpu"), "sys/devices/system/cpu"));
        }
        return lines;
    }

    private static String bind(Path source, String target) {
        return "lxc.mount.entry = " + source + " " + target + " none bind,ro,optional 0 0";
    }

    /** Environment of a sandbox's programs for these views: its CPU limit in whole cores. */
    List<String> environment(Limits limits) {
        if (!enabled) {
            return List.of();
        }
        return List.of("OMP_NUM_THREADS=" + cores(limits));
    }

    /** A CPU limit in whole cores, rounded up (1500 millicores: 2), at least 1. */
    static int cores(Limits limits) {
        return Math.max(1, (limits.cpuMillicores() + 999) / 1000);
    }
}
