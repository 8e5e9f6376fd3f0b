package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import io.healthportal.server.security.SmartScope.Permission;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SmartGrantTest {

    @Test
    void patientScopesWithoutAPatientInContextGrantNothing() {
        SmartGrant grant = SmartGrant.of("patient/*.cruds", null);

        assertThat(grant.scopes()).isEmpty();
        assertThat(grant.allows("Observation", Permission.READ)).isFalse();
    }

    @Test
    void onlyASystemOrUserStarCrudsIsUnrestricted() {
        assertThat(SmartGrant.of("system/*.cruds", null).unrestricted()).isTrue();
        assertThat(SmartGrant.of("user/*.*", null).unrestricted()).isTrue();
        assertThat(SmartGrant.of("patient/*.cruds", "1").unrestricted()).isFalse();
        assertThat(SmartGrant.of("system/*.rs", null).unrestricted()).isFalse();
        assertThat(SmartGrant.of("system/*.cruds?category=x", null).unrestricted())
                .isFalse();
    }

    @Test
    void eachInteractionNeedsItsOwnPermission() {
        SmartGrant searchOnly = SmartGrant.of("system/Patient.s", null);

        assertThat(SmartAuthorizationInterceptor.interactionRefusal(
                        searchOnly, request(RestOperationTypeEnum.SEARCH_TYPE, "Patient")))
                .isNull();
        assertThat(SmartAuthorizationInterceptor.interactionRefusal(
                        searchOnly, request(RestOperationTypeEnum.READ, "Patient")))
                .startsWith("PORTAL-AUTH-403");
        assertThat(SmartAuthorizationInterceptor.interactionRefusal(
                        searchOnly, request(RestOperationTypeEnum.SEARCH_TYPE, "Observation")))
                .startsWith("PORTAL-AUTH-403");
        assertThat(SmartAuthorizationInterceptor.interactionRefusal(
                        searchOnly, request(RestOperationTypeEnum.PATCH, "Patient")))
                .startsWith("PORTAL-AUTH-403");
    }

    @Test
    void aSystemWideSearchNeedsAWildcardScope() {
        assertThat(SmartAuthorizationInterceptor.interactionRefusal(
                        SmartGrant.of("system/Patient.rs", null), request(RestOperationTypeEnum.SEARCH_SYSTEM, null)))
                .startsWith("PORTAL-AUTH-403");
        assertThat(SmartAuthorizationInterceptor.interactionRefusal(
                        SmartGrant.of("system/*.s", null), request(RestOperationTypeEnum.SEARCH_SYSTEM, null)))
                .isNull();
    }

    @Test
    void aReceptionistsUserStarCrudsReachesDemographicsAndBookingOnly() {
        SmartGrant grant = SmartGrant.of("user/*.cruds", null, RoleLimit.RECEPTIONIST);

        assertThat(grant.unrestricted()).isFalse();
        assertThat(grant.allows("Patient", Permission.READ)).isTrue();
        assertThat(grant.allows("Appointment", Permission.CREATE)).isTrue();
        assertThat(grant.allows("Slot", Permission.SEARCH)).isTrue();
        assertThat(grant.allows("Observation", Permission.READ)).isFalse();
        assertThat(grant.allows("Encounter", Permission.CREATE)).isFalse();
        assertThat(grant.allows(null, Permission.SEARCH)).isFalse();
    }

    @Test
    void anAdministratorsUserStarCrudsOnlyReadsAndSearchesAuditEvents() {
        SmartGrant grant = SmartGrant.of("user/*.cruds user/Patient.rs", null, RoleLimit.ADMINISTRATOR);

        assertThat(grant.scopes())
                .containsExactly(new SmartScope(
                        SmartScope.Context.USER, "AuditEvent", EnumSet.of(Permission.READ, Permission.SEARCH), null));
    }

    @Test
    void aRevincludeOrHasOfATypeTheGrantCannotReadIsRefusedUpFront() {
        SmartGrant grant = SmartGrant.of("user/*.cruds", null, RoleLimit.RECEPTIONIST);
        SystemRequestDetails revinclude = request(RestOperationTypeEnum.SEARCH_TYPE, "Patient");
        revinclude.addParameter("_revinclude", new String[] {"Observation:subject"});
        SystemRequestDetails has = request(RestOperationTypeEnum.SEARCH_TYPE, "Patient");
        has.addParameter("_has:Appointment:patient:_has:Observation:subject:code", new String[] {"x"});
        SystemRequestDetails allowed = request(RestOperationTypeEnum.SEARCH_TYPE, "Patient");
        allowed.addParameter("_revinclude", new String[] {"Appointment:patient"});

        assertThat(SmartAuthorizationInterceptor.interactionRefusal(grant, revinclude))
                .startsWith("PORTAL-AUTH-403");
        assertThat(SmartAuthorizationInterceptor.interactionRefusal(grant, has)).startsWith("PORTAL-AUTH-403");
        assertThat(SmartAuthorizationInterceptor.interactionRefusal(grant, allowed))
                .isNull();
    }

    private static SystemRequestDetails request(RestOperationTypeEnum operation, String type) {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setRestOperationType(operation);
        request.setResourceName(type);
        return request;
    }

    @Test
    void categoryScopesLimitTheirTypeToTheirCategoriesUnlessABroaderScopeReadsIt() {
        String lab = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";
        String vitals = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";
        SmartGrant granular = SmartGrant.of(
                "patient/Observation.rs?category=" + lab + " patient/Observation.rs?category=" + vitals, "1");

        assertThat(granular.categoryLimit("Observation")).contains(java.util.Set.of(lab, vitals));
        assertThat(granular.allows("Observation", Permission.SEARCH)).isTrue();
        assertThat(granular.allows("Observation", Permission.CREATE)).isFalse();
        assertThat(SmartGrant.of("patient/Observation.rs?category=" + lab + " patient/Observation.rs", "1")
                        .categoryLimit("Observation"))
                .isEmpty();
        assertThat(SmartGrant.of("patient/Patient.rs", "1").categoryLimit("Observation"))
                .contains(java.util.Set.of());
    }
}
