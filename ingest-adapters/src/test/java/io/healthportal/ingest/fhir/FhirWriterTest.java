package io.healthportal.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer against a stand-in for hapi-server: whose token each write carries, and how a 403 ends. */
class FhirWriterTest {

    private static final String REFUSAL =
            "PORTAL-AUTH-403: a partner system writes only resources carrying its" + " own partner tag";

    private final FhirContext fhir = FhirContext.forR4();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private int status = 200;

    @BeforeEach
    void hapiServerStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fhir", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String body = status == 200
                    ? fhir.newJsonParser()
                            .encodeResourceToString(
                                    path.endsWith("$meta-delete")
                                            ? new Parameters().addParameter("return", new Meta())
                                            : new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE))
                    : fhir.newJsonParser()
                            .encodeResourceToString(new OperationOutcome()
                                    .addIssue(new OperationOutcome.OperationOutcomeIssueComponent()
                                            .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                                            .setCode(OperationOutcome.IssueType.FORBIDDEN)
                                            .setDiagnostics(REFUSAL)));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void eachWriteCarriesTheTokenOfItsPartner() {
        FhirWriter writer = writer();

        writer.transaction("demo-lab", new Bundle().setType(Bundle.BundleType.TRANSACTION));
        writer.transaction("demo-gp", new Bundle().setType(Bundle.BundleType.TRANSACTION));

        assertThat(authorizations).containsExactly("Bearer token-of-demo-lab", "Bearer token-of-demo-gp");
    }

    @Test
    void aRefusalByThePartnerLimitIsForGoodWithHapiServersReason() {
        status = 403;

        FhirWriteException refused = catchThrowableOfType(
                FhirWriteException.class,
                () -> writer().transaction("demo-lab", new Bundle().setType(Bundle.BundleType.TRANSACTION)));

        assertThat(refused.retryable()).isFalse();
        assertThat(refused.deadLetterCode()).isEqualTo("INGEST-FHIR-FORBIDDEN");
        assertThat(refused.deadLetterReason()).isEqualTo("INGEST-FHIR-FORBIDDEN: " + REFUSAL);
        assertThat(rejected).isEmpty();
    }

    @Test
    void a401ForgetsOnlyThatPartnersToken() {
        status = 401;

        FhirWriteException refused = catchThrowableOfType(
                FhirWriteException.class,
                () -> writer().transaction("demo-gp", new Bundle().setType(Bundle.BundleType.TRANSACTION)));

        assertThat(refused.retryable()).isTrue();
        assertThat(rejected).containsExactly("demo-gp");
    }

    @Test
    void removingTheVerificationTagIsOneMetaDeleteWithThatTagAsThePatientVerifier() {
        writer().removeVerificationTag(
                        "Patient/42",
                        new Coding("https://healthportal.io/CodeSystem/patient-verification", "unverified", null));

        assertThat(authorizations).containsExactly("Bearer token-of-the-verifier");
        assertThat(requests)
                .singleElement()
                .satisfies(request -> assertThat(request)
                        .startsWith("POST /fhir/Patient/42/$meta-delete ")
                        .contains("\"name\":\"meta\"", "patient-verification", "unverified"));
    }

    @Test
    void aRejectedVerifierTokenIsForgottenNotAPartnersToken() {
        status = 401;

        FhirWriteException refused = catchThrowableOfType(
                FhirWriteException.class,
                () -> writer().removeVerificationTag("Patient/42", new Coding("s", "c", null)));

        assertThat(refused.retryable()).isTrue();
        assertThat(rejected).containsExactly("verifier");
    }

    private FhirWriter writer() {
        return new FhirWriter(
                fhir,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir"),
                new RequestAuthorizer() {
                    @Override
                    public String authorization(String partnerId) {
                        return "Bearer token-of-" + partnerId;
                    }

                    @Override
                    public void tokenRejected(String partnerId) {
                        rejected.add(partnerId);
                    }

                    @Override
                    public String verifierAuthorization() {
                        return "Bearer token-of-the-verifier";
                    }

                    @Override
                    public void verifierTokenRejected() {
                        rejected.add("verifier");
                    }
                });
    }
}
