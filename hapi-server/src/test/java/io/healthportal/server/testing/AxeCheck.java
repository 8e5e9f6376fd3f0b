package io.healthportal.server.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Runs axe-core (Deque's accessibility engine, fetched from npm by {@link AxeCoreScript}) in the page a
 * browser shows, and measures what the page weighed.
 */
public final class AxeCheck {

    /** The WCAG 2.0, 2.1 and 2.2 A and AA rules, and axe's best practices. */
    private static final String RUN = """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})
                .then(result => done(JSON.stringify(result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(' '))})))))
                .catch(error => done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(error),
                    targets: []}])));
            """;

    /** One rule a page breaks, and where. */
    public record Violation(String id, String impact, String help, List<String> targets) {

        public boolean seriousOrCritical() {
            return "serious".equals(impact) || "critical".equals(impact);
        }
    }

    private AxeCheck() {}

    /** Every violation axe finds in the page {@code browser} shows now. */
    public static List<Violation> violations(WebDriver browser) {
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        JavascriptExecutor script = (JavascriptExecutor) browser;
        script.executeScript(AxeCoreScript.source());
        String json = (String) script.executeAsyncScript(RUN);
        try {
            return new ObjectMapper().readValue(json, new TypeReference<List<Violation>>() {});
        } catch (IOException e) {
            throw new IllegalStateException("axe answered something unreadable: " + json, e);
        }
    }

    /**
     * The bytes the page downloaded, decoded: its document plus every resource it loaded (style sheets,
     * images), as the browser's resource timing counts them. Call before {@link #violations}.
     */
    public static long pageWeight(WebDriver browser) {
        Object total = ((JavascriptExecutor) browser)
                .executeScript("return performance.getEntriesByType('navigation')"
                        + ".concat(performance.getEntriesByType('resource'))"
                        + ".reduce((sum, entry) => sum + entry.decodedBodySize, 0);");
        return ((Number) total).longValue();
    }

    /** The page's script elements and inline event handlers: none, for a page that works without JavaScript. */
    @SuppressWarnings("unchecked")
    public static Map<String, Long> scripts(WebDriver browser) {
        return (Map<String, Long>) ((JavascriptExecutor) browser)
                .executeScript("return {scripts: document.scripts.length, handlers: [...document.querySelectorAll('*')]"
                        + ".filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length};");
    }
}
