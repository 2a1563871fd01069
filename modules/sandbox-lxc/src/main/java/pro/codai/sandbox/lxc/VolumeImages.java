package pro.codai.sandbox.lxc;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import pro.codai.sandbox.api.VolumeStats;
import pro.codai.sandbox.lxc.internal.LibC;

/**
 * Students' volumes, each an ext4 filesystem of its own so the kernel enforces its size and inode
 * count: a sparse image file {@code <volume-root>/.images/<name>.img} (a directory only root can
 * enter, and a name no request can give: volume names never start with a dot), loop-mounted {@code
 * nodev,nosuid} at {@code <volume-root>/<name>}, which is what sandboxes get idmapped views of. A
 * full volume fails the student's writes with ENOSPC; the host's disk loses at most the volume's
 * size.
 *
 * <p>This kernel has no quota format for ext4 and no XFS or tmpfs quotas, so project quotas on a
 * shared volume store are not an option here; see the development notes for the figures.
 *
 * <p>An image is mounted when a volume is ensured or a sandbox takes it, and unmounted when the
 * last sandbox using it is gone (and, as every sandbox then is, when the driver reaps or closes).
 * Its contents are never touched by root on the host: {@code mkfs} builds it from a directory the
 * driver made (the starter files) or from a plain-directory volume no sandbox uses (migration), and
 * {@code resize2fs} works on the block device.
 *
 * <p>Thread-safe: every operation holds the lock of its volume, so one student's volume being made
 * ({@code mkfs}, ~0.1 s) or mounted never waits for another's. A class starting at once creates
 * hundreds of volumes in a minute.
 */
final class VolumeImages {

    /** The directory of the images, under the volume root. */
    static final String IMAGES = ".images";

    /** Bytes of volume per inode (ext4's default ratio): 65,536 files in 1 GiB. */
    static final long BYTES_PER_INODE = 16_384;

    /** The smallest volume: a 4 MiB journal and ext4's metadata need room. */
    static final long MIN_BYTES = 16L << 20;

    private static final Logger LOG = Logger.getLogger(VolumeImages.class.getName());
    private static final long BLOCK = 4096;
    private static final int STATVFS_SIZE = 112;

