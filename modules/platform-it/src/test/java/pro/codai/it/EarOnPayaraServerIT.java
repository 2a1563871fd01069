package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import pro.codai.launcher.DatabaseTarget;
import pro.codai.launcher.ServerPlan;

/**
 * The release EAR deployed on a full Payara Server 6 (the distribution zip from Maven Central), in
 * a domain of its own on free ports, with the data source created by the same asadmin commands the
 * launcher uses on Payara Micro, after the sandbox connector RAR (deployed on its own, as on Payara
 * Micro).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EarOnPayaraServerIT {

    static final String DOMAIN = "codaipro-it";

    private Path payaraHome;
    private Path workDir;
    private int portBase;

    @BeforeAll
    void startDomainAndDeployEar() throws Exception {
        Path artifacts = Path.of(System.getProperty("codaipro.it.artifacts", "target/artifacts"));
        workDir =
                Files.createTempDirectory(Path.of("target"), "EarOnPayaraServerIT-")
                        .toAbsolutePath();
        payaraHome = unzip(artifacts.resolve("payara-server.zip"), workDir).resolve("payara6");
        portBase = freePortBase();

        asadmin("create-domain", "--nopassword", "--portbase", Integer.toString(portBase), DOMAIN);
        Path domainLib = payaraHome.resolve("glassfish/domains").resolve(DOMAIN).resolve("lib");
        for (String jar : List.of("derby.jar", "derbyshared.jar", "derbytools.jar")) {
            Files.copy(
                    RunningServer.serverHome().resolve("lib/jdbc").resolve(jar),
                    domainLib.resolve(jar));
        }
        long started = System.nanoTime();
        asadmin("start-domain", DOMAIN);
        // Let applications see the standalone connector's classes (its API) — see
        // docs/install/payara-server.md.
        asadmin(
                "--port",
                Integer.toString(adminPort()),
                "set",
                "server.connector-service.class-loading-policy=global");
        for (String command :
                ServerPlan.postBootCommands(
                        new DatabaseTarget.EmbeddedDerby(), workDir.resolve("data"), 8)) {
            List<String> arguments =
                    new ArrayList<>(List.of("--port", Integer.toString(adminPort())));
            arguments.addAll(Arrays.asList(command.split(" ")));
            asadmin(arguments.toArray(String[]::new));
        }
        // The connector first, standalone (the applications name it "sandbox-connector"), then
        // the EAR.
        asadmin(
                "--port",
                Integer.toString(adminPort()),
                "deploy",
                artifacts.resolve("sandbox-connector.rar").toString());
        asadmin(
                "--port",
                Integer.toString(adminPort()),
                "deploy",
                artifacts.resolve("codaipro.ear").toString());
        System.out.printf(
                "FIGURE EAR on Payara Server: domain start to EAR deployed %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterAll
    void stopDomain() throws Exception {
        if (payaraHome != null) {
            asadmin("stop-domain", "--kill", DOMAIN);
        }
    }

    @Test
    void thePortalAnswersWithTheLandingPage() throws Exception {
        // localhost: the portal's default address; 127.0.0.1 is its default preview address.
        var page = Http.get(java.net.URI.create("http://localhost:" + httpPort() + "/"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Try Now").contains("Download");
    }

    @Test
    void theApiAnswersFromTheSameEar() throws Exception {
        var info = Http.get(java.net.URI.create("http://127.0.0.1:" + httpPort() + "/api/v1/info"));

        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body().replace(" ", "")).contains("\"database\":\"derby\"");
    }

    @Test
    void theJobeApiAnswersFromTheSameEarAndRefusesCallersWithoutAKey() throws Exception {
        var files =
                Http.get(
                        java.net.URI.create(
                                "http://127.0.0.1:"
                                        + httpPort()
                                        + "/jobe/index.php/restapi/languages"));

        assertThat(files.statusCode()).isEqualTo(403);
        assertThat(files.body()).isEqualTo("\"Unauthorised API key\"");
    }

    private int adminPort() {
        return portBase + 48;
    }

    private int httpPort() {
        return portBase + 80;
    }

    private void asadmin(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(payaraHome.resolve("bin/asadmin").toString());
        command.add("--interactive=false");
        command.addAll(Arrays.asList(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("AS_JAVA", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("asadmin " + String.join(" ", arguments) + " hung");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "asadmin " + String.join(" ", arguments) + " failed:\n" + output);
        }
    }

    /** A port base whose Payara ports (base + 0..99) are all free. */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(300) * 100;
            if (allFree(base)) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range for a Payara domain");
    }

    private static boolean allFree(int base) {
        for (int port = base; port < base + 100; port++) {
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    private static Path unzip(Path zip, Path target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path destination = target.resolve(entry.getName()).normalize();
                if (!destination.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy((InputStream) in, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // Zip entries carry no execute bit here; the scripts need it.
        for (Path script :
                List.of(
                        target.resolve("payara6/bin/asadmin"),
                        target.resolve("payara6/glassfish/bin/asadmin"))) {
            if (Files.exists(script)) {
                script.toFile().setExecutable(true);
            }
        }
        return target;
    }
}
