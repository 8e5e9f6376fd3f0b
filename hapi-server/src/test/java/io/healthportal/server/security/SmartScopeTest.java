package io.healthportal.server.security;

import static io.healthportal.server.security.SmartScope.Permission.CREATE;
import static io.healthportal.server.security.SmartScope.Permission.DELETE;
import static io.healthportal.server.security.SmartScope.Permission.READ;
import static io.healthportal.server.security.SmartScope.Permission.SEARCH;
import static io.healthportal.server.security.SmartScope.Permission.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.server.security.SmartScope.Context;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmartScopeTest {

    @Test
    void parsesAV2ScopeIntoContextTypeAndPermissions() {
        SmartScope scope = SmartScope.parse("patient/Observation.rs").orElseThrow();

        assertThat(scope.context()).isEqualTo(Context.PATIENT);
        assertThat(scope.resourceType()).isEqualTo("Observation");
        assertThat(scope.permissions()).containsExactlyInAnyOrder(READ, SEARCH);
        assertThat(scope.query()).isNull();
    }

    @Test
    void translatesV1ReadWriteAndStar() {
        assertThat(SmartScope.parse("user/Patient.read").orElseThrow().permissions())
                .containsExactlyInAnyOrder(READ, SEARCH);
        assertThat(SmartScope.parse("user/*.write").orElseThrow().permissions())
                .containsExactlyInAnyOrder(CREATE, UPDATE, DELETE);
        assertThat(SmartScope.parse("system/*.*").orElseThrow().permissions())
                .containsExactlyInAnyOrder(CREATE, READ, UPDATE, DELETE, SEARCH);
    }

    @Test
    void keepsTheGranularQueryAndGrantsNothingUnrestrictedWithIt() {
        SmartScope scope =
                SmartScope.parse("patient/Observation.rs?category=laboratory").orElseThrow();

        assertThat(scope.query()).isEqualTo("category=laboratory");
        assertThat(scope.grants("Observation", READ)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "openid",
                "fhirUser",
                "launch/patient",
                "offline_access",
                "patient/Observation.sr", // v2 letters must be in c r u d s order
                "patient/Observation.rr",
                "patient/Observation.x",
                "patient/observation.rs",
                "clinic/Observation.rs",
                "patient/Observation."
            })
    void anythingElseIsNotAResourceScope(String text) {
        assertThat(SmartScope.parse(text)).isEmpty();
    }

    @Test
    void aWildcardTypeAppliesToEveryType() {
        SmartScope scope = SmartScope.parse("system/*.cruds").orElseThrow();

        assertThat(scope.grants("Observation", DELETE)).isTrue();
        assertThat(scope.grants("Patient", CREATE)).isTrue();
        assertThat(SmartScope.parse("system/Patient.cruds").orElseThrow().grants("Observation", READ))
                .isFalse();
    }

    @Test
    void parseAllLeavesOutTheScopesThatAreNotResourceScopes() {
        assertThat(SmartScope.parseAll(List.of("openid", "patient/Patient.r", "launch/patient")))
                .extracting(SmartScope::resourceType)
                .containsExactly("Patient");
    }

    private static final String LAB = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

    @Test
    void aCategoryScopeOnObservationReadsAndSearchesThoseCategoriesOnly() {
        SmartScope scope =
                SmartScope.parse("patient/Observation.rs?category=" + LAB).orElseThrow();

        assertThat(scope.categories()).containsExactly(LAB);
        assertThat(scope.reaches("Observation", READ)).isTrue();
        assertThat(scope.reaches("Observation", SEARCH)).isTrue();
        assertThat(scope.reaches("Condition", READ)).isFalse();
        assertThat(scope.grants("Observation", READ))
                .as("not every Observation")
                .isFalse();
    }

    @Test
    void aCategoryScopeNeverWrites() {
        SmartScope scope = SmartScope.parse("user/Condition.cruds?category="
                        + "http://terminology.hl7.org/CodeSystem/condition-category|problem-list-item")
                .orElseThrow();

        assertThat(scope.reaches("Condition", READ)).isTrue();
        assertThat(scope.reaches("Condition", CREATE)).isFalse();
        assertThat(scope.reaches("Condition", DELETE)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "patient/Observation.rs?category=laboratory", // a code without its system
                "patient/Observation.rs?code=http://loinc.org|1234-5", // another parameter
                "patient/Patient.rs?category=http://example.org|x", // another type
                "patient/*.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
                "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|"
            })
    void otherGranularScopesAreNotEnforcedAndReachNothing(String text) {
        SmartScope scope = SmartScope.parse(text).orElseThrow();

        assertThat(scope.categories()).isEmpty();
        assertThat(scope.reaches("Observation", READ)).isFalse();
        assertThat(scope.reaches("Patient", READ)).isFalse();
    }

    @Test
    void severalCategoriesInOneScopeAreAlternatives() {
        String vitals = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";
        SmartScope scope = SmartScope.parse("patient/Observation.rs?category=" + LAB + "," + vitals)
                .orElseThrow();

        assertThat(scope.categories()).containsExactly(LAB, vitals);
    }
}
