package io.healthportal.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * Declares SMART on FHIR in the CapabilityStatement: the security service and the {@code oauth-uris}
 * extension naming the authorization, token, revocation, introspection and registration endpoints.
 */
@Interceptor
class SmartCapabilitiesInterceptor {

    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
    static final String SECURITY_SERVICE_SYSTEM = "http://terminology.hl7.org/CodeSystem/restful-security-service";

    private final SmartEndpoints endpoints;

    SmartCapabilitiesInterceptor(SmartEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    void declareSmart(IBaseConformance capabilityStatement) {
        for (CapabilityStatementRestComponent rest : ((CapabilityStatement) capabilityStatement).getRest()) {
            var security = rest.getSecurity();
            security.setCors(false);
            security.addService(new CodeableConcept()
                    .addCoding(
                            new org.hl7.fhir.r4.model.Coding(SECURITY_SERVICE_SYSTEM, "SMART-on-FHIR", "SMART-on-FHIR"))
                    .setText("OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)"));
            Extension uris = security.addExtension().setUrl(OAUTH_URIS);
            uris.addExtension("authorize", new UriType(endpoints.authorize()));
            uris.addExtension("token", new UriType(endpoints.token()));
            uris.addExtension("revoke", new UriType(endpoints.revoke()));
            uris.addExtension("introspect", new UriType(endpoints.introspect()));
            uris.addExtension("register", new UriType(endpoints.register()));
        }
    }
}
