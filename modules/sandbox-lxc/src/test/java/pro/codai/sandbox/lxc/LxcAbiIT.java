package pro.codai.sandbox.lxc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pro.codai.sandbox.lxc.internal.LxcAbi;
import pro.codai.sandbox.lxc.internal.LxcLibrary;

/**
 * The offsets in {@link LxcAbi} against the installed liblxc: compiled from its headers with gcc,
 * and the library's version checked to be the one they describe.
 */
class LxcAbiIT {

    @TempDir Path tempDir;

    @Test
    void hardCodedOffsetsMatchTheInstalledHeaders() throws Exception {
        boolean headers = Files.exists(Path.of("/usr/include/lxc/lxccontainer.h"));
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(headers, "liblxc headers (lxc-dev) not installed");
        }
        Path binary = tempDir.resolve("lxc_offsets");
        run("gcc", "-o", binary.toString(), "src/test/c/lxc_offsets.c");
        Map<String, Integer> compiled = new LinkedHashMap<>();
        for (String line : run(binary.toString()).split("\n")) {
            String[] parts = line.split("=");
            compiled.put(parts[0], Integer.parseInt(parts[1]));
        }

        for (var entry : compiled.entrySet()) {
            int hardCoded = LxcAbi.class.getField(entry.getKey()).getInt(null);
            assertThat(hardCoded).as(entry.getKey()).isEqualTo(entry.getValue());
        }
        assertThat(compiled).hasSize(11);
    }

    @Test
    void theInstalledLibraryIsAVersionTheOffsetsDescribe() {
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(
                    Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/liblxc.so.1")),
                    "liblxc not installed");
        }
        assertThat(LxcAbi.supports(LxcLibrary.load().lxc_get_version())).isTrue();
        assertThat(LxcAbi.supports("4.0.12")).isFalse();
        assertThat(LxcAbi.supports("6.0.0")).isFalse();
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
