package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.TestPartners;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Specimen;
import org.junit.jupiter.api.Test;

/**
 * The clinical records of a message beside its main one, after the IG's segment maps: AL1 allergies, DG1
 * diagnoses, PR1 procedures and OBX outside an order (ADT), a result's order, specimens, notes and
 * performing lab (ORU), an immunization's place and visit (VXU). Each is identified by a business
 * identifier, so a replay updates it, and named by the message's Provenance.
 */
class Hl7v2ClinicalRecordsTest {

    private static final String MSH = "MSH|^~\\&|CLINIC|CLINA|PORTAL|NHS|20260701101500||";
    private static final String PID = "PID|1||A123^^^CLINA^MR||SMITH^JO||19800101|F\r";

    private final Hl7v2Format format = new Hl7v2Format();

    @Test
    void allergiesDiagnosesAndProceduresOfAnAdmissionAreIdentifiedByThePatientAndWhatTheyAreAbout() throws Exception {
        String message = MSH + "ADT^A01^ADT_A01|A1|P|2.5.1\rEVN|A01|20260701101500\r" + PID
                + segment("PV1", 2, "I", 19, "V77", 44, "20260701090000")
                + segment(
                        "AL1",
                        1,
                        "1",
                        2,
                        "DA^Drug allergy^HL70127",
                        3,
                        "7980^Penicillin^RXNORM",
                        4,
                        "SV",
                        5,
                        "Rash~Wheeze",
                        6,
                        "20250301")
                + segment(
                        "DG1",
                        1,
                        "1",
                        3,
                        "I21.9^Acute myocardial infarction^I10",
                        5,
                        "20260701083000",
                        6,
                        "A",
                        15,
                        "1",
                        16,
                        "G1^HOUSE^GREG")
                + segment(
                        "PR1",
                        1,
                        "1",
                        3,
                        "232717009^Coronary angioplasty^SCT",
                        5,
                        "202607011000",
                        6,
                        "P^Procedure for treatment^HL70230",
                        7,
                        "45",
                        11,
                        "S1^CUTTER^SAM");
        Bundle bundle = convert(message);

        AllergyIntolerance allergy = one(bundle, AllergyIntolerance.class);
        assertThat(allergy.getCode().getCodingFirstRep().getSystem())
                .isEqualTo("http://www.nlm.nih.gov/research/umls/rxnorm");
        assertThat(allergy.getCategory())
                .extracting(c -> c.getValue())
                .containsExactly(AllergyIntolerance.AllergyIntoleranceCategory.MEDICATION);
        assertThat(allergy.getType()).isEqualTo(AllergyIntolerance.AllergyIntoleranceType.ALLERGY);
        assertThat(allergy.getCriticality()).isEqualTo(AllergyIntolerance.AllergyIntoleranceCriticality.HIGH);
        assertThat(allergy.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("active");
        assertThat(allergy.getReactionFirstRep().getManifestation())
                .extracting(m -> m.getText())
                .containsExactly("Rash", "Wheeze");
        assertThat(allergy.getOnsetDateTimeType().getValueAsString()).isEqualTo("2025-03-01");
        String patientUrl = entry(bundle, Patient.class).getFullUrl();
        assertThat(allergy.getPatient().getReference()).isEqualTo(patientUrl);
        // Identified by the patient (the Patient entry's name-based id, not the MRN) and the allergen.
        assertThat(allergy.getIdentifierFirstRep().getSystem())
                .isEqualTo("https://healthportal.io/Id/partner/lab-b/allergy-intolerance");
        assertThat(allergy.getIdentifierFirstRep().getValue())
                .isEqualTo(patientUrl.substring("urn:uuid:".length()) + "/7980")
                .doesNotContain("A123");
        assertThat(entry(bundle, AllergyIntolerance.class).getRequest().getUrl())
                .startsWith("AllergyIntolerance?identifier=");

        Encounter encounter = one(bundle, Encounter.class);
        Condition condition = one(bundle, Condition.class);
        String conditionUrl = entry(bundle, Condition.class).getFullUrl();
        assertThat(condition.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/sid/icd-10");
        assertThat(condition.getOnsetDateTimeType().getValueAsString()).isEqualTo("2026-07-01T08:30:00+01:00");
        assertThat(condition.getEncounter().getReference())
                .isEqualTo(entry(bundle, Encounter.class).getFullUrl());
        assertThat(condition.getCategoryFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("encounter-diagnosis");
        assertThat(condition.getAsserter().getDisplay()).isEqualTo("GREG HOUSE");
        assertThat(encounter.getDiagnosisFirstRep().getCondition().getReference())
                .isEqualTo(conditionUrl);
        assertThat(encounter.getDiagnosisFirstRep().getUse().getCodingFirstRep().getCode())
                .isEqualTo("AD");
        assertThat(encounter.getDiagnosisFirstRep().getRank()).isEqualTo(1);

        Procedure procedure = one(bundle, Procedure.class);
        assertThat(procedure.getStatus()).isEqualTo(Procedure.ProcedureStatus.UNKNOWN);
        Period performed = procedure.getPerformedPeriod();
        assertThat(performed.getStartElement().getValueAsString()).isEqualTo("2026-07-01T10:00:00+01:00");
        assertThat(performed.getEndElement().getValueAsString()).isEqualTo("2026-07-01T10:45:00+01:00");
        assertThat(procedure.getCategory().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v2-0230");
        assertThat(procedure
                        .getPerformerFirstRep()
                        .getFunction()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("304292004");

        // Each is a target of the message's Provenance, and a replay gives the same identities.
        List<String> targets = one(bundle, Provenance.class).getTarget().stream()
                .map(t -> t.getReference())
                .toList();
        assertThat(targets)
                .contains(conditionUrl, entry(bundle, AllergyIntolerance.class).getFullUrl());
        assertThat(entry(convert(message), Procedure.class).getRequest().getUrl())
                .isEqualTo(entry(bundle, Procedure.class).getRequest().getUrl());
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void anAllergyDiagnosisOrProcedureWithoutWhatItIsAboutIsRefused() {
        String adt = MSH + "ADT^A01^ADT_A01|A1|P|2.5.1\rEVN|A01|20260701101500\r" + PID;
        assertThat(code(() -> convert(adt + segment("AL1", 1, "1", 2, "DA")))).isEqualTo("INGEST-HL7-NO-ALLERGEN");
        assertThat(code(() -> convert(adt + segment("DG1", 1, "1", 6, "A")))).isEqualTo("INGEST-HL7-NO-DIAGNOSIS");
        assertThat(code(() -> convert(adt + segment("PR1", 1, "1", 5, "20260701"))))
                .isEqualTo("INGEST-HL7-NO-PROCEDURE-CODE");
    }

    @Test
    void observationsOfAnAdmissionAreThePatientsWithTheirNotesAndRepeatedValuesAsComponents() throws Exception {
        Bundle bundle = convert(MSH + "ADT^A08^ADT_A01|A2|P|2.5.1\rEVN|A08|20260701101500\r" + PID
                + segment("PV1", 2, "O", 19, "V78")
                + segment(
                        "OBX",
                        1,
                        "1",
                        2,
                        "NM",
                        3,
                        "8302-2^Body height^LN",
                        5,
                        "178",
                        6,
                        "cm^^UCUM",
                        11,
                        "F",
                        14,
                        "20260701093000")
                + segment("NTE", 1, "1", 3, "Measured standing")
                + segment("OBX", 1, "2", 2, "NM", 3, "8867-4^Heart rate^LN", 5, "60~72", 6, "/min^^UCUM", 11, "F"));
        List<Observation> observations = all(bundle, Observation.class);
        assertThat(observations).hasSize(2);
        Observation height = observations.get(0);
        assertThat(height.getSubject().getReference())
                .isEqualTo(entry(bundle, Patient.class).getFullUrl());
        assertThat(height.getEncounter().getReference())
                .isEqualTo(entry(bundle, Encounter.class).getFullUrl());
        assertThat(height.getValueQuantity().getValue()).isEqualByComparingTo("178");
        assertThat(height.getNoteFirstRep().getText()).isEqualTo("Measured standing");
        assertThat(height.getIdentifierFirstRep().getSystem())
                .isEqualTo("https://healthportal.io/Id/partner/lab-b/observation");
        // Identified by patient, code and time: the same measurement later is another Observation.
        assertThat(height.getIdentifierFirstRep().getValue()).endsWith("/8302-2/20260701093000");
        Observation heartRate = observations.get(1);
        assertThat(heartRate.hasValue()).isFalse();
        assertThat(heartRate.getComponent())
                .extracting(c -> c.getValueQuantity().getValue().intValue())
                .containsExactly(60, 72);
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void aResultsOrderSpecimensNotesAndPerformingLabAreWritten() throws Exception {
        Bundle bundle = convert(MSH + "ORU^R01^ORU_R01|R1|P|2.5.1\r" + PID
                + segment("ORC", 1, "RE", 2, "P77", 3, "F88", 5, "CM")
                + segment(
                        "OBR",
                        1,
                        "1",
                        2,
                        "P77",
                        3,
                        "F88",
                        4,
                        "24331-1^Lipid panel^LN",
                        7,
                        "20260701080000",
                        10,
                        "^BLOOD^BETTY",
                        16,
                        "G1^HOUSE^GREG",
                        25,
                        "F",
                        31,
                        "R73.9^Hyperglycaemia^I10")
                + segment("NTE", 1, "1", 3, "Fasting sample")
                + segment(
                        "OBX",
                        1,
                        "1",
                        2,
                        "NM",
                        3,
                        "2093-3^Cholesterol^LN",
                        5,
                        "5.2",
                        6,
                        "mmol/L",
                        11,
                        "F",
                        23,
                        "Leeds Lab^L^^^^^^^^LAB77",
                        24,
                        "1 Lab Road^^Leeds^^LS1 1AA^GBR",
                        25,
                        "D9^DIRECTOR^DOT")
                + segment("NTE", 1, "1", 3, "Repeat in 3 months")
                + segment(
                        "SPM",
                        1,
                        "1",
                        2,
                        "S1&LAB^S2&LAB",
                        4,
                        "BLD^Whole blood^HL70487",
                        17,
                        "20260701075500^20260701080000",
                        20,
                        "Y")
                + segment("OBX", 1, "2", 2, "NM", 3, "2571-8^Triglyceride^LN", 5, "1.4", 6, "mmol/L", 11, "F"));

        ServiceRequest order = one(bundle, ServiceRequest.class);
        assertThat(order.getRequester().getDisplay()).isEqualTo("GREG HOUSE");
        assertThat(order.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("R73.9");
        assertThat(order.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.COMPLETED);
        assertThat(order.getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.ORDER);
        assertThat(order.getNoteFirstRep().getText()).isEqualTo("Fasting sample");
        // The placer's order: created when unknown, never overwritten by the lab's result.
        BundleEntryComponent orderEntry = entry(bundle, ServiceRequest.class);
        assertThat(orderEntry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(orderEntry.getRequest().getIfNoneExist()).contains("F88");
        DiagnosticReport report = one(bundle, DiagnosticReport.class);
        assertThat(report.getBasedOnFirstRep().getReference()).isEqualTo(orderEntry.getFullUrl());

        List<Specimen> specimens = all(bundle, Specimen.class);
        assertThat(specimens).hasSize(2);
        Specimen fromObr = specimens.get(0);
        assertThat(fromObr.getCollection().getCollector().getDisplay()).isEqualTo("BETTY BLOOD");
        Specimen fromSpm = specimens.get(1);
        assertThat(fromSpm.getType().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v2-0487");
        assertThat(fromSpm.getCollection().getCollectedPeriod().getEndElement().getValueAsString())
                .isEqualTo("2026-07-01T08:00:00+01:00");
        assertThat(fromSpm.getStatus()).isEqualTo(Specimen.SpecimenStatus.AVAILABLE);
        assertThat(fromSpm.getIdentifier()).extracting(i -> i.getValue()).contains("S1", "S2");
        assertThat(report.getSpecimen()).hasSize(2);

        List<Observation> observations = all(bundle, Observation.class);
        Observation cholesterol = observations.get(0);
        assertThat(cholesterol.getNoteFirstRep().getText()).isEqualTo("Repeat in 3 months");
        Organization lab = (Organization) cholesterol.getContained().get(0);
        assertThat(lab.getName()).isEqualTo("Leeds Lab");
        assertThat(lab.getAddressFirstRep().getPostalCode()).isEqualTo("LS1 1AA");
        assertThat(cholesterol.getPerformer()).extracting(p -> p.getDisplay()).contains("Leeds Lab", "DOT DIRECTOR");
        // The triglyceride was measured on the SPM's specimen.
        assertThat(observations.get(1).getSpecimen().getReference())
                .isEqualTo(entries(bundle, Specimen.class).get(1).getFullUrl());
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void anImmunizationKeepsWhereItWasGivenAndItsVisit() throws Exception {
        Bundle bundle = convert(MSH + "VXU^V04^VXU_V04|V1|P|2.5.1\r" + PID
                + segment("PV1", 2, "O", 19, "V79")
                + segment("ORC", 1, "RE", 3, "IZ1")
                + segment(
                        "RXA",
                        1,
                        "0",
                        2,
                        "1",
                        3,
                        "20260701100000",
                        5,
                        "08^HepB^CVX",
                        6,
                        "0.5",
                        7,
                        "mL^^UCUM",
                        27,
                        "CLINIC1^^^Leeds Clinic",
                        28,
                        "2 Clinic St^^Leeds^^LS2 2BB^GBR"));
        Immunization immunization = one(bundle, Immunization.class);
        Location place = (Location) immunization.getContained().get(0);
        assertThat(place.getName()).isEqualTo("CLINIC1, Leeds Clinic");
        assertThat(place.getAddress().getCity()).isEqualTo("Leeds");
        assertThat(immunization.getLocation().getReference()).isEqualTo("#administered-at");
        BundleEntryComponent visit = entry(bundle, Encounter.class);
        assertThat(immunization.getEncounter().getReference()).isEqualTo(visit.getFullUrl());
        // The immunization's visit belongs to the clinic's ADT: created only when unknown.
        assertThat(visit.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    /** A segment with the given fields (position, value, ...) and empty ones between them. */
    static String segment(String name, Object... fields) {
        TreeMap<Integer, String> values = new TreeMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            values.put((Integer) fields[i], (String) fields[i + 1]);
        }
        StringBuilder segment = new StringBuilder(name);
        for (int field = 1; field <= values.lastKey(); field++) {
            segment.append('|').append(values.getOrDefault(field, ""));
        }
        return segment.append('\r').toString();
    }

    private Bundle convert(String message) throws MappingException {
        return format.convert(
                        message,
                        new SourceMessage(
                                TestPartners.LAB,
                                UUID.fromString("00000000-0000-4000-8000-000000000003"),
                                Instant.parse("2026-11-26T10:00:00Z")))
                .bundle();
    }

    private interface Conversion {
        void run() throws Exception;
    }

    private static String code(Conversion conversion) {
        try {
            conversion.run();
        } catch (MappingException e) {
            return e.code();
        } catch (Exception e) {
            return "not a MappingException: " + e;
        }
        return "no error";
    }

    private static List<BundleEntryComponent> entries(Bundle bundle, Class<? extends Resource> type) {
        return bundle.getEntry().stream()
                .filter(e -> type.isInstance(e.getResource()))
                .toList();
    }

    private static BundleEntryComponent entry(Bundle bundle, Class<? extends Resource> type) {
        List<BundleEntryComponent> entries = entries(bundle, type);
        assertThat(entries).as("entries of %s", type.getSimpleName()).hasSize(1);
        return entries.get(0);
    }

    private static <T extends Resource> List<T> all(Bundle bundle, Class<T> type) {
        return entries(bundle, type).stream()
                .map(e -> type.cast(e.getResource()))
                .toList();
    }

    private static <T extends Resource> T one(Bundle bundle, Class<T> type) {
        return type.cast(entry(bundle, type).getResource());
    }
}
