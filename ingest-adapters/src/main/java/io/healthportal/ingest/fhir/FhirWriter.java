package io.healthportal.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URI;
import java.util.List;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;

/**
 * Writes transaction bundles to hapi-server, finds Patients by identifier and removes a Patient's tag,
 * each time as the partner's own Backend Services client: the only way ingest-adapters reaches FHIR.
 * Every failure is a {@link FhirWriteException} that says whether the same request may succeed later.
 */
public class FhirWriter {

    private static final int MAX_REASON = 500;

    private final IGenericClient client;
    private final RequestAuthorizer authorizer;

    public FhirWriter(FhirContext fhir, URI baseUrl, RequestAuthorizer authorizer) {
        fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        fhir.getRestfulClientFactory().setConnectTimeout(5_000);
        fhir.getRestfulClientFactory().setSocketTimeout(60_000);
        this.client = fhir.newRestfulGenericClient(baseUrl.toString());
        this.authorizer = authorizer;
    }

    /**
     * Posts the bundle as one transaction, as partner {@code partnerId}; all of it is stored, or none.
     * Returns the transaction-response.
     */
    public Bundle transaction(String partnerId, Bundle bundle) {
        return call(
                partnerId,
                authorization -> client.transaction()
                        .withBundle(bundle)
                        .withAdditionalHeader("Authorization", authorization)
                        .execute());
    }

    /**
     * The Patients carrying exactly this identifier: a token search on {@code identifier}, the only
     * Patient search a partner's writes need (and the only one hapi-server allows a partner).
     */
    public List<Patient> patientsWithIdentifier(String partnerId, String system, String value) {
        Bundle found = call(
                partnerId,
                authorization -> client.search()
                        .forResource(Patient.class)
                        .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(system, value))
                        .withAdditionalHeader("Authorization", authorization)
                        .returnBundle(Bundle.class)
                        .execute());
        return found.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(Patient.class::isInstance)
                .map(Patient.class::cast)
                .toList();
    }

    /**
     * Removes one tag from a Patient, as partner {@code partnerId}: reads it, then updates that version
     * ({@code If-Match}) without the tag, with {@code X-Meta-Snapshot-Mode: TAG}, since hapi-server
     * otherwise keeps the stored tags of a resource that is updated. ({@code $meta-delete} would take one
     * request, but hapi-server's rules let a system client only read, search and write.) A Patient without
     * the tag is left as it is; a concurrent change of the Patient fails with 412, to be tried again.
     */
    public void removePatientTag(String partnerId, String reference, Coding tag) {
        IdType id = new IdType(reference).toUnqualifiedVersionless();
        Patient current = call(
                partnerId,
                authorization -> client.read()
                        .resource(Patient.class)
                        .withId(id)
                        .withAdditionalHeader("Authorization", authorization)
                        .execute());
        boolean removed = current.getMeta()
                .getTag()
                .removeIf(t ->
                        tag.getSystem().equals(t.getSystem()) && tag.getCode().equals(t.getCode()));
        if (!removed) {
            return;
        }
        String version = current.getMeta().getVersionId();
        current.setId(id);
        call(
                partnerId,
                authorization -> client.update()
                        .resource(current)
                        .withAdditionalHeader("Authorization", authorization)
                        .withAdditionalHeader("X-Meta-Snapshot-Mode", "TAG")
                        .withAdditionalHeader("If-Match", "W/\"" + version + "\"")
                        .execute());
    }

    private <T> T call(String partnerId, Function<String, T> request) {
        String authorization = authorizer.authorization(partnerId);
        try {
            return request.apply(authorization);
        } catch (FhirClientConnectionException e) {
            // A subclass of BaseServerResponseException: no response arrived at all.
            return fail(0, "hapi-server unreachable", e);
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            if (status == 401) {
                authorizer.tokenRejected(partnerId);
            }
            if (status == 403) {
                // The partner limit's refusal: the same request is refused every time.
                return fail(status, FhirWriteException.FORBIDDEN + ": " + refusal(e), e);
            }
            return fail(status, "hapi-server answered " + status, e);
        }
    }

    /**
     * Why hapi-server refused, from its OperationOutcome: its own fixed text naming the rule (a {@code
     * PORTAL-AUTH-403} code), never the payload's data; cut short all the same.
     */
    private static String refusal(BaseServerResponseException e) {
        String diagnostics = e.getOperationOutcome() instanceof OperationOutcome outcome
                ? outcome.getIssueFirstRep().getDiagnostics()
                : null;
        String reason = diagnostics == null || diagnostics.isBlank() ? "hapi-server answered 403" : diagnostics;
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }

    private static <T> T fail(int status, String message, Exception cause) {
        throw new FhirWriteException(status, FhirWriteException.retryableStatus(status), message, cause);
    }
}
