package io.healthportal.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * Writes transaction bundles to hapi-server, finds Patients by identifier and removes a Patient's tag: the only way
 * ingest-adapters reaches FHIR. Every failure is a {@link FhirWriteException} that says whether the same
 * request may succeed later.
 */
public class FhirWriter {

    private final IGenericClient client;
    private final RequestAuthorizer authorizer;

    public FhirWriter(FhirContext fhir, URI baseUrl, RequestAuthorizer authorizer) {
        fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        fhir.getRestfulClientFactory().setConnectTimeout(5_000);
        fhir.getRestfulClientFactory().setSocketTimeout(60_000);
        this.client = fhir.newRestfulGenericClient(baseUrl.toString());
        this.authorizer = authorizer;
        client.registerInterceptor(new IClientInterceptor() {
            @Override
            public void interceptRequest(IHttpRequest request) {
                authorizer.authorize(request);
            }

            @Override
            public void interceptResponse(IHttpResponse response) {
                // nothing to inspect
            }
        });
    }

    /** Posts the bundle as one transaction; all of it is stored, or none. Returns the transaction-response. */
    public Bundle transaction(Bundle bundle) {
        return call(() -> client.transaction().withBundle(bundle).execute());
    }

    /**
     * The Patients carrying exactly this identifier: a token search on {@code identifier}, the only
     * Patient search a partner's writes need (and the only one hapi-server allows a partner).
     */
    public List<Patient> patientsWithIdentifier(String system, String value) {
        Bundle found = call(() -> client.search()
                .forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(system, value))
                .returnBundle(Bundle.class)
                .execute());
        return found.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(Patient.class::isInstance)
                .map(Patient.class::cast)
                .toList();
    }

    /**
     * Removes one tag from a Patient: reads it, then updates that version ({@code If-Match}) without the
     * tag, with {@code X-Meta-Snapshot-Mode: TAG}, since hapi-server otherwise keeps the stored tags of a
     * resource that is updated. ({@code $meta-delete} would take one request, but hapi-server's rules let
     * a system client only read, search and write.) A Patient without the tag is left as it is; a
     * concurrent change of the Patient fails with 412, to be tried again.
     */
    public void removePatientTag(String reference, Coding tag) {
        IdType id = new IdType(reference).toUnqualifiedVersionless();
        Patient current =
                call(() -> client.read().resource(Patient.class).withId(id).execute());
        boolean removed = current.getMeta()
                .getTag()
                .removeIf(t ->
                        tag.getSystem().equals(t.getSystem()) && tag.getCode().equals(t.getCode()));
        if (!removed) {
            return;
        }
        String version = current.getMeta().getVersionId();
        current.setId(id);
        call(() -> client.update()
                .resource(current)
                .withAdditionalHeader("X-Meta-Snapshot-Mode", "TAG")
                .withAdditionalHeader("If-Match", "W/\"" + version + "\"")
                .execute());
    }

    private <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (FhirClientConnectionException e) {
            // A subclass of BaseServerResponseException: no response arrived at all.
            return fail(0, "hapi-server unreachable", e);
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            if (status == 401) {
                authorizer.tokenRejected();
            }
            return fail(status, "hapi-server answered " + status, e);
        }
    }

    private static <T> T fail(int status, String message, Exception cause) {
        throw new FhirWriteException(status, FhirWriteException.retryableStatus(status), message, cause);
    }
}
