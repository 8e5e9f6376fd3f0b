package io.healthportal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The OpenAPI description and Swagger UI of the FHIR API. */
class OpenApiIT extends FhirServerTestBase {

    @Test
    void openApiDescriptionListsThePortalResourceTypes() {
        HttpResponse<String> response = send(request("/api-docs"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .startsWith("openapi: 3.")
                .contains("/Patient:")
                .contains("/Appointment/{id}")
                .contains("/Observation/_search");
    }

    @Test
    void swaggerUiPageIsServed() {
        HttpResponse<String> response = send(request("/swagger-ui/").header("Accept", "text/html"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).contains("swagger-ui");
    }
}
