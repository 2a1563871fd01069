package pro.codai.portal.ide;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.VolumeStats;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * File operations on a student's workspace, each performed inside their sandbox, as the student, by
 * a small program ({@code workspace_files.py}, passed on the command line so it always matches this
 * server) that walks every path from a descriptor of the home directory without following links and
 * writes through a new file renamed into place. The server never touches the volume itself. See
 * docs/reference/ide-protocol.md for the operations and their limits.
 */
@ApplicationScoped
public class WorkspaceFiles {

    /** Largest file read, written or uploaded. */
    static final int MAX_FILE_BYTES = 4 << 20;

    /** Largest zip exported or imported (sandboxd's frames carry at most ~5.3 MB of output). */
    static final int MAX_ZIP_BYTES = 5 << 20;

    /** Largest listing: 5000 entries of a few hundred bytes each. */
    private static final int MAX_LISTING_BYTES = 4 << 20;

    private static final String HELPER = helperSource();

    @Inject Workspaces workspaces;

    @Inject
    @ConfigProperty(name = "codaipro.ide.git-ca-file")
    Optional<String> gitCaFile;

    /** The workspace's files and folders, {@code path} ("" for home) and below, as JSON. */
    public JsonObject list(String subject, String path)
            throws WorkspaceFileException, SandboxConnectorException {
        ExecResult listed = run(subject, new byte[0], MAX_LISTING_BYTES, "list", path);
        return Json.createReader(new StringReader(listed.stdoutText())).readObject();
    }

    public byte[] read(String subject, String path)
            throws WorkspaceFileException, SandboxConnectorException {
        return run(subject, new byte[0], MAX_FILE_BYTES, "read", path, limit(MAX_FILE_BYTES))
                .stdout();
    }

    public void write(String subject, String path, byte[] content)
            throws WorkspaceFileException, SandboxConnectorException {
        run(subject, content, 4096, "write", path, limit(MAX_FILE_BYTES));
    }

    public void makeDirectory(String subject, String path)
            throws WorkspaceFileException, SandboxConnectorException {
        run(subject, new byte[0], 4096, "mkdir", path);
    }

    public void rename(String subject, String from, String to)
            throws WorkspaceFileException, SandboxConnectorException {
        run(subject, new byte[0], 4096, "rename", from, to);
    }

    public void delete(String subject, String path)
            throws WorkspaceFileException, SandboxConnectorException {
        run(subject, new byte[0], 4096, "delete", path);
    }

    public byte[] exportZip(String subject, String path)
            throws WorkspaceFileException, SandboxConnectorException {
        return run(subject, new byte[0], MAX_ZIP_BYTES, "export-zip", path, limit(MAX_ZIP_BYTES))
                .stdout();
    }

    /** Unpacks a zip into a folder; returns the number of entries. */
    public int importZip(String subject, String path, byte[] zip)
            throws WorkspaceFileException, SandboxConnectorException {
        ExecResult unpacked = run(subject, zip, 4096, "import-zip", path, limit(MAX_ZIP_BYTES));
        return Json.createReader(new StringReader(unpacked.stdoutText()))
                .readObject()
                .getInt("unpacked");
    }

    /**
     * Clones a Git repository into a new folder of the home, in the sandbox as the student, from an
     * HTTPS address on one of the allowed hosts; returns the folder.
     */
    public String cloneRepository(String subject, String url, String folder)
            throws WorkspaceFileException, SandboxConnectorException {
        URI address = GitAddresses.check(url, workspaces.gitHosts());
        String target =
                folder == null || folder.isBlank() ? GitAddresses.folderOf(address) : folder;
        requireNoControlCharacters(target);
        // The campus's own certificate authorities (an internal GitLab) are added to the image's.
        String script =
                "f=$(mktemp) && cat /etc/ssl/certs/ca-certificates.crt - > \"$f\" && git"
                        + " -c http.sslCAInfo=\"$f\" -c protocol.allow=never"
                        + " -c protocol.https.allow=always -c http.followRedirects=false"
                        + " clone --quiet -- \"$1\" \"$2\"; s=$?; rm -f \"$f\"; exit $s";
        ExecRequest request =
                ExecRequest.of("/bin/sh", "-c", script, "clone", address.toString(), target)
                        .withCwd(Workspaces.HOME)
                        .withEnv(Map.of("GIT_TERMINAL_PROMPT", "0", "GIT_ASKPASS", "/bin/false"))
                        .withStdin(gitCertificates())
                        .withOutputLimit(64 * 1024)
                        .withTimes(Duration.ofSeconds(120), Duration.ofSeconds(300));
        ExecResult result = exec(subject, request);
        if (result.succeeded()) {
            return target;
        }
        String why = result.stderrText().strip();
        if (why.contains("already exists")) {
            throw new WorkspaceFileException("exists", target + " already exists.");
        }
        String last = why.isEmpty() ? "" : why.lines().reduce((first, second) -> second).orElse("");
        throw new WorkspaceFileException(
                "clone-failed",
                last.isEmpty()
                        ? "git clone did not finish (" + result.limitHit() + ")."
                        : last.replaceFirst("^fatal: ", ""));
    }

