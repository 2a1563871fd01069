package pro.codai.sandbox.lxc.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls the driver needs: pipes, raw reads and writes, waiting, signals, PTYs, mounts,
 * filesystem statistics.
 */
public interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int O_CLOEXEC = 0x80000;
    int SIGKILL = 9;
    int SIGHUP = 1;
    int EINTR = 4;
    long TIOCSWINSZ = 0x5414;

    int pipe2(int[] fds, int flags);

    long read(int fd, byte[] buffer, long count);

    /** Into native memory: a byte[] argument is copied out and back in whole on every call. */
    long read(int fd, Pointer buffer, long count);

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

    int AF_UNIX = 1;
    int SOCK_SEQPACKET = 5;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SCM_RIGHTS = 1;
    int MSG_NOSIGNAL = 0x4000;
    int SHUT_RDWR = 2;

    int socketpair(int domain, int type, int protocol, int[] fds);

    /** {@code message} is a {@code struct msghdr} (56 bytes on 64-bit Linux). */
    long sendmsg(int fd, Pointer message, int flags);

    long recv(int fd, byte[] buffer, long length, int flags);

    int shutdown(int fd, int how);

    /** Returns an errno, not -1. {@code fileActions} is a {@code posix_spawn_file_actions_t}. */
    int posix_spawn(
            int[] pid,
            String path,
            Pointer fileActions,
            Pointer attributes,
            String[] argv,
            String[] environment);

    /** glibc's {@code posix_spawn_file_actions_t} is 80 bytes on 64-bit Linux. */
    int POSIX_SPAWN_FILE_ACTIONS_SIZE = 80;

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    /** glibc 2.34+. */
    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int mount(String source, String target, String filesystemType, long flags, String data);

    int umount2(String target, int flags);

    /** {@code struct statvfs} is 112 bytes on 64-bit Linux: eleven longs, then spare ints. */
    int statvfs(String path, Pointer buffer);
}
