package io.healthportal.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.UrlUtil;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.fhir.FhirWriter;
import io.healthportal.ingest.testing.TestPartners;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * What a message writes to a Patient by the ownership contract, with hapi-server's search answers
 * scripted (the end-to-end test runs the same against the real server).
 */
class PatientResolverTest {

    private static final PartnerProperties LAB = TestPartners.LAB;
    private static final String NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
    private static final Identifier NHS = new Identifier().setSystem(NHS_SYSTEM).setValue("9434765919");
    private static final Identifier LAB_MRN =
            new Identifier().setSystem(LAB.identifierSystems().mrn()).setValue("L77");
    private static final Identifier CLINIC_MRN =
            new Identifier().setSystem("https://clinic-a.example/Id/mrn").setValue("C12");

    private final FhirWriter fhir = mock(FhirWriter.class);
    private final UnverifiedPatients unverified = mock(UnverifiedPatients.class);
    private final PatientResolver resolver = new PatientResolver(fhir, unverified, FhirContext.forR4Cached());

    @Test
    void aPatientNobodyHasIsCreatedOnceOwnedByThePartnerAndUnverifiedWithAWorkItemAfterTheWrite() throws Exception {
        Bundle mapped = result(mappedPatient("JONES"), false);

        PatientResolver.Resolution resolution = resolver.resolve(mapped, LAB);

        BundleEntryComponent entry = patientEntry(resolution.bundle());
        assertThat(entry.getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
        assertThat(UrlUtil.unescape(entry.getRequest().getIfNoneExist()))
                .isEqualTo("identifier=" + NHS_SYSTEM + "|9434765919");
        Patient created = (Patient) entry.getResource();
        assertThat(tags(created, PatientOwnership.OWNER_TAG_SYSTEM)).containsExactly("lab-b");
        assertThat(tags(created, PatientOwnership.PARTNER_TAG_SYSTEM)).containsExactly("lab-b");
        assertThat(tags(created, PatientOwnership.VERIFICATION_SYSTEM)).containsExactly("unverified");
        assertThat(mapped.getEntryFirstRep().getRequest().getMethod())
                .as("the mapped bundle stays as it was, for the next attempt")
                .isEqualTo(HTTPVerb.POST);
        assertThat(((Patient) mapped.getEntryFirstRep().getResource()).getMeta().getTag())
                .hasSize(1);

        UUID receipt = UUID.randomUUID();
        Bundle response = new Bundle();
        response.addEntry().getResponse().setStatus("201 Created").setLocation("Patient/42/_history/1");
        resolver.recordWorkItems(resolution, response, "lab-b", receipt);
        verify(unverified).record(eq("Patient/42"), eq("lab-b"), eq(receipt), any());
    }

    @Test
    void anotherPartnersPatientGetsOnlyTheLabsMrnAndTagOverTheVersionReadAndTheResultPointsAtIt() throws Exception {
        when(fhir.patientsWithIdentifier(any(), eq(NHS_SYSTEM), eq("9434765919")))
                .thenReturn(List.of(stored("clinic-a", "3")));

        PatientResolver.Resolution resolution = resolver.resolve(result(mappedPatient("JONES"), false), LAB);

        BundleEntryComponent entry = patientEntry(resolution.bundle());
        assertThat(entry.getRequest().getMethod()).isEqualTo(HTTPVerb.PUT);
        assertThat(entry.getRequest().getUrl()).isEqualTo("Patient/7");
        assertThat(entry.getRequest().getIfMatch()).isEqualTo("W/\"3\"");
        Patient written = (Patient) entry.getResource();
        assertThat(written.getNameFirstRep().getFamily()).isEqualTo("SMITH");
        assertThat(written.getBirthDateElement().getValueAsString()).isEqualTo("1980-01-01");
        assertThat(written.getIdentifier())
                .extracting(Identifier::getValue)
                .containsExactly("9434765919", "C12", "L77");
        assertThat(tags(written, PatientOwnership.OWNER_TAG_SYSTEM)).containsExactly("clinic-a");
        assertThat(tags(written, PatientOwnership.PARTNER_TAG_SYSTEM)).containsExactlyInAnyOrder("clinic-a", "lab-b");
        assertThat(observation(resolution.bundle()).getSubject().getReference()).isEqualTo("Patient/7");
        assertThat(resolution.unverified()).isEmpty();
    }

    @Test
    void aReplayThatWouldChangeNothingWritesNoPatientAndTheProvenanceNamesOnlyWhatWasWritten() throws Exception {
        Patient stored = stored("clinic-a", "4");
        stored.addIdentifier(LAB_MRN.copy());
        PatientOwnership.tagPartner(stored.getMeta(), "lab-b");
        when(fhir.patientsWithIdentifier(any(), eq(NHS_SYSTEM), eq("9434765919")))
                .thenReturn(List.of(stored));

        Bundle written =
                resolver.resolve(result(mappedPatient("JONES"), false), LAB).bundle();

        assertThat(written.getEntry()).noneMatch(e -> e.getResource() instanceof Patient);
        assertThat(observation(written).getSubject().getReference()).isEqualTo("Patient/7");
        Provenance provenance = (Provenance) written.getEntry().stream()
                .filter(e -> e.getResource() instanceof Provenance)
                .findFirst()
                .orElseThrow()
                .getResource();
        assertThat(provenance.getTarget())
                .extracting(Reference::getReference)
                .containsExactly(written.getEntryFirstRep().getFullUrl());
    }

    @Test
    void theOwnersAdtReplacesTheDemographicsAndKeepsWhatOtherPartnersAdded() throws Exception {
        Patient stored = stored("lab-b", "5");
        PatientOwnership.tagPartner(stored.getMeta(), "clinic-a");
        when(fhir.patientsWithIdentifier(any(), eq(NHS_SYSTEM), eq("9434765919")))
                .thenReturn(List.of(stored));

        Patient written = (Patient) patientEntry(resolver.resolve(result(mappedPatient("JONES"), true), LAB)
                        .bundle())
                .getResource();

        assertThat(written.getNameFirstRep().getFamily()).isEqualTo("JONES");
        assertThat(written.hasBirthDate())
                .as("the ADT sent none: cleared, as a full update did")
                .isFalse();
        assertThat(written.getGender()).isEqualTo(AdministrativeGender.FEMALE);
        assertThat(written.getIdentifier())
                .extracting(Identifier::getValue)
                .containsExactly("9434765919", "C12", "L77");
        assertThat(tags(written, PatientOwnership.PARTNER_TAG_SYSTEM)).containsExactlyInAnyOrder("clinic-a", "lab-b");
        assertThat(tags(written, PatientOwnership.OWNER_TAG_SYSTEM)).containsExactly("lab-b");
    }

    @Test
    void aPatientThePortalCreatedKeepsItsDemographicsWhateverAPartnerSends() throws Exception {
        Patient stored = stored(null, "1");
        when(fhir.patientsWithIdentifier(any(), eq(NHS_SYSTEM), eq("9434765919")))
                .thenReturn(List.of(stored));

        Patient written = (Patient) patientEntry(resolver.resolve(result(mappedPatient("JONES"), true), LAB)
                        .bundle())
                .getResource();

        assertThat(written.getNameFirstRep().getFamily()).isEqualTo("SMITH");
        assertThat(tags(written, PatientOwnership.OWNER_TAG_SYSTEM)).isEmpty();
        assertThat(written.getIdentifier()).extracting(Identifier::getValue).contains("L77");
    }

    @Test
    void aPatientTheLabSentBeforeWithoutAnNhsNumberIsFoundByItsMrnAndGetsTheNhsNumber() throws Exception {
        Patient stored = new Patient().addIdentifier(LAB_MRN.copy());
        stored.setId("Patient/9/_history/2");
        stored.getMeta().setVersionId("2");
        stored.getMeta().addTag(PatientOwnership.OWNER_TAG_SYSTEM, "lab-b", null);
        when(fhir.patientsWithIdentifier(any(), eq(LAB_MRN.getSystem()), eq("L77")))
                .thenReturn(List.of(stored));

        BundleEntryComponent entry = patientEntry(
                resolver.resolve(result(mappedPatient("JONES"), false), LAB).bundle());

        assertThat(entry.getRequest().getUrl()).isEqualTo("Patient/9");
        assertThat(((Patient) entry.getResource()).getIdentifier())
                .extracting(Identifier::getValue)
                .containsExactly("L77", "9434765919");
    }

    @Test
    void theLabsMrnOnAPatientWithAnotherNhsNumberIsAConflictForAnOperator() {
        Patient other = new Patient()
                .addIdentifier(new Identifier().setSystem(NHS_SYSTEM).setValue("9876543210"))
                .addIdentifier(LAB_MRN.copy());
        other.setId("Patient/11");
        when(fhir.patientsWithIdentifier(any(), eq(LAB_MRN.getSystem()), eq("L77")))
                .thenReturn(List.of(other));

        assertThatThrownBy(() -> resolver.resolve(result(mappedPatient("JONES"), false), LAB))
                .isInstanceOfSatisfying(
                        MappingException.class, e -> assertThat(e.code()).isEqualTo("INGEST-IDENTITY-CONFLICT"))
                .hasMessageNotContaining("9876543210")
                .hasMessageNotContaining("9434765919");
    }

    @Test
    void anUnverifiedPatientTouchedAgainGetsItsWorkItemIfItHasNone() throws Exception {
        Patient stored = stored("lab-b", "2");
        stored.addIdentifier(LAB_MRN.copy());
        stored.getMeta().addTag(PatientOwnership.unverifiedTag());
        PatientOwnership.tagPartner(stored.getMeta(), "lab-b");
        when(fhir.patientsWithIdentifier(any(), eq(NHS_SYSTEM), eq("9434765919")))
                .thenReturn(List.of(stored));

        PatientResolver.Resolution resolution = resolver.resolve(result(mappedPatient("JONES"), false), LAB);
        resolver.recordWorkItems(resolution, new Bundle(), "lab-b", UUID.randomUUID());

        verify(unverified).record(eq("Patient/7"), eq("lab-b"), any(), any());
    }

    @Test
    void aResponseThatDoesNotSayWhereTheNewPatientIsRecordsNoWorkItem() throws Exception {
        PatientResolver.Resolution resolution = resolver.resolve(result(mappedPatient("JONES"), false), LAB);
        resolver.recordWorkItems(resolution, new Bundle(), "lab-b", UUID.randomUUID());
        verify(unverified, never()).record(anyString(), anyString(), any(), any());
    }

    @Test
    void aMaskedIdentifierShowsOnlyItsLastThreeCharacters() {
        assertThat(UnverifiedPatients.masked("9434765919")).isEqualTo("*******919");
        assertThat(UnverifiedPatients.masked("L77")).isEqualTo("***");
    }

    /** The lab's Patient as mapped: NHS number and MRN, a name; no birth date. */
    private static Patient mappedPatient(String family) {
        return new Patient()
                .addIdentifier(NHS.copy())
                .addIdentifier(LAB_MRN.copy())
                .addName(new HumanName().setFamily(family))
                .setGender(AdministrativeGender.FEMALE);
    }

    /**
     * A lab result for the patient, as a format builds it: the Patient by conditional create (or update,
     * when the message carries demographics), an Observation pointing at it, the Provenance.
     */
    private static Bundle result(Patient patient, boolean carriesDemographics) {
        FhirTransaction transaction = new FhirTransaction("urn:test:message", LAB.id());
        String patientUrl = carriesDemographics
                ? transaction.conditionalUpdate(patient, NHS)
                : transaction.conditionalCreate(patient, NHS);
        Observation observation = new Observation().setSubject(new Reference(patientUrl));
        Identifier id =
                new Identifier().setSystem("https://lab-b.example/Id/order").setValue("F1/1");
        observation.addIdentifier(id);
        transaction.conditionalUpdate(observation, id);
        transaction.addProvenance(new SourceMessage(LAB, UUID.randomUUID(), Instant.now()), null, "test message");
        return transaction.bundle();
    }

    /** Clinic A's Patient as hapi-server returns it, owned by {@code owner} (none: the portal's). */
    private static Patient stored(String owner, String version) {
        Patient patient = new Patient()
                .addIdentifier(NHS.copy())
                .addIdentifier(CLINIC_MRN.copy())
                .addName(new HumanName().setFamily("SMITH"))
                .setGender(AdministrativeGender.FEMALE);
        patient.setBirthDateElement(new DateType("1980-01-01"));
        patient.setId("Patient/7/_history/" + version);
        patient.getMeta().setVersionId(version);
        patient.getMeta().setSource("urn:healthportal:partner:clinic-a:message:A1#abc");
        if (owner != null) {
            patient.getMeta().addTag(PatientOwnership.OWNER_TAG_SYSTEM, owner, null);
            PatientOwnership.tagPartner(patient.getMeta(), owner);
        }
        return patient;
    }

    private static BundleEntryComponent patientEntry(Bundle bundle) {
        return bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof Patient)
                .findFirst()
                .orElseThrow();
    }

    private static Observation observation(Bundle bundle) {
        return (Observation) bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof Observation)
                .findFirst()
                .orElseThrow()
                .getResource();
    }

    private static List<String> tags(Patient patient, String system) {
        return patient.getMeta().getTag().stream()
                .filter(t -> system.equals(t.getSystem()))
                .map(Coding::getCode)
                .toList();
    }
}
