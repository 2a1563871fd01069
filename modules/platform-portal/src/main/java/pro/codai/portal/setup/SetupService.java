package pro.codai.portal.setup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import pro.codai.platform.setup.Logo;
import pro.codai.platform.setup.SetupCode;
import pro.codai.platform.setup.SiteSettings;
import pro.codai.platform.setup.TlsMaterial;
import pro.codai.platform.site.Branding;

/**
 * Applies what the wizard collected, in one go, each part idempotent: the portal's Keycloak client
 * at the new public URL, the first administrator, the directory connection, the mail settings, the
 * host name and TLS request for root (which restarts Keycloak, so it comes last); then, only when
 * all of them succeeded, the site's settings and setup's completion (one transaction, audited). A
 * failure part-way leaves setup pending and the same finish can be tried again.
 */
@ApplicationScoped
public class SetupService {

    private static final Logger LOG = Logger.getLogger(SetupService.class.getName());

    @Inject SetupCodeIssuer codes;
    @Inject SiteSettings settings;
    @Inject KeycloakAdmin keycloak;
    @Inject DirectoryProbe directoryProbe;
    @Inject MailProbe mailProbe;
    @Inject SetupCompletion completion;
    @Inject Branding branding;

    /** Everything the wizard decided. */
    public record Plan(
            String hostName,
            TlsMaterial tls,
            String campusCaPem,
            String adminEmail,
            String adminFirstName,
            String adminLastName,
            String adminPassword,
            DirectorySettings directory,
            MailSettings mail,
            List<String> studentDomains,
            String siteName,
            Logo logo) {}

    public boolean pending() {
        return codes.code() != null && !settings.setupCompleted();
    }

    /** Checks a setup code from a client (its address); null while setup is not pending. */
    public SetupCode.Verdict checkCode(String guess, String clientAddress) {
        SetupCode code = codes.code();
        if (code == null || settings.setupCompleted()) {
            return null;
        }
        SetupCode.Verdict verdict = code.check(guess, clientAddress);
        if (verdict != SetupCode.Verdict.ACCEPTED) {
            LOG.warning(
                    "wrong setup code entered from "
                            + clientAddress
                            + "; "
                            + code.failuresLeft(clientAddress)
                            + " attempts left there");
        }
        return verdict;
    }

    /** Tests the directory, trusting the campus CA (PEM, may be null) over TLS too. */
    public DirectoryProbe.Result testDirectory(DirectorySettings directory, String campusCaPem) {
        return directoryProbe.test(directory, campusCaPem);
    }

    /** Sends the test mail, trusting the campus CA (PEM, may be null) over STARTTLS too. */
    public String sendTestMail(MailSettings mail, String to, String campusCaPem) {
        return mailProbe.send(mail, to, branding.getSiteName(), campusCaPem);
    }

    /** Connects to the relay, trusting the campus CA (PEM, may be null) over STARTTLS too. */
    public String checkMail(MailSettings mail, String campusCaPem) {
        return mailProbe.check(mail, campusCaPem);
    }

    /** What root made of the host name and TLS request. */
    public RootRequest.Status rootStatus() {
        return RootRequest.status(codes.setupDir());
    }

    /**
     * Asks root again with the request that failed (once setup is complete: the wizard's own
     * session only, see {@link pro.codai.platform.setup.SetupGate#FINISHED_HERE}); false when there
     * is no failed request.
     */
    public synchronized boolean askRootAgain() throws SetupFailure {
        boolean asked = RootRequest.retry(codes.setupDir());
        if (asked) {
            LOG.info("The host name and TLS request is asked of root again");
        }
        return asked;
    }

    public synchronized void finish(Plan plan) throws SetupFailure {
        if (!pending()) {
            throw new SetupFailure("Setup is already complete.");
        }
        keycloak.pointPortalClientAt(RootRequest.publicUrl(plan.hostName()));
        keycloak.ensureAdministrator(
                plan.adminEmail(),
                plan.adminFirstName(),
                plan.adminLastName(),
                plan.adminPassword());
        if (plan.directory() != null) {
            keycloak.connectDirectory(plan.directory());
        }
        if (plan.mail() != null) {
            keycloak.setMail(plan.mail());
        }
        // Root restarts Keycloak once it has applied the request: ask only when Keycloak is done.
        RootRequest.write(codes.setupDir(), plan.hostName(), plan.tls(), plan.campusCaPem());
        Map<String, String> values = new LinkedHashMap<>();
        values.put(SiteSettings.SITE_NAME, plan.siteName());
        values.put(SiteSettings.STUDENT_EMAIL_DOMAINS, String.join(",", plan.studentDomains()));
        if (plan.logo() != null) {
            values.put(SiteSettings.SITE_LOGO, plan.logo().stored());
        }
        String detail =
                "host "
                        + plan.hostName()
                        + "; tls "
                        + (plan.tls() == null
                                ? "self-signed kept"
                                : "uploaded, valid to " + plan.tls().notAfter())
                        + "; directory "
                        + (plan.directory() == null ? "none" : plan.directory().url())
                        + "; mail "
                        + (plan.mail() == null
                                ? "unchanged"
                                : plan.mail().host() + ":" + plan.mail().port())
                        + "; student domains "
                        + plan.studentDomains();
        completion.complete(values, plan.adminEmail(), detail);
        codes.retire();
        branding.refresh();
        LOG.info("Setup completed: " + detail);
        try {
            keycloak.disableSetupClient();
        } catch (SetupFailure e) {
            LOG.warning(
                    "The setup client stays enabled in Keycloak; switch codaipro-setup off in"
                            + " the admin console: "
                            + e.getMessage());
        }
    }
}
