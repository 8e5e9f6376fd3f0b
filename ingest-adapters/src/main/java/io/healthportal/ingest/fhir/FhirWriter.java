package io.healthportal.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URI;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;

/**
 * Writes transaction bundles to hapi-server and finds Patients by identifier, each time as the partner's
 * own Backend Services client, and removes a Patient's verification tag as the patient verifier: the only
 * way ingest-adapters reaches FHIR. Every failure is a {@link FhirWriteException} that says whether the
 * same request may succeed later.
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
     * Removes the verification tag {@code tag} from a Patient, as the patient verifier (hapi-server lets
     * no partner do it): {@code $meta-delete}, which leaves the Patient's content, its other tags and its
     * version as they are, and does nothing to a Patient without the tag.
     */
    public void removeVerificationTag(String reference, Coding tag) {
        IdType id = new IdType(reference).toUnqualifiedVersionless();
        Parameters meta = new Parameters();
        meta.addParameter().setName("meta").setValue(new Meta().addTag(tag));
        call(
                new Credentials(authorizer::verifierAuthorization, authorizer::verifierTokenRejected),
                authorization -> client.operation()
                        .onInstance(id)
                        .named("$meta-delete")
                        .withParameters(meta)
                        .withAdditionalHeader("Authorization", authorization)
                        .execute());
    }

    /** How a request proves who makes it, and what to do when hapi-server no longer accepts that. */
    private record Credentials(Supplier<String> authorization, Runnable rejected) {}

    private <T> T call(String partnerId, Function<String, T> request) {
        return call(
                new Credentials(() -> authorizer.authorization(partnerId), () -> authorizer.tokenRejected(partnerId)),
                request);
    }

    private <T> T call(Credentials credentials, Function<String, T> request) {
        String authorization = credentials.authorization().get();
        try {
            return request.apply(authorization);
        } catch (FhirClientConnectionException e) {
            // A subclass of BaseServerResponseException: no response arrived at all.
            return fail(0, "hapi-server unreachable", e);
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            if (status == 401) {
                credentials.rejected().run();
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
