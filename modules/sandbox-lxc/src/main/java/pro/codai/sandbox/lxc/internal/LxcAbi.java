package pro.codai.sandbox.lxc.internal;

/**
 * Byte offsets in liblxc 5.0's {@code struct lxc_container} and {@code lxc_attach_options_t} on
 * 64-bit Linux, for the members this driver calls. The layout changes between liblxc releases, so
 * the driver refuses any other major.minor version ({@link #supports}); {@code LxcAbiTest}
 * recompiles the offsets from the installed {@code lxccontainer.h} with gcc and compares.
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
    public static final int START = 136;
    public static final int STOP = 152;
    public static final int WANT_DAEMONIZE = 160;
    public static final int WANT_CLOSE_ALL_FDS = 168;
    public static final int WAIT = 184;
    public static final int SET_CONFIG_ITEM = 192;
    public static final int GET_CONFIG_ITEM = 272;
    public static final int GET_CGROUP_ITEM = 312;
    public static final int SET_CGROUP_ITEM = 320;
    public static final int ATTACH = 368;

    // lxc_attach_options_t
    public static final int ATTACH_OPTIONS_SIZE = 96;
    public static final int OPT_ATTACH_FLAGS = 0;
    public static final int OPT_NAMESPACES = 4;
    public static final int OPT_PERSONALITY = 8;
    public static final int OPT_INITIAL_CWD = 16;
    public static final int OPT_UID = 24;
    public static final int OPT_GID = 28;
    public static final int OPT_ENV_POLICY = 32;
    public static final int OPT_EXTRA_ENV_VARS = 40;
    public static final int OPT_EXTRA_KEEP_ENV = 48;
    public static final int OPT_STDIN_FD = 56;
    public static final int OPT_STDOUT_FD = 60;
    public static final int OPT_STDERR_FD = 64;
    public static final int OPT_LOG_FD = 68;
    public static final int OPT_LSM_LABEL = 72;
    public static final int OPT_GROUPS = 80;

    // attach flags and policies (attach_options.h)
    public static final int LXC_ATTACH_DEFAULT = 0x0000FFFF;
    public static final int LXC_ATTACH_CLEAR_ENV = 1;

    private LxcAbi() {}

    public static boolean supports(String version) {
        return version != null && version.startsWith(SUPPORTED_VERSION_PREFIX);
    }
}
