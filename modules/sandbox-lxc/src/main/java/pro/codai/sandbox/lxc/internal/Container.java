package pro.codai.sandbox.lxc.internal;

import java.nio.charset.StandardCharsets;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * One {@code struct lxc_container}, held with a reference taken by {@code lxc_container_new} and
 * released by {@link #close()}. Each method makes one liblxc call through the structure's function
 * pointers, one call at a time per structure; different containers are driven in parallel.
 */
public final class Container implements AutoCloseable {

    /** Taken while a container structure is made or released (liblxc's list of them). */
    private static final Object LIFECYCLE = new Object();

    private final LxcLibrary lxc;
    private final Pointer handle;
    private final String name;

    private Container(LxcLibrary lxc, Pointer handle, String name) {
        this.lxc = lxc;
        this.handle = handle;
        this.name = name;
    }

    /** Opens the container {@code name} whose config lives in {@code configPath/name/config}. */
    public static Container open(String name, String configPath) {
        LxcLibrary lxc = LxcLibrary.load();
        Pointer handle;
        synchronized (LIFECYCLE) {
            handle = lxc.lxc_container_new(name, configPath);
        }
        if (handle == null) {
            throw new IllegalStateException("liblxc could not open container " + name);
        }
        return new Container(lxc, handle, name);
    }

    public String name() {
        return name;
    }

    private Function member(int offset) {
        return Function.getFunction(handle.getPointer(offset));
    }

    // Calls on one container are serialised on its handle; calls on different containers run
    // in parallel (liblxc guards its process-wide state with its own locks and fork handlers).
    private synchronized boolean callBoolean(int offset, Object... arguments) {
        Object[] all = new Object[arguments.length + 1];
        all[0] = handle;
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        return (Boolean) member(offset).invoke(Boolean.class, all);
    }

    private synchronized int callInt(int offset, Object... arguments) {
        return member(offset).invokeInt(arguments);
    }

    public boolean isRunning() {
        return callBoolean(LxcAbi.IS_RUNNING);
    }

    /** The host pid of the running container's init, or -1. */
    public synchronized int initPid() {
        return member(LxcAbi.INIT_PID).invokeInt(new Object[] {handle});
    }

    public boolean stop() {
        return callBoolean(LxcAbi.STOP);
    }

    /**
     * Waits until the container reaches {@code state} (e.g. RUNNING, STOPPED). Without the global
     * lock: waiting only polls this container's state through its own command socket, forks
     * nothing, and would otherwise hold every other sandbox's start and run behind this one.
     */
    public boolean waitFor(String state, int timeoutSeconds) {
        return (Boolean)
                member(LxcAbi.WAIT)
                        .invoke(Boolean.class, new Object[] {handle, state, timeoutSeconds});
    }

    /** A cgroup file of the running container, e.g. {@code memory.events}; null if unavailable. */
    public String cgroupItem(String key) {
        return readString(LxcAbi.GET_CGROUP_ITEM, key);
    }

    /** Writes a cgroup file of the running container; false if liblxc refused. */
    public boolean setCgroupItem(String key, String value) {
        return callBoolean(LxcAbi.SET_CGROUP_ITEM, key, value);
    }

    private String readString(int offset, String key) {
        int length = callInt(offset, handle, key, null, 0);
        if (length < 0) {
            return null;
        }
        try (Memory buffer = new Memory(length + 1L)) {
            callInt(offset, handle, key, buffer, length + 1);
            return buffer.getString(0, StandardCharsets.UTF_8.name());
        }
    }

    @Override
    public void close() {
        synchronized (LIFECYCLE) {
            lxc.lxc_container_put(handle);
        }
    }
}
