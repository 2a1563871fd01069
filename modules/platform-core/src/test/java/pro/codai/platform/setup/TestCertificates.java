package pro.codai.platform.setup;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real certificates and keys made by the JDK's keytool, as PEM text. */
final class TestCertificates {

    private static final String PASSWORD = "changeit";

    private final Path dir;
    private final Path store;

    TestCertificates(Path dir) {
        this.dir = dir;
        this.store = dir.resolve("store.p12");
    }

    /** A key pair with a self-signed certificate; {@code extra}: more keytool options. */
    void keyPair(String alias, String algorithm, String dnsName, String... extra) throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "-genkeypair",
                                "-alias",
                                alias,
                                "-keyalg",
                                algorithm,
                                "-dname",
                                "CN=" + dnsName,
                                "-validity",
                                "30"));
        if (algorithm.equals("RSA")) {
            command.addAll(List.of("-keysize", "2048"));
        }
        if (!dnsName.contains(" ")) {
            command.addAll(List.of("-ext", "SAN=dns:" + dnsName));
        }
        command.addAll(List.of(extra));
        keytool(command.toArray(String[]::new));
    }

    /** A certificate for {@code alias}'s key signed by {@code issuer}'s key, as PEM. */
    String signed(String alias, String issuer, String dnsName) throws Exception {
        Path request = dir.resolve(alias + ".csr");
        Path signed = dir.resolve(alias + ".signed.pem");
        keytool("-certreq", "-alias", alias, "-file", request.toString());
        keytool(
                "-gencert",
                "-alias",
                issuer,
                "-infile",
                request.toString(),
                "-outfile",
                signed.toString(),
                "-rfc",
                "-validity",
                "30",
                "-ext",
                "SAN=dns:" + dnsName);
        return Files.readString(signed);
    }

    String certificatePem(String alias) throws Exception {
        Certificate certificate = keyStore().getCertificate(alias);
        return TlsMaterial.pem("CERTIFICATE", certificate.getEncoded());
    }

    String keyPem(String alias) throws Exception {
        PrivateKey key = (PrivateKey) keyStore().getKey(alias, PASSWORD.toCharArray());
        return TlsMaterial.pem("PRIVATE KEY", key.getEncoded());
    }

    private KeyStore keyStore() throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        return keyStore;
    }

    private void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(
                List.of(
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        PASSWORD,
                        "-storetype",
                        "PKCS12",
                        "-noprompt"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
