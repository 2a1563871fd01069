package pro.codai.portal.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

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

    @TempDir static Path dir;
    InMemoryDirectoryServer server;
    String campusCa;
    String otherCa;

    @BeforeAll
    void start() throws Exception {
        CampusCaFiles files = new CampusCaFiles(dir);
        campusCa = files.campusCa;
        otherCa = files.otherCa;

        SSLUtil serverTls =
                new SSLUtil(
                        new KeyStoreKeyManager(
                                files.serverStore(),
                                CampusCaFiles.STORE_PASSWORD.toCharArray(),
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
}
