package pro.codai.portal.ide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workspace file program on this machine's Python, on a temporary folder as the home: its
 * refusals of links, hard links and bad archives. (TryNowIT runs it in real sandboxes.)
 */
class WorkspaceFilesHelperTest {

    @TempDir Path home;
    @TempDir Path outside;

    record Result(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private Result helper(byte[] input, String... arguments) throws Exception {
        String source;
        try (InputStream in = WorkspaceFiles.class.getResourceAsStream("workspace_files.py")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> command =
                new ArrayList<>(List.of("python3", "-I", "-S", "-c", source, home.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().write(input);
        process.getOutputStream().close();
        byte[] stdout = process.getInputStream().readAllBytes();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), stdout, stderr);
    }

    private Result helper(String... arguments) throws Exception {
        return helper(new byte[0], arguments);
    }

    @Test
    void writesReadsListsRenamesAndDeletes() throws Exception {
        assertThat(helper("x = 1\n".getBytes(), "write", "src/main.py", "100").status()).isZero();
        assertThat(helper("read", "src/main.py", "100").out()).isEqualTo("x = 1\n");
        assertThat(helper("list", "").out()).contains("\"path\": \"src/main.py\"");
        assertThat(helper("rename", "src/main.py", "lib/app.py").status()).isZero();
        assertThat(Files.readString(home.resolve("lib/app.py"))).isEqualTo("x = 1\n");
        assertThat(helper("rename", "lib", "lib/inner").stderr()).contains("bad-path");
        assertThat(helper("mkdir", "lib").stderr()).contains("exists");
        assertThat(helper("delete", "lib").status()).isZero();
        assertThat(home.resolve("lib")).doesNotExist();
        assertThat(helper("x".repeat(101).getBytes(), "write", "big.txt", "100").stderr())
                .contains("too-large");
        assertThat(home.resolve("big.txt")).doesNotExist();
    }

    @Test
    void badPathsAreRefused() throws Exception {
        for (String bad : List.of("../x", "/etc/passwd", "a//b", "a/./b", "", "a\nb")) {
            assertThat(helper("read", bad, "100").stderr()).as(bad).contains("bad-path");
        }
    }

    @Test
    void linksAreNotFollowedWrittenThroughOrExported() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(home.resolve("evil.py"), secret);
        Files.createSymbolicLink(home.resolve("out"), outside);
        Files.writeString(home.resolve("mine.txt"), "mine");
        Files.createLink(home.resolve("hard.txt"), home.resolve("mine.txt"));
        Files.writeString(home.resolve("plain.txt"), "plain");
        Files.createDirectories(home.resolve("src"));

        assertThat(helper("new".getBytes(), "write", "evil.py", "100").stderr()).contains("link");
        assertThat(helper("new".getBytes(), "write", "out/new.txt", "100").stderr())
                .contains("link");
        assertThat(helper("read", "evil.py", "100").stderr()).contains("link");
        assertThat(helper("read", "out/secret.txt", "100").stderr()).contains("link");
        assertThat(helper("read", "hard.txt", "100").stderr()).contains("hard link");
        assertThat(Files.readString(secret)).isEqualTo("secret");
        assertThat(outside.resolve("new.txt")).doesNotExist();

        List<String> names = new ArrayList<>();
        try (ZipInputStream zip =
                new ZipInputStream(
                        new java.io.ByteArrayInputStream(
                                helper("export-zip", "", "100000").stdout()))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertThat(names).containsExactly("plain.txt", "src/");

        assertThat(helper("delete", "out").status()).isZero();
        assertThat(secret).exists();
    }

    @Test
    void archivesWithBadEntriesChangeNothing() throws Exception {
        for (String bad : List.of("../escaped.txt", "/tmp/absolute.txt", "a/../../b.txt")) {
            Result refused = helper(zip("fine.txt", bad), "import-zip", "", "100000");
            assertThat(refused.stderr()).as(bad).contains("bad-archive");
        }
        assertThat(helper("not a zip".getBytes(), "import-zip", "", "100000").stderr())
                .contains("bad-archive");
        try (var files = Files.list(home)) {
            assertThat(files).isEmpty();
        }
        assertThat(helper(zip("src/a.py", "src/b.py"), "import-zip", "in", "100000").out())
                .isEqualTo("{\"unpacked\": 2}");
        assertThat(home.resolve("in/src/b.py")).hasContent("src/b.py");
    }

    private static byte[] zip(String... names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (String name : names) {
                out.putNextEntry(new ZipEntry(name));
                out.write(name.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
