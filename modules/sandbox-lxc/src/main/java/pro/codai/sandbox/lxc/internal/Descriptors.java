package pro.codai.sandbox.lxc.internal;

import com.sun.jna.Native;

/**
 * Keeps this process's descriptors out of sandboxes. liblxc's attach forks this process and does
 * not close inherited descriptors (the CVE-2016-8649 pattern), and the JVM opens some files without
 * close-on-exec; so before every attach each descriptor above 2 is marked close-on-exec.
 */
public final class Descriptors {

    private Descriptors() {}

    /** Marks every open descriptor above stderr close-on-exec, in one system call. */
    public static synchronized void markAllCloseOnExec() {
        if (LibC.INSTANCE.close_range(3, -1, LibC.CLOSE_RANGE_CLOEXEC) != 0) {
            throw new IllegalStateException(
                    "close_range failed (errno " + Native.getLastError() + ")");
        }
    }
}
