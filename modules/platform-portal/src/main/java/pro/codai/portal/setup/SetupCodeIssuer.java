package pro.codai.portal.setup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.platform.setup.SetupCode;
import pro.codai.platform.setup.SetupStatus;

/**
 * Makes the setup code when the portal starts on an appliance whose setup is pending: logs it once
 * (the journal) and writes it to {@code <data dir>/setup/code}, mode 0600, for the console's login
 * banner. Keeps only its hash ({@link SetupCode}).
 */
@ApplicationScoped
public class SetupCodeIssuer {

    private static final Logger LOG = Logger.getLogger(SetupCodeIssuer.class.getName());

    @Inject
    @ConfigProperty(name = "codaipro.data.dir", defaultValue = "/var/lib/codaipro")
    String dataDir;

    @Inject
    @ConfigProperty(name = "codaipro.public.url")
    java.util.Optional<String> publicUrl;

    @Inject SetupStatus setup;

    private volatile SetupCode code;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (!setup.pending()) {
            return;
        }
        SetupCode.Issued issued = SetupCode.issue();
        code = issued.checker();
        try {
            Path dir = setupDir();
            Files.createDirectories(dir);
            Path temporary =
                    Files.createTempFile(
                            dir,
                            ".code-",
                            "",
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, issued.code() + "\n", StandardCharsets.US_ASCII);
            Files.move(
                    temporary,
                    codeFile(),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "setup code not written to " + codeFile() + ": " + e);
        }
        LOG.warning(
                "Setup is pending. Setup code: "
                        + issued.code()
                        + " — open "
                        + publicUrl.orElse("https://<this host>")
                        + "/setup to set up the appliance.");
    }

    /** The code's checker, or null when setup is not pending (or was completed since). */
    SetupCode code() {
        return code;
    }

    /** Forgets the code and removes its file: setup is complete. */
    void retire() {
        code = null;
        try {
            Files.deleteIfExists(codeFile());
        } catch (IOException e) {
            LOG.warning("setup code file not removed: " + e);
        }
    }

    Path setupDir() {
        return Path.of(dataDir, "setup");
    }

    private Path codeFile() {
        return setupDir().resolve("code");
    }
}
