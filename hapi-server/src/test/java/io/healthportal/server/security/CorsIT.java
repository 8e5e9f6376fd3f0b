package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * CORS per SMART App Launch 2.2: the token endpoint and the FHIR API for registered client origins
 * only. Discovery open to any origin and the FHIR API's preflight are in {@link SmartAcceptanceIT}.
 */
class CorsIT extends FhirServerTestBase {

    private static final String APP_ORIGIN = "http://127.0.0.1:7781";
    private static final String STRANGER = "https://elsewhere.example";

    @Autowired
    ClientRegistrations registrations;

    @BeforeEach
    void browserApp() {
        registrations.registerPublicApp(
                "cors-app-" + UUID.randomUUID(), "CORS app", APP_ORIGIN + "/callback", Set.of("patient/Patient.rs"));
    }

    @Test
    void aPreflightFromAnUnregisteredOriginIsRefused() {
        HttpResponse<String> preflight = send(preflight(fhirBase() + "/Patient", STRANGER, "GET"));

        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
    }

    @Test
    void theTokenEndpointAcceptsPreflightsFromRegisteredOriginsOnly() {
        String token = "http://localhost:" + port + "/oauth2/token";

        HttpResponse<String> registered = send(preflight(token, APP_ORIGIN, "POST"));
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(APP_ORIGIN);
        assertThat(send(preflight(token, STRANGER, "POST")).statusCode()).isEqualTo(403);
    }

    @Test
    void anAuthorizedFhirRequestFromARegisteredOriginCarriesTheCorsHeaders() {
        HttpResponse<String> response = send(request("/Patient?_count=1").header("Origin", APP_ORIGIN));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP_ORIGIN);
    }

    private static HttpRequest.Builder preflight(String url, String origin, String method) {
        return HttpRequest.newBuilder(URI.create(url))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", "authorization,content-type");
    }
}
