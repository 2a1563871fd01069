package pro.codai.it.browser;

import java.time.Duration;
import java.util.function.Predicate;

import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The Try Now IDE as a student uses it: the editor, the Run button and the terminal. */
public final class IdePages {

    private final Browser browser;
    private final String base;

    public IdePages(Browser browser, String base) {
        this.browser = browser;
        this.base = base;
    }

    /** Opens Try Now and waits until the terminal is connected and the editor has loaded. */
    public void open() {
        browser.go(base + "/try-now");
        awaitReady();
    }

    public void reload() {
        browser.driver.navigate().refresh();
        awaitReady();
    }

    private void awaitReady() {
        try {
            new WebDriverWait(browser.driver, Duration.ofSeconds(60))
                    .until(
                            d ->
                                    "open".equals(bodyData("terminal"))
                                            && "ready".equals(bodyData("editor")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "Try Now not ready at "
                            + browser.url()
                            + ": terminal "
                            + bodyData("terminal")
                            + ", editor "
                            + bodyData("editor")
                            + ", status '"
                            + status()
                            + "'\n"
                            + browser.consoleLog(),
                    e);
        }
    }

    private String bodyData(String name) {
        return browser.driver.findElement(By.tagName("body")).getDomAttribute("data-" + name);
    }

    /** Replaces the editor's text by typing, as a person would (Monaco closes brackets itself). */
    public void typeInEditor(String code) {
        browser.await(By.cssSelector("#editor .view-lines")).click();
        new Actions(browser.driver)
                .keyDown(Keys.CONTROL)
                .sendKeys("a")
                .keyUp(Keys.CONTROL)
                .sendKeys(Keys.DELETE)
                .sendKeys(code)
                .perform();
    }

    public String editorText() {
        return (String)
                ((JavascriptExecutor) browser.driver)
                        .executeScript("return monaco.editor.getModels()[0].getValue();");
    }

    /** Starts from a project template: "py", "c", "cpp", "java" or "js". */
    public void chooseTemplate(String value) {
        new org.openqa.selenium.support.ui.Select(browser.await(By.id("template")))
                .selectByValue(value);
    }

    public String fileName() {
        return browser.driver.findElement(By.id("file-name")).getDomProperty("value");
    }

    /** How many visible terminal lines are exactly {@code line}. */
    public long countTerminalLines(String line) {
        return terminalText().lines().map(String::strip).filter(line::equals).count();
    }

    public void run() {
        browser.click(By.id("run"));
    }

    /** Types into the terminal; {@code \n} presses Enter. */
    public void typeInTerminal(String keys) {
        WebElement input =
                browser.driver.findElement(By.cssSelector("#terminal .xterm-helper-textarea"));
        input.sendKeys(keys.replace("\n", Keys.ENTER.toString()));
    }

    /** The terminal's visible lines. */
    public String terminalText() {
        return browser.driver.findElement(By.cssSelector("#terminal .xterm-rows")).getText();
    }

    /** Waits until a visible terminal line passes {@code test}; fails with the screen. */
    public void awaitTerminalLine(Predicate<String> test, String what) {
        try {
            new WebDriverWait(browser.driver, Duration.ofSeconds(30))
                    .pollingEvery(Duration.ofMillis(20))
                    .ignoring(org.openqa.selenium.NoSuchElementException.class)
                    .until(d -> terminalText().lines().map(String::strip).anyMatch(test));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no terminal line " + what + " in:\n" + terminalText(), e);
        }
    }

    public boolean hasTerminalLine(Predicate<String> test) {
        return terminalText().lines().map(String::strip).anyMatch(test);
    }

    /** Whether the terminal's WebSocket is open. */
    public boolean connected() {
        return "open".equals(bodyData("terminal"));
    }

    /** Resizes the window to a phone's width (CSS pixels) and height. */
    public void phone(int width, int height) {
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
    }

    /** Whether the page is wider than the window (so a phone would scroll sideways). */
    public boolean overflowsSideways() {
        return (Boolean)
                ((JavascriptExecutor) browser.driver)
                        .executeScript(
                                "return document.documentElement.scrollWidth > window.innerWidth;");
    }

    public long windowWidth() {
        return (Long)
                ((JavascriptExecutor) browser.driver).executeScript("return window.innerWidth;");
    }

    public boolean runVisible() {
        return browser.driver.findElement(By.id("run")).isDisplayed();
    }

    public String status() {
        return browser.driver.findElement(By.id("ide-status")).getText();
    }

    /** The session cookie, for requests made outside the browser. */
    public String sessionCookie() {
        Cookie cookie = browser.driver.manage().getCookieNamed("JSESSIONID");
        return cookie == null ? null : cookie.getName() + "=" + cookie.getValue();
    }
}
