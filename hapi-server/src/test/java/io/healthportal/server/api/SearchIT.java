package io.healthportal.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every search feature the README promises, each on data the test writes and with the hits named. */
class SearchIT extends FhirApiTestBase {

    private static final String LOINC = "http://loinc.org";
    private static final String UCUM = "http://unitsofmeasure.org";

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void chainedSearchFindsObservationsByTheirPatientsName() {
        String family = unique("Chain");
        Patient patient = create(patient(family));
        Patient other = create(patient(unique("Other")));
        Observation first = create(observation(patient, "a"));
        Observation second = create(observation(patient, "b"));
        create(observation(other, "c"));

        assertMatches("Observation?subject:Patient.name=" + family, first, second);
    }

    @Test
    void reverseChainFindsPatientsThatHaveAMatchingObservation() {
        String code = unique("code");
        Patient with = create(patient(unique("Has")));
        Patient without = create(patient(unique("HasNot")));
        Observation observation = observation(with, "has");
        observation.getCode().addCoding().setSystem(TEST_SYSTEM).setCode(code);
        create(observation);
        create(observation(without, "other"));

        assertMatches("Patient?_has:Observation:subject:code=" + TEST_SYSTEM + "|" + code, with);
    }

    @Test
    void includeIterateFollowsADispenseToItsPrescriptionAndOnToThePatient() {
        String identifier = unique("dispense");
        Patient patient = create(patient(unique("Dispensed")));
        MedicationRequest prescription = new MedicationRequest()
                .setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
                .setIntent(MedicationRequest.MedicationRequestIntent.ORDER)
                .setMedication(new CodeableConcept().setText("aspirin 75mg"))
                .setSubject(reference(patient));
        prescription = create(prescription);
        MedicationDispense dispense = new MedicationDispense()
                .setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED)
                .setMedication(new CodeableConcept().setText("aspirin 75mg"))
                .addAuthorizingPrescription(reference(prescription));
        dispense.addIdentifier().setSystem(TEST_SYSTEM).setValue(identifier);
        dispense = create(dispense);

        Bundle found = search("MedicationDispense?identifier=" + TEST_SYSTEM + "|" + identifier
                + "&_include=MedicationDispense:prescription&_include:iterate=MedicationRequest:subject");
        Bundle withoutIterate = search("MedicationDispense?identifier=" + TEST_SYSTEM + "|" + identifier
                + "&_include=MedicationDispense:prescription&_include=MedicationRequest:subject");

