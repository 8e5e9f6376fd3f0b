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
 * ingest-adapters' one key. A token that cannot be had is a transient failure: the receipt waits and is
 * retried, never dead-lettered.
 */
class BackendServicesTokens implements RequestAuthorizer {

    private final Map<String, BackendServicesClient> byPartner;

    /**
     * @param partnerIds the partners ingest-adapters writes for
     * @param clientOf each partner's Backend Services client
     */
    BackendServicesTokens(Collection<String> partnerIds, Function<String, BackendServicesClient> clientOf) {
        this.byPartner = partnerIds.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), clientOf));
    }

    @Override
    public String authorization(String partnerId) {
        try {
            return "Bearer " + client(partnerId).accessToken();
        } catch (TokenUnavailableException e) {
            throw new FhirWriteException(0, true, "INGEST-AUTH: " + e.getMessage(), e);
        }
    }

    @Override
    public void tokenRejected(String partnerId) {
        client(partnerId).tokenRejected();
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
