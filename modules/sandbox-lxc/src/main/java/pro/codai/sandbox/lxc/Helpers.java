package pro.codai.sandbox.lxc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The driver's native helpers ({@code src/main/c}) ship inside its jar, built for this platform;
 * each is copied into the driver's state directory (root-only) before it is first started.
 */
final class Helpers {

    private Helpers() {}

    /** Copies helper {@code name} into {@code stateDir}, atomically; returns its path. */
    static Path install(Path stateDir, String name) throws IOException {
        Path executable = stateDir.resolve(name);
        try (InputStream binary = Helpers.class.getResourceAsStream(name)) {
            if (binary == null) {
                throw new IOException("the " + name + " helper is missing from the driver's jar");
            }
            Path copy = Files.createTempFile(stateDir, name, ".tmp");
            Files.copy(binary, copy, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
            Files.move(copy, executable, StandardCopyOption.ATOMIC_MOVE);
        }
        return executable;
    }
}
