package pro.codai.portal.setup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

import pro.codai.platform.setup.TlsMaterial;

/**
 * What the wizard asks root to apply (host name, TLS certificate): files under {@code <data
 * dir>/setup/apply/}, which a root systemd path unit ({@code codaipro-setup-apply.path}, installed
 * by the Ansible role) watches. {@code request.properties} is written last, by an atomic rename, so
 * the unit never sees half a request; writing again replaces the whole request.
 *
 * <pre>
 * apply/hostname              one line: the host name (e.g. ide.campus.edu)
 * apply/tls/fullchain.pem     only with tls=uploaded: the server's certificate, then its issuers
 * apply/tls/privkey.pem       only with tls=uploaded: the key, PKCS #8 PEM, mode 0600
 * apply/tls/campus-ca.pem     only with campus_ca=yes: the campus CA certificate(s)
 * apply/request.properties    hostname=…, public_url=https://…, tls=keep|uploaded,
 *                             campus_ca=yes|no, format=1
 * </pre>
 */
final class RootRequest {

    private RootRequest() {}

    static void write(Path setupDir, String hostName, TlsMaterial tls, String campusCaPem)
            throws SetupFailure {
        Path apply = setupDir.resolve("apply");
        Path staging = setupDir.resolve(".apply-staging");
        try {
            removeTree(staging);
            Files.createDirectories(staging.resolve("tls"));
            write(staging.resolve("hostname"), hostName + "\n", "rw-r-----");
            boolean uploaded = tls != null;
            boolean ca = campusCaPem != null && !campusCaPem.isBlank();
            if (uploaded) {
                write(staging.resolve("tls/fullchain.pem"), tls.chainPem(), "rw-r-----");
                write(staging.resolve("tls/privkey.pem"), tls.keyPem(), "rw-------");
            }
            if (ca) {
                write(
                        staging.resolve("tls/campus-ca.pem"),
                        campusCaPem.strip() + "\n",
                        "rw-r-----");
            }
            String request =
                    "# Written by the setup wizard; applied by codaipro-setup-apply.service (root).\n"
                            + "format=1\n"
                            + "hostname="
                            + hostName
                            + "\n"
                            + "public_url=https://"
                            + hostName
                            + "\n"
                            + "tls="
                            + (uploaded ? "uploaded" : "keep")
                            + "\n"
                            + "campus_ca="
                            + (ca ? "yes" : "no")
                            + "\n";
            write(staging.resolve("request.properties.new"), request, "rw-r-----");
            removeTree(apply);
            Files.move(staging, apply, StandardCopyOption.ATOMIC_MOVE);
            Files.move(
                    apply.resolve("request.properties.new"),
                    apply.resolve("request.properties"),
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SetupFailure(
                    "The host name and TLS files could not be written under "
                            + setupDir
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static void write(Path file, String text, String mode) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void removeTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
