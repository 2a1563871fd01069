package pro.codai.sandbox.api;

import java.util.List;

/**
 * A way to run sandboxes on this host (LXC through liblxc; later an LXD/Incus cluster). Found with
 * {@link java.util.ServiceLoader}; {@link SandboxDrivers#best} picks the available driver of
 * highest priority.
 *
 * <p>Lifecycle: {@link #isAvailable()} may be called before {@link #init}; everything else after.
 */
public interface SandboxDriver extends AutoCloseable {

    /** Short, stable name, e.g. {@code lxc}. */
    String id();

    /** Higher wins when several drivers are available. */
    int priority();

    /** Whether this driver can work here (library present, version supported, privileges). */
    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, for an operator. */
    String unavailableReason();

    void init(DriverConfig config) throws SandboxException;

    /** Creates a sandbox (not started). */
    Sandbox create(SandboxSpec spec) throws SandboxException;

    /** The sandboxes this driver owns on the host. */
    List<String> list() throws SandboxException;

    /**
     * Removes sandboxes and mounts left behind by a crash of the previous owner. Returns the ids it
     * removed.
     */
    List<String> reap() throws SandboxException;

    /**
     * Makes sure the named volume exists under the configured volume root, creating it for the
     * student (their home directory's starter files included) if it does not, with room for {@code
     * sizeBytes}; an existing volume is left as it is, except that it grows to {@code sizeBytes}
     * when it is smaller (it never shrinks). Returns whether it was created.
     *
     * @param name a volume name as {@link Mount} accepts it
     * @param sizeBytes the volume's hard size (a driver may round it)
     */
    boolean ensureVolume(String name, long sizeBytes) throws SandboxException;

    /** How full the named volume is; it must exist. */
    VolumeStats volumeStats(String name) throws SandboxException;

    @Override
    void close();
}
