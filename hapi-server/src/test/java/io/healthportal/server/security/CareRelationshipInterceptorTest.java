package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.security.CareRelationshipInterceptor.CareLimit;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who the care-relationship limit applies to and what a break-glass reason must be, without a server. */
class CareRelationshipInterceptorTest {

    private static final String FHIR_USER = "http://localhost/fhir/Practitioner/12";

    private final CareRelationships relationships = mock(CareRelationships.class);
    private final CareRelationshipInterceptor interceptor =
            new CareRelationshipInterceptor(relationships, mock(AuditTrail.class));

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aClinicianWithUserScopesReachesTheirRelationshipsAndTheLaunchPatient() {
        when(relationships.patientsOf("Practitioner/12")).thenReturn(Set.of("1", "2"));
        signIn("practitioner", "user/*.rs", "9");
        SystemRequestDetails request = new SystemRequestDetails();

        interceptor.resolveLimit(request);

        CareLimit limit = CareRelationshipInterceptor.limitOf(request);
        assertThat(limit.patients()).containsExactlyInAnyOrder("1", "2", "9");
        assertThat(limit.brokeGlass()).isFalse();
    }

    @Test
    void aTypedReasonBreaksTheGlassAndABlankOrShortOneIsRefused() {
        when(relationships.patientsOf("Practitioner/12")).thenReturn(Set.of());
        signIn("practitioner", "user/*.rs", null);

        SystemRequestDetails broken = new SystemRequestDetails();
        broken.addHeader(CareRelationshipInterceptor.HEADER, "  Found unconscious, no other record  ");
        interceptor.resolveLimit(broken);
        assertThat(CareRelationshipInterceptor.limitOf(broken).breakGlassReason())
                .isEqualTo("Found unconscious, no other record");

        for (String reason : new String[] {"", "        ", "why"}) {
            SystemRequestDetails refused = new SystemRequestDetails();
            refused.addHeader(CareRelationshipInterceptor.HEADER, reason);
            assertThatThrownBy(() -> interceptor.resolveLimit(refused))
                    .isInstanceOf(ForbiddenOperationException.class)
                    .hasMessageContaining("typed reason");
        }
    }

    @Test
    void otherRolesAndPatientScopesAloneAreNotLimitedHereAndTheHeaderMeansNothingToThem() {
        for (String[] token : new String[][] {
            {"receptionist", "user/*.cruds", null},
            {"patient", "patient/*.rs", "9"},
            {"practitioner", "patient/*.rs", "9"}
        }) {
            signIn(token[0], token[1], token[2]);
            SystemRequestDetails request = new SystemRequestDetails();
            request.addHeader(CareRelationshipInterceptor.HEADER, "");

            interceptor.resolveLimit(request);

            assertThat(CareRelationshipInterceptor.limitOf(request))
                    .as(token[0])
                    .isNull();
        }
        verifyNoInteractions(relationships);
    }

    @Test
    void onlyAPractitionerFhirUserHasRelationships() {
        assertThat(CareRelationshipInterceptor.practitioner(FHIR_USER)).isEqualTo("Practitioner/12");
        assertThat(CareRelationshipInterceptor.practitioner("Practitioner/12")).isEqualTo("Practitioner/12");
        assertThat(CareRelationshipInterceptor.practitioner("http://localhost/fhir/Patient/12"))
                .isNull();
        assertThat(CareRelationshipInterceptor.practitioner(null)).isNull();
    }

    private static void signIn(String role, String scope, String patient) {
        Jwt.Builder jwt = Jwt.withTokenValue("token")
                .header("alg", "RS256")
                .claim("scope", scope)
                .claim(RoleLimit.CLAIM, role)
                .claim("fhirUser", FHIR_USER);
        if (patient != null) {
            jwt.claim(SmartAuthorizationInterceptor.PATIENT_CLAIM, patient);
        }
        SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(jwt.build()));
    }
}
