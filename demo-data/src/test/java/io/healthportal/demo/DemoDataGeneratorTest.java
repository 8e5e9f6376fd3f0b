package io.healthportal.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoDataGeneratorTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final LocalDate TODAY = LocalDate.of(2025, 3, 17);

    private final DemoDataGenerator generator = new DemoDataGenerator(42, TODAY);

    @Test
    void sameSeedAndDayGiveByteIdenticalJson() {
        DemoDataGenerator first = new DemoDataGenerator(42, TODAY);
        DemoDataGenerator second = new DemoDataGenerator(42, TODAY);

        assertThat(json(second.sharedResources())).isEqualTo(json(first.sharedResources()));
        assertThat(second.patientBundles(0, 5, 300).map(this::json).toList())
                .isEqualTo(first.patientBundles(0, 5, 300).map(this::json).toList());
    }

    @Test
    void theJvmTimeZoneDoesNotChangeTheOutput() {
        String inLondon = json(generator.patientBundle(3, 120)) + json(generator.sharedResources());
        TimeZone original = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Auckland"));
            DemoDataGenerator elsewhere = new DemoDataGenerator(42, TODAY);
            assertThat(json(elsewhere.patientBundle(3, 120)) + json(elsewhere.sharedResources()))
                    .isEqualTo(inLondon);
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void differentSeedsGiveDifferentPatients() {
        Patient fromSeed42 = patient(generator.patientBundle(0, 60));
        Patient fromSeed43 = patient(new DemoDataGenerator(43, TODAY).patientBundle(0, 60));

        assertThat(fromSeed43.getIdentifierFirstRep().getValue())
                .isNotEqualTo(fromSeed42.getIdentifierFirstRep().getValue());
    }

    @Test
    void aPatientsBundleDependsOnlyOnItsIndexNotOnTheRangeRequested() {
        String alone = json(generator.patientBundles(7, 1, 100).findFirst().orElseThrow());
        String inRange =
                json(generator.patientBundles(0, 10, 100).skip(7).findFirst().orElseThrow());

        assertThat(inRange).isEqualTo(alone);
    }

    @ParameterizedTest
    @ValueSource(ints = {30, 45, 100, 300, 600})
    void everyPatientBundleHasExactlyTheRequestedNumberOfResources(int resourcesPerPatient) {
        assertThat(generator.patientBundles(0, 12, resourcesPerPatient).map(DemoDataGenerator::resourceCount))
                .containsOnly(resourcesPerPatient);
    }

    @Test
    void aThreeHundredResourceBundleHoldsTheWholeClinicalRecord() {
        Set<String> types = new HashSet<>();
        generator
                .patientBundles(0, 5, 300)
                .forEach(bundle -> types.addAll(
                        DemoDataGenerator.resourceCountsByType(bundle).keySet()));

        assertThat(types)
                .contains(
                        "Patient",
                        "Encounter",
                        "Observation",
                        "DiagnosticReport",
                        "Condition",
                        "AllergyIntolerance",
                        "MedicationRequest",
                        "MedicationDispense",
                        "Immunization",
                        "Appointment");
    }

    @Test
    void rejectsBudgetsTooSmallForTheFixedPartOfARecord() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> generator.patientBundles(0, 1, DemoDataGenerator.MINIMUM_RESOURCES_PER_PATIENT - 1));
        assertThatIllegalArgumentException().isThrownBy(() -> generator.patientBundles(-1, 2, 100));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> generator.patientBundles(DemoDataGenerator.MAX_PATIENTS - 1, 2, 100));
    }

    @Test
    void patientsAreCreatedConditionallyOnTheirNhsNumberAndCarryAnMrn() {
        for (Bundle bundle : generator.patientBundles(0, 20, 40).toList()) {
            BundleEntryComponent entry = bundle.getEntryFirstRep();
            Patient patient = (Patient) entry.getResource();
            Identifier nhsNumber = patient.getIdentifier().stream()
                    .filter(id -> NhsNumber.SYSTEM.equals(id.getSystem()))
                    .findFirst()
                    .orElseThrow();

            assertThat(entry.getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
            assertThat(entry.getRequest().getIfNoneExist())
                    .isEqualTo("identifier=" + NhsNumber.SYSTEM + "|" + nhsNumber.getValue());
            assertThat(patient.getIdentifier())
                    .anySatisfy(id -> assertThat(id.getSystem()).isEqualTo(DemoDataGenerator.MRN_SYSTEM));
        }
    }

    @Test
    void everyNhsNumberIsAValidTestNumberAndNoTwoPatientsShareOne() {
        Set<String> numbers = new HashSet<>();
        for (int index = 0; index < DemoDataGenerator.MAX_PATIENTS; index++) {
            NhsNumber number = generator.nhsNumber(index);
            assertThat(number.isTestNumber()).isTrue();
            numbers.add(number.value());
        }
        assertThat(numbers).hasSize(DemoDataGenerator.MAX_PATIENTS);
        assertThat(patient(generator.patientBundle(11, 40))
                        .getIdentifierFirstRep()
                        .getValue())
                .isEqualTo(generator.nhsNumber(11).value());
    }

    @Test
    void demographicsUseUkFormatsAndOnlyDramaTelephoneNumbers() {
        for (Bundle bundle : generator.patientBundles(0, 50, 30).toList()) {
            Patient patient = patient(bundle);
            assertThat(patient.getAddressFirstRep().getPostalCode())
                    .matches("[A-Z]{1,2}[0-9]{1,2} [0-9][ABD-HJLNP-UW-Z]{2}");
            assertThat(patient.getBirthDate()).isNotNull();
            assertThat(patient.getNameFirstRep().getFamily()).isNotBlank();
            for (ContactPoint phone : patient.getTelecom()) {
                assertThat(phone.getValue())
                        .matches("07700 900[0-9]{3}|0113 496 0[0-9]{3}|0114 496 0[0-9]{3}|0191 498 0[0-9]{3}"
                                + "|01632 960[0-9]{3}");
            }
        }
    }

    @Test
    void referencesResolveInsideTheBundleOrToASharedResourceByIdentifier() {
        Bundle shared = generator.sharedResources();
        Set<String> sharedIdentifiers = shared.getEntry().stream()
                .map(BundleEntryComponent::getRequest)
                .map(request -> request.getUrl() + "?" + request.getIfNoneExist())
                .collect(Collectors.toSet());

        for (Bundle bundle : List.of(shared, generator.patientBundle(0, 300), generator.patientBundle(1, 300))) {
            Set<String> fullUrls = bundle.getEntry().stream()
                    .map(BundleEntryComponent::getFullUrl)
                    .collect(Collectors.toSet());
            assertThat(fullUrls).hasSize(bundle.getEntry().size()).allMatch(url -> url.startsWith("urn:uuid:"));
            for (BundleEntryComponent entry : bundle.getEntry()) {
                for (Reference reference : references(entry.getResource())) {
                    String target = reference.getReference();
                    if (target.startsWith("urn:uuid:")) {
                        assertThat(fullUrls).contains(target);
                    } else {
                        assertThat(sharedIdentifiers).contains(target);
                    }
                }
            }
        }
    }

    @Test
    void clinicAppointmentsInThePastFallInSurgeryHoursOnWorkingDays() {
        int checked = 0;
        for (Bundle bundle : generator.patientBundles(0, 10, 300).toList()) {
            for (BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResource() instanceof Encounter encounter
                        && "AMB".equals(encounter.getClass_().getCode())) {
                    LocalDateTime start = LocalDateTime.parse(encounter
                            .getPeriod()
                            .getStartElement()
                            .getValueAsString()
                            .substring(0, 19));
                    assertThat(EnglandBankHolidays.isWorkingDay(start.toLocalDate()))
                            .isTrue();
                    assertThat(start.getMinute() % 15).isZero();
                    assertThat(start.toLocalTime())
                            .satisfiesAnyOf(
                                    time -> assertThat(time).isBetween(LocalTime.of(9, 0), LocalTime.of(12, 15)),
                                    time -> assertThat(time).isBetween(LocalTime.of(14, 0), LocalTime.of(16, 45)));
                    checked++;
                }
            }
        }
        assertThat(checked).isPositive();
    }

    @Test
    void everyResourceIsTaggedAsTestData() {
        for (Bundle bundle : List.of(generator.sharedResources(), generator.patientBundle(2, 100))) {
            assertThat(bundle.getEntry())
                    .allSatisfy(entry -> assertThat(entry.getResource()
                                    .getMeta()
                                    .getTag(
                                            DemoDataGenerator.SYNTHETIC_TAG_SYSTEM,
                                            DemoDataGenerator.SYNTHETIC_TAG_CODE))
                            .isNotNull());
        }
    }

    private List<Reference> references(Resource resource) {
        return FHIR.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class).stream()
                .filter(Reference::hasReference)
                .toList();
    }

    private static Patient patient(Bundle bundle) {
        return (Patient) bundle.getEntryFirstRep().getResource();
    }

    private String json(Bundle bundle) {
        IParser parser = FHIR.newJsonParser();
        return parser.encodeResourceToString(bundle);
    }
}
