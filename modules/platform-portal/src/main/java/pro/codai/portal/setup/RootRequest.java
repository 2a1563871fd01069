package pro.codai.portal.setup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <p>Root answers ({@code appliance/ops/setup-apply}): on failure {@code apply/failed} (the reason,
 * one line) with {@code request.properties} renamed {@code request.properties.failed}; once
 * everything but the restarts of Keycloak and the server is in place, {@code setup/applied} ({@code
 * host_name=…}, {@code public_url=…}), and at the end {@code apply/} is removed. {@link #status}
 * reads that; {@link #retry} puts a failed request back as it was.
 */
final class RootRequest {

    private RootRequest() {}

    /** The address people use once root applied the host name: nginx answers on 443. */
    static String publicUrl(String hostName) {
        return "https://" + hostName;
    }

    static void write(Path setupDir, String hostName, TlsMaterial tls, String campusCaPem)
            throws SetupFailure {
        Path apply = setupDir.resolve("apply");
        Path staging = setupDir.resolve(".apply-staging");
        try {
            removeTree(staging);
            // An answer to an earlier request is not this one's.
            Files.deleteIfExists(setupDir.resolve("applied"));
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
                            + "public_url="
                            + publicUrl(hostName)
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

    /** What root made of the request. */
    enum State {
        /** Nothing asked (or nothing left of it). */
        NONE,
        /** Asked; root has not answered yet. */
        PENDING,
        /** Applied; Keycloak and the server restart. */
        APPLIED,
        /** Refused or failed; nothing on the host changed. */
        FAILED
    }

    /** Root's answer: the state, and the reason (failed) or the public URL (applied). */
    record Status(State state, String detail) {}

    /** At most this much of root's answer is read. */
    static final int MAX_ANSWER = 4096;

    static Status status(Path setupDir) {
        Path apply = setupDir.resolve("apply");
        String failed = answer(apply.resolve("failed"));
        if (failed != null) {
            return new Status(State.FAILED, failed.isBlank() ? "no reason given" : failed);
        }
        String applied = answer(setupDir.resolve("applied"));
        if (applied != null) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : applied.split("\n")) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    values.put(line.substring(0, equals), line.substring(equals + 1).strip());
                }
            }
            return new Status(State.APPLIED, values.getOrDefault("public_url", ""));
        }
        if (Files.isRegularFile(apply.resolve("request.properties"), LinkOption.NOFOLLOW_LINKS)) {
            return new Status(State.PENDING, "");
        }
        return new Status(State.NONE, "");
    }

    /**
     * Asks root again with the request that failed, as it was (its files are still there): the
     * answer is removed and {@code request.properties} comes back by a rename. False when there is
     * no failed request.
     */
    static boolean retry(Path setupDir) throws SetupFailure {
        Path apply = setupDir.resolve("apply");
        Path failed = apply.resolve("request.properties.failed");
        if (!Files.isRegularFile(failed, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            Files.deleteIfExists(apply.resolve("failed"));
            Files.deleteIfExists(setupDir.resolve("applied"));
            Files.move(failed, apply.resolve("request.properties"), StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new SetupFailure(
                    "The request could not be put back under " + apply + ": " + e.getMessage(), e);
        }
    }

    /** Root's answer file, printable text only, or null when there is none. */
    private static String answer(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            String text = new String(in.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
            return text.replaceAll("[\\p{Cntrl}&&[^\\n]]", " ").strip();
        } catch (IOException e) {
            return null;
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
