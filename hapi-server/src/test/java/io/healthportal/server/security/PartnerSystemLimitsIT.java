package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 3, item 14, for partner systems: whatever its system scopes ({@code system/*.cruds} here), a
 * Backend Services client with the partner role writes only resources carrying its own partner tag,
 * changes a Patient's demographics only as its demographics owner, matches Patients by exact identifier
 * without browsing them, and reads only its own data. Every token comes from the real token endpoint
 * ({@code client_credentials} with a signed assertion); the data the partners meet is written by the
 * tests' unrestricted client.
 */
class PartnerSystemLimitsIT extends FhirServerTestBase {

    private static final String PARTNER_TAG = "https://healthportal.io/CodeSystem/partner";
    private static final String OWNER_TAG = "https://healthportal.io/CodeSystem/demographics-owner";
    private static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    private static final String RESULT_ID = "urn:healthportal:test:result";

    @Autowired
    ClientRegistrations registrations;

    private String partnerA;
    private String partnerB;
    private BackendServicesTestClient labA;
    private BackendServicesTestClient labB;
    private String nhsOfB;
    private String patientOfB;
    private String portalPatient;
    private String nhsOfPortalPatient;
    private String observationOfA;
    private String observationOfB;

    @BeforeEach
    void twoPartnersAndTheirData() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        partnerA = "lab-a-" + suffix;
        partnerB = "lab-b-" + suffix;
        labA = partner(partnerA);
        labB = partner(partnerB);

        nhsOfB = nhsNumber();
        Patient ofB = patient("Owned-by-B", NHS_NUMBER, nhsOfB);
        tag(ofB, PARTNER_TAG, partnerB);
        tag(ofB, OWNER_TAG, partnerB);
        patientOfB = create(ofB);
        nhsOfPortalPatient = nhsNumber();
        portalPatient = create(patient("Registered-at-the-desk", NHS_NUMBER, nhsOfPortalPatient));
        observationOfA = create(observation(partnerA, patientOfB));
        observationOfB = create(observation(partnerB, patientOfB));
    }

    @Test
    void thePartnerTokenCarriesItsRoleAndPartnerIdSigned() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(labA.accessToken()).getJWTClaimsSet();

        assertThat(claims.getStringClaim("portal_role")).isEqualTo("partner");
        assertThat(claims.getStringClaim("portal_partner")).isEqualTo(partnerA);
    }

    @Test
    void aPartnerFindsAPatientByExactIdentifierButDoesNotBrowseThem() {
        HttpResponse<String> byIdentifier = as(labA, get("/Patient?identifier=" + token(NHS_NUMBER, nhsOfB)));
        assertThat(byIdentifier.statusCode()).as(byIdentifier.body()).isEqualTo(200);
        assertThat(ids(byIdentifier)).containsExactly("Patient/" + patientOfB);

        assertForbidden(as(labA, get("/Patient?family=Owned-by-B")));
        assertForbidden(as(labA, get("/Patient?identifier=" + nhsOfB)));
        assertForbidden(as(labA, get("/Patient?identifier=" + token(NHS_NUMBER, nhsOfB) + "&family=Owned-by-B")));
        assertForbidden(as(labA, get("/Patient")));
        assertForbidden(as(labA, get("/Patient/" + patientOfB)));
        assertForbidden(as(labA, get("/Patient/" + patientOfB + "/_history")));
        assertForbidden(as(labA, get("/Patient/" + patientOfB + "/$everything")));
        assertForbidden(
                as(labA, get("/Patient?identifier=" + token(NHS_NUMBER, nhsOfB) + "&_revinclude=Observation:subject")));
        assertForbidden(as(labA, get("/Patient?_has:Observation:subject:code=http://loinc.org%7C4548-4")));
        assertForbidden(as(labA, get("/Observation?_include=Observation:subject")));
        assertForbidden(as(labA, get("/Observation?subject.family=Owned-by-B")));
        assertForbidden(as(labA, get("/Observation?subject:Patient.identifier=" + token(NHS_NUMBER, nhsOfB))));
        assertForbidden(as(labA, get("/Observation/_history")));
        assertForbidden(as(labA, get("/$export").header("Prefer", "respond-async")));
    }

    @Test
    void aPartnerReadsAndSearchesOnlyResourcesCarryingItsTag() {
        HttpResponse<String> search = as(labA, get("/Observation?subject=Patient/" + patientOfB));

        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertThat(ids(search)).containsExactly("Observation/" + observationOfA);
        assertThat(as(labA, get("/Observation/" + observationOfA)).statusCode()).isEqualTo(200);
        assertThat(as(labA, get("/Observation/" + observationOfB)).statusCode()).isEqualTo(404);
        assertThat(as(labB, get("/Observation/" + observationOfB)).statusCode()).isEqualTo(200);
    }

    @Test
    void aPartnerAddsItsIdentifierToAnotherOwnersPatientButCannotChangeTheirDemographics() {
        Patient stored = storedPatient(labA, nhsOfB);
        stored.addIdentifier().setSystem(mrnSystem(partnerA)).setValue("MRN-1");
        tag(stored, PARTNER_TAG, partnerA);

        HttpResponse<String> added = as(labA, put("/Patient/" + patientOfB, stored));

        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        Patient afterAdding = read(patientOfB);
        assertThat(afterAdding.getIdentifier())
                .extracting(Identifier::getSystem)
                .containsExactlyInAnyOrder(NHS_NUMBER, mrnSystem(partnerA));
        assertThat(afterAdding.getMeta().getTag())
                .extracting(coding -> coding.getSystem() + "|" + coding.getCode())
                .contains(PARTNER_TAG + "|" + partnerA, PARTNER_TAG + "|" + partnerB, OWNER_TAG + "|" + partnerB)
                .doesNotContain(OWNER_TAG + "|" + partnerA);

        Patient renamed = storedPatient(labA, nhsOfB);
        renamed.getNameFirstRep().setFamily("Renamed-by-A");
        tag(renamed, PARTNER_TAG, partnerA);
        HttpResponse<String> refused = as(labA, put("/Patient/" + patientOfB, renamed));

        assertForbidden(refused);
        assertThat(refused.body()).contains("demographics owner");
        assertThat(read(patientOfB).getNameFirstRep().getFamily()).isEqualTo("Owned-by-B");
    }

    @Test
    void theDemographicsOwnerChangesItsPatientByAConditionalUpdateOnTheIdentifier() {
        Patient renamed = storedPatient(labB, nhsOfB);
        renamed.getNameFirstRep().setFamily("Renamed-by-owner");
        renamed.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
        tag(renamed, PARTNER_TAG, partnerB);

        HttpResponse<String> updated =
                as(labB, put("/Patient?identifier=" + token(NHS_NUMBER, nhsOfB), renamed.setIdElement(null)));

        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(read(patientOfB).getNameFirstRep().getFamily()).isEqualTo("Renamed-by-owner");
    }

    @Test
    void noPartnerChangesTheDemographicsOfAPatientThePortalRegistered() {
        Patient renamed = storedPatient(labA, nhsOfPortalPatient);
        renamed.getNameFirstRep().setFamily("Renamed-by-A");
        tag(renamed, PARTNER_TAG, partnerA);
        assertForbidden(as(labA, put("/Patient/" + portalPatient, renamed)));

        Patient claimed = storedPatient(labA, nhsOfPortalPatient);
        tag(claimed, PARTNER_TAG, partnerA);
        tag(claimed, OWNER_TAG, partnerA);
        HttpResponse<String> refused = as(labA, put("/Patient/" + portalPatient, claimed));
        assertForbidden(refused);
        assertThat(refused.body()).contains("never changed");

        Patient withMrn = storedPatient(labA, nhsOfPortalPatient);
        withMrn.addIdentifier().setSystem(mrnSystem(partnerA)).setValue("MRN-2");
        tag(withMrn, PARTNER_TAG, partnerA);
        assertThat(as(labA, put("/Patient/" + portalPatient, withMrn)).statusCode())
                .isEqualTo(200);
        assertThat(read(portalPatient).getNameFirstRep().getFamily()).isEqualTo("Registered-at-the-desk");
    }

    @Test
    void aPartnerWritesOnlyResourcesCarryingItsOwnTagAndDeletesNothing() {
        Observation untagged = observation(null, patientOfB);
        assertForbidden(as(labA, post("/Observation", untagged)));
        Observation taggedForB = observation(partnerB, patientOfB);
        assertForbidden(as(labA, post("/Observation", taggedForB)));
        Observation taggedForBoth = observation(partnerA, patientOfB);
        tag(taggedForBoth, PARTNER_TAG, partnerB);
        assertForbidden(as(labA, post("/Observation", taggedForBoth)));
        assertThat(as(labA, post("/Observation", observation(partnerA, patientOfB)))
                        .statusCode())
                .isEqualTo(201);

        Observation takeOver = observation(partnerA, patientOfB);
        takeOver.setId(observationOfB);
        HttpResponse<String> overwrite = as(labA, put("/Observation/" + observationOfB, takeOver));
        assertForbidden(overwrite);
        assertThat(overwrite.body()).contains("already carry its own partner tag");

        assertForbidden(as(labA, delete("/Observation/" + observationOfA)));
        assertThat(as(labA, get("/Observation/" + observationOfA)).statusCode()).isEqualTo(200);
    }

    @Test
    void aPatientAPartnerCreatesNamesItAsDemographicsOwner() {
        Patient withoutOwner = patient("New-at-A", NHS_NUMBER, nhsNumber());
        tag(withoutOwner, PARTNER_TAG, partnerA);
        assertForbidden(as(labA, post("/Patient", withoutOwner)));

        Patient ownedByB = patient("New-at-A", NHS_NUMBER, nhsNumber());
        tag(ownedByB, PARTNER_TAG, partnerA);
        tag(ownedByB, OWNER_TAG, partnerB);
        assertForbidden(as(labA, post("/Patient", ownedByB)));

        Patient owned = patient("New-at-A", NHS_NUMBER, nhsNumber());
        tag(owned, PARTNER_TAG, partnerA);
        tag(owned, OWNER_TAG, partnerA);
        assertThat(as(labA, post("/Patient", owned)).statusCode()).isEqualTo(201);
    }

    @Test
    void aTransactionWithOneForbiddenEntryStoresNothing() {
        String nhs = nhsNumber();
        String resultId = "R-" + UUID.randomUUID();
        Bundle transaction = ingestLikeTransaction(partnerA, nhs, resultId);
        Observation untagged = observation(null, null);
        untagged.addIdentifier().setSystem(RESULT_ID).setValue(resultId + "-untagged");
        untagged.setSubject(new Reference("urn:uuid:patient-" + nhs));
        transaction
                .addEntry()
                .setResource(untagged)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Observation");

        HttpResponse<String> refused = as(labA, post("/", transaction));

        assertForbidden(refused);
        assertThat(total("Patient?identifier=" + token(NHS_NUMBER, nhs))).isZero();
        assertThat(total("Observation?identifier=" + token(RESULT_ID, resultId)))
                .isZero();
        assertThat(total("Observation?identifier=" + token(RESULT_ID, resultId + "-untagged")))
                .isZero();
    }

    @Test
    void aTransactionOfConditionalWritesOnIdentifiersIsStoredAndAReplayUpdatesIt() {
        String nhs = nhsNumber();
        String resultId = "R-" + UUID.randomUUID();

        HttpResponse<String> first = as(labA, post("/", ingestLikeTransaction(partnerA, nhs, resultId)));
        HttpResponse<String> replay = as(labA, post("/", ingestLikeTransaction(partnerA, nhs, resultId)));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(total("Patient?identifier=" + token(NHS_NUMBER, nhs))).isEqualTo(1);
        assertThat(total("Observation?identifier=" + token(RESULT_ID, resultId)))
                .isEqualTo(1);
    }

    @Test
    void conditionalUrlsAndReferencesOnPatientAreExactIdentifiersOnly() {
        Patient owned = patient("Conditional", NHS_NUMBER, nhsNumber());
        tag(owned, PARTNER_TAG, partnerA);
        tag(owned, OWNER_TAG, partnerA);
        Bundle byName = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        byName.addEntry()
                .setResource(owned)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Patient")
                .setIfNoneExist("family=Owned-by-B");
        assertForbidden(as(labA, post("/", byName)));

        Observation linkedByName = observation(partnerA, null);
        linkedByName.setSubject(new Reference("Patient?family=Owned-by-B"));
        assertForbidden(as(labA, post("/Observation", linkedByName)));

        Observation linkedByIdentifier = observation(partnerA, null);
        linkedByIdentifier.setSubject(new Reference("Patient?identifier=" + NHS_NUMBER + "|" + nhsOfB));
        HttpResponse<String> linked = as(labA, post("/Observation", linkedByIdentifier));
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(201);
        assertThat(parse(Observation.class, linked).getSubject().getReference()).isEqualTo("Patient/" + patientOfB);
    }

    /**
     * What ingest-adapters writes for one result: the Patient by conditional create on the NHS number and
     * the Observation by conditional update on its identifier, both tagged as the partner's.
     */
    private Bundle ingestLikeTransaction(String partnerId, String nhs, String resultId) {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Patient patient = patient("Sent-by-" + partnerId, NHS_NUMBER, nhs);
        tag(patient, PARTNER_TAG, partnerId);
        tag(patient, OWNER_TAG, partnerId);
        transaction
                .addEntry()
                .setFullUrl("urn:uuid:patient-" + nhs)
                .setResource(patient)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Patient")
                .setIfNoneExist("identifier=" + NHS_NUMBER + "|" + nhs);
        Observation result = observation(partnerId, null);
        result.addIdentifier().setSystem(RESULT_ID).setValue(resultId);
        result.setSubject(new Reference("urn:uuid:patient-" + nhs));
        transaction
                .addEntry()
                .setFullUrl("urn:uuid:result-" + resultId)
                .setResource(result)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Observation?identifier=" + RESULT_ID + "|" + resultId);
        return transaction;
    }

    private BackendServicesTestClient partner(String partnerId) {
        return BackendServicesTestClient.registerPartner(
                registrations, "http://localhost:" + port + "/oauth2/token", Set.of("system/*.cruds"), partnerId);
    }

    /** The Patient as the partner finds it by its identifier: what it must keep when it updates. */
    private Patient storedPatient(BackendServicesTestClient partner, String nhs) {
        HttpResponse<String> found = as(partner, get("/Patient?identifier=" + token(NHS_NUMBER, nhs)));
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        return (Patient) parse(Bundle.class, found).getEntryFirstRep().getResource();
    }

    private static Patient patient(String family, String system, String value) {
        Patient patient = new Patient();
        patient.addName().setFamily(family).addGiven("Test");
        patient.addIdentifier().setSystem(system).setValue(value);
        return patient;
    }

    /** A final HbA1c result for {@code patient} (none when null), tagged as {@code partnerId}'s (none when null). */
    private static Observation observation(String partnerId, String patient) {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().addCoding(new Coding("http://loinc.org", "4548-4", "Hemoglobin A1c"));
        if (patient != null) {
            observation.setSubject(new Reference("Patient/" + patient));
        }
        if (partnerId != null) {
            tag(observation, PARTNER_TAG, partnerId);
        }
        return observation;
    }

    private static void tag(Resource resource, String system, String code) {
        resource.getMeta().addTag(system, code, null);
    }

    private static String mrnSystem(String partnerId) {
        return "https://" + partnerId + ".example.nhs.uk/Id/mrn";
    }

    /** Ten digits no other test uses (not a valid NHS number: the check digit is not computed). */
    private static String nhsNumber() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(9_000_000_000L, 9_999_999_999L));
    }

    private static String token(String system, String value) {
        return URLEncoder.encode(system + "|" + value, StandardCharsets.UTF_8);
    }

    private String create(IBaseResource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }

    private Patient read(String id) {
        return client().read().resource(Patient.class).withId(id).execute();
    }

    /** How many resources match, counted with the tests' unrestricted client. */
    private int total(String search) {
        return client().search()
                .byUrl(search)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .size();
    }

    private List<String> ids(HttpResponse<String> searchResponse) {
        return parse(Bundle.class, searchResponse).getEntry().stream()
                .map(entry -> entry.getResource()
                        .getIdElement()
                        .toUnqualifiedVersionless()
                        .getValue())
                .toList();
    }

    private <T extends IBaseResource> T parse(Class<T> type, HttpResponse<String> response) {
        return fhirContext.newJsonParser().parseResource(type, response.body());
    }

    private HttpResponse<String> as(BackendServicesTestClient partner, HttpRequest.Builder request) {
        return send(request.header("Authorization", "Bearer " + partner.accessToken()));
    }

    private HttpRequest.Builder get(String path) {
        return anonymousRequest(path).header("Accept", "application/fhir+json");
    }

    private HttpRequest.Builder post(String path, IBaseResource body) {
        return write(path).POST(HttpRequest.BodyPublishers.ofString(json(body)));
    }

    private HttpRequest.Builder put(String path, IBaseResource body) {
        return write(path).PUT(HttpRequest.BodyPublishers.ofString(json(body)));
    }

    private HttpRequest.Builder delete(String path) {
        return get(path).DELETE();
    }

    private HttpRequest.Builder write(String path) {
        return anonymousRequest(path)
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .header("Prefer", "return=representation");
    }

    private String json(IBaseResource resource) {
        return fhirContext.newJsonParser().encodeResourceToString(resource);
    }

    private void assertForbidden(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        OperationOutcome outcome = parse(OperationOutcome.class, response);
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("PORTAL-AUTH-403");
    }
}
