package io.healthportal.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.healthportal.server.storage.FhirSchema;
import io.healthportal.server.testing.BackendServicesTestClient;
import io.healthportal.server.testing.BearerTokenClientInterceptor;
import io.healthportal.server.testing.FakeIdentityProvider;
import io.healthportal.server.testing.TestClients;
import io.healthportal.testing.FreePort;
import io.healthportal.testing.RequiresPostgres;
import io.healthportal.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one full-server context the integration tests share: hapi-server on a free port chosen before
 * it starts, on a fresh clone of the migrated schema in the external PostgreSQL, with its Lucene index
 * in a temporary directory. Every IT class extends this and changes nothing about the context, so
 * Spring builds it once per run.
 */
@RequiresPostgres
// Spring Boot tests switch metrics export off unless asked; the probes test checks the real endpoint.
@AutoConfigureObservability
@SpringBootTest(classes = HapiServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles({"postgres", "test"})
@Import(TestClients.class)
public abstract class FhirServerTestBase {

    @LocalServerPort
    protected int port;

    @Autowired
    protected FhirContext fhirContext;

    /** Holds {@code system/*.cruds}; every request below carries its token unless it says otherwise. */
    @Autowired
    protected BackendServicesTestClient systemClient;

    protected final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        // The port is chosen up front because the public base URL is fixed at start-up and every link
        // the server writes (paging, Location, bulk export status and files) derives from it.
        int port = FreePort.find();
        registry.add("server.port", () -> port);
        registry.add("portal.public-base-url", () -> "http://localhost:" + port);
        Path dataDir = Files.createTempDirectory("portal-it-data");
        registry.add(
                "spring.datasource.url",
                () -> TestPostgres.instance().newDatabaseFrom("fhir_template", FhirSchema::migrate, "fhir"));
        registry.add("spring.datasource.username", () -> TestPostgres.instance().user());
        registry.add("spring.datasource.password", () -> TestPostgres.instance().password());
        registry.add("portal.data-dir", dataDir::toString);
        // External identity providers on a fake OpenID Connect provider, started only by the tests that use it.
        FakeIdentityProvider.configure(registry);
    }

    protected String fhirBase() {
        return "http://localhost:" + port + "/fhir";
    }

    protected IGenericClient client() {
        fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        // Loading a demo bundle of a thousand conditional creates on a busy 2-core machine takes a while.
        fhirContext.getRestfulClientFactory().setSocketTimeout(180_000);
        IGenericClient client = fhirContext.newRestfulGenericClient(fhirBase());
        client.registerInterceptor(new BearerTokenClientInterceptor(systemClient::accessToken));
        return client;
    }

    /** The AuditEvents naming {@code agentName} as an agent with subtype {@code subtype}, read with full access. */
    protected List<AuditEvent> auditEvents(String agentName, String subtype) {
        return client()
                .search()
                .forResource(AuditEvent.class)
                .where(AuditEvent.AGENT_NAME.matchesExactly().value(agentName))
                .and(AuditEvent.SUBTYPE.exactly().code(subtype))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> (AuditEvent) entry.getResource())
                .toList();
    }

    /** HAPI's generic client without a token. */
    protected IGenericClient anonymousClient() {
        fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return fhirContext.newRestfulGenericClient(fhirBase());
    }

    protected HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request to the FHIR API, with the system client's token. */
    protected HttpRequest.Builder request(String pathAndQuery) {
        return requestTo(fhirBase() + pathAndQuery);
    }

    /** A request to an absolute URL the server gave out, with the system client's token. */
    protected HttpRequest.Builder requestTo(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + systemClient.accessToken());
    }

    /** A request to the FHIR API without a token. */
    protected HttpRequest.Builder anonymousRequest(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(fhirBase() + pathAndQuery));
    }
}
