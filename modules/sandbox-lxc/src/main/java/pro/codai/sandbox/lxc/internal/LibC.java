package pro.codai.sandbox.lxc.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls the driver needs: pipes, raw reads and writes, waiting, signals, PTYs. */
public interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int O_CLOEXEC = 0x80000;
    int SIGKILL = 9;
    int SIGHUP = 1;
    int EINTR = 4;
    long TIOCSWINSZ = 0x5414;

    int pipe2(int[] fds, int flags);

    long read(int fd, byte[] buffer, long count);

    long write(int fd, byte[] buffer, long count);

    int close(int fd);

    /** {@code rusage} is 144 bytes on 64-bit Linux; utime at 0, stime at 16 (two timevals). */
    int wait4(int pid, int[] status, int options, Pointer rusage);

    int kill(int pid, int signal);

    int openpty(int[] master, int[] slave, Pointer name, Pointer termios, Pointer winsize);

    int ioctl(int fd, long request, Pointer argument);

    /** Linux 5.11+, glibc 2.34+; with {@code CLOSE_RANGE_CLOEXEC} it only marks the range. */
    int close_range(int first, int last, int flags);

    int CLOSE_RANGE_CLOEXEC = 4;

    long MS_NOSUID = 2;
    long MS_REMOUNT = 32;
    long MS_NODEV = 4;
    int MNT_DETACH = 2;
    int EINVAL = 22;
    int ENOENT = 2;

    int mount(String source, String target, String filesystemType, long flags, String data);

    int umount2(String target, int flags);
}