    private byte[] gitCertificates() throws WorkspaceFileException {
        if (gitCaFile.isEmpty()) {
            return new byte[0];
        }
        try {
            return Files.readAllBytes(Path.of(gitCaFile.get()));
        } catch (IOException e) {
            throw new WorkspaceFileException(
                    "failed", "codaipro.ide.git-ca-file cannot be read: " + e.getMessage());
        }
    }

    /** The person's workspace, started if need be; a used-up day is a "quota" refusal (429). */
    Workspace workspace(String subject) throws WorkspaceFileException, SandboxConnectorException {
        try {
            return workspaces.open(subject);
        } catch (QuotaUsedUpException e) {
            throw new WorkspaceFileException("quota", e.getMessage());
        }
    }

    private ExecResult exec(String subject, ExecRequest request)
            throws WorkspaceFileException, SandboxConnectorException {
        Workspace workspace = workspace(subject);
        workspace.touch();
        try (SandboxConnection connection = workspaces.sandboxes().getConnection()) {
            return connection.exec(workspace.sandbox(), request);
        }
    }

    private ExecResult run(String subject, byte[] input, int outputLimit, String... arguments)
            throws WorkspaceFileException, SandboxConnectorException {
        for (String argument : arguments) {
            requireNoControlCharacters(argument);
        }
        List<String> argv = new ArrayList<>(List.of("python3", "-I", "-S", "-c", HELPER));
        argv.add(Workspaces.HOME);
        argv.addAll(List.of(arguments));
        ExecRequest request =
                ExecRequest.of(argv.toArray(String[]::new))
                        .withCwd(Workspaces.HOME)
                        .withStdin(input)
                        .withOutputLimit(outputLimit + 1)
                        .withTimes(Duration.ofSeconds(20), Duration.ofSeconds(60));
        ExecResult result = exec(subject, request);
        if (result.succeeded()) {
            if (result.stdout().length > outputLimit || result.outputTruncated()) {
                throw new WorkspaceFileException(
                        "too-large", "The answer is larger than " + outputLimit + " bytes.");
            }
            return result;
        }
        if (result.exitCode() == 1) {
            WorkspaceFileException refused = refusal(result.stderrText());
            if ("full".equals(refused.kind())) {
                throw full(subject);
            }
            throw refused;
        }
        throw new WorkspaceFileException(
                "failed",
                "The file operation did not finish ("
                        + (result.signal() != 0 ? "signal " + result.signal() : result.limitHit())
                        + ").");
    }

    /** A write that found the home full: says how full, in words a student reads. */
    private WorkspaceFileException full(String subject) {
        String detail;
        try {
            VolumeStats home = workspaces.home(subject);
            boolean inodes = home.usedInodes() >= home.totalInodes();
            detail =
                    "Your home is full: "
                            + (inodes
                                    ? home.usedInodes() + " of " + home.totalInodes() + " files"
                                    : megabytes(home.usedBytes())
                                            + " of "
                                            + megabytes(home.totalBytes()))
                            + " used. Delete files you no longer need (the terminal's"
                            + " du -sh ~/* shows what is large), then save again.";
        } catch (SandboxConnectorException e) {
            detail = "Your home is full. Delete files you no longer need, then save again.";
        }
        return new WorkspaceFileException("full", detail);
    }

    static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    private static WorkspaceFileException refusal(String stderr) {
        try {
            JsonObject error = Json.createReader(new StringReader(stderr.strip())).readObject();
            return new WorkspaceFileException(
                    error.getString("error", "failed"), error.getString("detail", ""));
        } catch (JsonException | ClassCastException e) {
            return new WorkspaceFileException("failed", "The file operation failed.");
        }
    }

    private static String limit(int bytes) {
        return Integer.toString(bytes);
    }

    private static String helperSource() {
        try (InputStream source = WorkspaceFiles.class.getResourceAsStream("workspace_files.py")) {
            return new String(source.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The helper refuses control characters in names too, but a NUL cannot even be passed to it (a
     * program's arguments are NUL-terminated): paths are checked here before anything runs.
     */
    static void requireNoControlCharacters(String path) throws WorkspaceFileException {
        if (path != null && path.chars().anyMatch(c -> c < 32 || c == 127)) {
            throw new WorkspaceFileException("bad-path", "no control characters in names");
        }
    }
}
