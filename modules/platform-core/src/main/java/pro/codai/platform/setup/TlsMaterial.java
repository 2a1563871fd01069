package pro.codai.platform.setup;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLS certificate chain and its private key as an administrator uploads them (PEM), checked
 * before anything is written: the key belongs to the first certificate, the certificate is valid
 * now and names the host, each further certificate signed the one before it.
 *
 * <pre>{@code
 * TlsMaterial tls = TlsMaterial.check("ide.campus.edu", chainPem, keyPem, caPem, Instant.now());
 * Files.writeString(dir.resolve("fullchain.pem"), tls.chainPem());
 * }</pre>
 */
public record TlsMaterial(String chainPem, String keyPem, String campusCaPem, Instant notAfter)
        implements java.io.Serializable {

    private static final Pattern BLOCK =
            Pattern.compile(
                    "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    /** Largest PEM text taken for any of the three (a chain of a dozen certificates fits). */
    public static final int MAX_PEM_CHARS = 64 * 1024;

    public static TlsMaterial check(
            String host, String chainPem, String keyPem, String campusCaPem, Instant now)
            throws InvalidSetupInput {
        List<X509Certificate> chain = certificates(chainPem, "certificate chain");
        if (chain.isEmpty()) {
            throw new InvalidSetupInput(
                    "The certificate file holds no certificate (a PEM file with -----BEGIN"
                            + " CERTIFICATE----- blocks, the server's first).");
        }
        PrivateKey key = privateKey(keyPem);
        X509Certificate leaf = chain.get(0);
        if (!keyMatches(key, leaf.getPublicKey())) {
            throw new InvalidSetupInput(
                    "The private key does not belong to the certificate "
                            + leaf.getSubjectX500Principal().getName()
                            + " (it was made for another certificate).");
        }
        Date at = Date.from(now);
        if (leaf.getNotAfter().before(at)) {
            throw new InvalidSetupInput(
                    "The certificate expired on " + leaf.getNotAfter().toInstant() + ".");
        }
        if (leaf.getNotBefore().after(at)) {
            throw new InvalidSetupInput(
                    "The certificate is valid only from "
                            + leaf.getNotBefore().toInstant()
                            + "; check the appliance's clock or the certificate.");
        }
        List<String> names = dnsNames(leaf);
        if (names.stream().noneMatch(name -> covers(name, host))) {
            throw new InvalidSetupInput(
                    "The certificate does not name "
                            + host
                            + "; it names "
                            + (names.isEmpty() ? "no DNS name" : String.join(", ", names))
                            + ".");
        }
        for (int i = 1; i < chain.size(); i++) {
            if (!signedBy(chain.get(i - 1), chain.get(i))) {
                throw new InvalidSetupInput(
                        "Certificate "
                                + (i + 1)
                                + " of the chain did not sign certificate "
                                + i
                                + ": put the server's certificate first, then each issuer in"
                                + " order.");
            }
        }
        String ca = campusCaPem == null ? "" : campusCaPem.strip();
        if (!ca.isEmpty() && certificates(ca, "campus CA").isEmpty()) {
            throw new InvalidSetupInput("The campus CA file holds no certificate.");
        }
        return new TlsMaterial(
                pem(chain),
                pem("PRIVATE KEY", key.getEncoded()),
                ca.isEmpty() ? "" : ca + "\n",
                leaf.getNotAfter().toInstant());
    }

    /** Checks that a PEM text holds at least one readable certificate (e.g. a campus CA). */
    public static void checkCertificates(String pem, String what) throws InvalidSetupInput {
        if (certificates(pem, what).isEmpty()) {
            throw new InvalidSetupInput("The " + what + " file holds no certificate.");
        }
    }

    /** The certificates of a PEM text (other blocks skipped); {@code what} names it in messages. */
    public static List<X509Certificate> certificates(String pem, String what)
            throws InvalidSetupInput {
        if (pem == null || pem.length() > MAX_PEM_CHARS) {
            throw new InvalidSetupInput("The " + what + " is missing or too large.");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher blocks = BLOCK.matcher(pem);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (blocks.find()) {
                if (!blocks.group(1).equals("CERTIFICATE")) {
                    continue;
                }
                Collection<? extends java.security.cert.Certificate> read =
                        factory.generateCertificates(
                                new ByteArrayInputStream(decode(blocks.group(2))));
                for (var certificate : read) {
                    certificates.add((X509Certificate) certificate);
                }
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidSetupInput("The " + what + " is not a readable PEM certificate.");
        }
        return certificates;
    }

    static PrivateKey privateKey(String pem) throws InvalidSetupInput {
        if (pem == null || pem.length() > MAX_PEM_CHARS) {
            throw new InvalidSetupInput("The private key is missing or too large.");
        }
        Matcher block = BLOCK.matcher(pem);
        if (!block.find()) {
            throw new InvalidSetupInput(
                    "The key file holds no PEM private key (-----BEGIN PRIVATE KEY-----).");
        }
        String type = block.group(1);
        byte[] der;
        try {
            der = decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new InvalidSetupInput("The private key is not readable PEM.");
        }
        if (type.equals("RSA PRIVATE KEY")) {
            der = pkcs8FromPkcs1(der);
        } else if (type.equals("ENCRYPTED PRIVATE KEY")) {
            throw new InvalidSetupInput(
                    "The private key is protected by a passphrase; the web server must read it"
                            + " unattended. Remove it: openssl pkey -in key.pem -out plain.pem");
        } else if (!type.equals("PRIVATE KEY")) {
            throw new InvalidSetupInput(
                    "A '"
                            + type
                            + "' block is not taken; convert it to PKCS #8: openssl pkcs8"
                            + " -topk8 -nocrypt -in key.pem -out pkcs8.pem");
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm)
                        .generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // another algorithm
            }
        }
        throw new InvalidSetupInput("The private key is not an RSA, EC or EdDSA key.");
    }

    /** Whether the key signs what the certificate's public key verifies. */
    static boolean keyMatches(PrivateKey key, PublicKey certificateKey) {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    default -> key.getAlgorithm(); // Ed25519, Ed448
                };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // e.g. an EC key against an RSA certificate
        }
    }

    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0))) {
                        names.add(alternative.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            // no readable names
        }
        return names;
    }

    /** A DNS name of a certificate covers a host exactly or as a one-label wildcard. */
    static boolean covers(String name, String host) {
        if (name.equals(host)) {
            return true;
        }
        if (name.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(name.substring(2));
        }
        return false;
    }

    private static boolean signedBy(X509Certificate subject, X509Certificate issuer) {
        try {
            subject.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
    }

    static String pem(String type, byte[] der) {
        Base64.Encoder encoder =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        return "-----BEGIN "
                + type
                + "-----\n"
                + encoder.encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }

    private static String pem(List<X509Certificate> chain) throws InvalidSetupInput {
        StringBuilder text = new StringBuilder();
        try {
            for (X509Certificate certificate : chain) {
                text.append(pem("CERTIFICATE", certificate.getEncoded()));
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidSetupInput("A certificate of the chain cannot be encoded again.");
        }
        return text.toString();
    }

    /** A PKCS #1 RSA key wrapped as PKCS #8 (what {@code openssl genrsa} wrote before 3.0). */
    static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        byte[] algorithm = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = derTagged(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return derTagged(0x30, body);
    }

    private static byte[] derTagged(int tag, byte[] content) {
        int length = content.length;
        byte[] header;
        if (length < 0x80) {
            header = new byte[] {(byte) tag, (byte) length};
        } else if (length < 0x100) {
            header = new byte[] {(byte) tag, (byte) 0x81, (byte) length};
        } else if (length < 0x10000) {
            header = new byte[] {(byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length};
        } else {
            header =
                    new byte[] {
                        (byte) tag,
                        (byte) 0x83,
                        (byte) (length >> 16),
                        (byte) (length >> 8),
                        (byte) length
                    };
        }
        byte[] out = new byte[header.length + length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(content, 0, out, header.length, length);
        return out;
    }
}
