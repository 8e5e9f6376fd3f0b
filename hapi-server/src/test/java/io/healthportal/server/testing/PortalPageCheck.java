package io.healthportal.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * What issue 3, item 11 asks of every portal page a person passes through (login, consent, patient
 * picker, EHR simulator, error pages): British English declared, at most 100 KB with its style sheet, no
 * script at all, and no serious or critical axe-core (WCAG 2.2 AA) violation. Moderate and minor
 * findings are printed, not failed.
 */
public final class PortalPageCheck {

    /** A portal page's weight with its style sheet, at most. */
    public static final long PAGE_BUDGET_BYTES = 100 * 1024;

    private PortalPageCheck() {}

    /** Checks the page the browser shows, after a screenshot of it named {@code name} for people to look at. */
    public static void check(HeadlessChromium chromium, String name) throws IOException {
        check(chromium, name, true);
    }

    /** Checks the page the browser shows, with its screenshot named {@code name} if {@code screenshot}. */
    public static void check(HeadlessChromium chromium, String name, boolean screenshot) throws IOException {
        if (screenshot) {
            chromium.screenshot(name);
        }
        WebDriver browser = chromium.driver();
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang"))
                .as(name)
                .isEqualTo("en-GB");
        assertThat(AxeCheck.pageWeight(browser))
                .as(name + " bytes")
                .isPositive()
                .isLessThanOrEqualTo(PAGE_BUDGET_BYTES);
        assertThat(AxeCheck.scripts(browser))
                .as(name)
                .containsEntry("scripts", 0L)
                .containsEntry("handlers", 0L);
        List<AxeCheck.Violation> violations = AxeCheck.violations(browser);
        violations.forEach(
                v -> System.out.println("axe " + name + ": " + v.impact() + " " + v.id() + " " + v.targets()));
        assertThat(violations.stream().filter(AxeCheck.Violation::seriousOrCritical))
                .as(name + ": " + violations)
                .isEmpty();
    }
}
