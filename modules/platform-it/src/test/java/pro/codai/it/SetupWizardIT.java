package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import pro.codai.it.browser.Accessibility;
import pro.codai.it.browser.Browser;
import pro.codai.it.browser.PortalPages;
import pro.codai.it.browser.SetupPages;

/**
 * First boot of an appliance: the server started with {@code codaipro.setup.required=true}, its own
 * real Keycloak (the wizard changes the realm's mail and directory), a real LDAP directory and the
 * SMTP capture. The wizard is driven in headless Chromium through its page objects, checked by
 * axe-core at each step at desktop and phone width, with wrong input on the way; then the new
 * administrator signs in and the wizard is gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SetupWizardIT {

    static final String HOST = "ide.campus.example";
    static final String ADMIN = "it-admin@campus.example";
    static final String ADMIN_PASSWORD = "Setup-Admin-2026-pass";
    static final String DIRECTORY_PASSWORD = "directory-pass-1234";

    Keycloak keycloak;
    CampusDirectory directory;
    RunningServer server;
    Path workDir;
    final List<String> accessibility = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(Browser.available(), "no chromium and chromedriver");
        }
        assumeTrue(Accessibility.available(), "no axe-core (npm ci in ide-assets)");
        keycloak = Keycloak.startFresh();
        directory = CampusDirectory.start();
        String ada =
                directory.addPerson(
                        "ada", "Ada", "Lovelace", "ada@uni.example", DIRECTORY_PASSWORD);
        String grace =
                directory.addPerson(
                        "grace", "Grace", "Hopper", "grace@uni.example", DIRECTORY_PASSWORD);
        directory.addGroup("students", ada);
        directory.addGroup("staff", grace);
        workDir = Files.createTempDirectory(Path.of("target"), "SetupWizardIT-").toAbsolutePath();
        Map<String, String> settings = new HashMap<>(keycloak.serverSettings());
        settings.put("CODAIPRO_SETUP_REQUIRED", "true");
        settings.put("CODAIPRO_SETUP_CLIENT_SECRET", Keycloak.SETUP_CLIENT_SECRET);
        server = RunningServer.start(workDir.resolve("data"), settings);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (directory != null) {
            directory.close();
        }
        if (keycloak != null) {
            keycloak.stop();
        }
    }

    @Test
    @Order(1)
    void beforeSetupTheCodeIsLoggedOnceAndWrittenPrivatelyAndEveryPageLeadsToSetup()
            throws Exception {
        String code = setupCode();
        Path codeFile = server.dataDir().resolve("setup/code");

        assertThat(Files.readString(codeFile).strip()).isEqualTo(code);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(codeFile)))
                .isEqualTo("rw-------");
        assertThat(server.output().split(Pattern.quote(code), -1)).as("logged once").hasSize(2);

        for (String page : new String[] {"/", "/signin", "/app/dashboard.xhtml", "/admin/"}) {
            HttpResponse<String> answer = Http.get(server.uri(page));
            assertThat(answer.statusCode()).as(page).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location").orElse(""))
                    .as(page)
                    .endsWith("/setup");
        }
        HttpResponse<String> api = Http.get(server.uri("/api/v1/runs"));
        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(api.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        assertThat(api.body()).contains("Setup is pending");
        assertThat(Http.get(server.uri("/api/v1/info")).statusCode()).isEqualTo(200);
        assertThat(Http.get(server.uri("/setup")).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void behindNginxTheServersRedirectsAreHttpsAndItsSessionCookieSecure() throws Exception {
        // Arrange/Act: what nginx adds, sent from loopback as nginx sends it.
        String[] nginx = {"X-Forwarded-Proto", "https", "X-Forwarded-Port", "443"};
        HttpResponse<String> redirect = Http.get(server.uri("/"), nginx);
        HttpResponse<String> page = Http.get(server.uri("/setup"), nginx);
        HttpResponse<String> plain = Http.get(server.uri("/setup"));

        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("https://localhost/setup");
        assertThat(sessionCookie(page.headers().allValues("Set-Cookie")))
                .contains("HttpOnly", "; Secure")
                .containsIgnoringCase("SameSite=Lax");
        assertThat(sessionCookie(plain.headers().allValues("Set-Cookie")))
                .as("over plain HTTP (the public URL here is http://)")
                .contains("HttpOnly")
                .doesNotContain("Secure");

        // The same headers from a peer that is not loopback (this host's LAN address) are forged.
        String lan = lanAddress();
        if (lan != null) {
            java.net.URI fromLan = java.net.URI.create("http://" + lan + ":" + server.port());
            Http.Answer forgedRedirect = Http.getFrom(lan, fromLan.resolve("/"), nginx);
            Http.Answer forgedPage = Http.getFrom(lan, fromLan.resolve("/setup"), nginx);
            assertThat(forgedRedirect.status()).isEqualTo(302);
            assertThat(forgedRedirect.headers().get("location"))
                    .endsWith("/setup")
                    .doesNotStartWith("https:");
            assertThat(forgedPage.headers().get("set-cookie"))
                    .startsWith("JSESSIONID=")
                    .doesNotContain("Secure");
        }
    }

    private static String sessionCookie(List<String> setCookies) {
        return setCookies.stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + setCookies));
    }

    /** An IPv4 address of this host that is not loopback, or null. */
    private static String lanAddress() throws Exception {
        for (var network :
                java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!network.isUp() || network.isLoopback()) {
                continue;
            }
            for (var address : java.util.Collections.list(network.getInetAddresses())) {
                if (address instanceof java.net.Inet4Address && !address.isLinkLocalAddress()) {
                    return address.getHostAddress();
                }
            }
        }
        return null;
    }

    @Test
    @Order(3)
    void theWizardRefusesBadInputAndSetsTheApplianceUp() throws Exception {
        Certificates certificates = new Certificates(workDir.resolve("tls"));
        Path logo = workDir.resolve("crest.svg");
        Files.writeString(
                logo,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\">"
                        + "<title>Crest</title><rect width=\"8\" height=\"8\" fill=\"#123\"/></svg>");
        Path scriptLogo = workDir.resolve("bad.svg");
        Files.writeString(
                scriptLogo,
                "<svg xmlns=\"http://www.w3.org/2000/svg\">" + "<script>alert(1)</script></svg>");

        try (Browser browser = Browser.open()) {
            SetupPages setup = new SetupPages(browser, "http://localhost:" + server.port());
            // 1. The code: a wrong one is refused, the right one lets in.
            setup.open();
            check(browser, "setup code");
            setup.enterCode("WRNG-CODE-XXXX");
            setup.awaitMessage("That is not the setup code");
            setup.awaitStep("Setup code");
            setup.enterCode(setupCode());

            // 2. Host name and TLS: a key of another certificate is refused.
            setup.awaitStep("Host name and TLS");
            check(browser, "host name and TLS");
            setup.type("hostName", "not a host");
            setup.press("continueHost");
            setup.awaitMessage("is not a host name");
            setup.type("hostName", HOST);
            setup.choose("tls", "upload");
            setup.upload("certificate", certificates.certificate);
            setup.upload("key", certificates.otherKey);
            setup.press("continueHost");
            setup.awaitMessage("does not belong to the certificate");
            setup.choose("tls", "upload");
            setup.upload("certificate", certificates.certificate);
            setup.upload("key", certificates.key);
            setup.upload("campusCa", certificates.certificate);
            setup.press("continueHost");

            // 3. The administrator.
            setup.awaitStep("Administrator");
            check(browser, "administrator");
            setup.type("adminEmail", ADMIN);
            setup.type("adminFirstName", "Ida");
            setup.type("adminLastName", "Admin");
            setup.type("adminPassword", "short");
            setup.type("adminPasswordAgain", "short");
            setup.press("continueAdmin");
            setup.awaitMessage("10 to 128 characters");
            setup.type("adminPassword", ADMIN_PASSWORD);
            setup.type("adminPasswordAgain", ADMIN_PASSWORD);
            setup.press("continueAdmin");

            // 4. The directory: an unreachable one is refused, the real one counted.
            setup.awaitStep("Campus directory");
            check(browser, "campus directory");
            setup.choose("directoryChoice", "connect");
            setup.type("directoryUrl", "ldap://127.0.0.1:" + FreePorts.next());
            setup.type("directoryBindDn", CampusDirectory.BIND_DN);
            setup.type("directoryBindPassword", CampusDirectory.BIND_PASSWORD);
            setup.type("directoryUsersDn", CampusDirectory.PEOPLE);
            setup.type("directoryGroupsDn", CampusDirectory.GROUPS);
            setup.press("testDirectory");
            setup.awaitMessage("cannot be reached");
            setup.type("directoryUrl", directory.url());
            setup.press("testDirectory");
            assertThat(setup.awaitMessage("Connected"))
                    .contains("2 people under " + CampusDirectory.PEOPLE);
            setup.press("continueDirectory");

            // 5. The mail relay: a host nobody listens on is refused; the capture gets the test.
            setup.awaitStep("Mail relay");
            check(browser, "mail relay");
            setup.choose("mailChoice", "set");
            setup.type("mailHost", "127.0.0.1");
            setup.type("mailPort", Integer.toString(FreePorts.next()));
            setup.check("mailStartTls", false);
            setup.type("mailFrom", "codaipro@campus.example");
            setup.press("sendTestMail");
            setup.awaitMessage("did not take the mail");
            setup.type("mailPort", Integer.toString(keycloak.mail.port));
            setup.press("sendTestMail");
            setup.awaitMessage("The relay took the test mail to " + ADMIN);
            MimeMessage test = keycloak.mail.awaitMailTo(ADMIN, Duration.ofSeconds(30));
            assertThat(test.getSubject()).contains("test mail from the setup wizard");
            setup.press("continueMail");

            // 6. Students and branding: an address is not a domain, a script is not a logo.
            setup.awaitStep("Students and branding");
            check(browser, "students and branding");
            setup.type("studentDomains", "ada@student.uni.example");
            setup.type("siteName", "Uni Example IDE");
            setup.press("finish");
            setup.awaitMessage("enter only its domain");
            setup.type("studentDomains", "student.uni.example, uni.example");
            setup.upload("logo", scriptLogo);
            setup.press("finish");
            setup.awaitMessage("a logo may hold only shapes");
            setup.upload("logo", logo);
            setup.press("finish");

            browser.awaitText("Setup is complete");
            assertThat(setup.done()).isTrue();

            // 7. Root's answer: while nothing answers, the page says it is being applied.
            setup.awaitApply("apply-pending", "applying the host name " + HOST);
            check(browser, "setup complete, applying");
            // Root refuses it (as setup-apply does: the reason in apply/failed, the request set
            // aside); the page shows the reason and a way to try again.
            Path apply = server.dataDir().resolve("setup/apply");
            String reason = "nginx refused the new certificate or server name: [emerg] bad";
            Files.writeString(apply.resolve("failed"), reason + "\n");
            Files.move(
                    apply.resolve("request.properties"),
                    apply.resolve("request.properties.failed"));
            assertThat(setup.awaitApply("apply-failed", reason))
                    .contains("could not apply the host name and certificate");
            check(browser, "root failed");
            setup.press("applyAgain");
            setup.awaitMessage("Asked again");
            setup.awaitApply("apply-pending", "applying the host name " + HOST);
            assertThat(apply.resolve("request.properties")).exists();
            assertThat(apply.resolve("failed")).doesNotExist();
            // Root applies it and says so before it restarts Keycloak and the server.
            Files.writeString(
                    server.dataDir().resolve("setup/applied"),
                    "host_name=" + HOST + "\npublic_url=https://" + HOST + "\n");
            setup.awaitApply("apply-applied", "answers at https://" + HOST);
            check(browser, "root applied");
        }
        assertThat(accessibility).as("axe-core violations on the wizard's pages").isEmpty();
    }

    @Test
    @Order(4)
    void afterSetupTheWizardIsGoneTheChoicesAreAppliedAndTheAdministratorSignsIn()
            throws Exception {
        assertThat(Http.get(server.uri("/setup")).statusCode()).isEqualTo(404);
        assertThat(Http.get(server.uri("/setup.xhtml")).statusCode()).isEqualTo(404);
        assertThat(Http.get(server.uri("/")).statusCode()).isEqualTo(200);
        assertThat(Http.get(server.uri("/api/v1/runs")).statusCode()).isNotEqualTo(503);
        assertThat(server.dataDir().resolve("setup/code")).doesNotExist();

        // The request root applies: host name, the uploaded certificate and key, the campus CA.
        Path apply = server.dataDir().resolve("setup/apply");
        assertThat(Files.readString(apply.resolve("hostname"))).isEqualTo(HOST + "\n");
        assertThat(Files.readString(apply.resolve("request.properties")))
                .contains(
                        "hostname=" + HOST,
                        "public_url=https://" + HOST,
                        "tls=uploaded",
                        "campus_ca=yes",
                        "format=1");
        assertThat(Files.readString(apply.resolve("tls/fullchain.pem")))
                .startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(apply.resolve("tls/privkey.pem")))
                .startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(apply.resolve("tls/privkey.pem"))))
                .isEqualTo("rw-------");
        assertThat(apply.resolve("tls/campus-ca.pem")).exists();

        // Keycloak: the realm's mail goes to the relay given; directory people sign in.
        JsonObject realm = Keycloak.json(keycloak.admin("GET", "", null)).asJsonObject();
        assertThat(realm.getJsonObject("smtpServer").getString("port"))
                .isEqualTo(Integer.toString(keycloak.mail.port));
        assertThat(keycloak.accessToken("ada", DIRECTORY_PASSWORD)).isNotBlank();
        assertThat(keycloak.client("codaipro-setup").getBoolean("enabled"))
                .as("the setup client is switched off")
                .isFalse();
        // The portal's client answers at the new address too; the installed one stays until root
        // has applied the name (the realm was imported once, with the installed public URL).
        JsonObject portalClient = keycloak.client("codaipro-portal");
        assertThat(portalClient.getString("rootUrl")).isEqualTo("https://" + HOST);
        assertThat(portalClient.getJsonArray("redirectUris").getValuesAs(JsonString::getString))
                .contains(
                        "https://" + HOST + "/signin/callback",
                        keycloak.publicUrl() + "/signin/callback");
        assertThat(portalClient.getJsonObject("attributes").getString("post.logout.redirect.uris"))
                .contains("https://" + HOST + "/");

        // Branding and the logo.
        HttpResponse<String> home = Http.get(server.uri("/"));
        assertThat(home.body()).contains("Uni Example IDE", "/branding/logo");
        HttpResponse<String> logo = Http.get(server.uri("/branding/logo"));
        assertThat(logo.statusCode()).isEqualTo(200);
        assertThat(logo.headers().firstValue("Content-Type").orElse(""))
                .startsWith("image/svg+xml");
        assertThat(logo.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'none'");

        // The new administrator signs in and reaches the admin console.
        try (Browser browser = Browser.open()) {
            PortalPages portal = new PortalPages(browser, "http://localhost:" + server.port());
            portal.signInForTheFirstTime(ADMIN, ADMIN_PASSWORD);
            portal.open("/admin/index.xhtml");
            browser.awaitUrl("/admin/index.xhtml");
            assertThat(browser.present(org.openqa.selenium.By.id("nav-admin"))).isTrue();
            browser.go("http://localhost:" + server.port() + "/setup");
            assertThat(browser.text()).doesNotContain("Setup code");
        }
    }

    private void check(Browser browser, String page) throws Exception {
        Accessibility.check(browser, page, accessibility);
    }

    private String setupCode() throws Exception {
        Matcher code =
                Pattern.compile("Setup code: ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})")
                        .matcher(server.output());
        assertThat(code.find()).as("the setup code in the server's log").isTrue();
        return code.group(1);
    }

    /** A certificate for {@link #HOST} with its key, and a key of another certificate (keytool). */
    static final class Certificates {
        final Path certificate;
        final Path key;
        final Path otherKey;

        Certificates(Path dir) throws Exception {
            Files.createDirectories(dir);
            Path store = dir.resolve("store.p12");
            for (String alias : new String[] {"server", "other"}) {
                keytool(
                        store,
                        "-genkeypair",
                        "-alias",
                        alias,
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-dname",
                        "CN=" + HOST,
                        "-ext",
                        "SAN=dns:" + HOST,
                        "-validity",
                        "30");
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                keys.load(in, "changeit".toCharArray());
            }
            certificate = dir.resolve("server.crt");
            key = dir.resolve("server.key");
            otherKey = dir.resolve("other.key");
            Files.writeString(
                    certificate, pem("CERTIFICATE", keys.getCertificate("server").getEncoded()));
            Files.writeString(
                    key,
                    pem(
                            "PRIVATE KEY",
                            ((PrivateKey) keys.getKey("server", "changeit".toCharArray()))
                                    .getEncoded()));
            Files.writeString(
                    otherKey,
                    pem(
                            "PRIVATE KEY",
                            ((PrivateKey) keys.getKey("other", "changeit".toCharArray()))
                                    .getEncoded()));
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN "
                    + type
                    + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(der)
                    + "\n-----END "
                    + type
                    + "-----\n";
        }

        private static void keytool(Path store, String... arguments) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(arguments));
            command.addAll(
                    List.of(
                            "-keystore",
                            store.toString(),
                            "-storepass",
                            "changeit",
                            "-storetype",
                            "PKCS12",
                            "-noprompt"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool: " + output);
            }
        }
    }
}
