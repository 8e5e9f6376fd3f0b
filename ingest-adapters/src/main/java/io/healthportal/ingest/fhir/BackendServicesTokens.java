package io.healthportal.ingest.fhir;

import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.smartclient.TokenUnavailableException;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Authorizes ingest-adapters' requests to hapi-server with the SMART Backend Services token of the
 * partner whose data they carry: one client per partner (hapi-server registers each with the partner
 * role, so it accepts from it only that partner's writes), each with its own token, all signed with
 * ingest-adapters' one key; and the patient verifier's client, for operators' verifications. A token that
 * cannot be had is a transient failure: the receipt waits and is retried, never dead-lettered.
 */
class BackendServicesTokens implements RequestAuthorizer {

    private final Map<String, BackendServicesClient> byPartner;
    private final BackendServicesClient verifier;

    /**
     * @param partnerIds the partners ingest-adapters writes for
     * @param clientOf each partner's Backend Services client
     * @param verifier the patient verifier's client
     */
    BackendServicesTokens(
            Collection<String> partnerIds,
            Function<String, BackendServicesClient> clientOf,
            BackendServicesClient verifier) {
        this.byPartner = partnerIds.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), clientOf));
        this.verifier = verifier;
    }

    @Override
    public String authorization(String partnerId) {
        return bearer(client(partnerId));
    }

    @Override
    public void tokenRejected(String partnerId) {
        client(partnerId).tokenRejected();
    }

    @Override
    public String verifierAuthorization() {
        return bearer(verifier);
    }

    @Override
    public void verifierTokenRejected() {
        verifier.tokenRejected();
    }

    private static String bearer(BackendServicesClient client) {
        try {
            return "Bearer " + client.accessToken();
        } catch (TokenUnavailableException e) {
            throw new FhirWriteException(0, true, "INGEST-AUTH: " + e.getMessage(), e);
        }
    }

    private BackendServicesClient client(String partnerId) {
        BackendServicesClient client = byPartner.get(partnerId);
        if (client == null) {
            // Receipts of an unconfigured partner are dead-lettered before they are written.
            throw new IllegalArgumentException("No Backend Services client for partner " + partnerId);
        }
        return client;
    }
}
