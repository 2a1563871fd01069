package pro.codai.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {

    @TempDir Path tempDir;

    @Test
    void aWritableDataDirectoryIsCreatedAndPasses() {
        assertThatCode(() -> Preflight.checkWritable(tempDir.resolve("new/data")))
                .doesNotThrowAnyException();
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsReported() throws Exception {
        Path file = Files.writeString(tempDir.resolve("a-file"), "x");

        assertThatThrownBy(() -> Preflight.checkWritable(file.resolve("data")))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("cannot write to " + file.resolve("data"))
                .extracting("setting")
                .isEqualTo(Setting.DATA_DIR);
    }

    @Test
    void aPortInUseIsReported() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> Preflight.checkPortFree(port))
                    .hasMessage("port " + port + " is already in use by another program")
                    .extracting("setting")
                    .isEqualTo(Setting.HTTP_PORT);
        }
    }

    @Test
    void anUnreachablePostgresqlServerIsReported() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        DatabaseTarget.PostgreSql target =
                new DatabaseTarget.PostgreSql(
                        "jdbc:postgresql://127.0.0.1:" + closedPort + "/codaipro",
                        "127.0.0.1",
                        closedPort,
                        "codaipro",
                        "app");

        assertThatThrownBy(() -> Preflight.checkReachable(target, "pw"))
                .hasMessageContaining("cannot connect to PostgreSQL at 127.0.0.1:" + closedPort)
                .isInstanceOfSatisfying(
                        SettingException.class,
                        refusal -> {
                            assertThat(refusal.setting()).isEqualTo(Setting.DB_URL);
                            assertThat(refusal.unavailable())
                                    .as("a database not reachable yet may be reached later")
                                    .isTrue();
                        });
    }
}
