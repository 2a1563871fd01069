package pro.codai.it.browser;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The admin console's pages, as an administrator uses them. */
public final class AdminPages {

    private static final By ROWS = By.cssSelector("#audit\\:events tbody tr");

    private final Browser browser;
    private final PortalPages portal;

    public AdminPages(Browser browser, PortalPages portal) {
        this.browser = browser;
        this.portal = portal;
    }

    /** Opens the audit log; waits until its table is there with its times localised. */
    public void openAuditLog() {
        portal.open("/admin/audit.xhtml");
        browser.await(By.id("audit-title"));
        awaitTable();
    }

    /** Searches for a person (part of a name or address) over days (yyyy-MM-dd, null: open). */
    public void search(String person, String fromDay, String toDay) {
        browser.type(By.id("audit:person"), person == null ? "" : person);
        browser.setValue(By.id("audit:from"), fromDay == null ? "" : fromDay);
        browser.setValue(By.id("audit:to"), toDay == null ? "" : toDay);
        browser.click(By.id("audit:apply"));
        awaitAjax();
        awaitTable();
    }

    /** The text of each row of the table as shown (none when nothing matches). */
    public List<String> rows() {
        return browser.driver.findElements(ROWS).stream()
                .filter(row -> !row.getAttribute("class").contains("ui-datatable-empty-message"))
                .map(WebElement::getText)
                .toList();
    }

    /** The first row's time as the page shows it. */
    public String firstTime() {
        return browser.await(By.cssSelector("#audit\\:events tbody tr time")).getText();
    }

    /** The form's error message, empty when none. */
    public String message() {
        return browser.driver.findElements(By.cssSelector("#audit\\:messages li")).stream()
                .map(WebElement::getText)
                .findFirst()
                .orElse("");
    }

    /** Where the export link points (the search applied). */
    public String exportHref() {
        return browser.await(By.id("audit:export")).getAttribute("href");
    }

