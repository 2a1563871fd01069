package pro.codai.sandbox.lxc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.Mount;
import pro.codai.sandbox.api.SandboxSpec;

/**
 * Renders the LXC configuration of one sandbox. Native-free, so every rule here is unit-tested
 * without liblxc. What it sets, and why:
 *
 * <ul>
 *   <li>unprivileged: root in the sandbox is {@code idOffset} on the host (user namespace), a range
 *       no other live sandbox has;
 *   <li>copy-on-write root: an overlay of an idmapped view of the shared base image (so its files
 *       belong to this sandbox's range) and a private upper;
 *   <li>no network unless allowed: {@code empty} gives a network namespace with loopback only; an
 *       allowlist gets a routed veth link whose traffic {@link Egress} filters;
 *   <li>{@code no_new_privs}: setuid binaries gain nothing;
 *   <li>a seccomp deny list stricter than LXC's default;
 *   <li>limits in the cgroup of the host's version (v1 or v2), swap off, RLIMIT_NOFILE, few PTYs;
 *   <li>{@code /proc} and {@code /sys} mixed/read-only; {@code /tmp} and {@code /dev/shm} tmpfs
 *       counted against the sandbox's memory;
 *   <li>a tiny init that reaps orphans.
 * </ul>
 */
public final class LxcConfig {

    /** The unprivileged user that runs students' programs inside the sandbox. */
    public static final int SANDBOX_UID = 1000;

    static final int ID_RANGE = 65536;
    static final int MAX_PTYS = 16;

    private LxcConfig() {}

    /** Where, in a sandbox's directory, the idmapped view of its image is mounted. */
    static final String LOWER_LAYER = "lower";

    /** Where, in a sandbox's directory, idmapped views of its volumes are mounted (by index). */
    static final String VOLUMES = "volumes";

    /**
     * @param name the sandbox id
     * @param sandboxDir the sandbox's own directory: {@code lower/} (the image, idmapped), {@code
     *     rw/upper} and {@code rw/work}, {@code volumes/<n>} (each mount's volume, idmapped)
     * @param idOffset host uid/gid that root in the sandbox maps to
     * @param seccompProfile the seccomp policy file
     * @param egress the sandbox's routed link, or {@code null} for no network
     */
    public static List<String> render(
            String name,
            SandboxSpec spec,
            Path sandboxDir,
            int idOffset,
            CgroupVersion cgroups,
            boolean apparmor,
            Path seccompProfile,
            Egress.Link egress) {
        Limits limits = spec.limits();
        List<String> lines = new ArrayList<>();
        lines.add("lxc.uts.name = sandbox");
        lines.add(
                "lxc.rootfs.path = overlay:"
                        + sandboxDir.resolve(LOWER_LAYER)
                        + ":"
                        + sandboxDir.resolve(LxcDriver.WRITABLE_LAYER).resolve("upper"));
        lines.add("lxc.idmap = u 0 " + idOffset + " " + ID_RANGE);
        lines.add("lxc.idmap = g 0 " + idOffset + " " + ID_RANGE);
        lines.addAll(network(egress));
        lines.add("lxc.apparmor.profile = " + (apparmor ? "generated" : "unconfined"));
        lines.add("lxc.no_new_privs = 1");
        lines.add("lxc.seccomp.profile = " + seccompProfile);
        // The image's init (src/main/c/init.c) brings loopback up (a new network namespace starts
        // with it down), has the kernel reap orphans, and sleeps.
        lines.add("lxc.init.cmd = /usr/local/lib/codaipro/init");
        lines.add("lxc.mount.auto = proc:mixed sys:ro");
        lines.add("lxc.autodev = 1");
        lines.add("lxc.pty.max = " + MAX_PTYS);
        lines.add("lxc.tty.max = 0");
        lines.add("lxc.console.path = none");
        lines.add("lxc.prlimit.nofile = " + limits.openFiles());
        long tmpfsBytes = Math.max(1L << 20, limits.memoryBytes() / 4);
        lines.add(
                "lxc.mount.entry = tmpfs tmp tmpfs rw,nosuid,nodev,size="
                        + tmpfsBytes
                        + ",mode=1777,create=dir 0 0");
        lines.add(
                "lxc.mount.entry = tmpfs dev/shm tmpfs rw,nosuid,nodev,noexec,size="
                        + tmpfsBytes
                        + ",mode=1777,create=dir 0 0");
        for (int index = 0; index < spec.mounts().size(); index++) {
            Mount mount = spec.mounts().get(index);
            Path source = sandboxDir.resolve(VOLUMES).resolve(Integer.toString(index));
            lines.add(
                    "lxc.mount.entry = "
                            + source
                            + " "
                            + mount.target().substring(1)
                            + " none bind,nosuid,nodev"
                            + (mount.readOnly() ? ",ro" : "")
                            + ",create=dir 0 0");
        }
        lines.addAll(cgroupLimits(limits, cgroups));
        return lines;
    }

