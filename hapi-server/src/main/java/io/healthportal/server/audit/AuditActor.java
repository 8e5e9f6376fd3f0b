package io.healthportal.server.audit;

/**
 * Who made an audited request: the person (when a person signed in) and the client app, as the
 * access token or the sign-in names them.
 *
 * @param fhirUser the person's FHIR resource as a relative reference ({@code Practitioner/12}), or null
 * @param username the person's sign-in name, or null for a system client
 * @param clientId the OAuth client, or null (a sign-in page has none)
 * @param tokenId the access token's {@code jti}, or null
 * @param address the caller's network address, or null
 */
public record AuditActor(String fhirUser, String username, String clientId, String tokenId, String address) {

    /** Nobody we could name: an unauthenticated caller at {@code address}. */
    public static AuditActor anonymous(String address) {
        return new AuditActor(null, null, null, null, address);
    }

    boolean isPerson() {
        return username != null;
    }
}
