package pro.codai.it.browser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven by Debian's chromedriver (Selenium downloads nothing), with a
 * fresh profile per browser: no cookies carried between tests.
 */
public final class Browser implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    final WebDriver driver;
    private final Path profile;

    private Browser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * How long page objects wait, as a multiple of their usual waits: {@code
     * codaipro.it.browser.patience} (default 1), more for a machine under emulation.
     */
    private static final long PATIENCE = Long.getLong("codaipro.it.browser.patience", 1);

    /** {@code seconds} of waiting, times the patience. */
    public static Duration patient(long seconds) {
        return Duration.ofSeconds(seconds * PATIENCE);
    }

    public static boolean available() {
        return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    }

    public static Browser open() throws Exception {
        return open(new String[0]);
    }

    /**
     * A browser with Chromium's own extra arguments, e.g. {@code --host-resolver-rules=…} to reach
     * a machine under a name no resolver here knows.
     */
    public static Browser open(String... chromiumArguments) throws Exception {
        Path profile = Files.createTempDirectory("codaipro-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--window-size=1280,1000",
                "--user-data-dir=" + profile);
        options.addArguments(chromiumArguments);
        org.openqa.selenium.logging.LoggingPreferences logs =
                new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File(CHROMEDRIVER))
                        .usingAnyFreePort()
                        .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(patient(60));
        return new Browser(driver, profile);
    }

    public void go(String url) {
        driver.get(url);
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** Waits until the page's text contains {@code fragment} (ignoring case), across navigation. */
    public void awaitText(String fragment) {
        try {
            new WebDriverWait(driver, patient(30))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(
                            d ->
                                    d.findElement(By.tagName("body"))
                                            .getText()
                                            .toLowerCase(java.util.Locale.ROOT)
                                            .contains(fragment.toLowerCase(java.util.Locale.ROOT)));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("expected '" + fragment + "' on " + url() + ":\n" + text(), e);
        }
    }

    /** What the page wrote to the browser console, for failure messages. */
    public String consoleLog() {
        StringBuilder text = new StringBuilder();
        for (var entry : driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
            text.append(entry.getLevel()).append(' ').append(entry.getMessage()).append('\n');
        }
        return text.toString();
    }

    /** What the page wrote to the console since the last look, one "LEVEL message" each. */
    public java.util.List<String> consoleEntries() {
        java.util.List<String> entries = new java.util.ArrayList<>();
        for (var entry : driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
            entries.add(entry.getLevel() + " " + entry.getMessage());
        }
        return entries;
    }

    /** The cookie of this name that the browser keeps for the current page, or null. */
    public org.openqa.selenium.Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    /** Every cookie the browser would send to the current page. */
    public java.util.Set<org.openqa.selenium.Cookie> cookies() {
        return driver.manage().getCookies();
    }

    public String source() {
        return driver.getPageSource();
    }

    public WebElement await(By locator) {
        return new WebDriverWait(driver, patient(30))
                .until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    public void awaitGone(By locator) {
        new WebDriverWait(driver, patient(30))
                .until(ExpectedConditions.invisibilityOfElementLocated(locator));
    }

    public boolean present(By locator) {
        return !driver.findElements(locator).isEmpty();
    }

    public void awaitUrl(String fragment) {
        try {
            new WebDriverWait(driver, patient(30)).until(ExpectedConditions.urlContains(fragment));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "expected a URL with '" + fragment + "', at " + url() + ":\n" + text(), e);
        }
    }

    /** Waits until the browser is at an address starting with {@code prefix} (e.g. an origin). */
    public void awaitUrlStartingWith(String prefix) {
        try {
            new WebDriverWait(driver, patient(30)).until(d -> d.getCurrentUrl().startsWith(prefix));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("expected to be on " + prefix + ", at " + url(), e);
        }
    }

    public void type(By locator, String value) {
        WebElement field = await(locator);
        field.clear();
        field.sendKeys(value);
    }

    public void click(By locator) {
        await(locator).click();
    }

    /**
     * Sets a field's value as a script would (a date field takes {@code yyyy-MM-dd} whatever the
     * browser's locale shows).
     */
    public void setValue(By locator, String value) {
        ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("arguments[0].value = arguments[1];", await(locator), value);
    }

    /** Makes the pages believe they run in this time zone (an IANA id such as Pacific/Auckland). */
    public void timeZone(String zone) {
        ((ChromeDriver) driver)
                .executeCdpCommand(
                        "Emulation.setTimezoneOverride", java.util.Map.of("timezoneId", zone));
    }

    @Override
    public void close() throws Exception {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
