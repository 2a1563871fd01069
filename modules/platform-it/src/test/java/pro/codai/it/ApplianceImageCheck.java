package pro.codai.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriverException;

import pro.codai.it.browser.Accessibility;
import pro.codai.it.browser.Browser;
import pro.codai.it.browser.IdePages;
import pro.codai.it.browser.PortalPages;
import pro.codai.it.browser.SetupPages;

/**
 * A machine booted from the appliance image, met as its administrator meets it: headless Chromium
 * reaches the VM's HTTPS through the forward {@code appliance/image/test-boot --wizard} made, under
 * the host name the wizard gives it (Chromium maps that name to the forward). The wizard is driven
 * with the one-time code from the VM's console, keeping the generated certificate and leaving the
 * directory and mail for later (the VM reaches no network); the root side applies the host name
 * (nginx, Keycloak, the server restart); then the new administrator signs in through the VM's
 * Keycloak and runs a program in Try Now, in a sandbox on the VM's own LXC.
 *
 * <p>Not part of the test suite: it needs the booted image. Run by {@code test-boot --wizard},
 * which passes {@code codaipro.it.appliance.port} (the forward of the VM's 443) and {@code
 * codaipro.it.appliance.setup-code}.
 */
@EnabledIfSystemProperty(named = "codaipro.it.appliance.port", matches = "[0-9]+")
class ApplianceImageCheck {

    static final String HOST = "ide.campus.example";
    static final String BASE = "https://" + HOST;
    static final String ADMIN = "it-admin@campus.example";
    static final String ADMIN_PASSWORD = "Appliance-Admin-2026";

    /** Under TCG (no KVM) Keycloak's and the server's restarts take minutes. */
    static final Duration APPLY =
            Duration.ofMinutes(Long.getLong("codaipro.it.appliance.apply-minutes", 20));

    final List<String> accessibility = new ArrayList<>();

    @Test
    void theWizardSetsTheBootedApplianceUpAndItsAdministratorRunsAProgram() throws Exception {
        assumeTrue(Browser.available(), "no chromium and chromedriver");
        assumeTrue(Accessibility.available(), "no axe-core (npm ci in ide-assets)");
        String port = System.getProperty("codaipro.it.appliance.port");
        String code = System.getProperty("codaipro.it.appliance.setup-code", "");
        assertThat(code)
                .as("the setup code from the VM's console")
                .matches("[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}");

        // The generated certificate is self-signed (the administrator keeps it): Chromium is told
        // to accept it, as the administrator accepts the browser's warning.
        try (Browser browser =
                Browser.open(
                        "--ignore-certificate-errors",
                        "--host-resolver-rules=MAP " + HOST + ":443 127.0.0.1:" + port)) {
            SetupPages setup = new SetupPages(browser, BASE);
            setup.open();
            setup.awaitStep("Setup code");
            Accessibility.check(browser, "setup code", accessibility);
            setup.enterCode(code);

            setup.awaitStep("Host name and TLS");
            Accessibility.check(browser, "host name and TLS", accessibility);
            setup.type("hostName", HOST);
            setup.choose("tls", "keep");
            setup.press("continueHost");

            setup.awaitStep("Administrator");
            setup.type("adminEmail", ADMIN);
            setup.type("adminFirstName", "Ida");
            setup.type("adminLastName", "Admin");
            setup.type("adminPassword", ADMIN_PASSWORD);
            setup.type("adminPasswordAgain", ADMIN_PASSWORD);
            setup.press("continueAdmin");

            setup.awaitStep("Campus directory");
            setup.choose("directoryChoice", "skip");
            setup.press("continueDirectory");

            setup.awaitStep("Mail relay");
            setup.choose("mailChoice", "skip");
            setup.press("continueMail");

            setup.awaitStep("Students and branding");
            setup.type("siteName", "Campus Example IDE");
            setup.press("finish");
            browser.awaitText("Setup is complete");
            Accessibility.check(browser, "setup complete", accessibility);

            // The root side applies the host name: Keycloak's issuer and the server's sign-in
            // both name it once their restarts are done.
            awaitAfterNavigating(
                    browser,
                    BASE + "/auth/realms/codaipro/.well-known/openid-configuration",
                    () ->
                            browser.text()
                                    .contains("\"issuer\":\"" + BASE + "/auth/realms/codaipro\""),
                    "Keycloak's issuer on " + HOST);
            awaitAfterNavigating(
                    browser,
                    BASE + "/signin",
                    () -> browser.url().startsWith(BASE + "/auth/realms/codaipro/"),
                    "the server's sign-in sending to Keycloak on " + HOST);

            new PortalPages(browser, BASE).signInForTheFirstTime(ADMIN, ADMIN_PASSWORD);
            Accessibility.check(browser, "dashboard", accessibility);
            IdePages ide = IdePages.opened(browser, BASE);
            Accessibility.check(browser, "Try Now", accessibility);
            ide.typeInEditor("print(6 * 7)");
            ide.run();
            ide.awaitTerminalLine("42"::equals, "'42' from the program", Duration.ofMinutes(2));
            // The terminal is a sandbox's, not the VM's: sandboxd's socket is not in it.
            ide.typeInTerminal(
                    "test -e /run/codaipro/sandboxd.sock && echo on-the-host || echo in-a-sandbox\n");
            ide.awaitTerminalLine(
                    "in-a-sandbox"::equals, "the terminal's answer", Duration.ofMinutes(1));
        }
        assertThat(accessibility).as("axe-core violations on the appliance's pages").isEmpty();
    }

    /** Opens {@code url} again every 5 s until {@code done} holds, for up to {@link #APPLY}. */
    private static void awaitAfterNavigating(
            Browser browser, String url, BooleanSupplier done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + APPLY.toNanos();
        while (true) {
            try {
                browser.go(url);
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (WebDriverException e) {
                // A restarting service: nginx answers 502, or the connection is refused.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "not within " + APPLY + ": " + what + " (last page " + browser.url() + ")");
            }
            Thread.sleep(5_000);
        }
    }
}