    private final Path root;
    private final Path images;
    private final int owner;
    private final Map<String, Integer> users = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param root the volume root
     * @param owner the host uid and gid owning a new volume's root directory (the canonical
     *     student)
     */
    VolumeImages(Path root, int owner) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.owner = owner;
        this.images = Files.createDirectories(this.root.resolve(IMAGES));
        Files.setPosixFilePermissions(images, PosixFilePermissions.fromString("rwx------"));
    }

    Path image(String name) {
        return images.resolve(name + ".img");
    }

    Path mountPoint(String name) {
        return root.resolve(name);
    }

    /** Whether the volume is stored as an image (else it is a plain directory, or missing). */
    boolean hasImage(String name) {
        return Files.isRegularFile(image(name), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Creates the volume as an image of {@code sizeBytes} holding {@code starters} (a directory of
     * files already owned by the student), or mounts an existing one and grows it to {@code
     * sizeBytes}; a plain-directory volume is moved into an image of its own (kept as it is, with a
     * warning, if its files do not fit). Returns whether a volume was created.
     */
    boolean ensure(String name, long sizeBytes, StarterFiles starters) throws IOException {
        synchronized (lockOf(name)) {
            long size = rounded(sizeBytes);
            Path point = mountPoint(name);
            if (hasImage(name)) {
                grow(name, size);
                mount(name);
                return false;
            }
            if (Files.exists(point, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(point, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("volume " + name + " exists but is not a directory");
            }
            if (Files.isDirectory(point, LinkOption.NOFOLLOW_LINKS) && !isEmpty(point)) {
                migrate(name, size);
                return false;
            }
            Path staging = root.resolve("." + name + ".new");
            try {
                LxcDriver.Trees.delete(staging);
                starters.writeInto(staging);
                build(name, staging, size);
            } finally {
                LxcDriver.Trees.deleteQuietly(staging);
            }
            if (!Files.isDirectory(point, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(
                        point,
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------")));
            }
            mount(name);
            // The fresh filesystem's root is the home: the student's, 0700, no lost+found in it
            // (e2fsck makes one again if it ever needs it). Nothing of a sandbox has run in it yet.
            Files.setPosixFilePermissions(point, PosixFilePermissions.fromString("rwx------"));
            Files.deleteIfExists(point.resolve("lost+found"));
            return true;
        }
    }

    /** Writes a new volume's starter files into a directory it creates. */
    @FunctionalInterface
    interface StarterFiles {
        void writeInto(Path directory) throws IOException;
    }

    /**
     * A plain-directory volume (made before volumes had a size) becomes an image built from it. The
     * caller guarantees no sandbox uses it (sandboxes take volumes only after this), so its
     * contents cannot change underneath {@code mkfs}, which copies links as links. The image is
     * moved into place before the directory is deleted: a crash in between leaves the image mounted
     * over the old copy, never a volume without its files.
     */
    private void migrate(String name, long size) throws IOException {
        Path point = mountPoint(name);
        try {
            build(name, point, size);
        } catch (IOException e) {
            LOG.warning(
                    () ->
                            "Volume "
                                    + name
                                    + " stays a plain directory without a size limit: "
                                    + e.getMessage());
            return;
        }
        Path old = root.resolve("." + name + ".plain");
        LxcDriver.Trees.delete(old);
        Files.move(point, old, StandardCopyOption.ATOMIC_MOVE);
        Files.createDirectory(
                point,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        mount(name);
        Files.setPosixFilePermissions(point, PosixFilePermissions.fromString("rwx------"));
        LxcDriver.Trees.deleteQuietly(old);
        LOG.info(() -> "Moved plain-directory volume " + name + " into an image of " + size);
    }

    /** Makes the image from {@code source}'s files, beside its final name, then moves it there. */
    private void build(String name, Path source, long size) throws IOException {
        Path partial = images.resolve("." + name + ".img.new");
        Files.deleteIfExists(partial);
        try (RandomAccessFile file = new RandomAccessFile(partial.toFile(), "rw")) {
            file.setLength(size); // sparse: the host's disk holds only what is written
        }
        try {
            run(
                    "mkfs.ext4",
                    "-q",
                    "-F",
                    "-b",
                    Long.toString(BLOCK),
                    "-m",
                    "0",
                    "-i",
                    Long.toString(BYTES_PER_INODE),
                    "-J",
                    "size=4",
                    "-E",
                    "lazy_journal_init=1,root_owner=" + owner + ":" + owner,
                    "-d",
                    source.toString(),
                    partial.toString());
            Files.move(partial, image(name), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Mounts the volume's image (when it has one) unless it is mounted already. */
    void mount(String name) throws IOException {
        synchronized (lockOf(name)) {
            Path point = mountPoint(name);
            if (!hasImage(name) || isMountPoint(point)) {
                return;
            }
            // util-linux sets up the loop device with autoclear: unmounting frees it.
            run(
                    "mount",
                    "-t",
                    "ext4",
                    "-o",
                    "loop,nodev,nosuid",
                    image(name).toString(),
                    point.toString());
        }
    }

    /**
     * Grows the volume's image and filesystem to {@code size}; never shrinks it. An idle volume is
     * unmounted and grown offline ({@code e2fsck} then {@code resize2fs} on the image file); one in
     * use is grown online, which needs CAP_SYS_RESOURCE, and if that fails it grows the next time
     * it is ensured while idle.
     */
    private void grow(String name, long size) throws IOException {
        Path image = image(name);
        long current = Files.size(image);
        if (size <= current) {
            return;
        }
        if (users.getOrDefault(name, 0) == 0) {
            if (!unmount(name, false)) {
                LOG.warning(() -> "Volume " + name + " is busy and grows when next idle");
                return;
            }
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(size);
            }
            // resize2fs wants a freshly checked filesystem; exit 1 means e2fsck corrected
            // something. It makes a lost+found, which a new home does not have: removed again
            // on the image (debugfs refuses a directory that is not empty).
            String checked = run(1, "e2fsck", "-f", "-p", image.toString());
            if (checked.contains("/lost+found not found")) {
                run(0, "debugfs", "-w", "-R", "rmdir /lost+found", image.toString());
            }
            run("resize2fs", image.toString());
        } else {
            try {
                String device = deviceOf(mountPoint(name));
                try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                    file.setLength(size);
                }
                run("losetup", "-c", device);
                run("resize2fs", device);
            } catch (IOException e) {
                LOG.warning(
                        () ->
                                "Volume "
                                        + name
                                        + " is in use and could not grow now; it grows when next"
                                        + " ensured while idle: "
                                        + e.getMessage());
                return;
            }
        }
        LOG.info(() -> "Grew volume " + name + " from " + current + " to " + size + " bytes");
    }

    /** A sandbox takes the volume: it is mounted and stays so until its last user is gone. */
    void retain(String name) throws IOException {
        synchronized (lockOf(name)) {
            mount(name);
            users.merge(name, 1, Integer::sum);
        }
    }

    /** A sandbox using the volume is gone; the last one out unmounts it. */
    void release(String name) {
        synchronized (lockOf(name)) {
            Integer left =
                    users.computeIfPresent(name, (key, count) -> count > 1 ? count - 1 : null);
            if (left == null) {
                unmount(name);
            }
        }
    }

    /** How full the volume is; an idle volume is mounted for the question and unmounted again. */
    VolumeStats stats(String name) throws IOException {
        synchronized (lockOf(name)) {
            Path point = mountPoint(name);
            if (!Files.isDirectory(point, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("no volume named " + name);
            }
            boolean idle = hasImage(name) && !isMountPoint(point);
            mount(name);
            try (Memory buffer = new Memory(STATVFS_SIZE)) {
                if (LibC.INSTANCE.statvfs(point.toString(), buffer) != 0) {
                    throw new IOException(
                            "cannot read " + point + " (errno " + Native.getLastError() + ")");
                }
                long fragment = buffer.getLong(8);
                long blocks = buffer.getLong(16);
                long free = buffer.getLong(24);
                long files = buffer.getLong(40);
                long freeFiles = buffer.getLong(48);
                return new VolumeStats(
                        (blocks - free) * fragment, blocks * fragment, files - freeFiles, files);
            } finally {
                if (idle) {
                    unmount(name);
                }
            }
        }
    }

    /** Unmounts every volume image (no sandbox may be using them: after a reap, or at close). */
    void unmountAll() {
        try (Stream<Path> entries = Files.list(images)) {
            for (Path image : entries.toList()) {
                String file = image.getFileName().toString();
                if (file.endsWith(".img") && !file.startsWith(".")) {
                    String name = file.substring(0, file.length() - ".img".length());
                    synchronized (lockOf(name)) {
                        users.remove(name);
                        unmount(name);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warning(() -> "cannot list " + images + ": " + e.getMessage());
        }
        users.clear(); // plain-directory volumes too: no sandbox uses any
    }

    private void unmount(String name) {
        unmount(name, true);
    }

    /**
     * Unmounts the volume's image; returns whether nothing of it is mounted any more. With {@code
     * lazy}, a busy mount is detached (the kernel ends it when its last user goes, and a later
     * mount of the same image reuses its loop device, so the filesystem is never mounted twice).
     */
    private boolean unmount(String name, boolean lazy) {
        Path point = mountPoint(name);
        try {
            if (!hasImage(name) || !isMountPoint(point)) {
                return true;
            }
        } catch (IOException e) {
            LOG.warning(() -> "cannot read the mount table: " + e.getMessage());
            return false;
        }
        if (LibC.INSTANCE.umount2(point.toString(), 0) == 0) {
            return true;
        }
        if (lazy && LibC.INSTANCE.umount2(point.toString(), LibC.MNT_DETACH) == 0) {
            return false;
        }
        int errno = Native.getLastError();
        LOG.warning(() -> "cannot unmount volume " + name + " (errno " + errno + ")");
        return false;
    }

    /** The lock of one volume (a volume's operations run one at a time; volumes do not wait). */
    private Object lockOf(String name) {
        return locks.computeIfAbsent(name, key -> new Object());
    }

    static long rounded(long sizeBytes) {
        long size = Math.max(MIN_BYTES, sizeBytes);
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    static boolean isMountPoint(Path point) throws IOException {
        return LxcDriver.mountsUnder(point).contains(point.toAbsolutePath().normalize());
    }

    /** The block device mounted at {@code point} (mountinfo's source field). */
    static String deviceOf(Path point) throws IOException {
        String target = point.toAbsolutePath().normalize().toString();
        String device = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            int dash = List.of(fields).indexOf("-");
            if (fields.length > 4
                    && dash > 0
                    && dash + 2 < fields.length
                    && LxcDriver.unescapeMountPath(fields[4]).equals(target)) {
                device = LxcDriver.unescapeMountPath(fields[dash + 2]); // the last mount wins
            }
        }
        if (device == null || !device.startsWith("/dev/loop")) {
            throw new IOException("no loop device mounted at " + point);
        }
        return device;
    }

    private static void run(String... command) throws IOException {
        run(0, command);
    }

    /** Runs a tool; an exit status above {@code worstOk} fails. Returns its output. */
    private static String run(int worstOk, String... command) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process process = builder.start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command[0] + " did not finish");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(command[0] + " was interrupted", e);
        }
        if (process.exitValue() > worstOk) {
            List<String> shown = new ArrayList<>(List.of(command));
            throw new IOException(
                    String.join(" ", shown)
                            + " failed (exit "
                            + process.exitValue()
                            + "): "
                            + output.strip());
        }
        return output;
    }
}
