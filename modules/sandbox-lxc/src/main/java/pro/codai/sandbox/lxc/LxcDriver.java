package pro.codai.sandbox.lxc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import java.util.stream.Stream;

import com.sun.jna.Native;

import pro.codai.sandbox.api.DriverConfig;
import pro.codai.sandbox.api.Mount;
import pro.codai.sandbox.api.Sandbox;
import pro.codai.sandbox.api.SandboxDriver;
import pro.codai.sandbox.api.SandboxException;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.api.VolumeStats;
import pro.codai.sandbox.lxc.internal.Container;
import pro.codai.sandbox.lxc.internal.LibC;
import pro.codai.sandbox.lxc.internal.LxcAbi;
import pro.codai.sandbox.lxc.internal.LxcLibrary;

/**
 * Sandboxes as unprivileged LXC containers driven through liblxc. Must run as root (it is meant for
 * sandboxd, never the app server). Each sandbox lives in {@code stateDir/<id>/}: its LXC config,
 * its overlay upper and work directories.
 */
public final class LxcDriver implements SandboxDriver {

    /**
     * A sandbox's writable layer (overlay upper and work directories) is a tmpfs of its own, sized
     * by the disk limit and with an inode limit: filling it fails with ENOSPC in that sandbox only,
     * never on the host's disk, and its pages count against the sandbox's memory.
     */
    static final String WRITABLE_LAYER = "rw";

    /** Bytes of disk limit per inode of the writable layer. */
    static final long BYTES_PER_INODE = 8192;

    /**
     * The canonical host id range: the base image and volumes are stored with root's files owned by
     * this uid/gid. Each live sandbox gets a range of its own above it, and sees the image and its
     * volumes through idmapped mounts onto that range.
     */
    public static final int ID_OFFSET = 1_000_000;

    /** Sandbox id ranges above the canonical one; host ids up to ~984 million are used. */
    static final int ID_RANGES = 15_000;

    private static final Logger LOG = Logger.getLogger(LxcDriver.class.getName());

    private DriverConfig config;
    private CgroupVersion cgroups;
    private boolean apparmor;
    private Path seccompProfile;
    private IdMapper idMapper;
    private Launcher starts;
    private Launcher runs;
    private CgroupLeftovers cgroupLeftovers;
    private IdRanges idRanges;
    private Egress egress;
    private ResourceViews resourceViews = ResourceViews.OFF;
    private VolumeImages volumes;

