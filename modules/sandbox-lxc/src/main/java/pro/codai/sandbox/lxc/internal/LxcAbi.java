package pro.codai.sandbox.lxc.internal;

/**
 * Byte offsets in liblxc 5.0's {@code struct lxc_container} on 64-bit Linux, for the members this
 * driver calls through JNA (the launcher, which starts and attaches, is compiled against the
 * headers). The layout changes between liblxc releases, so the driver refuses any other major.minor
 * version ({@link #supports}); {@code LxcAbiTest} recompiles the offsets from the installed {@code
 * lxccontainer.h} with gcc and compares.
 */
public final class LxcAbi {

    /** liblxc versions whose layout these offsets describe. */
    public static final String SUPPORTED_VERSION_PREFIX = "5.0.";

    // struct lxc_container
    public static final int ERROR_NUM = 64;
    public static final int IS_DEFINED = 80;
    public static final int STATE = 88;
    public static final int IS_RUNNING = 96;
    public static final int INIT_PID = 120;
    public static final int STOP = 152;
    public static final int WAIT = 184;
    public static final int SET_CONFIG_ITEM = 192;
    public static final int GET_CONFIG_ITEM = 272;
    public static final int GET_CGROUP_ITEM = 312;
    public static final int SET_CGROUP_ITEM = 320;

    private LxcAbi() {}

    public static boolean supports(String version) {
        return version != null && version.startsWith(SUPPORTED_VERSION_PREFIX);
    }
}
