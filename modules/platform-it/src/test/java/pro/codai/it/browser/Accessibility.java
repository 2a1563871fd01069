package pro.codai.it.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.openqa.selenium.JavascriptExecutor;

/**
 * axe-core (from npm, locked in ide-assets' package-lock.json) run in the page: the WCAG 2.1 A and
 * AA rules. Returns the violations as lines "rule (impact): targets — help", empty when none.
 */
public final class Accessibility {

    private Accessibility() {}

    public static boolean available() {
        return Files.isReadable(axePath());
    }

    @SuppressWarnings("unchecked")
    public static List<String> violations(Browser browser) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) browser.driver;
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object'"))) {
            js.executeScript(Files.readString(axePath()));
        }
        browser.driver.manage().timeouts().scriptTimeout(Browser.patient(60));
        Object answer =
                js.executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "axe.run(document, {runOnly: {type: 'tag', values:"
                                + " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                                + ".then(r => done(r.violations.map(v => v.id + ' (' + v.impact"
                                + " + '): ' + v.nodes.map(n => n.target.join(' ')).join(', ')"
                                + " + ' — ' + v.help)))"
                                + ".catch(e => done(['axe failed: ' + e]));");
        return new ArrayList<>((List<String>) answer);
    }

    /**
     * axe-core on the page as it is, at desktop width and at 390 px (a phone), and whether it
     * scrolls sideways there; adds each finding, named after {@code page}, to {@code findings}.
     */
    public static void check(Browser browser, String page, List<String> findings) throws Exception {
        for (String violation : violations(browser)) {
            findings.add(page + ": " + violation);
        }
        width(browser, 390);
        for (String violation : violations(browser)) {
            findings.add(page + " at 390 px: " + violation);
        }
        if (scrollsSideways(browser)) {
            findings.add(
                    page
                            + " at 390 px: the page scrolls sideways (past the edge: "
                            + String.join(", ", pastTheEdge(browser))
                            + ")");
        }
        width(browser, 1280);
    }

    /** Whether the page is wider than the window (it scrolls sideways). */
    public static boolean scrollsSideways(Browser browser) {
        Object wider =
                ((JavascriptExecutor) browser.driver)
                        .executeScript(
                                "return document.documentElement.scrollWidth >"
                                        + " window.innerWidth + 1");
        return Boolean.TRUE.equals(wider);
    }

    /** The innermost elements that reach past the window's right edge, for a failure message. */
    @SuppressWarnings("unchecked")
    static List<String> pastTheEdge(Browser browser) {
        Object found =
                ((JavascriptExecutor) browser.driver)
                        .executeScript(
                                "const w = window.innerWidth; const out = [];"
                                        + "for (const e of document.body.querySelectorAll('*')) {"
                                        + " const r = e.getBoundingClientRect();"
                                        + " if (r.right > w + 1 && ![...e.children].some(c =>"
                                        + " c.getBoundingClientRect().right > w + 1)) {"
                                        + " out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
                                        + " + (e.className && e.className.baseVal === undefined"
                                        + " ? '.' + e.className.trim().split(/\\s+/).join('.') : '')"
                                        + " + ' ' + Math.round(r.right) + 'px'); }"
                                        + " if (out.length >= 5) break; }"
                                        + "return out;");
        return (List<String>) found;
    }

    /** Sets the window's width (e.g. 390 px, a phone), keeping its height. */
    public static void width(Browser browser, int pixels) {
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(pixels, 1000));
    }

    static Path axePath() {
        return Path.of(System.getProperty("codaipro.it.axe", "axe.min.js"));
    }
}
