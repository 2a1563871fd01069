package pro.codai.sandbox.lxc;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Shifts every file of an unpacked root filesystem into the sandboxes' id range: uid and gid raised
 * by the offset, so root inside a sandbox (host uid {@code offset}) owns what image root owned.
 * Links are changed themselves, never followed. {@code chown} clears setuid and setgid bits, so
 * they are put back.
 *
 * <pre>java -cp sandbox-lxc.jar pro.codai.sandbox.lxc.ImageShifter ROOTFS OFFSET</pre>
 */
public final class ImageShifter {

    private ImageShifter() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ImageShifter ROOTFS OFFSET");
            System.exit(64);
        }
        long files = shift(Path.of(args[0]), Integer.parseInt(args[1]));
        System.out.println("shifted " + files + " files by " + args[1]);
    }

    /** Shifts the tree; returns the number of entries changed. */
    public static long shift(Path root, int offset) throws IOException {
        long[] count = {0};
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                            throws IOException {
                        shiftOne(dir, offset);
                        count[0]++;
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        shiftOne(file, offset);
                        count[0]++;
                        return FileVisitResult.CONTINUE;
                    }
                });
        return count[0];
    }

    private static void shiftOne(Path path, int offset) throws IOException {
        PosixFileAttributes attributes =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:uid", uid + offset, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid + offset, LinkOption.NOFOLLOW_LINKS);
        boolean special = (mode & 06000) != 0;
        if (special && !attributes.isSymbolicLink()) {
            // Java's PosixFilePermission cannot express setuid/setgid; unix:mode can.
            Files.setAttribute(path, "unix:mode", mode & 07777);
        }
    }
}
