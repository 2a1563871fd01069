package pro.codai.sandbox.lxc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import pro.codai.sandbox.lxc.internal.LibC;

/**
 * Starts containers and attaches programs to them through the {@code launcher} co-process (see
 * {@code src/main/c/launcher.c}). Both liblxc calls fork their caller, and a fork costs in
 * proportion to the caller's memory: made from the JVM, the copy and teardown of its page tables
 * was the largest cost of a short run; made from the launcher, a few hundred kilobytes, it is
 * small. The launcher is also what liblxc's attach exposes to a container, instead of the daemon.
 *
 * <p>Requests go over a {@code SOCK_SEQPACKET} socket pair, the run's descriptors with them ({@code
 * SCM_RIGHTS}); the launcher reaps every program it attached and reports its wait status and CPU
 * time. If the launcher dies, the waits in flight fail and the next request starts a new one.
 */
final class Launcher implements AutoCloseable {

    /**
     * How an attached program ended: its wait status, and the CPU it and its reaped children used.
     */
    record Exit(int status, long cpuMicros) {}

    /** An attached program: its host pid, and its end. */
    record Attached(int pid, CompletableFuture<Exit> exit) {}

    /** A request's bytes, for the tag its reply will carry. */
    @FunctionalInterface
    interface RequestEncoder {
        byte[] encode(int tag) throws IOException;
    }

    private static final Logger LOG = Logger.getLogger(Launcher.class.getName());

    static final int START = 1;
    static final int ATTACH = 2;
    static final int FORGET = 3;
    private static final int OK = 1;
    private static final int ERROR = 2;
    private static final int EXIT = 3;

    static final int MAX_REQUEST_BYTES = 64 * 1024;

    /**
     * The launcher's PATH leaves out {@code /usr/bin}: liblxc runs the setuid {@code newuidmap} and
     * {@code newgidmap} (two execs per start) whenever it finds them there, although as root it
     * writes a container's id maps itself when it does not.
     */
    static final String LAUNCHER_PATH = "/usr/local/sbin:/usr/sbin:/sbin";

    private static final int REPLY_BYTES = 4 * 4 + 8 + 200;
    private static final int HEADER_BYTES = 4 * 4;

    /** A start or an attach that takes longer has hung; the launcher is replaced. */
    private static final long REPLY_TIMEOUT_SECONDS = 60;

    private final Path executable;
    private final String role;
    private Helper helper;

    /**
     * @param role what this launcher does, for its thread names and the log
     */
    Launcher(Path executable, String role) {
        this.executable = executable;
        this.role = role;
    }

    /** Starts a container, daemonized; returns once liblxc has started it. */
    void start(Path lxcPath, String name) throws IOException {
        call(START, lxcPath, name, "", List.of(), List.of(), null);
    }

