package io.healthportal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.server.testing.HeadlessChromium;
import io.healthportal.server.testing.RequiresChromium;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What an integrator sees first: the Swagger UI of the FHIR API renders in a real browser, without a
 * token, from the OpenAPI description the server generates, and lists the portal's operations.
 */
@RequiresChromium
class SwaggerUiBrowserIT extends FhirServerTestBase {

    @Test
    void swaggerUiRendersTheFhirApiWithoutAToken() throws Exception {
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            browser.get(fhirBase() + "/swagger-ui/");

            // The first call builds the description from the CapabilityStatement: give it time.
            new WebDriverWait(browser, Duration.ofSeconds(90))
                    .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock-summary-path")));
            chromium.screenshot("swagger-ui");
            String page = browser.findElement(By.tagName("body")).getText();
            assertThat(page).contains("Patient health portal FHIR R4 server", "FHIR Version", "4.0.1 (R4)");
            assertThat(browser.findElements(By.cssSelector(".opblock-summary-path")))
                    .extracting(path -> path.getText().replace("\u200b", ""))
                    .contains("/metadata");
            assertThat(page).contains("Patient", "Observation", "Appointment");
        }
    }
}
