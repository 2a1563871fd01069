package pro.codai.sandbox.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {

    @TempDir Path tempDir;

    @AfterEach
    void forgetTheFile() {
        System.clearProperty(DaemonConfig.FILE_PROPERTY);
    }

    private DaemonConfig loadFile(String content) throws Exception {
        Path file = tempDir.resolve("sandboxd.properties");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        System.setProperty(DaemonConfig.FILE_PROPERTY, file.toString());
        return DaemonConfig.load();
    }

    @Test
    void theWarmPoolMaximumDefaultsTo64AndIsNeverBelowTheConfiguredSize() {
        Properties settings = new Properties();
        assertThat(DaemonConfig.from(settings).warmPoolMaxSize()).isEqualTo(64);

        settings.setProperty("sandboxd.warm-pool.max-size", "10");
        assertThat(DaemonConfig.from(settings).warmPoolMaxSize()).isEqualTo(10);

        settings.setProperty("sandboxd.warm-pool.size", "12");
        assertThat(DaemonConfig.from(settings).warmPoolMaxSize()).isEqualTo(12);

        settings.setProperty("sandboxd.warm-pool.max-size", "-1");
        assertThatThrownBy(() -> DaemonConfig.from(settings))
                .hasMessageContaining("sandboxd.warm-pool.max-size");
    }

    @Test
    void aFileOfKnownSettingsIsRead() throws Exception {
        DaemonConfig config =
                loadFile(
                        "# sandboxd\nsandboxd.warm-pool.size=2\nsandboxd.state-dir="
                                + tempDir.resolve("state")
                                + "\n");

        assertThat(config.warmPoolSize()).isEqualTo(2);
        assertThat(config.stateDir()).isEqualTo(tempDir.resolve("state"));
    }

    @Test
    void aMisspeltKeyInTheFileIsRefusedWithTheClosestKnownKeyAndTheLine() {
        assertThatThrownBy(
                        () ->
                                loadFile(
                                        "sandboxd.socket-group=codaipro\nsandboxd.warm-pool-size=2\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "settings file "
                                + tempDir.resolve("sandboxd.properties")
                                + ", line 2: sandboxd.warm-pool-size is not a setting; did you mean"
                                + " sandboxd.warm-pool.size? (every setting:"
                                + " docs/reference/sandboxd-configuration.md)");
    }

    @Test
    void aKeyWithoutTheSandboxdPrefixIsRefusedToo() {
        assertThatThrownBy(() -> loadFile("max.memory=1g\n"))
                .hasMessageContaining(
                        "max.memory is not a setting; did you mean sandboxd.max.memory?");
    }

    @Test
    void anUnknownSandboxdKeyGivenDirectlyIsRefused() {
        Properties properties = new Properties();
        properties.setProperty("sandboxd.max.memroy", "1g");

        assertThatThrownBy(() -> DaemonConfig.from(properties))
                .hasMessageStartingWith(
                        "sandboxd.max.memroy is not a setting; did you mean sandboxd.max.memory?");
    }

    @Test
    void aMalformedEscapeNamesItsLine() {
        assertThatThrownBy(
                        () -> loadFile("sandboxd.warm-pool.size=2\nsandboxd.image-dir=\\uZZZZ\n"))
                .hasMessageContaining(", line 2: malformed \\uXXXX escape");
    }

    @Test
    void aFileTheGroupOrOthersMayChangeIsRefused() throws Exception {
        Path file = tempDir.resolve("sandboxd.properties");
        Files.writeString(file, "sandboxd.warm-pool.size=2\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        System.setProperty(DaemonConfig.FILE_PROPERTY, file.toString());

        assertThatThrownBy(DaemonConfig::load)
                .hasMessage(
                        "settings file "
                                + file
                                + ": users other than its owner may change it; run: chmod 0644 "
                                + file);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> loadFile("sandboxd.volume-root=volumes\n"))
                .hasMessage("setting sandboxd.volume-root: 'volumes' is not an absolute path");
        assertThatThrownBy(() -> loadFile("sandboxd.max.pids=lots\n"))
                .hasMessage("setting sandboxd.max.pids: 'lots' is not a non-negative integer");
        assertThatThrownBy(() -> loadFile("sandboxd.resource-views=on\n"))
                .hasMessage("setting sandboxd.resource-views: 'on' is not auto or off");
    }

    @Test
    void resourceViewsAreAutoUnlessTurnedOff() throws Exception {
        assertThat(loadFile("").resourceViews()).isTrue();
        assertThat(loadFile("sandboxd.resource-views=auto\n").resourceViews()).isTrue();
        assertThat(loadFile("sandboxd.resource-views=off\n").resourceViews()).isFalse();
    }

    @Test
    void volumeSizesHaveDefaultsAndTheDefaultNeverExceedsTheMaximum() throws Exception {
        DaemonConfig defaults = loadFile("");
        assertThat(defaults.volumeDefaultBytes()).isEqualTo(1L << 30);
        assertThat(defaults.volumeMaxBytes()).isEqualTo(10L << 30);

        DaemonConfig small =
                loadFile("sandboxd.volume.default-size=2g\nsandboxd.volume.max-size=512m\n");
        assertThat(small.volumeDefaultBytes()).isEqualTo(512L << 20);
        assertThat(small.volumeMaxBytes()).isEqualTo(512L << 20);
        assertThatThrownBy(() -> loadFile("sandboxd.volume.max-size=huge\n"))
                .hasMessageStartingWith("setting sandboxd.volume.max-size:");
    }

    @Test
    void everyKeyIsReadDocumentedAndListed() throws Exception {
        String source =
                Files.readString(
                        Path.of("src/main/java/pro/codai/sandbox/daemon/DaemonConfig.java"));
        Matcher literal = Pattern.compile("\"(sandboxd\\.[a-z0-9.-]+)\"").matcher(source);
        Set<String> inSource = new TreeSet<>();
        while (literal.find()) {
            inSource.add(literal.group(1));
        }
        inSource.remove(DaemonConfig.FILE_PROPERTY);
        List<String> documented = new ArrayList<>();
        for (String line :
                Files.readAllLines(Path.of("../../docs/reference/sandboxd-configuration.md"))) {
            if (line.startsWith("| `sandboxd.")) {
                documented.add(line.substring(3, line.indexOf('`', 3)));
            }
        }

        assertThat(inSource).containsExactlyInAnyOrderElementsOf(DaemonConfig.KEYS);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(DaemonConfig.KEYS);
    }
}