        assertThat(matchIds(found)).containsExactly(typeAndId(dispense));
        assertThat(ids(found))
                .containsExactlyInAnyOrder(typeAndId(dispense), typeAndId(prescription), typeAndId(patient));
        assertThat(ids(withoutIterate)).containsExactlyInAnyOrder(typeAndId(dispense), typeAndId(prescription));
    }

    @Test
    void revincludeAddsTheResourcesThatPointBack() {
        String family = unique("Revinclude");
        Patient patient = create(patient(family));
        Observation first = create(observation(patient, "a"));
        Observation second = create(observation(patient, "b"));

        Bundle found = search("Patient?family=" + family + "&_revinclude=Observation:subject");

        assertThat(matchIds(found)).containsExactly(typeAndId(patient));
        assertThat(ids(found)).containsExactlyInAnyOrder(typeAndId(patient), typeAndId(first), typeAndId(second));
    }

    @Test
    void sortOrdersByDateBothWaysAndByTwoKeys() {
        Patient patient = create(patient(unique("Sorted")));
        Observation early = create(dated(patient, Observation.ObservationStatus.FINAL, "2021-03-01"));
        Observation middle = create(dated(patient, Observation.ObservationStatus.AMENDED, "2022-03-01"));
        Observation late = create(dated(patient, Observation.ObservationStatus.FINAL, "2023-03-01"));
        String subject = "Observation?subject=" + typeAndId(patient);

        assertThat(matchIds(search(subject + "&_sort=date"))).containsExactly(ids(early, middle, late));
        assertThat(matchIds(search(subject + "&_sort=-date"))).containsExactly(ids(late, middle, early));
        assertThat(matchIds(search(subject + "&_sort=status,-date"))).containsExactly(ids(middle, late, early));
    }

    @Test
    void countPagesThroughEveryMatchExactlyOnceByNextLinks() {
        String family = unique("Paged");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(typeAndId(create(patient(family))));
        }

        List<Bundle> pages = allPages(search("Patient?family=" + family + "&_count=3"));

        assertThat(pages).extracting(page -> page.getEntry().size()).containsExactly(3, 3, 1);
        List<String> seen =
                pages.stream().flatMap(page -> matchIds(page).stream()).toList();
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void searchesPageByOffsetAndStoreNothingInTheDatabase() {
        String family = unique("Offset");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(typeAndId(create(patient(family))));
        }
        int storedSearches = storedSearches();

        Bundle first = search("Patient?family=" + family + "&_count=2");
        List<Bundle> pages = allPages(first);

        assertThat(first.getLink(Bundle.LINK_NEXT).getUrl())
                .contains("_offset=2")
                .contains("_count=2");
        assertThat(pages.stream().flatMap(page -> matchIds(page).stream()).toList())
                .containsExactlyElementsOf(created);
        assertThat(storedSearches()).isEqualTo(storedSearches);
    }

    /** HAPI's table of searches kept for paging by search id. */
    private int storedSearches() {
        return jdbc.queryForObject("select count(*) from hfj_search", Integer.class);
    }

    @Test
    void summaryCountGivesTheTotalAndNoEntries() {
        String family = unique("Counted");
        for (int i = 0; i < 3; i++) {
            create(patient(family));
        }

        Bundle counted = search("Patient?family=" + family + "&_summary=count");

        assertThat(counted.getTotal()).isEqualTo(3);
        assertThat(counted.getEntry()).isEmpty();
    }

    @Test
    void summaryTrueLeavesOutElementsThatAreNotInTheSummary() {
        String family = unique("Summary");
        Patient patient = patient(family);
        patient.setMaritalStatus(new CodeableConcept().setText("married"));
        create(patient);

        Patient summary = (Patient) search("Patient?family=" + family + "&_summary=true")
                .getEntryFirstRep()
                .getResource();

        assertThat(summary.getNameFirstRep().getFamily()).isEqualTo(family);
        assertThat(summary.hasMaritalStatus()).isFalse();
        assertThat(summary.getMeta().getTag()).extracting(Coding::getCode).contains("SUBSETTED");
    }

    @Test
    void elementsReturnsOnlyTheElementsNamed() {
        String family = unique("Elements");
        create(patient(family).setBirthDateElement(new DateType("1999-09-09")).setGender(AdministrativeGender.MALE));

        Patient subset = (Patient) search("Patient?family=" + family + "&_elements=birthDate")
                .getEntryFirstRep()
                .getResource();

        assertThat(subset.getBirthDateElement().getValueAsString()).isEqualTo("1999-09-09");
        assertThat(subset.hasName()).isFalse();
        assertThat(subset.hasGender()).isFalse();
    }

    @Test
    void totalAccurateCountsEveryMatchWhateverThePageSize() {
        String family = unique("Total");
        for (int i = 0; i < 4; i++) {
            create(patient(family));
        }

        Bundle firstPage = search("Patient?family=" + family + "&_total=accurate&_count=1");

        assertThat(firstPage.getTotal()).isEqualTo(4);
        assertThat(firstPage.getEntry()).hasSize(1);
    }

    @Test
    void lastUpdatedPrefixesSelectByWhenTheResourceWasWritten() {
        String family = unique("Updated");
        Patient first = create(patient(family));
        Patient second = create(patient(family));
        String firstWritten = first.getMeta().getLastUpdatedElement().getValueAsString();
        assertThat(second.getMeta().getLastUpdated()).isAfter(first.getMeta().getLastUpdated());
        String byFamily = "Patient?family=" + family + "&_lastUpdated=";

        assertMatches(byFamily + "gt" + firstWritten, second);
        assertMatches(byFamily + "ge" + firstWritten, first, second);
        assertMatches(byFamily + "le" + firstWritten, first);
        assertMatches(byFamily + "lt" + firstWritten);
        assertMatches(byFamily + "eq" + firstWritten, first);
    }

    @Test
    void tagProfileAndSecurityLabelSearchesMatchTheResourceMeta() {
        String tag = unique("tag");
        String profile = "http://healthportal.io/fhir/StructureDefinition/" + unique("profile");
        String label = unique("label");
        Patient labelled = patient(unique("Meta"));
        labelled.getMeta().addTag(TEST_SYSTEM, tag, null);
        labelled.getMeta().addProfile(profile);
        labelled.getMeta().addSecurity(TEST_SYSTEM, label, null);
        labelled = create(labelled);
        create(patient(unique("Plain")));

        assertMatches("Patient?_tag=" + TEST_SYSTEM + "|" + tag, labelled);
        assertMatches("Patient?_profile=" + profile, labelled);
        assertMatches("Patient?_security=" + TEST_SYSTEM + "|" + label, labelled);
    }

    @Test
    void missingTrueAndFalseSplitResourcesByWhetherTheElementIsPresent() {
        String family = unique("Missing");
        Patient withBirthDate = create(patient(family).setBirthDateElement(new DateType("1970-01-01")));
        Patient withoutBirthDate = create(patient(family));

        assertMatches("Patient?family=" + family + "&birthdate:missing=true", withoutBirthDate);
        assertMatches("Patient?family=" + family + "&birthdate:missing=false", withBirthDate);
    }

    @Test
    void exactMatchesTheWholeStringWithItsCase() {
        String family = unique("Exact");
        Patient exact = create(patient(family));
        Patient longer = create(patient(family + "son"));

        assertMatches("Patient?family=" + family, exact, longer);
        assertMatches("Patient?family:exact=" + family, exact);
        assertMatches("Patient?family:exact=" + family.toLowerCase());
    }

    @Test
    void containsMatchesAnywhereInTheString() {
        String middle = unique("");
        Patient patient = create(patient("Pre" + middle + "Post"));

        assertMatches("Patient?family=" + middle);
        assertMatches("Patient?family:contains=" + middle.toUpperCase() + "po", patient);
    }

    @Test
    void notLeavesOutResourcesWithTheCodeButKeepsThoseWithoutAny() {
        String family = unique("Not");
        Patient female = create(patient(family).setGender(AdministrativeGender.FEMALE));
        create(patient(family).setGender(AdministrativeGender.MALE));
        Patient unstated = create(patient(family));

        assertMatches("Patient?family=" + family + "&gender:not=male", female, unstated);
    }

    @Test
    void textOnATokenSearchesTheCodesDisplayAndText() {
        String word = unique("Glycated");
        Patient patient = create(patient(unique("TokenText")));
        Observation byText = observation(patient, word + " haemoglobin");
        byText = create(byText);
        Observation byDisplay = observation(patient, "something else");
        byDisplay.getCode().addCoding().setSystem(LOINC).setCode("59261-8").setDisplay(word + " HbA1c");
        byDisplay = create(byDisplay);
        create(observation(patient, "unrelated"));

        assertMatches("Observation?subject=" + typeAndId(patient) + "&code:text=" + word, byText, byDisplay);
    }

    @Test
    void datePrefixesCompareBirthDates() {
        String family = unique("Born");
        Patient a = create(patient(family).setBirthDateElement(new DateType("1980-01-01")));
        Patient b = create(patient(family).setBirthDateElement(new DateType("1990-06-15")));
        Patient c = create(patient(family).setBirthDateElement(new DateType("2000-12-31")));
        String query = "Patient?family=" + family + "&birthdate=";

        assertMatches(query + "eq1990-06-15", b);
        assertMatches(query + "ne1990-06-15", a, c);
        assertMatches(query + "gt1990-06-15", c);
        assertMatches(query + "lt1990-06-15", a);
        assertMatches(query + "ge1990-06-15", b, c);
        assertMatches(query + "le1990-06-15", a, b);
        assertMatches(query + "sa1990-06-15", c);
        assertMatches(query + "eb1990-06-15", a);
    }

    @Test
    void approximatelyMatchesBirthDatesNearTheOneGiven() {
        String family = unique("BornNear");
        create(patient(family).setBirthDateElement(new DateType("1980-01-01")));
        Patient near = create(patient(family).setBirthDateElement(new DateType("1990-06-15")));
        create(patient(family).setBirthDateElement(new DateType("2000-12-31")));

        assertMatches("Patient?family=" + family + "&birthdate=ap1990-06-20", near);
    }

    @Test
    void numberPrefixesCompareRiskProbabilities() {
        Patient patient = create(patient(unique("Risk")));
        RiskAssessment low = create(risk(patient, "0.2"));
        RiskAssessment middle = create(risk(patient, "0.5"));
        RiskAssessment high = create(risk(patient, "0.8"));
        String query = "RiskAssessment?subject=" + typeAndId(patient) + "&probability=";

        assertMatches(query + "eq0.5", middle);
        assertMatches(query + "ne0.5", low, high);
        assertMatches(query + "gt0.5", high);
        assertMatches(query + "lt0.5", low);
        assertMatches(query + "ge0.5", middle, high);
        assertMatches(query + "le0.5", low, middle);
        assertMatches(query + "ap0.5", middle);
    }

    @Test
    void numberStartsAfterAndEndsBeforeCompareRiskProbabilities() {
        Patient patient = create(patient(unique("RiskRange")));
        RiskAssessment low = create(risk(patient, "0.2"));
        create(risk(patient, "0.5"));
        RiskAssessment high = create(risk(patient, "0.8"));
        String query = "RiskAssessment?subject=" + typeAndId(patient) + "&probability=";

        assertMatches(query + "sa0.5", high);
        assertMatches(query + "eb0.5", low);
    }

    @Test
    void quantityPrefixesCompareObservationValues() {
        Patient patient = create(patient(unique("Quantity")));
        Observation fifty = create(measured(patient, LOINC, "59261-8", 50));
        Observation sixty = create(measured(patient, LOINC, "59261-8", 60));
        Observation seventy = create(measured(patient, LOINC, "59261-8", 70));
        String query = "Observation?subject=" + typeAndId(patient) + "&value-quantity=";

        assertMatches(query + "eq60", sixty);
        assertMatches(query + "ne60", fifty, seventy);
        assertMatches(query + "gt60", seventy);
        assertMatches(query + "lt60", fifty);
        assertMatches(query + "ge60", sixty, seventy);
        assertMatches(query + "le60", fifty, sixty);
        assertMatches(query + "ap60", sixty);
        assertMatches(query + "gt55|" + UCUM + "|mmol/mol", sixty, seventy);
    }

    @Test
    void quantityStartsAfterAndEndsBeforeCompareObservationValues() {
        Patient patient = create(patient(unique("QuantityRange")));
        Observation fifty = create(measured(patient, LOINC, "59261-8", 50));
        create(measured(patient, LOINC, "59261-8", 60));
        Observation seventy = create(measured(patient, LOINC, "59261-8", 70));
        String query = "Observation?subject=" + typeAndId(patient) + "&value-quantity=";

        assertMatches(query + "sa60", seventy);
        assertMatches(query + "eb60", fifty);
    }

    @Test
    void compositeCodeValueQuantityPairsTheCodeWithTheValue() {
        Patient patient = create(patient(unique("Composite")));
        Observation high = create(measured(patient, LOINC, "59261-8", 55));
        create(measured(patient, LOINC, "59261-8", 45));
        create(measured(patient, LOINC, "4548-4", 80));

        assertMatches(
                "Observation?subject=" + typeAndId(patient) + "&code-value-quantity=" + LOINC + "|59261-8$gt50", high);
    }

    @Test
    void componentCodeValueQuantityFindsABloodPressurePanelByItsSystolic() {
        Patient patient = create(patient(unique("Pressure")));
        Observation raised = create(bloodPressure(patient, 150, 95));
        create(bloodPressure(patient, 120, 80));

        assertMatches(
                "Observation?subject=" + typeAndId(patient) + "&component-code-value-quantity=" + LOINC
                        + "|8480-6$gt140",
                raised);
    }

    @Test
    void componentCodeValueQuantityPairsTheCodeWithTheValueOfTheSameComponent() {
        Patient patient = create(patient(unique("Paired")));
        Observation raised = create(bloodPressure(patient, 150, 95));
        Observation normal = create(bloodPressure(patient, 120, 80));
        String diastolic =
                "Observation?subject=" + typeAndId(patient) + "&component-code-value-quantity=" + LOINC + "|8462-4";

        assertMatches(diastolic + "$gt140");
        assertMatches(diastolic + "$gt90", raised);
        assertMatches(diastolic + "$gt140," + LOINC + "|8462-4$lt85", normal);
    }

    @Test
    void componentCompositePairingHoldsOnEveryPage() {
        Patient patient = create(patient(unique("PairedPages")));
        List<String> high = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            high.add(typeAndId(create(bloodPressure(patient, 150, 105))));
            create(bloodPressure(patient, 150, 95));
        }

        List<Bundle> pages = allPages(search("Observation?subject=" + typeAndId(patient)
                + "&component-code-value-quantity=" + LOINC + "|8462-4$gt100&_count=2"));

        List<String> seen =
                pages.stream().flatMap(page -> matchIds(page).stream()).toList();
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(high);
    }

    @Test
    void textSearchesTheNarrative() {
        String word = unique("narrative");
        Patient patient = patient(unique("Narrated"));
        patient.getText()
                .setStatus(Narrative.NarrativeStatus.GENERATED)
                .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Seen about " + word + " today</div>");
        patient = create(patient);
        create(patient(unique("Silent")));

        assertMatches("Patient?_text=" + word, patient);
    }

    @Test
    void contentSearchesAllOfTheResourcesText() {
        String town = unique("town");
        Patient patient = patient(unique("Content"));
        patient.addAddress().setCity(town).setCountry("GB");
        patient = create(patient);

        assertMatches("Patient?_content=" + town, patient);
    }

    @Test
    void searchByPostWithAFormBodyFindsTheSameAsByGet() {
        String family = unique("Posted");
        Patient patient = create(patient(family));
        create(patient(unique("NotPosted")));

        HttpResponse<String> response = send(request("/Patient/_search")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", FHIR_JSON)
                .POST(BodyPublishers.ofString("family=" + encode(family))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(matchIds(parse(Bundle.class, response.body()))).containsExactly(typeAndId(patient));
    }

    @Test
    void aWriteIsVisibleToTheVeryNextSearch() {
        String family = unique("Fresh");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            created.add(typeAndId(create(patient(family))));

            assertThat(matchIds(search("Patient?family=" + family))).containsExactlyInAnyOrderElementsOf(created);
        }
    }

    /** curl and many scripts send {@code system|code} as it is written in the spec, unescaped. */
    @Test
    void tokenSearchWithAnUnescapedPipeIsAccepted() throws IOException {
        String identifier = unique("pipe");
        Patient patient = patient(unique("Pipe"));
        patient.addIdentifier().setSystem(TEST_SYSTEM).setValue(identifier);
        patient = create(patient);

        String response = rawGet("/fhir/Patient?identifier=" + TEST_SYSTEM + "|" + identifier);

        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(response).contains("/Patient/" + patient.getIdElement().getIdPart());
    }

    private void assertMatches(String query, Resource... expected) {
        assertThat(matchIds(search(query))).as(query).containsExactlyInAnyOrder(ids(expected));
    }

    private static String[] ids(Resource... resources) {
        return Arrays.stream(resources).map(FhirApiTestBase::typeAndId).toArray(String[]::new);
    }

    private static Observation observation(Patient subject, String text) {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText(text);
        observation.setSubject(reference(subject));
        return observation;
    }

    private static Observation dated(Patient subject, Observation.ObservationStatus status, String date) {
        Observation observation = observation(subject, "dated").setStatus(status);
        observation.setEffective(new DateTimeType(date));
        return observation;
    }

    private static Observation measured(Patient subject, String system, String code, int value) {
        Observation observation = observation(subject, "measured");
        observation.getCode().addCoding().setSystem(system).setCode(code);
        observation.setValue(quantity(value, "mmol/mol"));
        return observation;
    }

    private static Observation bloodPressure(Patient subject, int systolic, int diastolic) {
        Observation panel = observation(subject, "Blood pressure");
        panel.getCode().addCoding().setSystem(LOINC).setCode("85354-9");
        panel.addComponent()
                .setCode(new CodeableConcept(new Coding(LOINC, "8480-6", "Systolic blood pressure")))
                .setValue(quantity(systolic, "mm[Hg]"));
        panel.addComponent()
                .setCode(new CodeableConcept(new Coding(LOINC, "8462-4", "Diastolic blood pressure")))
                .setValue(quantity(diastolic, "mm[Hg]"));
        return panel;
    }

    private static Quantity quantity(int value, String ucumCode) {
        return new Quantity().setValue(value).setSystem(UCUM).setCode(ucumCode).setUnit(ucumCode);
    }

    private static RiskAssessment risk(Patient subject, String probability) {
        RiskAssessment risk = new RiskAssessment()
                .setStatus(RiskAssessment.RiskAssessmentStatus.FINAL)
                .setSubject(reference(subject));
        risk.addPrediction().setProbability(new DecimalType(new BigDecimal(probability)));
        return risk;
    }

    /** A GET written to the socket as given: java.net.http would refuse the unescaped characters. */
    private String rawGet(String pathAndQuery) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nAccept: " + FHIR_JSON
                            + "\r\nAuthorization: Bearer " + systemClient.accessToken()
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
