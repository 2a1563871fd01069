package pro.codai.jobe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Jobe's file cache: files a client uploads once ({@code PUT files/{id}}) and names in many runs'
 * {@code file_list}. Kept under the data directory, bounded in size; the least recently used go
 * first. Ids are alphanumeric, so a file's path is never taken from a request as such.
 */
@ApplicationScoped
public class JobeFiles {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,64}");

    @Inject
    @ConfigProperty(name = "codaipro.data.dir", defaultValue = "/var/lib/codaipro")
    String dataDir;

    @Inject
    @ConfigProperty(name = "codaipro.jobe.file-cache-megabytes", defaultValue = "256")
    long capacityMegabytes;

    private Path directory;

    @PostConstruct
    void prepare() {
        directory = Path.of(dataDir, "jobe-files");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    synchronized void put(String id, byte[] content) throws IOException {
        Path temporary = Files.createTempFile(directory, ".upload-", ".tmp");
        try {
            Files.write(temporary, content);
            Files.move(
                    temporary,
                    directory.resolve(id),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        evictBeyondCapacity();
    }

    boolean exists(String id) {
        return Files.isRegularFile(directory.resolve(id));
    }

    /** The file's bytes, if cached; a read marks it recently used. */
    Optional<byte[]> get(String id) {
        Path file = directory.resolve(id);
        try {
            byte[] content = Files.readAllBytes(file);
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            return Optional.of(content);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void evictBeyondCapacity() throws IOException {
        long capacity = capacityMegabytes << 20;
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files =
                    listing.filter(path -> isValidId(path.getFileName().toString()))
                            .sorted(Comparator.comparing(JobeFiles::lastModified).reversed())
                            .toList();
        }
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
            if (total > capacity) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
