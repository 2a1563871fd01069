package pro.codai.platform.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    static final String HOST = "ide.campus.example";

    @TempDir static Path dir;
    static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = new TestCertificates(dir);
        certificates.keyPair("server", "RSA", HOST);
        certificates.keyPair("other", "RSA", HOST);
        certificates.keyPair("ec", "EC", HOST);
        certificates.keyPair("wildcard", "RSA", "*.campus.example");
        certificates.keyPair("expired", "RSA", HOST, "-startdate", "-20d", "-validity", "2");
        certificates.keyPair("ca", "RSA", "Campus CA", "-ext", "bc:c");
        certificates.keyPair("leaf", "RSA", "leaf.campus.example");
    }

    @Test
    void aCertificateWithItsOwnKeyNamingTheHostIsAccepted() throws Exception {
        TlsMaterial tls =
                TlsMaterial.check(
                        HOST,
                        certificates.certificatePem("server"),
                        certificates.keyPem("server"),
                        "",
                        Instant.now());

        assertThat(tls.chainPem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(tls.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(tls.notAfter()).isAfter(Instant.now().plus(Duration.ofDays(29)));
    }

    @Test
    void anEcKeyIsAcceptedWithItsCertificate() throws Exception {
        assertThat(
                        TlsMaterial.check(
                                HOST,
                                certificates.certificatePem("ec"),
                                certificates.keyPem("ec"),
                                null,
                                Instant.now()))
                .isNotNull();
    }

    @Test
    void anotherCertificatesKeyIsRefused() throws Exception {
        assertThatThrownBy(
                        () ->
                                TlsMaterial.check(
                                        HOST,
                                        certificates.certificatePem("server"),
                                        certificates.keyPem("other"),
                                        "",
                                        Instant.now()))
                .isInstanceOf(InvalidSetupInput.class)
                .hasMessageContaining("does not belong to the certificate");
        assertThatThrownBy(
                        () ->
                                TlsMaterial.check(
                                        HOST,
                                        certificates.certificatePem("server"),
                                        certificates.keyPem("ec"),
                                        "",
                                        Instant.now()))
                .hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        assertThatThrownBy(
                        () ->
                                TlsMaterial.check(
                                        HOST,
                                        certificates.certificatePem("expired"),
                                        certificates.keyPem("expired"),
                                        "",
                                        Instant.now()))
                .hasMessageContaining("expired on");
    }

    @Test
    void aCertificateForAnotherHostIsRefusedNamingWhatItNames() throws Exception {
        assertThatThrownBy(
                        () ->
                                TlsMaterial.check(
                                        "ide.other.example",
                                        certificates.certificatePem("server"),
                                        certificates.keyPem("server"),
                                        "",
                                        Instant.now()))
                .hasMessageContaining("does not name ide.other.example")
                .hasMessageContaining(HOST);
    }

    @Test
    void aWildcardCoversOneLabelOnly() throws Exception {
        String chain = certificates.certificatePem("wildcard");
        String key = certificates.keyPem("wildcard");
        assertThat(TlsMaterial.check(HOST, chain, key, "", Instant.now())).isNotNull();
        assertThatThrownBy(
                        () ->
                                TlsMaterial.check(
                                        "a.ide.campus.example", chain, key, "", Instant.now()))
                .hasMessageContaining("does not name");
    }

    @Test
    void aChainInOrderIsAcceptedAndOutOfOrderRefused() throws Exception {
        String leaf = certificates.signed("leaf", "ca", "leaf.campus.example");
        String ca = certificates.certificatePem("ca");
        String key = certificates.keyPem("leaf");

        TlsMaterial tls =
                TlsMaterial.check("leaf.campus.example", leaf + ca, key, ca, Instant.now());
        assertThat(tls.chainPem().split("BEGIN CERTIFICATE")).hasSize(3);
        assertThat(tls.campusCaPem()).contains("BEGIN CERTIFICATE");

        String other = certificates.certificatePem("other");
        assertThatThrownBy(
                        () ->
                                TlsMaterial.check(
                                        "leaf.campus.example",
                                        leaf + other,
                                        key,
                                        "",
                                        Instant.now()))
                .hasMessageContaining("did not sign certificate 1");
    }

    @Test
    void aPkcs1RsaKeyIsTakenAndAnEncryptedKeyRefusedWithTheCommandToFixIt() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        byte[] pkcs8 = key.getEncoded();
        // PKCS #8 of RSA = header (26 bytes for a 2048-bit key) + the PKCS #1 structure.
        byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        assertThat(TlsMaterial.pkcs8FromPkcs1(pkcs1)).isEqualTo(pkcs8);
        assertThat(TlsMaterial.privateKey(TlsMaterial.pem("RSA PRIVATE KEY", pkcs1)))
                .isEqualTo(key);

        assertThatThrownBy(
                        () ->
                                TlsMaterial.privateKey(
                                        TlsMaterial.pem(
                                                "ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3})))
                .hasMessageContaining("passphrase");
        assertThatThrownBy(
                        () ->
                                TlsMaterial.privateKey(
                                        TlsMaterial.pem("EC PRIVATE KEY", new byte[] {1, 2, 3})))
                .hasMessageContaining("openssl pkcs8");
    }

    @Test
    void textThatIsNotPemIsRefused() {
        assertThatThrownBy(() -> TlsMaterial.check(HOST, "hello", "world", "", Instant.now()))
                .hasMessageContaining("holds no certificate");
        assertThatThrownBy(
                        () ->
                                TlsMaterial.check(
                                        HOST,
                                        "-----BEGIN CERTIFICATE-----\n"
                                                + Base64.getEncoder().encodeToString(new byte[40])
                                                + "\n-----END CERTIFICATE-----\n",
                                        "",
                                        "",
                                        Instant.now()))
                .hasMessageContaining("not a readable PEM certificate");
    }
}
