package pro.codai.sandbox.lxc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import pro.codai.sandbox.api.PtySession;
import pro.codai.sandbox.lxc.internal.LibC;

/**
 * A login shell in a sandbox on a pseudo-terminal whose master side this process holds. The shell
 * is its session's leader with the terminal as controlling terminal (cleanexec), so closing the
 * session hangs it up and then kills its whole process group.
 */
final class LxcPtySession implements PtySession {

    static final Duration HANGUP_GRACE = Duration.ofMillis(200);

    /** Largest read from the terminal. */
    static final int READ_CHUNK = 32 * 1024;

    private final int master;
    private final int shellPid;
    private final CompletableFuture<Void> exited;
    private volatile boolean closed;

    /**
     * Where reads land, reused: a keystroke's echo is a read, so a fresh buffer each time would be
     * most of the daemon's garbage. Left to the garbage collector rather than freed at close, since
     * a read blocked in another thread may still be writing into it.
     */
    private final Memory readBuffer = new Memory(READ_CHUNK);

    /**
     * @param shellExit completes when the launcher has reaped the shell (or failed if the launcher
     *     ended)
     */
    LxcPtySession(int master, int shellPid, CompletableFuture<Launcher.Exit> shellExit) {
        this.master = master;
        this.shellPid = shellPid;
        this.exited = shellExit.handle((exit, failure) -> null);
    }

    /** Sets a terminal's size (struct winsize: rows, columns, then unused pixel sizes). */
    static void setSize(int fd, int columns, int rows) {
        try (Memory winsize = new Memory(8)) {
            winsize.clear();
            winsize.setShort(0, (short) rows);
            winsize.setShort(2, (short) columns);
            LibC.INSTANCE.ioctl(fd, LibC.TIOCSWINSZ, winsize);
        }
    }

    @Override
    public InputStream output() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                synchronized (readBuffer) {
                    while (true) {
                        long n =
                                LibC.INSTANCE.read(
                                        master, readBuffer, Math.min(length, READ_CHUNK));
                        if (n > 0) {
                            readBuffer.read(0, buffer, offset, (int) n);
                            return (int) n;
                        }
                        // EIO: every slave descriptor is closed: the shell and its children ended.
                        if (n == 0 || Native.getLastError() != LibC.EINTR) {
                            return -1;
                        }
                    }
                }
            }
        };
    }

    @Override
    public OutputStream input() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                byte[] rest = Arrays.copyOfRange(buffer, offset, offset + length);
                while (rest.length > 0) {
                    if (closed) {
                        throw new IOException("terminal closed");
                    }
                    long n = LibC.INSTANCE.write(master, rest, rest.length);
                    if (n < 0) {
                        if (Native.getLastError() == LibC.EINTR) {
                            continue;
                        }
                        throw new IOException(
                                "terminal closed (errno " + Native.getLastError() + ")");
                    }
                    rest = Arrays.copyOfRange(rest, (int) n, rest.length);
                }
            }
        };
    }

    @Override
    public void resize(int columns, int rows) {
        if (!closed) {
            setSize(master, columns, rows);
        }
    }

    @Override
    public boolean isAlive() {
        return !exited.isDone();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // An interactive shell puts each job in a process group of its own, so the whole
        // session is ended: hang-up first (the shell passes it to its jobs), then SIGKILL.
        LibC.INSTANCE.kill(-shellPid, LibC.SIGHUP);
        try {
            exited.get(HANGUP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // killed below
        }
        killSession(shellPid);
        exited.join();
        LibC.INSTANCE.close(master);
    }

    /** SIGKILLs every process whose session is {@code sessionId} (host pids, from /proc). */
    static void killSession(int sessionId) {
        try (var processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    // pid (comm) state ppid pgrp session ...: comm may hold spaces and parentheses
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Integer.parseInt(fields[3]) == sessionId) {
                        LibC.INSTANCE.kill(
                                Integer.parseInt(process.getFileName().toString()), LibC.SIGKILL);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            LibC.INSTANCE.kill(-sessionId, LibC.SIGKILL);
        }
    }
}