    /**
     * Runs {@code argv} in a running container as its root, with exactly {@code env} as the
     * environment, {@code cwd} as the working directory and the three descriptors as stdin, stdout
     * and stderr.
     */
    Attached attach(
            Path lxcPath,
            String name,
            String cwd,
            List<String> argv,
            List<String> env,
            int stdin,
            int stdout,
            int stderr)
            throws IOException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no program to run");
        }
        return (Attached)
                call(ATTACH, lxcPath, name, cwd, argv, env, new int[] {stdin, stdout, stderr});
    }

    /** The launcher process's pid, or -1 while none runs. */
    synchronized long pid() {
        return helper == null || !helper.alive ? -1 : helper.pid;
    }

    /** Drops the launcher's handle of a container that stopped. */
    void forget(Path lxcPath, String name) {
        Helper current;
        synchronized (this) {
            current = helper;
        }
        if (current == null || !current.alive) {
            return; // a new launcher holds no handles
        }
        try {
            call(FORGET, lxcPath, name, "", List.of(), List.of(), null);
        } catch (IOException e) {
            LOG.fine(() -> "forgetting " + name + ": " + e.getMessage());
        }
    }

    private Object call(
            int type,
            Path lxcPath,
            String name,
            String cwd,
            List<String> argv,
            List<String> env,
            int[] descriptors)
            throws IOException {
        return exchange(
                type,
                tag -> Helper.encode(type, tag, lxcPath.toString(), name, cwd, argv, env),
                descriptors);
    }

    /** Sends one request (its bytes made for the tag given) and waits for its reply. */
    Object exchange(int type, RequestEncoder request, int[] descriptors) throws IOException {
        Helper current = helper();
        CompletableFuture<Object> reply = current.send(type, request, descriptors);
        try {
            return reply.get(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            current.kill();
            throw new IOException("the " + role + " launcher did not answer; it was replaced");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private synchronized Helper helper() throws IOException {
        if (helper == null || !helper.alive) {
            if (helper != null) {
                LOG.warning(() -> "the " + role + " launcher ended; starting it again");
            }
            helper = Helper.spawn(executable, role);
        }
        return helper;
    }

    @Override
    public synchronized void close() {
        if (helper != null) {
            helper.kill();
            helper = null;
        }
    }

    /** One launcher process and its socket. */
    private static final class Helper {
        private final int socket;
        private final int pid;
        private final AtomicInteger tags = new AtomicInteger();
        private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
        private final Map<Integer, CompletableFuture<Exit>> running = new ConcurrentHashMap<>();
        private volatile boolean alive = true;
        private boolean socketClosed;
        private volatile boolean killed;

        private record Pending(int type, CompletableFuture<Object> reply) {}

        private Helper(int socket, int pid) {
            this.socket = socket;
            this.pid = pid;
        }

        static Helper spawn(Path executable, String role) throws IOException {
            int[] pair = new int[2];
            if (LibC.INSTANCE.socketpair(
                            LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair)
                    != 0) {
                throw new IOException("socketpair failed (errno " + Native.getLastError() + ")");
            }
            int[] pid = new int[1];
            int error;
            try (Memory actions = new Memory(LibC.POSIX_SPAWN_FILE_ACTIONS_SIZE)) {
                LibC.INSTANCE.posix_spawn_file_actions_init(actions);
                // The launcher's end becomes its stdin; nothing else of this process goes with it.
                LibC.INSTANCE.posix_spawn_file_actions_adddup2(actions, pair[1], 0);
                LibC.INSTANCE.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                error =
                        LibC.INSTANCE.posix_spawn(
                                pid,
                                executable.toString(),
                                actions,
                                null,
                                new String[] {executable.toString()},
                                new String[] {"PATH=" + LAUNCHER_PATH, "LANG=C.UTF-8"});
                LibC.INSTANCE.posix_spawn_file_actions_destroy(actions);
            }
            LibC.INSTANCE.close(pair[1]);
            if (error != 0) {
                LibC.INSTANCE.close(pair[0]);
                throw new IOException("cannot start " + executable + " (errno " + error + ")");
            }
            Helper helper = new Helper(pair[0], pid[0]);
            daemon("sandboxd-" + role + "-launcher", helper::readReplies);
            daemon("sandboxd-" + role + "-launcher-wait", helper::waitForEnd);
            return helper;
        }

        private static void daemon(String name, Runnable body) {
            Thread thread = new Thread(body, name);
            thread.setDaemon(true);
            thread.start();
        }

        CompletableFuture<Object> send(int type, RequestEncoder encoder, int[] descriptors)
                throws IOException {
            int tag = tags.incrementAndGet();
            byte[] request = encoder.encode(tag);
            CompletableFuture<Object> reply = new CompletableFuture<>();
            pending.put(tag, new Pending(type, reply));
            if (!alive) {
                pending.remove(tag);
                throw new IOException("the launcher ended");
            }
            try {
                sendMessage(request, descriptors);
            } catch (IOException e) {
                pending.remove(tag);
                throw e;
            }
            return reply;
        }

        private void sendMessage(byte[] request, int[] descriptors) throws IOException {
            int fdCount = descriptors == null ? 0 : descriptors.length;
            long controlBytes = fdCount == 0 ? 0 : 16 + ((fdCount * 4L + 7) & ~7L);
            try (Memory data = new Memory(request.length);
                    Memory iov = new Memory(16);
                    Memory message = new Memory(56);
                    Memory control = new Memory(Math.max(1, controlBytes))) {
                data.write(0, request, 0, request.length);
                iov.setPointer(0, data);
                iov.setLong(8, request.length);
                message.clear();
                message.setPointer(16, iov); // msg_iov
                message.setLong(24, 1); // msg_iovlen
                if (fdCount > 0) {
                    control.clear();
                    control.setLong(0, 16 + fdCount * 4L); // cmsg_len = CMSG_LEN(n * 4)
                    control.setInt(8, LibC.SOL_SOCKET);
                    control.setInt(12, LibC.SCM_RIGHTS);
                    for (int i = 0; i < fdCount; i++) {
                        control.setInt(16 + i * 4L, descriptors[i]);
                    }
                    message.setPointer(32, control); // msg_control
                    message.setLong(40, controlBytes); // msg_controllen
                }
                if (LibC.INSTANCE.sendmsg(socket, message, LibC.MSG_NOSIGNAL) != request.length) {
                    throw new IOException(
                            "cannot reach the launcher (errno " + Native.getLastError() + ")");
                }
            }
        }

        private void readReplies() {
            byte[] buffer = new byte[REPLY_BYTES];
            try {
                while (true) {
                    long length = LibC.INSTANCE.recv(socket, buffer, buffer.length, 0);
                    if (length == REPLY_BYTES) {
                        dispatch(ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()));
                    } else if (length < 0 && Native.getLastError() == LibC.EINTR) {
                        continue;
                    } else {
                        if (length > 0 || (length < 0 && alive && !killed)) {
                            LOG.warning(
                                    "unexpected reply from the launcher ("
                                            + (length < 0
                                                    ? "errno " + Native.getLastError()
                                                    : length + " bytes")
                                            + ")");
                        }
                        return;
                    }
                }
            } finally {
                end();
                closeSocket();
            }
        }

        /** The reader closes the socket once; until then the waiter may shut it down. */
        private synchronized void closeSocket() {
            if (!socketClosed) {
                socketClosed = true;
                LibC.INSTANCE.close(socket);
            }
        }

        private synchronized void shutdownSocket() {
            if (!socketClosed) {
                LibC.INSTANCE.shutdown(socket, LibC.SHUT_RDWR);
            }
        }

        private void dispatch(ByteBuffer reply) {
            int type = reply.getInt(0);
            int tag = reply.getInt(4);
            int value = reply.getInt(8);
            int status = reply.getInt(12);
            long cpuMicros = reply.getLong(16);
            if (type == EXIT) {
                CompletableFuture<Exit> exit = running.remove(value);
                if (exit != null) {
                    exit.complete(new Exit(status, cpuMicros));
                }
                return;
            }
            Pending request = pending.remove(tag);
            if (request == null) {
                LOG.warning(() -> "the launcher refused a request it could not read");
                return;
            }
            if (type == ERROR) {
                byte[] text = new byte[200];
                reply.get(24, text);
                int length = 0;
                while (length < text.length && text[length] != 0) {
                    length++;
                }
                request.reply()
                        .completeExceptionally(
                                new IOException(
                                        new String(text, 0, length, StandardCharsets.UTF_8)));
            } else if (request.type() == ATTACH) {
                // Registered before the next reply is read, so the program's EXIT finds it.
                CompletableFuture<Exit> exit = new CompletableFuture<>();
                running.put(value, exit);
                if (!alive) {
                    exit.completeExceptionally(new IOException("the launcher ended"));
                }
                request.reply().complete(new Attached(value, exit));
            } else {
                request.reply().complete(Boolean.TRUE);
            }
        }

        /** Reaps the launcher; its end (crash, kill) ends the reader too. */
        private void waitForEnd() {
            int[] status = new int[1];
            while (LibC.INSTANCE.wait4(pid, status, 0, null) < 0
                    && Native.getLastError() == LibC.EINTR) {
                // retry
            }
            end();
            shutdownSocket();
        }

        private synchronized void end() {
            if (!alive) {
                return;
            }
            alive = false;
            IOException gone = new IOException("the launcher ended");
            pending.values().forEach(request -> request.reply().completeExceptionally(gone));
            pending.clear();
            running.values().forEach(exit -> exit.completeExceptionally(gone));
            running.clear();
        }

        void kill() {
            killed = true;
            LibC.INSTANCE.kill(pid, LibC.SIGKILL);
        }

        static byte[] encode(
                int type,
                int tag,
                String lxcPath,
                String name,
                String cwd,
                List<String> argv,
                List<String> env)
                throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            ByteBuffer header =
                    ByteBuffer.allocate(HEADER_BYTES)
                            .order(ByteOrder.nativeOrder())
                            .putInt(type)
                            .putInt(tag)
                            .putInt(argv.size())
                            .putInt(env.size());
            out.write(header.array());
            List<String> strings = new ArrayList<>(List.of(lxcPath, name, cwd));
            strings.addAll(argv);
            strings.addAll(env);
            for (String text : strings) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                for (byte b : bytes) {
                    if (b == 0) {
                        throw new IOException("a NUL character in an argument or variable");
                    }
                }
                out.write(bytes);
                out.write(0);
            }
            if (out.size() > MAX_REQUEST_BYTES) {
                throw new IOException(
                        "command line and environment exceed " + MAX_REQUEST_BYTES / 1024 + " KiB");
            }
            return out.toByteArray();
        }
    }
}