    @Override
    public String id() {
        return "lxc";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    @Override
    public String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "must run as root (sandboxd)";
        }
        try {
            String version = LxcLibrary.load().lxc_get_version();
            if (!LxcAbi.supports(version)) {
                return "liblxc "
                        + version
                        + " is not supported (needs "
                        + LxcAbi.SUPPORTED_VERSION_PREFIX
                        + "x)";
            }
        } catch (UnsatisfiedLinkError e) {
            return "liblxc is not installed (" + e.getMessage() + ")";
        }
        return "";
    }

    @Override
    public void init(DriverConfig driverConfig) throws SandboxException {
        this.config = driverConfig;
        this.cgroups = CgroupVersion.detect();
        this.apparmor = Files.exists(Path.of("/sys/kernel/security/apparmor/profiles"));
        try {
            Files.createDirectories(config.stateDir());
            // Sandboxes' root (a mapped uid) must traverse the state directory to mount its
            // overlay.
            Files.setPosixFilePermissions(
                    config.stateDir(), PosixFilePermissions.fromString("rwx--x--x"));
            seccompProfile = config.stateDir().resolve("seccomp.policy");
            Files.writeString(seccompProfile, LxcConfig.seccompProfile());
            idMapper = new IdMapper(config.stateDir());
            Path launcher = Helpers.install(config.stateDir(), "launcher");
            // Two, so a start (tens of milliseconds) never holds up a run's attach.
            starts = new Launcher(launcher, "start");
            runs = new Launcher(launcher, "run");
            cgroupLeftovers = CgroupLeftovers.ofThisProcess();
            idRanges = new IdRanges(ID_OFFSET, LxcConfig.ID_RANGE, ID_RANGES + 1);
            egress = new Egress(config.egress());
            resourceViews = ResourceViews.detect(config.resourceViews());
            volumes = new VolumeImages(config.volumeRoot(), ID_OFFSET + LxcConfig.SANDBOX_UID);
        } catch (IOException e) {
            throw new SandboxException(
                    "cannot prepare " + config.stateDir() + ": " + e.getMessage(), e);
        }
        LOG.info(
                () ->
                        "LXC driver ready: liblxc "
                                + LxcLibrary.load().lxc_get_version()
                                + ", cgroup "
                                + cgroups
                                + ", resource views "
                                + (!resourceViews.enabled()
                                        ? "off"
                                        : resourceViews.lxcfs() ? "on (LXCFS)" : "without LXCFS"));
        if (resourceViews.enabled() && !resourceViews.lxcfs()) {
            LOG.warning(
                    () ->
                            "LXCFS is not running at "
                                    + ResourceViews.LXCFS_ROOT
                                    + ": sandboxes see the host's /proc/meminfo, /proc/cpuinfo and"
                                    + " /proc/uptime (install and start the lxcfs package with"
                                    + " --enable-cfs, or set sandboxd.resource-views=off)");
        }
    }

    /** The directory of a mount's volume; it must exist (and not be a link). */
    private Path volumeOf(Mount mount) throws SandboxException {
        Path volume = config.volumeRoot().resolve(mount.volume());
        if (!Files.isDirectory(volume, LinkOption.NOFOLLOW_LINKS)) {
            throw new SandboxException("no volume named " + mount.volume());
        }
        return volume;
    }

    private static String[] volumeFlags(Mount mount) {
        return mount.readOnly()
                ? new String[] {"nosuid", "nodev", "ro"}
                : new String[] {"nosuid", "nodev"};
    }

    @Override
    public Sandbox create(SandboxSpec requested) throws SandboxException {
        SandboxSpec spec = requested.withLimits(requested.limits().cappedBy(config.maximum()));
        Path rootfs = config.imageDir().resolve(spec.image()).resolve("rootfs");
        if (!Files.isDirectory(rootfs)) {
            throw new SandboxException("no image named " + spec.image());
        }
        String id =
                config.namePrefix()
                        + "-"
                        + UUID.randomUUID().toString().substring(0, 13).replace("-", "");
        for (var mount : spec.mounts()) {
            volumeOf(mount); // before anything is made, so a missing volume leaves nothing behind
        }
        int hostId;
        try {
            hostId = idRanges.take();
        } catch (IllegalStateException e) {
            throw new SandboxException(e.getMessage(), e);
        }
        Path dir = config.stateDir().resolve(id);
        // The volumes this sandbox holds mounted (their images stay mounted while it lives).
        List<String> held = new CopyOnWriteArrayList<>();
        Egress.Link link = null;
        try {
            for (var mount : spec.mounts()) {
                volumes.retain(mount.volume());
                held.add(mount.volume());
            }
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            mountWritableLayer(dir.resolve(WRITABLE_LAYER), spec.limits().diskBytes(), hostId);
            for (String sub : List.of("upper", "work")) {
                Path path = Files.createDirectory(dir.resolve(WRITABLE_LAYER).resolve(sub));
                Files.setAttribute(path, "unix:uid", hostId);
                Files.setAttribute(path, "unix:gid", hostId);
            }
            Path lower = Files.createDirectory(dir.resolve(LxcConfig.LOWER_LAYER));
            idMapper.mount(rootfs, lower, ID_OFFSET, hostId, LxcConfig.ID_RANGE, "ro", "nodev");
            Path views = Files.createDirectory(dir.resolve(LxcConfig.VOLUMES));
            for (int index = 0; index < spec.mounts().size(); index++) {
                var mount = spec.mounts().get(index);
                Path view = Files.createDirectory(views.resolve(Integer.toString(index)));
                idMapper.mount(
                        config.volumeRoot().resolve(mount.volume()),
                        view,
                        ID_OFFSET,
                        hostId,
                        LxcConfig.ID_RANGE,
                        volumeFlags(mount));
            }
            if (!spec.network().isNone()) {
                link = egress.attach(id, (hostId - ID_OFFSET) / LxcConfig.ID_RANGE, spec.network());
                writeHosts(dir.resolve(WRITABLE_LAYER).resolve("upper"), hostId, link);
            }
            List<String> lines =
                    LxcConfig.render(
                            id, spec, dir, hostId, cgroups, apparmor, seccompProfile, link);
            lines.addAll(resourceViews.configLines());
            Files.write(dir.resolve("config"), lines);
        } catch (IOException e) {
            removeQuietly(dir);
            held.forEach(volumes::release);
            egress.detach(id);
            idRanges.release(hostId);
            throw new SandboxException("cannot create sandbox " + id + ": " + e.getMessage(), e);
        }
        Egress.Link attached = link;
        return new LxcSandbox(
                id,
                spec,
                config.stateDir(),
                cgroups,
                resourceViews,
                starts,
                runs,
                cgroupLeftovers,
                (mount, initPid) -> {
                    Path volume = volumeOf(mount);
                    volumes.retain(mount.volume());
                    held.add(mount.volume());
                    idMapper.inject(
                            volume,
                            initPid,
                            mount.target(),
                            ID_OFFSET,
                            hostId,
                            LxcConfig.ID_RANGE,
                            volumeFlags(mount));
                },
                attached == null ? () -> {} : () -> egress.started(attached),
                () -> {
                    held.forEach(volumes::release);
                    egress.detach(id);
                    idRanges.release(hostId);
                });
    }

    /**
     * The sandbox's {@code /etc/hosts} and {@code /etc/resolv.conf}, written into its fresh upper
     * layer before it first starts (nothing of the sandbox has run yet): the allowed names,
     * resolved by sandboxd, and no name server.
     */
    private static void writeHosts(Path upper, int owner, Egress.Link link) throws IOException {
        Path etc = Files.createDirectory(upper.resolve("etc"));
        Files.setAttribute(etc, "unix:uid", owner);
        Files.setAttribute(etc, "unix:gid", owner);
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> lines = new ArrayList<>();
        lines.add("127.0.0.1\tlocalhost sandbox");
        lines.add("::1\tlocalhost ip6-localhost ip6-loopback");
        link.hostsLines().forEach(line -> lines.add(line.replace(' ', '\t')));
        Path hosts = Files.write(etc.resolve("hosts"), lines);
        // No name server: lookups of other names fail at once instead of leaking out as DNS.
        Path resolver =
                Files.writeString(
                        etc.resolve("resolv.conf"),
                        "# no DNS in a sandbox: allowed names are in /etc/hosts\n");
        for (Path file : List.of(hosts, resolver)) {
            Files.setAttribute(file, "unix:uid", owner);
            Files.setAttribute(file, "unix:gid", owner);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Changes the size and inode limit of a sandbox's writable layer (a tmpfs remount). */
    static void resizeWritableLayer(Path target, long diskBytes) throws IOException {
        long inodes = Math.max(4096, diskBytes / BYTES_PER_INODE);
        if (LibC.INSTANCE.mount(
                        "codaipro-sandbox",
                        target.toString(),
                        "tmpfs",
                        LibC.MS_REMOUNT | LibC.MS_NOSUID | LibC.MS_NODEV,
                        "size=" + diskBytes + ",nr_inodes=" + inodes)
                != 0) {
            throw new IOException(
                    "cannot resize the writable layer (errno " + Native.getLastError() + ")");
        }
    }

    static void mountWritableLayer(Path target, long diskBytes, int owner) throws IOException {
        Files.createDirectory(target);
        long inodes = Math.max(4096, diskBytes / BYTES_PER_INODE);
        String options =
                "size="
                        + diskBytes
                        + ",nr_inodes="
                        + inodes
                        + ",mode=0711,uid="
                        + owner
                        + ",gid="
                        + owner;
        if (LibC.INSTANCE.mount(
                        "codaipro-sandbox",
                        target.toString(),
                        "tmpfs",
                        LibC.MS_NOSUID | LibC.MS_NODEV,
                        options)
                != 0) {
            throw new IOException(
                    "cannot mount the writable layer (errno " + Native.getLastError() + ")");
        }
    }

    /**
     * Unmounts what is mounted in a sandbox's directory (writable layer, image and volume views)
     * and deletes it. Refuses to delete while anything is still mounted there: the walk would
     * otherwise reach into the image or a student's volume.
     */
    static void remove(Path dir) throws IOException {
        List<Path> mounts = mountsUnder(dir);
        for (int i = mounts.size() - 1; i >= 0; i--) { // innermost first
            Path mount = mounts.get(i);
            if (LibC.INSTANCE.umount2(mount.toString(), LibC.MNT_DETACH) != 0) {
                int errno = Native.getLastError();
                if (errno != LibC.EINVAL && errno != LibC.ENOENT) { // EINVAL: not a mount point
                    throw new IOException("cannot unmount " + mount + " (errno " + errno + ")");
                }
            }
        }
        List<Path> left = mountsUnder(dir);
        if (!left.isEmpty()) {
            throw new IOException("still mounted, not deleting: " + left);
        }
        Trees.delete(dir);
    }

    /** Mount points at or below {@code dir} in this process's mount table, outermost first. */
    static List<Path> mountsUnder(Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                Path point = Path.of(unescapeMountPath(fields[4]));
                if (point.startsWith(root) && !found.contains(point)) {
                    found.add(point);
                }
            }
        }
        found.sort(java.util.Comparator.comparingInt(Path::getNameCount));
        return found;
    }

    /** mountinfo escapes blanks, tabs, newlines and backslashes as octal. */
    static String unescapeMountPath(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static void removeQuietly(Path dir) {
        try {
            remove(dir);
        } catch (IOException e) {
            LOG.warning(() -> "could not remove " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public List<String> list() throws SandboxException {
        try (Stream<Path> entries = Files.list(config.stateDir())) {
            return entries.filter(Files::isDirectory)
                    .map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith(config.namePrefix() + "-"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new SandboxException(
                    "cannot list " + config.stateDir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> reap() throws SandboxException {
        List<String> reaped = new ArrayList<>();
        for (String id : list()) {
            try (Container container = Container.open(id, config.stateDir().toString())) {
                if (container.isRunning()) {
                    container.stop();
                    container.waitFor("STOPPED", 10);
                }
            }
            removeQuietly(config.stateDir().resolve(id));
            reaped.add(id);
        }
        int cgroups = cgroupLeftovers.removeAll(name -> name.startsWith(config.namePrefix() + "-"));
        if (cgroups > 0) {
            LOG.info(() -> "Removed " + cgroups + " cgroups left by stopped sandboxes");
        }
        if (!reaped.isEmpty()) {
            LOG.info(() -> "Reaped sandboxes left by a previous run: " + reaped);
        }
        // No sandbox of ours is left, so no volume is in use: images still mounted by a crashed
        // predecessor are unmounted (they are mounted again, journal replayed, when next used).
        volumes.unmountAll();
        return reaped;
    }

    /**
     * Creates a student's volume: an ext4 image of {@code sizeBytes} (see {@link VolumeImages})
     * whose root is owned by the student's canonical host id (so it appears as theirs in whichever
     * id range a sandbox gets), mode 0700, with the image's {@code /etc/skel} files (regular files
     * only) as a home directory's starters. An existing volume is mounted and grown to {@code
     * sizeBytes} if smaller; a plain-directory volume from before is moved into an image.
     */
    @Override
    public boolean ensureVolume(String name, long sizeBytes) throws SandboxException {
        try {
            Mount.checkVolumeName(name);
        } catch (IllegalArgumentException e) {
            throw new SandboxException(e.getMessage(), e);
        }
        boolean created;
        try {
            created = volumes.ensure(name, sizeBytes, this::writeStarters);
        } catch (IOException e) {
            throw new SandboxException("cannot create volume " + name + ": " + e.getMessage(), e);
        }
        if (created) {
            LOG.info(() -> "Created volume " + name + " of " + sizeBytes + " bytes");
        }
        return created;
    }

    /** A new home's directory: the student's, 0700, the image's regular starter files. */
    private void writeStarters(Path directory) throws IOException {
        int student = ID_OFFSET + LxcConfig.SANDBOX_UID;
        Files.createDirectory(
                directory,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path skel = config.imageDir().resolve("base").resolve("rootfs/etc/skel");
        if (Files.isDirectory(skel, LinkOption.NOFOLLOW_LINKS)) {
            try (var starters = Files.newDirectoryStream(skel)) {
                for (Path starter : starters) {
                    if (Files.isRegularFile(starter, LinkOption.NOFOLLOW_LINKS)) {
                        Path copy = directory.resolve(starter.getFileName().toString());
                        Files.copy(starter, copy, LinkOption.NOFOLLOW_LINKS);
                        Files.setAttribute(copy, "unix:uid", student, LinkOption.NOFOLLOW_LINKS);
                        Files.setAttribute(copy, "unix:gid", student, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
        }
        Files.setAttribute(directory, "unix:uid", student, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(directory, "unix:gid", student, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public VolumeStats volumeStats(String name) throws SandboxException {
        try {
            Mount.checkVolumeName(name);
            return volumes.stats(name);
        } catch (IllegalArgumentException | IOException e) {
            throw new SandboxException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // sandboxes outlive the driver object; sandboxd destroys or reaps them
        if (idMapper != null) {
            idMapper.close();
        }
        if (volumes != null) {
            volumes.unmountAll(); // sandboxd destroys its sandboxes first
        }
        if (starts != null) {
            starts.close();
            runs.close();
        }
        // Programs still attached are orphaned to init, and end with their sandboxes.
        // The egress table stays: sandboxes with links may outlive this object, and without the
        // table their links would reach the host. The next start resets it after reaping.
    }

    /** Deletes a tree without following links: sandbox contents are untrusted. */
    static final class Trees {
        private Trees() {}

        static void deleteQuietly(Path root) {
            try {
                delete(root);
            } catch (UncheckedIOException | IOException e) {
                LOG.warning(() -> "could not delete " + root + ": " + e.getMessage());
            }
        }

        static void delete(Path root) throws IOException {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.walkFileTree(
                    root,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.delete(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e)
                                throws IOException {
                            if (e != null) {
                                throw e;
                            }
                            Files.delete(dir);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        }
    }
}
