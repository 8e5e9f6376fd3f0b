package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The patient verifier (issue 4, item 15; issue 3, item 14): the client through which ingest-adapters'
 * operators mark an unverified Patient verified removes that Patient's verification tag and does
 * nothing else, and the partner whose message created the Patient cannot remove it itself. Tokens come
 * from the real token endpoint.
 */
class PatientVerifierIT extends FhirServerTestBase {

    private static final String VERIFICATION = PatientVerifierInterceptor.VERIFICATION_TAG_SYSTEM;
    private static final String PARTNER_TAG = PartnerLimitInterceptor.PARTNER_TAG_SYSTEM;
    private static final String OWNER_TAG = PartnerLimitInterceptor.OWNER_TAG_SYSTEM;

    @Autowired
    ClientRegistrations registrations;

    private BackendServicesTestClient verifier;
    private BackendServicesTestClient partner;
    private String partnerId;
    private String patient;

    @BeforeEach
    void anUnverifiedPatientAPartnerCreated() {
        String tokenEndpoint = "http://localhost:" + port + "/oauth2/token";
        verifier = BackendServicesTestClient.register(
                registrations, tokenEndpoint, Set.of("system/Patient.u"), new SystemRole.PatientVerifier());
        partnerId = "lab-" + UUID.randomUUID().toString().substring(0, 8);
        partner = BackendServicesTestClient.registerPartner(
                registrations, tokenEndpoint, Set.of("system/*.cruds"), partnerId);
        Patient unverified = new Patient();
        unverified.addName().setFamily("Unverified").addGiven("Una");
        unverified.getMeta().addTag(PARTNER_TAG, partnerId, null);
        unverified.getMeta().addTag(OWNER_TAG, partnerId, null);
        unverified.getMeta().addTag(VERIFICATION, "unverified", null);
        patient = client().create()
                .resource(unverified)
                .execute()
                .getId()
                .toUnqualifiedVersionless()
                .getValue();
    }

    @Test
    void theVerifierRemovesTheVerificationTagAndLeavesEverythingElse() {
        Patient before = read();

        HttpResponse<String> removed =
                send(as(verifier, metaDelete(patient, new Coding(VERIFICATION, "unverified", null))));

        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        Patient after = read();
        assertThat(after.getMeta().getTag())
                .extracting(tag -> tag.getSystem() + "|" + tag.getCode())
                .containsExactlyInAnyOrder(PARTNER_TAG + "|" + partnerId, OWNER_TAG + "|" + partnerId);
        assertThat(after.getNameFirstRep().getFamily()).isEqualTo("Unverified");
        assertThat(after.getMeta().getVersionId()).isEqualTo(before.getMeta().getVersionId());
    }

    @Test
    void theVerifierRemovesNoOtherTagAndDoesNothingElse() {
        assertForbidden(
                send(as(verifier, metaDelete(patient, new Coding(OWNER_TAG, partnerId, null)))),
                PatientVerifierInterceptor.ONLY_VERIFICATION_TAGS);
        assertForbidden(
                send(as(
                        verifier,
                        metaDelete(
                                patient,
                                new Coding(VERIFICATION, "unverified", null),
                                new Coding(PARTNER_TAG, partnerId, null)))),
                PatientVerifierInterceptor.ONLY_VERIFICATION_TAGS);
        assertForbidden(send(as(verifier, request("/" + patient))), PatientVerifierInterceptor.ONLY_META_DELETE);
        assertForbidden(
                send(as(verifier, request("/Patient?family=Unverified"))), PatientVerifierInterceptor.ONLY_META_DELETE);
        assertForbidden(
                send(as(
                        verifier,
                        request("/" + patient)
                                .header("Content-Type", "application/fhir+json")
                                .PUT(HttpRequest.BodyPublishers.ofString(
                                        fhirContext.newJsonParser().encodeResourceToString(read()))))),
                PatientVerifierInterceptor.ONLY_META_DELETE);
        assertForbidden(
                send(as(
                        verifier,
                        request("/" + patient + "/$meta-add")
                                .header("Content-Type", "application/fhir+json")
                                .POST(body(new Coding(VERIFICATION, "verified", null))))),
                PatientVerifierInterceptor.ONLY_META_DELETE);

        assertThat(read().getMeta().getTag()).extracting(Coding::getCode).contains("unverified", partnerId);
    }

    @Test
    void thePartnerThatCreatedThePatientCannotVerifyItItself() {
        HttpResponse<String> refused =
                send(as(partner, metaDelete(patient, new Coding(VERIFICATION, "unverified", null))));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(read().getMeta().getTag()).extracting(Coding::getCode).contains("unverified");
    }

    private Patient read() {
        return client().read().resource(Patient.class).withId(patient).execute();
    }

    private HttpRequest.Builder metaDelete(String patient, Coding... tags) {
        return request("/" + patient + "/$meta-delete")
                .header("Content-Type", "application/fhir+json")
                .POST(body(tags));
    }

    private HttpRequest.BodyPublisher body(Coding... tags) {
        Meta meta = new Meta();
        for (Coding tag : tags) {
            meta.addTag(tag);
        }
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("meta").setValue(meta);
        return HttpRequest.BodyPublishers.ofString(fhirContext.newJsonParser().encodeResourceToString(parameters));
    }

    private static HttpRequest.Builder as(BackendServicesTestClient client, HttpRequest.Builder request) {
        return request.setHeader("Authorization", "Bearer " + client.accessToken());
    }

    private void assertForbidden(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).isEqualTo(reason);
    }
}
