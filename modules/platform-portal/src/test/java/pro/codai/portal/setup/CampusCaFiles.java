package pro.codai.portal.setup;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A campus CA, another CA, and a server certificate for {@code localhost} that the campus CA
 * issued, made with the JDK's keytool in a directory: what the probes' tests run servers with.
 */
final class CampusCaFiles {

    static final String STORE_PASSWORD = "changeit";

    private final Path dir;

    /** The campus CA and the other CA, PEM. */
    final String campusCa;

    final String otherCa;

    CampusCaFiles(Path dir) throws Exception {
        this.dir = dir;
        authority("ca.p12", "CN=Campus Test CA");
        authority("other.p12", "CN=Other CA");
        keytool(
                "server.p12",
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-validity",
                "30");
        keytool("server.p12", "-certreq", "-alias", "server", "-file", file("server.csr"));
        keytool(
                "ca.p12",
                "-gencert",
                "-alias",
                "ca",
                "-infile",
                file("server.csr"),
                "-outfile",
                file("server.crt"),
                "-rfc",
                "-ext",
                "SAN=dns:localhost",
                "-validity",
                "30");
        keytool("ca.p12", "-exportcert", "-alias", "ca", "-rfc", "-file", file("ca.pem"));
        keytool("other.p12", "-exportcert", "-alias", "ca", "-rfc", "-file", file("other.pem"));
        keytool("server.p12", "-importcert", "-alias", "ca", "-file", file("ca.pem"));
        keytool("server.p12", "-importcert", "-alias", "server", "-file", file("server.crt"));
        campusCa = Files.readString(dir.resolve("ca.pem"));
        otherCa = Files.readString(dir.resolve("other.pem"));
    }

    /** The PKCS #12 store with the server's key (alias {@code server}) and its chain. */
    String serverStore() {
        return file("server.p12");
    }

    /** A TLS context that presents the server's certificate. */
    SSLContext serverContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(serverStore()))) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keys =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private void authority(String store, String name) throws Exception {
        keytool(
                store,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                name,
                "-ext",
                "bc:c",
                "-validity",
                "30");
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private void keytool(String store, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(
                List.of(
                        "-keystore",
                        file(store),
                        "-storepass",
                        STORE_PASSWORD,
                        "-storetype",
                        "PKCS12",
                        "-noprompt"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + arguments[0] + ": " + output);
        }
    }
}
