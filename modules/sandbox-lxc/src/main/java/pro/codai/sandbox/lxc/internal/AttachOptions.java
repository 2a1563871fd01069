package pro.codai.sandbox.lxc.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;

/**
 * An {@code lxc_attach_options_t} in native memory: all namespaces, the container's cgroup, a
 * cleared environment, the given user and working directory, and the given descriptors as
 * stdin/stdout/stderr.
 */
public final class AttachOptions {

    private final Memory options = new Memory(LxcAbi.ATTACH_OPTIONS_SIZE);
    private final Memory cwd;
    private final StringArray environment;

    public AttachOptions(
            int uid,
            int gid,
            String workingDirectory,
            List<String> env,
            int stdin,
            int stdout,
            int stderr) {
        options.clear();
        cwd = new Memory(workingDirectory.getBytes(StandardCharsets.UTF_8).length + 1L);
        cwd.setString(0, workingDirectory, "UTF-8");
        environment = new StringArray(env.toArray(String[]::new), "UTF-8");
        options.setInt(LxcAbi.OPT_ATTACH_FLAGS, LxcAbi.LXC_ATTACH_DEFAULT);
        options.setInt(LxcAbi.OPT_NAMESPACES, -1);
        options.setLong(LxcAbi.OPT_PERSONALITY, -1L);
        options.setPointer(LxcAbi.OPT_INITIAL_CWD, cwd);
        options.setInt(LxcAbi.OPT_UID, uid);
        options.setInt(LxcAbi.OPT_GID, gid);
        options.setInt(LxcAbi.OPT_ENV_POLICY, LxcAbi.LXC_ATTACH_CLEAR_ENV);
        options.setPointer(LxcAbi.OPT_EXTRA_ENV_VARS, environment);
        options.setPointer(LxcAbi.OPT_EXTRA_KEEP_ENV, Pointer.NULL);
        options.setInt(LxcAbi.OPT_STDIN_FD, stdin);
        options.setInt(LxcAbi.OPT_STDOUT_FD, stdout);
        options.setInt(LxcAbi.OPT_STDERR_FD, stderr);
        options.setInt(LxcAbi.OPT_LOG_FD, -9); // -EBADF: no log descriptor
        options.setPointer(LxcAbi.OPT_LSM_LABEL, Pointer.NULL);
        options.setLong(LxcAbi.OPT_GROUPS, 0L);
        options.setPointer(LxcAbi.OPT_GROUPS + 8, Pointer.NULL);
    }

    Pointer pointer() {
        return options;
    }
}
