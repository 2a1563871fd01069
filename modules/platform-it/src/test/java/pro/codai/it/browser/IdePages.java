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

    /** Signs a new person in (profile completed) and opens Try Now for them. */
    public static IdePages forNewPerson(
            Browser browser, String base, String email, String password) {
        new PortalPages(browser, base).signInForTheFirstTime(email, password);
        return opened(browser, base);
    }

    /** Opens Try Now in a browser that is signed in. */
    public static IdePages opened(Browser browser, String base) {
        IdePages ide = new IdePages(browser, base);
        ide.open();
        return ide;
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
            new WebDriverWait(browser.driver, Browser.patient(60))
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
                        .executeScript(
                                "return monaco.editor.getEditors()[0].getModel().getValue();");
    }

    /** Waits up to 30 s until the editor holds {@code expected}: a file opens asynchronously. */
    public void awaitEditorText(String expected) {
        try {
            new WebDriverWait(browser.driver, Browser.patient(30))
                    .ignoring(org.openqa.selenium.JavascriptException.class)
                    .until(d -> expected.equals(editorText()));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the editor holds " + editorText() + ", not " + expected, e);
        }
    }

    /** Starts from a project template: "py", "c", "cpp", "java" or "js". */
    public void chooseTemplate(String value) {
        new org.openqa.selenium.support.ui.Select(browser.await(By.id("template")))
                .selectByValue(value);
    }

    /** The path of the file in the editor (the active tab). */
    public String fileName() {
        return browser.driver.findElement(By.id("file-name")).getText();
    }

    /** The paths of the open tabs, in order. */
    public java.util.List<String> tabs() {
        return paths("#tabs [role=tab]");
    }

    /** The paths shown in the file tree (folders expanded so far). */
    public java.util.List<String> treePaths() {
        return paths("#tree button");
    }

    /** The data-path of the elements {@code selector} finds, read at once (the page re-renders). */
    @SuppressWarnings("unchecked")
    private java.util.List<String> paths(String selector) {
        return (java.util.List<String>)
                ((JavascriptExecutor) browser.driver)
                        .executeScript(
                                "return Array.from(document.querySelectorAll(arguments[0]))"
                                        + ".map(element => element.dataset.path);",
                                selector);
    }

    /** Waits until the file tree shows {@code path}. */
    public void awaitTreeEntry(String path) {
        try {
            new WebDriverWait(browser.driver, Browser.patient(30))
                    .until(d -> treePaths().contains(path));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "no " + path + " in the file tree: " + treePaths() + ", status " + status(), e);
        }
    }

    /** Clicks an entry of the tree: opens a file in a tab, opens or closes a folder. */
    public void clickTreeEntry(String path) {
        browser.click(By.cssSelector("#tree button[data-path='" + path + "']"));
    }

    /** Uploads a file from disk into the selected folder (or home), with the Upload button. */
    public void upload(java.nio.file.Path file) {
        browser.driver.findElement(By.id("upload")).sendKeys(file.toAbsolutePath().toString());
    }

    /** Renames the selected entry with the Rename button and the name form. */
    public void renameSelectedTo(String path) {
        browser.click(By.id("rename"));
        WebElement name = browser.await(By.id("ask-name"));
        name.clear();
        name.sendKeys(path);
        browser.click(By.id("ask-ok"));
    }

    /** The address of the Export zip link. */
    public String exportHref() {
        return browser.driver.findElement(By.id("export")).getDomProperty("href");
    }

    /** The address of the Preview link, once the editor shows a web page. */
    public String previewHref() {
        WebElement preview = browser.driver.findElement(By.id("preview"));
        new WebDriverWait(browser.driver, Browser.patient(30)).until(d -> preview.isDisplayed());
        return preview.getDomProperty("href");
    }

    /** The text of the alert bar ("" when hidden). */
    public String alertText() {
        WebElement alert = browser.driver.findElement(By.id("ide-alert"));
        return alert.isDisplayed() ? alert.getText() : "";
    }

    /** Waits up to {@code seconds} until the alert bar shows a text passing {@code test}. */
    public void awaitAlert(Predicate<String> test, String what, int seconds) {
        try {
            new WebDriverWait(browser.driver, Browser.patient(seconds))
                    .until(d -> test.test(alertText()));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "no alert " + what + "; alert '" + alertText() + "', status " + status(), e);
        }
    }

    /** Presses Resume after the workspace was stopped, and waits until it is back. */
    public void resume() {
        browser.click(By.id("resume"));
        awaitReady();
    }

    /** Signs out from another tab of the same browser (a POST to /signout with its cookie). */
    public void signOutElsewhere() {
        ((JavascriptExecutor) browser.driver)
                .executeScript("fetch('/signout', {method: 'POST', redirect: 'manual'});");
    }

    /** The Try Now meter's text, e.g. "1 h 59 min of 2 h left today". */
    public String quotaText() {
        return browser.driver.findElement(By.id("quota-text")).getText();
    }

    /** The status bar's home usage, e.g. "Home: 0.1 MB of 47.3 MB used" (empty until read). */
    public String homeText() {
        // Its text whether or not the header has room to show it on this window's width.
        return String.valueOf(
                ((JavascriptExecutor) browser.driver)
                        .executeScript("return document.getElementById('home-usage').textContent"));
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

    /**
     * Waits up to 30 s until a visible terminal line passes {@code test}; fails with the screen.
     */
    public void awaitTerminalLine(Predicate<String> test, String what) {
        awaitTerminalLine(test, what, Browser.patient(30));
    }

    /** Waits up to {@code timeout} until a visible terminal line passes {@code test}. */
    public void awaitTerminalLine(Predicate<String> test, String what, Duration timeout) {
        try {
            new WebDriverWait(browser.driver, timeout)
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
    /** How many problem markers (errors, warnings) the editor's models have. */
    public long markerCount() {
        return (Long)
                ((JavascriptExecutor) browser.driver)
                        .executeScript("return monaco.editor.getModelMarkers({}).length;");
    }

    /** The addresses of the worker scripts the page has fetched (Resource Timing). */
    @SuppressWarnings("unchecked")
    public java.util.List<String> workerScriptsLoaded() {
        return (java.util.List<String>)
                ((JavascriptExecutor) browser.driver)
                        .executeScript(
                                "return performance.getEntriesByType('resource')"
                                        + ".map(entry => entry.name)"
                                        + ".filter(name => name.includes('.worker'));");
    }

    public String sessionCookie() {
        Cookie cookie = browser.driver.manage().getCookieNamed("JSESSIONID");
        return cookie == null ? null : cookie.getName() + "=" + cookie.getValue();
    }
}
