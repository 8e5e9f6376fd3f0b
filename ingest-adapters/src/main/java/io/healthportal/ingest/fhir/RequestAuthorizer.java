package io.healthportal.ingest.fhir;

/**
 * The credentials of each request ingest-adapters makes to hapi-server: those of the partner whose data
 * it writes, or the patient verifier's for an operator's verification ({@link BackendServicesTokens}).
 */
public interface RequestAuthorizer {

    /** The {@code Authorization} header for a request carrying {@code partnerId}'s data. */
    String authorization(String partnerId);

    /** hapi-server answered 401: the partner's credentials sent are no longer good (expired, revoked). */
    void tokenRejected(String partnerId);

    /** The {@code Authorization} header for removing a Patient's verification tag. */
    String verifierAuthorization();

    /** hapi-server answered 401 to the patient verifier's credentials. */
    void verifierTokenRejected();
}
