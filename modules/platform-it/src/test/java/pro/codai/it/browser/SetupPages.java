package pro.codai.it.browser;

import java.nio.file.Path;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Page objects for the setup wizard ({@code /setup}); every step a full page, waited for. */
public final class SetupPages {

    private final Browser browser;
    private final String base;

    public SetupPages(Browser browser, String base) {
        this.browser = browser;
        this.base = base;
    }

    public void open() {
        browser.go(base + "/setup");
        awaitStep("Setup code");
    }

    /** Waits for the step whose title is this ("Step n of 6: title"). */
    public void awaitStep(String title) {
        try {
            new WebDriverWait(browser.driver, Browser.patient(60))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(
                            d ->
                                    !d.findElements(By.id("step-title")).isEmpty()
                                            && d.findElement(By.id("step-title"))
                                                    .getText()
                                                    .endsWith(": " + title));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "expected step '" + title + "' at " + browser.url() + ":\n" + browser.text(),
                    e);
        }
    }

    /** Waits for a message (error or information) containing this text; returns all messages. */
    public String awaitMessage(String fragment) {
        try {
            new WebDriverWait(browser.driver, Browser.patient(60))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(
                            d ->
                                    d.findElements(By.id("messages")).stream()
                                            .anyMatch(m -> m.getText().contains(fragment)));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "expected a message with '" + fragment + "':\n" + browser.text(), e);
        }
        return browser.driver.findElement(By.id("messages")).getText();
    }

    /** Clicks a button of the form and waits for the next page to replace this one. */
    public void press(String id) {
        WebElement button = browser.await(By.id("setup:" + id));
        button.click();
        new WebDriverWait(browser.driver, Browser.patient(120)).until(d -> isGone(button));
    }

    /**
     * Whether the element left the page. ChromeDriver reports an element whose page part was just
     * replaced either as stale or, mid-replacement, as an "unknown error" that its node "does not
     * belong to the document"; both mean gone ({@code stalenessOf} knows only the first).
     */
    static boolean isGone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException gone) {
            return true;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    public void type(String field, String value) {
        browser.type(By.id("setup:" + field), value);
    }

    public void choose(String field, String value) {
        browser.click(By.cssSelector("input[name='setup:" + field + "'][value='" + value + "']"));
    }

    public void check(String field, boolean on) {
        WebElement box = browser.await(By.id("setup:" + field));
        if (box.isSelected() != on) {
            box.click();
        }
    }

    public void upload(String field, Path file) {
        browser.driver
                .findElement(By.id("setup:" + field))
                .sendKeys(file.toAbsolutePath().toString());
    }

    public void enterCode(String code) {
        type("code", code);
        press("checkCode");
    }

    /**
     * Waits for root's answer on the last page (it polls): the element {@code id} holding this
     * text; returns its text.
     */
    public String awaitApply(String id, String fragment) {
        try {
            new WebDriverWait(browser.driver, Browser.patient(60))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(
                            d ->
                                    d.findElements(By.id(id)).stream()
                                            .anyMatch(e -> e.getText().contains(fragment)));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "expected '" + fragment + "' in #" + id + ":\n" + browser.text(), e);
        }
        return browser.driver.findElement(By.id(id)).getText();
    }

    public boolean done() {
        return browser.present(By.id("setup-done"));
    }
}
