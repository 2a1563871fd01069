package pro.codai.it.browser;

import org.openqa.selenium.By;

/** Page objects for the portal: header, profile completion, dashboard, API keys. */
public final class PortalPages {

    private final Browser browser;
    private final String base;

    public PortalPages(Browser browser, String base) {
        this.browser = browser;
        this.base = base;
    }

    public void open(String path) {
        browser.go(base + path);
    }

    /** Signs a new account in and completes its profile as a developer; ends on the dashboard. */
    public void signInForTheFirstTime(String email, String password) {
        signIn(email, password);
        completeProfile("DEVELOPER", "", "");
        dashboardName();
    }

    /** Signs in an account whose profile is complete; ends on the dashboard. */
    public void signInAgain(String email, String password) {
        signIn(email, password);
        dashboardName();
    }

    private void signIn(String email, String password) {
        open("/signin");
        new KeycloakPages(browser).signIn(email, password);
    }

    public void completeProfile(String kind, String institution, String programme) {
        browser.awaitUrl("/app/profile.xhtml");
        browser.click(By.cssSelector("input[name='profile:kind'][value='" + kind + "']"));
        browser.type(By.id("profile:institution"), institution);
        browser.type(By.id("profile:programme"), programme);
        browser.click(By.id("profile:save"));
    }

    public String dashboardName() {
        browser.awaitUrl("/app/dashboard.xhtml");
        return browser.await(By.id("dashboard-name")).getText();
    }

    public String dashboardPlan() {
        return browser.await(By.id("dashboard-plan")).getText();
    }

    public String dashboardRole() {
        return browser.await(By.id("dashboard-role")).getText();
    }

    public boolean tourShown() {
        return browser.present(By.id("tour"));
    }

    public void finishTour() {
        browser.click(By.id("tour:finish"));
    }

    public boolean signedIn() {
        return browser.present(By.id("nav-signout"));
    }

    public void signOut() {
        browser.click(By.id("nav-signout"));
    }
}