    static List<String> network(Egress.Link egress) {
        if (egress == null) {
            return List.of("lxc.net.0.type = empty");
        }
        return List.of(
                "lxc.net.0.type = veth",
                "lxc.net.0.veth.mode = router",
                "lxc.net.0.veth.pair = " + egress.interfaceName(),
                "lxc.net.0.name = eth0",
                "lxc.net.0.flags = up",
                "lxc.net.0.ipv4.address = " + egress.address() + "/" + egress.prefixLength(),
                "lxc.net.0.ipv4.gateway = " + egress.gateway());
    }

    static List<String> cgroupLimits(Limits limits, CgroupVersion cgroups) {
        String prefix = cgroups == CgroupVersion.V2 ? "lxc.cgroup2." : "lxc.cgroup.";
        List<String> lines = new ArrayList<>();
        cgroupFiles(limits, cgroups)
                .forEach((file, value) -> lines.add(prefix + file + " = " + value));
        return lines;
    }

    /**
     * The cgroup files that carry the limits, with their values, in the order to write them: a
     * memory limit before the memory+swap limit, which may not be below it while lowering.
     */
    static Map<String, String> cgroupFiles(Limits limits, CgroupVersion cgroups) {
        long periodMicros = 100_000;
        long quotaMicros = periodMicros * limits.cpuMillicores() / 1000;
        Map<String, String> files = new LinkedHashMap<>();
        if (cgroups == CgroupVersion.V2) {
            files.put("memory.max", Long.toString(limits.memoryBytes()));
            files.put("memory.swap.max", "0");
            files.put("pids.max", Integer.toString(limits.pids()));
            files.put("cpu.max", quotaMicros + " " + periodMicros);
            return files;
        }
        files.put("memory.limit_in_bytes", Long.toString(limits.memoryBytes()));
        files.put("memory.memsw.limit_in_bytes", Long.toString(limits.memoryBytes()));
        files.put("memory.swappiness", "0");
        files.put("pids.max", Integer.toString(limits.pids()));
        files.put("cpu.cfs_period_us", Long.toString(periodMicros));
        files.put("cpu.cfs_quota_us", Long.toString(quotaMicros));
        return files;
    }

    /**
     * The seccomp policy: LXC's own default deny list plus what hostile student code reaches for
     * and a code sandbox never needs (isolate and nsjail deny the same).
     */
    public static String seccompProfile() {
        List<String> denied =
                List.of(
                        // LXC's default list
                        "kexec_load",
                        "open_by_handle_at",
                        "init_module",
                        "finit_module",
                        "delete_module",
                        // kernel attack surface a sandbox never needs
                        "keyctl",
                        "add_key",
                        "request_key",
                        "bpf",
                        "perf_event_open",
                        "userfaultfd",
                        "io_uring_setup",
                        "io_uring_enter",
                        "io_uring_register",
                        "kexec_file_load",
                        "fanotify_init",
                        "name_to_handle_at",
                        "acct",
                        "swapon",
                        "swapoff",
                        "syslog",
                        "quotactl",
                        "lookup_dcookie",
                        "vhangup",
                        "pivot_root",
                        "mount",
                        "umount2",
                        "fsopen",
                        "fsmount",
                        "fsconfig",
                        "move_mount",
                        "open_tree",
                        "mount_setattr",
                        "reboot",
                        "settimeofday",
                        "clock_settime",
                        "clock_adjtime",
                        "adjtimex",
                        "unshare",
                        "setns");
        StringBuilder profile = new StringBuilder("2\ndenylist\n[all]\n");
        for (String syscall : denied) {
            profile.append(syscall).append(" errno 1\n");
        }
        // No AF_VSOCK (40) sockets: socket(domain == 40) fails with EPERM.
        profile.append("socket errno 1 [0,40,SCMP_CMP_EQ]\n");
        // No new user namespaces through clone(CLONE_NEWUSER); clone3 passes its flags in memory
        // that seccomp cannot read, so it reports ENOSYS and the C library falls back to clone.
        profile.append("clone errno 1 [0,268435456,SCMP_CMP_MASKED_EQ,268435456]\n");
        profile.append("clone3 errno 38\n");
        return profile.toString();
    }
}
