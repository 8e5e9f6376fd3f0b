package io.healthportal.server.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GranularScopeOfferTest {

    private static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    @Test
    void aBroadObservationReadScopeOffersItsCategoriesWithTheSameContextAndReadLetters() {
        assertThat(GranularScopeOffer.narrowerChoices("patient/Observation.rs"))
                .contains(
                        "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|laboratory",
                        "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|vital-signs");
        assertThat(GranularScopeOffer.narrowerChoices("user/Observation.cruds"))
                .first()
                .isEqualTo("user/Observation.rs?category=" + OBSERVATION_CATEGORY + "|laboratory");
        assertThat(GranularScopeOffer.narrowerChoices("patient/Condition.read"))
                .contains("patient/Condition.rs?category=http://terminology.hl7.org/CodeSystem/condition-category"
                        + "|problem-list-item");
    }

    @Test
    void otherScopesOfferNothing() {
        assertThat(GranularScopeOffer.narrowerChoices("patient/Patient.rs")).isEmpty();
        assertThat(GranularScopeOffer.narrowerChoices("patient/*.rs")).isEmpty();
        assertThat(GranularScopeOffer.narrowerChoices("system/Observation.rs")).isEmpty();
        assertThat(GranularScopeOffer.narrowerChoices("patient/Observation.cud"))
                .isEmpty();
        assertThat(GranularScopeOffer.narrowerChoices("launch/patient")).isEmpty();
    }

    @Test
    void theRequestKeepsItsScopesAndGainsTheChoicesOnce() {
        String lab = "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|laboratory";

        assertThat(GranularScopeOffer.withNarrowerChoices(List.of("openid", "patient/Observation.rs", lab)))
                .startsWith("openid", "patient/Observation.rs", lab)
                .doesNotHaveDuplicates();
        assertThat(GranularScopeOffer.broaderOf(lab, List.of("openid", "patient/Observation.rs")))
                .contains("patient/Observation.rs");
        assertThat(GranularScopeOffer.broaderOf(lab, List.of("openid"))).isEmpty();
    }

    @Test
    void describesACategoryScopeInPlainWords() {
        assertThat(ScopeDescriptions.describe(
                        "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|laboratory"))
                .isEqualTo("Read and search your Observation records: only laboratory test results");
        assertThat(ScopeDescriptions.describeNarrower(
                        "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|laboratory"))
                .isEqualTo("Only laboratory test results");
    }

    @Test
    void aClinicianReadsOfThePatientsRecordNotTheirOwn() {
        assertThat(ScopeDescriptions.describe("patient/Observation.rs", PortalRole.PRACTITIONER))
                .isEqualTo("Read and search the patient's Observation records");
        assertThat(ScopeDescriptions.describe("patient/Observation.rs", PortalRole.PATIENT))
                .isEqualTo("Read and search your Observation records");
        assertThat(ScopeDescriptions.describe("launch", PortalRole.PRACTITIONER))
                .isEqualTo("Open the patient record you have open in your clinical system");
    }
}
