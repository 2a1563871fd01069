package pro.codai.portal.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory probe against a real LDAP server (UnboundID's in-memory one) on loopback, over
 * LDAPS and StartTLS, whose certificate a campus CA made here (keytool) issued: trusted only when
 * that CA is given.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryProbeTest {

    static final String BASE = "dc=uni,dc=example";
    static final String PEOPLE = "ou=people," + BASE;
    static final String BIND_DN = "cn=keycloak," + BASE;
    static final String BIND_PASSWORD = "directory-bind-secret-42";
    static final String STORE_PASSWORD = "changeit";

    @TempDir static Path dir;
    InMemoryDirectoryServer server;
    String campusCa;
    String otherCa;

    @BeforeAll
    void start() throws Exception {
        keytool(
                "ca.p12",
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=Campus Test CA",
                "-ext",
                "bc:c",
                "-validity",
                "30");
        keytool(
                "other.p12",
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=Other CA",
                "-ext",
                "bc:c",
                "-validity",
                "30");
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

        SSLUtil serverTls =
                new SSLUtil(
                        new KeyStoreKeyManager(
                                file("server.p12"),
                                STORE_PASSWORD.toCharArray(),
                                "PKCS12",
                                "server"),
                        null);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setListenerConfigs(
                InMemoryListenerConfig.createLDAPSConfig(
                        "ldaps", loopback, 0, serverTls.createSSLServerSocketFactory(), null),
                InMemoryListenerConfig.createLDAPConfig(
                        "ldap", loopback, 0, serverTls.createSSLSocketFactory()));
        config.addAdditionalBindCredentials(BIND_DN, BIND_PASSWORD);
        config.setSchema(null);
        server = new InMemoryDirectoryServer(config);
        server.add(new Entry("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: uni"));
        server.add(
                new Entry(
                        "dn: " + PEOPLE,
                        "objectClass: top",
                        "objectClass: organizationalUnit",
                        "ou: people"));
        for (String uid : List.of("ada", "grace", "alan")) {
            server.add(
                    new Entry(
                            "dn: uid=" + uid + "," + PEOPLE,
                            "objectClass: inetOrgPerson",
                            "uid: " + uid,
                            "cn: " + uid,
                            "sn: " + uid));
        }
        server.startListening();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.shutDown(true);
        }
    }

    @Test
    void anLdapsDirectoryTheCampusCaIssuedIsTrustedWithThatCa() {
        DirectoryProbe.Result result = probe(ldaps("localhost"), false, campusCa);

        assertThat(result.message()).isEqualTo("Connected: 3 people under " + PEOPLE + ".");
        assertThat(result.connected()).isTrue();
    }

    @Test
    void startTlsToTheDirectoryTrustsTheCampusCaToo() {
        DirectoryProbe.Result result = probe(ldap("localhost"), true, campusCa);

        assertThat(result.connected()).as(result.message()).isTrue();
        assertThat(result.people()).isEqualTo(3);
    }

    @Test
    void withoutTheCampusCaOrWithAnotherTheDirectoryIsRefusedAndTheMessageSaysWhy() {
        for (String ca : new String[] {null, otherCa}) {
            DirectoryProbe.Result ldaps = probe(ldaps("localhost"), false, ca);
            DirectoryProbe.Result startTls = probe(ldap("localhost"), true, ca);

            assertThat(ldaps.connected()).isFalse();
            assertThat(ldaps.message())
                    .contains("certificate that is not trusted", "Upload the campus CA");
            assertThat(startTls.connected()).isFalse();
        }
    }

    @Test
    void aCampusCaThatIsNoCertificateIsSaidSo() {
        DirectoryProbe.Result result =
                probe(
                        ldaps("localhost"),
                        false,
                        "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                                + "-----END CERTIFICATE-----\n");

        assertThat(result.connected()).isFalse();
        assertThat(result.message()).isEqualTo("The campus CA file holds no certificate.");
    }

    private DirectoryProbe.Result probe(String url, boolean startTls, String campusCaPem) {
        return new DirectoryProbe()
                .test(
                        new DirectorySettings(
                                false, url, startTls, BIND_DN, BIND_PASSWORD, PEOPLE, ""),
                        campusCaPem);
    }

    private String ldaps(String host) {
        return "ldaps://" + host + ":" + server.getListenPort("ldaps");
    }

    private String ldap(String host) {
        return "ldap://" + host + ":" + server.getListenPort("ldap");
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
