package pro.codai.sandbox.lxc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.Mount;
import pro.codai.sandbox.api.SandboxSpec;

class LxcConfigTest {

    static final Limits LIMITS =
            new Limits(
                    256L << 20,
                    500,
                    100,
                    1L << 30,
                    512,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10));

    private static List<String> render(CgroupVersion cgroups, SandboxSpec spec) {
        return LxcConfig.render(
                "sb-1",
                spec,
                Path.of("/state/sb-1"),
                1_065_536,
                cgroups,
                false,
                Path.of("/state/seccomp.policy"),
                null);
    }

    @Test
    void sandboxesAreUnprivilegedCopyOnWriteAndOffline() {
        List<String> config =
                render(CgroupVersion.V1, SandboxSpec.defaults("base").withLimits(LIMITS));

        assertThat(config)
                .contains(
                        "lxc.rootfs.path = overlay:/state/sb-1/lower:/state/sb-1/rw/upper",
                        "lxc.idmap = u 0 1065536 65536",
                        "lxc.idmap = g 0 1065536 65536",
                        "lxc.net.0.type = empty",
                        "lxc.no_new_privs = 1",
                        "lxc.seccomp.profile = /state/seccomp.policy",
                        "lxc.mount.auto = proc:mixed sys:ro",
                        "lxc.prlimit.nofile = 512",
                        "lxc.pty.max = 16");
        assertThat(config).noneMatch(line -> line.startsWith("lxc.net.0.link"));
    }

    @Test
    void anAllowlistGetsARoutedLinkNotABridge() {
        Egress.Link link = new Egress.Link("cpsbx-7", "10.213.0.9", 16, "10.213.0.1", List.of());

        assertThat(LxcConfig.network(link))
                .containsExactly(
                        "lxc.net.0.type = veth",
                        "lxc.net.0.veth.mode = router",
                        "lxc.net.0.veth.pair = cpsbx-7",
                        "lxc.net.0.name = eth0",
                        "lxc.net.0.flags = up",
                        "lxc.net.0.ipv4.address = 10.213.0.9/16",
                        "lxc.net.0.ipv4.gateway = 10.213.0.1");
    }

    @Test
    void cgroupV1LimitsUseV1KeysWithSwapOff() {
        assertThat(render(CgroupVersion.V1, SandboxSpec.defaults("base").withLimits(LIMITS)))
                .contains(
                        "lxc.cgroup.memory.limit_in_bytes = 268435456",
                        "lxc.cgroup.memory.memsw.limit_in_bytes = 268435456",
                        "lxc.cgroup.pids.max = 100",
                        "lxc.cgroup.cpu.cfs_quota_us = 50000",
                        "lxc.cgroup.cpu.cfs_period_us = 100000");
    }

    @Test
    void cgroupV2LimitsUseV2KeysWithSwapOff() {
        List<String> config =
                render(CgroupVersion.V2, SandboxSpec.defaults("base").withLimits(LIMITS));

        assertThat(config)
                .contains(
                        "lxc.cgroup2.memory.max = 268435456",
                        "lxc.cgroup2.memory.swap.max = 0",
                        "lxc.cgroup2.pids.max = 100",
                        "lxc.cgroup2.cpu.max = 50000 100000");
        assertThat(config).noneMatch(line -> line.startsWith("lxc.cgroup."));
    }

    @Test
    void volumesAreBoundFromTheSandboxsOwnIdmappedViews() {
        SandboxSpec spec =
                SandboxSpec.defaults("base")
                        .withMounts(
                                List.of(
                                        new Mount("ws-7", "/home/student", false),
                                        new Mount("course-3", "/srv/course", true)));

        assertThat(render(CgroupVersion.V2, spec))
                .contains(
                        "lxc.mount.entry = /state/sb-1/volumes/0 home/student none bind,nosuid,nodev,create=dir 0 0",
                        "lxc.mount.entry = /state/sb-1/volumes/1 srv/course none bind,nosuid,nodev,ro,create=dir 0 0");
    }

    @Test
    void theSeccompPolicyDeniesWhatIsolateDeniesToo() {
        String policy = LxcConfig.seccompProfile();

        assertThat(policy).startsWith("2\ndenylist\n");
        assertThat(policy)
                .contains(
                        "keyctl errno 1",
                        "bpf errno 1",
                        "io_uring_setup errno 1",
                        "userfaultfd errno 1",
                        "perf_event_open errno 1",
                        "open_by_handle_at errno 1",
                        "socket errno 1 [0,40,SCMP_CMP_EQ]",
                        "clone3 errno 38");
    }

    @Test
    void cgroupVersionIsReadFromTheControllersFile(@TempDir Path root) throws Exception {
        assertThat(CgroupVersion.detect(root)).isEqualTo(CgroupVersion.V1);
        Files.writeString(root.resolve("cgroup.controllers"), "");
        assertThat(CgroupVersion.detect(root))
                .as("an empty v2 mount beside v1")
                .isEqualTo(CgroupVersion.V1);
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        assertThat(CgroupVersion.detect(root)).isEqualTo(CgroupVersion.V2);
    }

    @Test
    void imageShifterRaisesOwnersWithoutFollowingLinks(@TempDir Path root) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "needs root to chown");
        Path file = Files.writeString(root.resolve("file"), "x");
        Path outside = Files.writeString(Files.createTempFile("outside", ".txt"), "y");
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.setAttribute(file, "unix:mode", 04755);

        ImageShifter.shift(root, 1_000_000);

        assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(1_000_000);
        assertThat((Integer) Files.getAttribute(file, "unix:mode") & 07777).isEqualTo(04755);
        assertThat(Files.getAttribute(outside, "unix:uid"))
                .as("link target untouched")
                .isEqualTo(0);
        Files.delete(outside);
    }
}
