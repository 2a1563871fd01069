package pro.codai.portal.setup;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;

import pro.codai.platform.setup.EmailDomains;
import pro.codai.platform.setup.HostNames;
import pro.codai.platform.setup.InvalidSetupInput;
import pro.codai.platform.setup.Logo;
import pro.codai.platform.setup.SetupCode;
import pro.codai.platform.setup.SetupGate;
import pro.codai.platform.setup.TlsMaterial;
import pro.codai.platform.site.Branding;
import pro.codai.platform.web.ClientAddress;

/**
 * The setup wizard's page ({@code /setup}): six steps, each checked on the server when it is left;
 * what they decide stays in this view until <em>Finish setup</em> hands it to {@link SetupService}
 * in one go. Nothing is reachable without the setup code.
 */
@Named
@ViewScoped
public class SetupWizard implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern MAIL_HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");

    /** The steps, in order; their titles are what the step list shows. */
    public enum Step {
        CODE("Setup code"),
        HOST("Host name and TLS"),
        ADMIN("Administrator"),
        DIRECTORY("Campus directory"),
        MAIL("Mail relay"),
        SITE("Students and branding"),
        DONE("Done");

        private final String title;

        Step(String title) {
            this.title = title;
        }

        public String getTitle() {
            return title;
        }
    }

    @Inject transient SetupService setup;
    @Inject transient Branding branding;

    private Step step = Step.CODE;
    private boolean codeAccepted;

    private String code;

    private String hostName;
    private String tlsChoice = "keep";
    private transient Part certificateFile;
    private transient Part keyFile;
    private transient Part campusCaFile;
    private TlsMaterial tls;
    private String campusCaPem;

    private String adminEmail;
    private String adminFirstName;
    private String adminLastName;
    private String adminPassword;
    private String adminPasswordAgain;

    private String directoryChoice = "skip";
    private String directoryKind = "openldap";
    private String directoryUrl;
    private boolean directoryStartTls;
    private String directoryBindDn;
    private String directoryBindPassword;
    private String directoryUsersDn;
    private String directoryGroupsDn;

    private String mailChoice = "skip";
    private String mailHost;
    private Integer mailPort = 587;
    private boolean mailStartTls = true;
    private String mailUser;
    private String mailPassword;
    private String mailFrom;
    private String mailTestTo;

    private String siteName;
    private String studentDomains;
    private transient Part logoFile;
    private Logo logo;

    /** The session that finished setup sees the end page again (root's answer, Try again). */
    @PostConstruct
    void init() {
        if (!setup.pending() && finishedHere()) {
            step = Step.DONE;
        }
    }

    // --- actions --------------------------------------------------------------------------

    public void checkCode() {
        if (!setup.pending()) {
            error(null, "Setup is not pending.");
            return;
        }
        SetupCode.Verdict verdict =
                setup.checkCode(
                        code,
                        ClientAddress.of(
                                (HttpServletRequest)
                                        FacesContext.getCurrentInstance()
                                                .getExternalContext()
                                                .getRequest()));
        code = null;
        switch (verdict) {
            case ACCEPTED -> {
                codeAccepted = true;
                step = Step.HOST;
            }
            case WRONG ->
                    error(
                            "setup:code",
                            "That is not the setup code. It is shown on the"
                                    + " appliance's console and in its journal (journalctl -u codaipro).");
            case EXHAUSTED ->
                    error(
                            "setup:code",
                            "Too many wrong codes: this code no longer"
                                    + " works from here. Restart the server (systemctl restart"
                                    + " codaipro) for a new one.");
            default -> error("setup:code", "Setup is not pending.");
        }
    }

    public void continueFromHost() {
        if (!allowed()) {
            return;
        }
        try {
            hostName = HostNames.hostName(hostName, "host name");
        } catch (InvalidSetupInput e) {
            error("setup:hostName", e.getMessage());
            return;
        }
        try {
            String ca = text(campusCaFile, "campus CA");
            if (!ca.isBlank()) {
                campusCaPem = ca;
            }
            if ("upload".equals(tlsChoice)) {
                String chain = text(certificateFile, "certificate");
                String key = text(keyFile, "private key");
                if (chain.isBlank() || key.isBlank()) {
                    error(
                            "setup:certificate",
                            "Choose both the certificate file and the key"
                                    + " file, or keep the generated certificate.");
                    return;
                }
                tls = TlsMaterial.check(hostName, chain, key, campusCaPem, Instant.now());
            } else {
                tls = null;
                if (campusCaPem != null) {
                    TlsMaterial.checkCertificates(campusCaPem, "campus CA");
                }
            }
        } catch (InvalidSetupInput e) {
            error("setup:certificate", e.getMessage());
            return;
        }
        step = Step.ADMIN;
    }

    public void continueFromAdmin() {
        if (!allowed()) {
            return;
        }
        boolean valid = true;
        adminEmail = adminEmail == null ? "" : adminEmail.trim();
        if (!EMAIL.matcher(adminEmail).matches() || adminEmail.length() > 254) {
            valid =
                    error(
                            "setup:adminEmail",
                            "Enter the administrator's email address" + " (they sign in with it).");
        }
        if (blank(adminFirstName) || blank(adminLastName)) {
            valid = error("setup:adminFirstName", "Enter the administrator's first and last name.");
        }
        String password = adminPassword == null ? "" : adminPassword;
        if (password.length() < 10 || password.length() > 128) {
            valid = error("setup:adminPassword", "The password needs 10 to 128 characters.");
        } else if (password.equalsIgnoreCase(adminEmail)) {
            valid = error("setup:adminPassword", "The password may not be the email address.");
        } else if (!password.equals(adminPasswordAgain)) {
            valid = error("setup:adminPasswordAgain", "The two passwords differ.");
        }
        if (valid) {
            if (mailTestTo == null) {
                mailTestTo = adminEmail;
            }
            step = Step.DIRECTORY;
        }
    }

    public void testDirectory() {
        if (!allowed() || !directoryComplete()) {
            return;
        }
        DirectoryProbe.Result result = setup.testDirectory(directory(), campusCaPem);
        if (result.connected()) {
            info(result.message());
        } else {
            error("setup:directoryUrl", result.message());
        }
    }

    public void continueFromDirectory() {
        if (!allowed()) {
            return;
        }
        if ("connect".equals(directoryChoice)) {
            if (!directoryComplete()) {
                return;
            }
            DirectoryProbe.Result result = setup.testDirectory(directory(), campusCaPem);
            if (!result.connected()) {
                error(
                        "setup:directoryUrl",
                        result.message()
                                + " Correct it, or choose to connect the directory later.");
                return;
            }
        }
        step = Step.MAIL;
    }

    public void sendTestMail() {
        if (!allowed() || !mailComplete()) {
            return;
        }
        if (blank(mailTestTo) || !EMAIL.matcher(mailTestTo.trim()).matches()) {
            error("setup:mailTestTo", "Enter the address the test mail goes to.");
            return;
        }
        String problem = setup.sendTestMail(mail(), mailTestTo.trim(), campusCaPem);
        if (problem == null) {
            info(
                    "The relay took the test mail to "
                            + mailTestTo.trim()
                            + ". Check that it arrived.");
        } else {
            error("setup:mailHost", problem);
        }
    }

    public void continueFromMail() {
        if (!allowed()) {
            return;
        }
        if ("set".equals(mailChoice)) {
            if (!mailComplete()) {
                return;
            }
            String problem = setup.checkMail(mail(), campusCaPem);
            if (problem != null) {
                error("setup:mailHost", problem + " Correct it, or set up mail later.");
                return;
            }
        }
        if (blank(siteName)) {
            siteName = branding.getSiteName();
        }
        step = Step.SITE;
    }

    public void finish() {
        if (!allowed()) {
            return;
        }
        List<String> domains;
        try {
            domains = EmailDomains.parse(studentDomains);
        } catch (InvalidSetupInput e) {
            error("setup:studentDomains", e.getMessage());
            return;
        }
        siteName = siteName == null ? "" : siteName.strip();
        if (siteName.isEmpty() || siteName.length() > 100 || siteName.contains("\n")) {
            error("setup:siteName", "Enter the site's name: one line, up to 100 characters.");
            return;
        }
        try {
            if (logoFile != null && logoFile.getSize() > 0) {
                logo = Logo.check(logoFile.getSubmittedFileName(), bytes(logoFile, Logo.MAX_BYTES));
            }
        } catch (InvalidSetupInput e) {
            error("setup:logo", e.getMessage());
            return;
        }
        try {
            setup.finish(
                    new SetupService.Plan(
                            hostName,
                            tls,
                            campusCaPem,
                            adminEmail,
                            adminFirstName.strip(),
                            adminLastName.strip(),
                            adminPassword,
                            "connect".equals(directoryChoice) ? directory() : null,
                            "set".equals(mailChoice) ? mail() : null,
                            domains,
                            siteName,
                            logo));
        } catch (SetupFailure e) {
            error(null, e.getMessage() + " Nothing is lost: correct it and finish again.");
            return;
        }
        adminPassword = null;
        adminPasswordAgain = null;
        directoryBindPassword = null;
        mailPassword = null;
        codeAccepted = false;
        FacesContext.getCurrentInstance()
                .getExternalContext()
                .getSessionMap()
                .put(SetupGate.FINISHED_HERE, Boolean.TRUE);
        step = Step.DONE;
    }

    /** Asks root again with the host name and TLS request that failed. */
    public void applyAgain() {
        if (step != Step.DONE || setup.pending() || !finishedHere()) {
            return;
        }
        try {
            if (setup.askRootAgain()) {
                info("Asked again: the appliance applies the host name and certificate now.");
            } else {
                error(null, "There is no failed request to try again.");
            }
        } catch (SetupFailure e) {
            error(null, e.getMessage());
        }
    }

    private static boolean finishedHere() {
        return Boolean.TRUE.equals(
                FacesContext.getCurrentInstance()
                        .getExternalContext()
                        .getSessionMap()
                        .get(SetupGate.FINISHED_HERE));
    }

    public void back() {
        if (codeAccepted && step.ordinal() > Step.HOST.ordinal() && step != Step.DONE) {
            step = Step.values()[step.ordinal() - 1];
        }
    }

    // --- checks ---------------------------------------------------------------------------

    /** Every step after the first needs the code, and setup still pending. */
    private boolean allowed() {
        if (!codeAccepted || !setup.pending()) {
            codeAccepted = false;
            step = Step.CODE;
            error(null, "Enter the setup code first.");
            return false;
        }
        return true;
    }

    private boolean directoryComplete() {
        boolean valid = true;
        if (blank(directoryUrl) || !directoryUrl.trim().matches("ldaps?://[^\\s/]+/?")) {
            valid =
                    error(
                            "setup:directoryUrl",
                            "Enter the directory's URL, e.g." + " ldaps://ldap.campus.edu:636.");
        }
        if (blank(directoryBindDn)) {
            valid = error("setup:directoryBindDn", "Enter the DN Keycloak binds as.");
        }
        if (blank(directoryBindPassword)) {
            valid = error("setup:directoryBindPassword", "Enter the bind DN's password.");
        }
        if (blank(directoryUsersDn)) {
            valid = error("setup:directoryUsersDn", "Enter where the people are (users DN).");
        }
        return valid;
    }

    private boolean mailComplete() {
        boolean valid = true;
        if (blank(mailHost) || !MAIL_HOST.matcher(mailHost.trim()).matches()) {
            valid = error("setup:mailHost", "Enter the relay's host name.");
        }
        if (mailPort == null || mailPort < 1 || mailPort > 65535) {
            valid = error("setup:mailPort", "Enter the relay's port (1–65535; usually 587 or 25).");
        }
        if (blank(mailFrom) || !EMAIL.matcher(mailFrom.trim()).matches()) {
            valid = error("setup:mailFrom", "Enter the address mail comes from.");
        }
        if (!blank(mailUser) && blank(mailPassword)) {
            valid = error("setup:mailPassword", "Enter the relay user's password.");
        }
        return valid;
    }

    private DirectorySettings directory() {
        return new DirectorySettings(
                "active-directory".equals(directoryKind),
                directoryUrl.trim().replaceAll("/$", ""),
                directoryStartTls,
                directoryBindDn.trim(),
                directoryBindPassword,
                directoryUsersDn.trim(),
                directoryGroupsDn == null ? "" : directoryGroupsDn.trim());
    }

    private MailSettings mail() {
        return new MailSettings(
                mailHost.trim(),
                mailPort,
                mailStartTls,
                mailUser == null ? "" : mailUser.trim(),
                mailPassword == null ? "" : mailPassword,
                mailFrom.trim(),
                siteName == null || siteName.isBlank() ? branding.getSiteName() : siteName);
    }

    private static String text(Part part, String what) throws InvalidSetupInput {
        if (part == null || part.getSize() == 0) {
            return "";
        }
        return new String(bytes(part, TlsMaterial.MAX_PEM_CHARS), StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(Part part, int limit) throws InvalidSetupInput {
        if (part.getSize() > limit) {
            throw new InvalidSetupInput(
                    "The file "
                            + part.getSubmittedFileName()
                            + " is larger"
                            + " than "
                            + (limit / 1024)
                            + " KB.");
        }
        try (InputStream in = part.getInputStream()) {
            return in.readNBytes(limit + 1);
        } catch (IOException e) {
            throw new InvalidSetupInput("The file could not be read: " + e.getMessage());
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static boolean error(String clientId, String message) {
        FacesContext faces = FacesContext.getCurrentInstance();
        faces.addMessage(clientId, new FacesMessage(FacesMessage.SEVERITY_ERROR, message, null));
        faces.validationFailed();
        return false;
    }

    private static void info(String message) {
        FacesContext.getCurrentInstance()
                .addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, message, null));
    }

    // --- state for the page ------------------------------------------------------------------

    /** Root's answer to the host name and TLS request: NONE, PENDING, APPLIED or FAILED. */
    public String getApplyState() {
        return setup.rootStatus().state().name();
    }

    /** The reason root gave for a failure, or the public URL it applied. */
    public String getApplyDetail() {
        return setup.rootStatus().detail();
    }

    public boolean isApplyPending() {
        return setup.rootStatus().state() == RootRequest.State.PENDING;
    }

    public List<Step> getSteps() {
        return List.of(Step.values()).subList(0, Step.DONE.ordinal());
    }

    public Step getStep() {
        return step;
    }

    public int getStepNumber() {
        return step.ordinal() + 1;
    }

    public String getCode() {
        return code;
    }

    public void setCode(String code) {
        this.code = code;
    }

    public String getHostName() {
        return hostName;
    }

    public void setHostName(String hostName) {
        this.hostName = hostName;
    }

    public String getTlsChoice() {
        return tlsChoice;
    }

    public void setTlsChoice(String tlsChoice) {
        this.tlsChoice = tlsChoice;
    }

    public Part getCertificateFile() {
        return certificateFile;
    }

    public void setCertificateFile(Part certificateFile) {
        this.certificateFile = certificateFile;
    }

    public Part getKeyFile() {
        return keyFile;
    }

    public void setKeyFile(Part keyFile) {
        this.keyFile = keyFile;
    }

    public Part getCampusCaFile() {
        return campusCaFile;
    }

    public void setCampusCaFile(Part campusCaFile) {
        this.campusCaFile = campusCaFile;
    }

    public boolean isCertificateUploaded() {
        return tls != null;
    }

    public String getCertificateSummary() {
        return tls == null
                ? ""
                : "Uploaded certificate for " + hostName + ", valid until " + tls.notAfter() + ".";
    }

    public String getAdminEmail() {
        return adminEmail;
    }

    public void setAdminEmail(String adminEmail) {
        this.adminEmail = adminEmail;
    }

    public String getAdminFirstName() {
        return adminFirstName;
    }

    public void setAdminFirstName(String adminFirstName) {
        this.adminFirstName = adminFirstName;
    }

    public String getAdminLastName() {
        return adminLastName;
    }

    public void setAdminLastName(String adminLastName) {
        this.adminLastName = adminLastName;
    }

    public String getAdminPassword() {
        return null; // never sent back to the browser
    }

    public void setAdminPassword(String adminPassword) {
        this.adminPassword = adminPassword;
    }

    public String getAdminPasswordAgain() {
        return null;
    }

    public void setAdminPasswordAgain(String adminPasswordAgain) {
        this.adminPasswordAgain = adminPasswordAgain;
    }

    public String getDirectoryChoice() {
        return directoryChoice;
    }

    public void setDirectoryChoice(String directoryChoice) {
        this.directoryChoice = directoryChoice;
    }

    public String getDirectoryKind() {
        return directoryKind;
    }

    public void setDirectoryKind(String directoryKind) {
        this.directoryKind = directoryKind;
    }

    public String getDirectoryUrl() {
        return directoryUrl;
    }

    public void setDirectoryUrl(String directoryUrl) {
        this.directoryUrl = directoryUrl;
    }

    public boolean isDirectoryStartTls() {
        return directoryStartTls;
    }

    public void setDirectoryStartTls(boolean directoryStartTls) {
        this.directoryStartTls = directoryStartTls;
    }

    public String getDirectoryBindDn() {
        return directoryBindDn;
    }

    public void setDirectoryBindDn(String directoryBindDn) {
        this.directoryBindDn = directoryBindDn;
    }

    public String getDirectoryBindPassword() {
        return null;
    }

    /** An empty field keeps the password entered before (password fields are not redisplayed). */
    public void setDirectoryBindPassword(String directoryBindPassword) {
        if (!blank(directoryBindPassword)) {
            this.directoryBindPassword = directoryBindPassword;
        }
    }

    public boolean isDirectoryBindPasswordSet() {
        return !blank(directoryBindPassword);
    }

    public String getDirectoryUsersDn() {
        return directoryUsersDn;
    }

    public void setDirectoryUsersDn(String directoryUsersDn) {
        this.directoryUsersDn = directoryUsersDn;
    }

    public String getDirectoryGroupsDn() {
        return directoryGroupsDn;
    }

    public void setDirectoryGroupsDn(String directoryGroupsDn) {
        this.directoryGroupsDn = directoryGroupsDn;
    }

    public String getMailChoice() {
        return mailChoice;
    }

    public void setMailChoice(String mailChoice) {
        this.mailChoice = mailChoice;
    }

    public String getMailHost() {
        return mailHost;
    }

    public void setMailHost(String mailHost) {
        this.mailHost = mailHost;
    }

    public Integer getMailPort() {
        return mailPort;
    }

    public void setMailPort(Integer mailPort) {
        this.mailPort = mailPort;
    }

    public boolean isMailStartTls() {
        return mailStartTls;
    }

    public void setMailStartTls(boolean mailStartTls) {
        this.mailStartTls = mailStartTls;
    }

    public String getMailUser() {
        return mailUser;
    }

    public void setMailUser(String mailUser) {
        this.mailUser = mailUser;
    }

    public String getMailPassword() {
        return null;
    }

    /** An empty field keeps the password entered before. */
    public void setMailPassword(String mailPassword) {
        if (!blank(mailPassword)) {
            this.mailPassword = mailPassword;
        }
    }

    public boolean isMailPasswordSet() {
        return !blank(mailPassword);
    }

    public String getMailFrom() {
        return mailFrom;
    }

    public void setMailFrom(String mailFrom) {
        this.mailFrom = mailFrom;
    }

    public String getMailTestTo() {
        return mailTestTo;
    }

    public void setMailTestTo(String mailTestTo) {
        this.mailTestTo = mailTestTo;
    }

    public String getSiteName() {
        return siteName;
    }

    public void setSiteName(String siteName) {
        this.siteName = siteName;
    }

    public String getStudentDomains() {
        return studentDomains;
    }

    public void setStudentDomains(String studentDomains) {
        this.studentDomains = studentDomains;
    }

    public Part getLogoFile() {
        return logoFile;
    }

    public void setLogoFile(Part logoFile) {
        this.logoFile = logoFile;
    }

    public boolean isLogoChosen() {
        return logo != null;
    }
}
