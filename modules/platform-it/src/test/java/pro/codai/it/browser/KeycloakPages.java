package pro.codai.it.browser;

import org.openqa.selenium.By;

/** Page objects for Keycloak's pages in the CodaiPro theme: sign-in, registration, reset. */
public final class KeycloakPages {

    private final Browser browser;

    public KeycloakPages(Browser browser) {
        this.browser = browser;
    }

    public boolean onSignInPage() {
        return browser.present(By.id("kc-form-login"));
    }

    /** Waits for Keycloak's sign-in form (fails when it does not come). */
    public void awaitSignInPage() {
        browser.await(By.id("kc-form-login"));
    }

    public void signIn(String email, String password) {
        browser.await(By.id("kc-form-login"));
        browser.type(By.id("username"), email);
        browser.type(By.id("password"), password);
        browser.click(By.id("kc-login"));
    }

    /**
     * Signs in where Keycloak is to refuse it (a disabled account, a wrong password); returns
     * Keycloak's message, shown on the sign-in form again.
     */
    public String signInExpectingRefusal(String email, String password) {
        signIn(email, password);
        return browser.await(By.cssSelector("#input-error, .alert-error, .pf-v5-c-alert"))
                .getText();
    }

    /**
     * Fills the registration form. With email verification on, Keycloak asks for the password only
     * after the address is confirmed (see {@link #chooseNewPassword}), so nobody can learn whether
     * an address has an account by registering it.
     */
    public void register(String email, String firstName, String lastName) {
        browser.await(By.id("kc-register-form"));
        browser.type(By.id("email"), email);
        browser.type(By.id("firstName"), firstName);
        browser.type(By.id("lastName"), lastName);
        browser.click(By.cssSelector("#kc-register-form [type=submit]"));
    }

    public void askForPasswordReset(String email) {
        browser.await(By.id("kc-form-login"));
        browser.click(By.cssSelector("#kc-form-options a, a[href*='reset-credentials']"));
        browser.type(By.id("username"), email);
        browser.click(By.cssSelector("#kc-reset-password-form [type=submit]"));
    }

    public void chooseNewPassword(String password) {
        browser.type(By.id("password-new"), password);
        browser.type(By.id("password-confirm"), password);
        browser.click(By.cssSelector("#kc-passwd-update-form [type=submit]"));
    }

    /** After a mailed link, Keycloak may ask for one more click to go on to the application. */
    public void proceedIfAsked() {
        if (browser.present(By.partialLinkText("proceed"))) {
            browser.click(By.partialLinkText("proceed"));
        }
    }
}
