package pro.codai.sandbox.lxc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLeftoversTest {

    @TempDir Path tempDir;

    @Test
    void findsThisProcesssCgroupInEveryV1HierarchyAndTheEmptyV2Mount() {
        List<String> mountinfo =
                List.of(
                        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
                        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
                        "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd",
                        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
                        "50 23 0:40 / /proc rw - proc proc rw");
        List<String> cgroups =
                List.of(
                        "9:name=systemd:/system.slice/sandboxd.service",
                        "4:memory:/system.slice/sandboxd.service",
                        "2:cpu,cpuacct:/",
                        "0::/system.slice/sandboxd.service");

        assertThat(CgroupLeftovers.bases(mountinfo, cgroups))
                .containsExactly(
                        Path.of("/sys/fs/cgroup/systemd/system.slice/sandboxd.service"),
                        Path.of("/sys/fs/cgroup/memory/system.slice/sandboxd.service"),
                        Path.of("/sys/fs/cgroup/cpu,cpuacct"),
                        Path.of("/sys/fs/cgroup/unified/system.slice/sandboxd.service"));
    }

    @Test
    void findsTheUnifiedHierarchyOfACgroupV2HostAndMountsOfASubtree() {
        List<String> mountinfo =
                List.of(
                        "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate",
                        "60 23 0:26 /system.slice /mnt/slice\\040copy rw - cgroup2 cgroup2 rw");
        List<String> cgroups = List.of("0::/system.slice/codaipro-sandboxd.service");

        assertThat(CgroupLeftovers.bases(mountinfo, cgroups))
                .containsExactly(Path.of("/sys/fs/cgroup/system.slice/codaipro-sandboxd.service"));
        assertThat(CgroupLeftovers.bases(mountinfo.subList(1, 2), cgroups))
                .containsExactly(Path.of("/mnt/slice copy/codaipro-sandboxd.service"));
    }

    @Test
    void removesOnlyTheNamedSandboxesCgroupsChildrenFirstAndLeavesBusyOnes() throws Exception {
        Path v1 = Files.createDirectories(tempDir.resolve("memory"));
        Path v2 = Files.createDirectories(tempDir.resolve("unified"));
        for (Path base : List.of(v1, v2)) {
            Files.createDirectories(base.resolve("lxc.monitor.sbx-1"));
            Files.createDirectories(base.resolve("lxc.payload.sbx-1/made-inside/deeper"));
            Files.createDirectories(base.resolve("lxc.monitor.sbx-2"));
            Files.createDirectories(base.resolve("lxc.monitor.other-1"));
        }
        // A cgroup with processes cannot be removed; a file stands in for them here.
        Files.writeString(v2.resolve("lxc.monitor.sbx-2").resolve("cgroup.procs"), "42\n");
        CgroupLeftovers leftovers = new CgroupLeftovers(List.of(v1, v2));

        leftovers.remove("sbx-1");
        int removed = leftovers.removeAll(name -> name.startsWith("sbx-"));

        for (Path base : List.of(v1, v2)) {
            assertThat(base.resolve("lxc.monitor.sbx-1")).doesNotExist();
            assertThat(base.resolve("lxc.payload.sbx-1")).doesNotExist();
            assertThat(base.resolve("lxc.monitor.other-1")).isDirectory();
        }
        assertThat(v1.resolve("lxc.monitor.sbx-2")).doesNotExist();
        assertThat(v2.resolve("lxc.monitor.sbx-2")).isDirectory();
        assertThat(removed).isEqualTo(1);
    }
}
