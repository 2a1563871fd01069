package pro.codai.sandbox.lxc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import pro.codai.sandbox.api.Limits;

class ResourceViewsTest {

    static final String MOUNTINFO =
            String.join(
                    "\n",
                    "26 1 0:23 / / rw,relatime - overlay overlay rw",
                    "49 26 0:43 / /var/lib/lxcfs rw,nosuid,nodev,relatime - fuse.lxcfs lxcfs"
                            + " rw,user_id=0,group_id=0,allow_other",
                    "");

    @Test
    void lxcfsIsFoundByItsMountPointAndType() {
        assertThat(ResourceViews.lxcfsMounted(MOUNTINFO, Path.of("/var/lib/lxcfs"))).isTrue();
        assertThat(ResourceViews.lxcfsMounted(MOUNTINFO, Path.of("/srv/lxcfs"))).isFalse();
        assertThat(
                        ResourceViews.lxcfsMounted(
                                "49 26 0:43 / /var/lib/lxcfs rw - tmpfs tmpfs rw\n",
                                Path.of("/var/lib/lxcfs")))
                .as("another filesystem at LXCFS's place")
                .isFalse();
        assertThat(ResourceViews.lxcfsMounted("", Path.of("/var/lib/lxcfs"))).isFalse();
    }

    @Test
    void withLxcfsItsProcFilesAndCpusAreBoundReadOnlyAndOptional() {
        assertThat(new ResourceViews(true, true).configLines())
                .containsExactly(
                        "lxc.mount.auto = cgroup:ro:force",
                        "lxc.mount.entry = /var/lib/lxcfs/proc/meminfo proc/meminfo none"
                                + " bind,ro,optional 0 0",
                        "lxc.mount.entry = /var/lib/lxcfs/proc/cpuinfo proc/cpuinfo none"
                                + " bind,ro,optional 0 0",
                        "lxc.mount.entry = /var/lib/lxcfs/proc/stat proc/stat none"
                                + " bind,ro,optional 0 0",
                        "lxc.mount.entry = /var/lib/lxcfs/proc/uptime proc/uptime none"
                                + " bind,ro,optional 0 0",
                        "lxc.mount.entry = /var/lib/lxcfs/proc/diskstats proc/diskstats none"
                                + " bind,ro,optional 0 0",
                        "lxc.mount.entry = /var/lib/lxcfs/proc/swaps proc/swaps none"
                                + " bind,ro,optional 0 0",
                        "lxc.mount.entry = /var/lib/lxcfs/proc/loadavg proc/loadavg none"
                                + " bind,ro,optional 0 0",
                        "lxc.mount.entry = /var/lib/lxcfs/sys/devices/system/cpu"
                                + " sys/devices/system/cpu none bind,ro,optional 0 0");
    }

    @Test
    void withoutLxcfsOnlyTheCgroupIsShown() {
        assertThat(new ResourceViews(true, false).configLines())
                .containsExactly("lxc.mount.auto = cgroup:ro:force");
    }

    @Test
    void offChangesNothing() {
        assertThat(ResourceViews.OFF.configLines()).isEmpty();
        assertThat(ResourceViews.OFF.environment(LxcConfigTest.LIMITS)).isEmpty();
        assertThat(ResourceViews.detect(false)).isEqualTo(ResourceViews.OFF);
    }

    private static Limits millicores(int value) {
        Limits l = LxcConfigTest.LIMITS;
        return new Limits(
                l.memoryBytes(),
                value,
                l.pids(),
                l.diskBytes(),
                l.openFiles(),
                l.cpuTime(),
                l.wallTime());
    }

    @Test
    void theCpuLimitIsGivenInWholeCoresRoundedUp() {
        assertThat(new ResourceViews(true, false).environment(LxcConfigTest.LIMITS))
                .containsExactly("OMP_NUM_THREADS=1"); // 500 millicores
        assertThat(ResourceViews.cores(millicores(1000))).isEqualTo(1);
        assertThat(ResourceViews.cores(millicores(1500))).isEqualTo(2);
        assertThat(ResourceViews.cores(millicores(4000))).isEqualTo(4);
    }
}