    /** Waits until PrimeFaces has no request left (a click queues its request at once). */
    private void awaitAjax() {
        try {
            new WebDriverWait(browser.driver, Browser.patient(30))
                    .until(
                            d ->
                                    Boolean.TRUE.equals(
                                            ((org.openqa.selenium.JavascriptExecutor) d)
                                                    .executeScript(
                                                            "return PrimeFaces.ajax.Queue.isEmpty()")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "the request did not end:\n" + browser.consoleLog() + "\n" + browser.text(), e);
        }
    }

    private void awaitTable() {
        browser.await(By.id("audit:events"));
        awaitLocalTimes();
    }

    /**
     * Opens the live sessions page; waits until it lists a workspace whose row holds {@code who}.
     */
    public void openLiveSessionsShowing(String who) {
        portal.open("/admin/live.xhtml");
        browser.await(By.id("live-title"));
        // The page refreshes itself every few seconds.
        new WebDriverWait(browser.driver, Browser.patient(30))
                .until(d -> !d.findElements(liveRow(who)).isEmpty());
        awaitLocalTimes();
    }

    /** Ends the workspace whose row holds {@code who}; waits for the page to say so. */
    public void endWorkspaceOf(String who) {
        browser.driver.findElement(liveRow(who)).findElement(By.tagName("button")).click();
        browser.awaitText("was ended");
    }

    /** Whether the live sessions page lists a workspace whose row holds {@code who}. */
    public boolean listsWorkspaceOf(String who) {
        return !browser.driver.findElements(liveRow(who)).isEmpty();
    }

    private static By liveRow(String who) {
        return By.xpath("//*[@id='live:workspaces']//tbody/tr[contains(., '" + who + "')]");
    }

    private void awaitLocalTimes() {
        new WebDriverWait(browser.driver, Browser.patient(30))
                .until(d -> d.findElements(By.cssSelector("time[data-local]")).isEmpty());
    }

    /** Opens the people page; waits until its table is there. */
    public void openPeople() {
        portal.open("/admin/people.xhtml");
        browser.await(By.id("people-title"));
        browser.await(By.id("people:table"));
        awaitLocalTimes();
    }

    /** Searches people by part of a name or address; waits until the table is updated. */
    public void searchPeople(String text) {
        browser.type(By.id("people:text"), text);
        browser.click(By.id("people:apply"));
        awaitAjax();
        awaitLocalTimes();
    }

    /**
     * Searches people by part of a name or address and a status ("": any, "active", "suspended");
     * waits until the table is updated.
     */
    public void searchPeople(String text, String status) {
        new Select(browser.driver.findElement(By.id("people:status-filter"))).selectByValue(status);
        searchPeople(text);
    }

    /** Ticks every person the table shows (its header's box). */
    public void tickAllPeople() {
        browser.click(By.cssSelector("#people\\:table thead .ui-chkbox-box"));
        awaitAjax();
    }

    /** Suspends the ticked people with {@code reason}, confirming; waits for the page to say so. */
    public void suspendTicked(String reason) {
        browser.type(By.id("people:bulk-reason"), reason);
        browser.click(By.id("people:bulk-suspend"));
        confirm();
        browser.awaitText("suspended");
        awaitLocalTimes();
    }

    /** Re-enables the ticked people; waits for the page to say so. */
    public void reinstateTicked() {
        browser.click(By.id("people:bulk-reinstate"));
        awaitAjax();
        browser.awaitText("re-enabled");
        awaitLocalTimes();
    }

    /** Sets the plan of the ticked people ("" for the directory's), confirming. */
    public void setPlanOfTicked(String plan) {
        new Select(browser.driver.findElement(By.id("people:bulk-plan"))).selectByValue(plan);
        browser.click(By.id("people:bulk-set-plan"));
        confirm();
        awaitLocalTimes();
    }

    /** The text of each row of the people table as shown. */
    public List<String> peopleRows() {
        return browser.driver.findElements(By.cssSelector("#people\\:table tbody tr")).stream()
                .filter(row -> !row.getAttribute("class").contains("ui-datatable-empty-message"))
                .map(WebElement::getText)
                .toList();
    }

    /** Follows the audit trail link of the person whose row holds {@code who}. */
    public void openAuditTrailOf(String who) {
        browser.driver
                .findElement(
                        By.xpath(
                                "//*[@id='people:table']//tbody/tr[contains(., '"
                                        + who
                                        + "')]//a[contains(., 'Audit trail')]"))
                .click();
        browser.await(By.id("audit-title"));
        awaitTable();
    }

    /**
     * Suspends the person whose row holds {@code who}, giving {@code reason} in the dialog; waits
     * until the page says it was done.
     */
    public void suspend(String who, String reason) {
        peopleButton(who, "suspend").click();
        awaitAjax();
        browser.await(By.id("suspend-form:reason"));
        browser.type(By.id("suspend-form:reason"), reason);
        browser.click(By.id("suspend-form:confirm-suspend"));
        awaitAjax();
        browser.awaitText("is suspended");
        awaitLocalTimes();
    }

    /**
     * Sets the role and plan of the person whose row holds {@code who} in the dialog ("" for the
     * directory's); waits until the page says it was saved.
     */
    public void setRoleAndPlan(String who, String role, String plan) {
        peopleButton(who, "change").click();
        awaitAjax();
        browser.await(By.id("role-plan-form:role"));
        new Select(browser.driver.findElement(By.id("role-plan-form:role"))).selectByValue(role);
        new Select(browser.driver.findElement(By.id("role-plan-form:plan"))).selectByValue(plan);
        browser.click(By.id("role-plan-form:save-role-plan"));
        awaitAjax();
        browser.awaitText("were saved");
        awaitLocalTimes();
    }

    /** On a person's page: suspends them with {@code reason}; waits for the page to say so. */
    public void suspendOnPersonPage(String reason) {
        browser.click(By.cssSelector("#person\\:details button[id$=':suspend']"));
        awaitAjax();
        browser.await(By.id("suspend-form:reason"));
        browser.type(By.id("suspend-form:reason"), reason);
        browser.click(By.id("suspend-form:confirm-suspend"));
        awaitAjax();
        browser.awaitText("is suspended");
        awaitLocalTimes();
    }

    /** On a person's page: re-enables them; waits for the page to say so. */
    public void reinstateOnPersonPage() {
        browser.click(By.cssSelector("#person\\:details button[id$=':reinstate']"));
        awaitAjax();
        browser.awaitText("may sign in again");
        awaitLocalTimes();
    }

    /** On a person's page: their status as shown (Active, Suspended since …). */
    public String personState() {
        return browser.await(By.id("person-state")).getText();
    }

    /** Re-enables the suspended person whose row holds {@code who}. */
    public void reinstate(String who) {
        peopleButton(who, "reinstate").click();
        awaitAjax();
        browser.awaitText("may sign in again");
        awaitLocalTimes();
    }

    /** Ends every session of the person whose row holds {@code who}, confirming the question. */
    public void endSessionsOf(String who) {
        peopleButton(who, "end-sessions").click();
        confirm();
        browser.awaitText("were ended");
    }

    /** Sends the person whose row holds {@code who} a password reset mail, confirming. */
    public void sendPasswordResetTo(String who) {
        peopleButton(who, "password-reset").click();
        confirm();
    }

    /** Whether the person's row offers {@code action} (suspend, reinstate, end-sessions…). */
    public boolean offers(String who, String action) {
        return !browser.driver.findElements(peopleButtonLocator(who, action)).isEmpty();
    }

    /** The people page's messages, one a line. */
    public String peopleMessages() {
        return browser.await(By.id("people:messages")).getText();
    }

    private void confirm() {
        WebElement yes =
                new WebDriverWait(browser.driver, Browser.patient(30))
                        .until(
                                d ->
                                        d
                                                .findElements(
                                                        By.cssSelector(".ui-confirmdialog-yes"))
                                                .stream()
                                                .filter(WebElement::isDisplayed)
                                                .findFirst()
                                                .orElse(null));
        yes.click();
        awaitAjax();
    }

    private WebElement peopleButton(String who, String action) {
        return browser.await(peopleButtonLocator(who, action));
    }

    private static By peopleButtonLocator(String who, String action) {
        return By.xpath(
                "//*[@id='people:table']//tbody/tr[contains(., '"
                        + who
                        + "')]//button[substring(@id, string-length(@id) - "
                        + action.length()
                        + ") = ':"
                        + action
                        + "']");
    }

    /** Follows the name of the person whose row holds {@code who} to their page. */
    public void openPersonPageOf(String who) {
        browser.driver
                .findElement(
                        By.xpath(
                                "//*[@id='people:table']//tbody/tr[contains(., '"
                                        + who
                                        + "')]//a[contains(@href, 'person.xhtml')]"))
                .click();
        browser.await(By.id("person-title"));
        browser.await(By.id("person:keys"));
        awaitLocalTimes();
    }

    /** The rows of the person page's API keys table, as shown. */
    public List<String> personKeys() {
        return browser.driver.findElements(By.cssSelector("#person\\:keys tbody tr")).stream()
                .filter(row -> !row.getAttribute("class").contains("ui-datatable-empty-message"))
                .map(WebElement::getText)
                .toList();
    }

    /** The person page's latest events, as shown. */
    public List<String> personEvents() {
        return browser.driver.findElements(By.cssSelector("#person\\:events tbody tr")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** Revokes the key named {@code name} on the person page, confirming the question. */
    public void revokeKey(String name) {
        browser.driver
                .findElement(
                        By.xpath(
                                "//*[@id='person:keys']//tbody/tr[contains(., '"
                                        + name
                                        + "')]//button"))
                .click();
        confirm();
        browser.awaitText("The key was revoked.");
        awaitLocalTimes();
    }

    /** Opens the import page from the people page's link. */
    public void openPeopleImport() {
        openPeople();
        browser.click(By.id("import-people"));
        browser.await(By.id("import-title"));
        browser.await(By.id("choose:file"));
    }

    /** Chooses {@code file} and asks for the preview; waits for it or for the page's error. */
    public void previewImport(java.nio.file.Path file) {
        browser.driver.findElement(By.id("choose:file")).sendKeys(file.toAbsolutePath().toString());
        browser.click(By.id("choose:preview"));
        new WebDriverWait(browser.driver, Browser.patient(60))
                .until(
                        d ->
                                !d.findElements(By.id("import-counts")).isEmpty()
                                        || !d.findElements(By.cssSelector("#messages li"))
                                                .isEmpty());
    }

    /** How many lines the preview (or what was applied) counts for an outcome, e.g. NEW_ACCOUNT. */
    public int importCount(String change) {
        return Integer.parseInt(
                browser.await(By.cssSelector("#count-" + change + " strong")).getText());
    }

    /** The skipped lines' table, row by row as shown. */
    public List<String> skippedLines() {
        return browser.driver.findElements(By.cssSelector("#skipped\\:errors tbody tr")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** Applies the previewed file (with or without mails to new accounts); waits for the result. */
    public void applyImport(boolean mailNewAccounts) {
        WebElement mail = browser.await(By.id("apply:mail"));
        if (mail.isSelected() != mailNewAccounts) {
            mail.click();
        }
        browser.click(By.id("apply:applyFile"));
        new WebDriverWait(browser.driver, Browser.patient(60))
                .until(d -> !d.findElements(By.id("again")).isEmpty());
    }

    /** The page's messages (the import page's, outside its forms). */
    public String importMessages() {
        return browser.driver.findElements(By.cssSelector("#messages li")).stream()
                .map(WebElement::getText)
                .reduce("", (a, b) -> a + b + "\n");
    }

    /** Types a retention (days) on the audit page and saves it; waits for the page's answer. */
    public void setRetention(String days) {
        By messages = By.cssSelector("#retention\\:retention-messages li");
        // The form is drawn anew: an answer from before goes stale first.
        List<WebElement> before = browser.driver.findElements(messages);
        browser.type(By.id("retention:days"), days);
        browser.click(By.id("retention:save"));
        WebDriverWait wait = new WebDriverWait(browser.driver, Browser.patient(30));
        if (!before.isEmpty()) {
            wait.until(ExpectedConditions.stalenessOf(before.get(0)));
        }
        wait.until(d -> !d.findElements(messages).isEmpty());
        awaitLocalTimes();
    }

    /** The retention form's message and what the page says of the retention now. */
    public String retentionState() {
        return browser.await(By.id("retention")).getText();
    }
}
