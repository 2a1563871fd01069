package pro.codai.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's archive, unpacked by GNU tar as the sandbox unpacks it. */
class TarTest {

    @TempDir Path dir;

    @Test
    void everyNameARunMayHaveIsUnpackedWholeWithItsContentAndMode() throws Exception {
        String spaced = "my prog.py";
        String longBeyondAscii = "programme été " + "x".repeat(120) + ".c";
        String at100 = "a".repeat(98) + ".c";
        byte[] archive =
                new Tar()
                        .add(spaced, bytes("print(1)\n"))
                        .add(longBeyondAscii, bytes("int main(void) { return 0; }\n"))
                        .add(at100, new byte[0])
                        .add("prog", bytes("\u007fELF"), 0755)
                        .finish();

        Process tar =
                new ProcessBuilder("tar", "-x", "-f", "-", "-C", dir.toString())
                        .redirectErrorStream(true)
                        .start();
        tar.getOutputStream().write(archive);
        tar.getOutputStream().close();
        String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(said).isZero();

        try (var listed = Files.list(dir)) {
            assertThat(listed.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(spaced, longBeyondAscii, at100, "prog");
        }
        assertThat(Files.readString(dir.resolve(spaced))).isEqualTo("print(1)\n");
        assertThat(Files.readString(dir.resolve(longBeyondAscii)))
                .isEqualTo("int main(void) { return 0; }\n");
        assertThat(Files.getPosixFilePermissions(dir.resolve("prog")))
                .contains(PosixFilePermission.OWNER_EXECUTE);
    }

    @Test
    void aPaxRecordCountsItsOwnLengthDigits() {
        for (int valueLength = 0; valueLength < 1100; valueLength++) {
            byte[] record = Tar.paxRecord("path", "v".repeat(valueLength));
            String text = new String(record, StandardCharsets.UTF_8);
            int declared = Integer.parseInt(text.substring(0, text.indexOf(' ')));
            assertThat(declared).as("value of %d bytes", valueLength).isEqualTo(record.length);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
