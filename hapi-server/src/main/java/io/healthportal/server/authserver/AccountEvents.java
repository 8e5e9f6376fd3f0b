package io.healthportal.server.authserver;

/**
 * What the authorization server tells the audit trail about accounts, published as Spring application
 * events so that its classes need not know about audit.
 */
public final class AccountEvents {

    private AccountEvents() {}

    /**
     * A staff member's TOTP code after the password: accepted or not, while enrolling or not.
     *
     * @param address the caller's network address
     */
    public record SecondFactorChecked(String username, boolean succeeded, boolean enrolling, String address) {}

    /**
     * A sign-in through an external identity provider, accepted or refused.
     *
     * @param username the portal account the identity is linked to, or null (none, or the provider's
     *     answer was refused before the identity was known)
     * @param providerId the provider's configured id
     * @param subject the identity's subject at the provider, or null when the answer was refused
     * @param outcome why it was refused, or how it was accepted (e.g. with the provider's MFA)
     * @param address the caller's network address
     */
    public record ProviderSignIn(
            String username, String providerId, String subject, boolean succeeded, String outcome, String address) {}

    /**
     * A request to the admin API, whatever its outcome.
     *
     * @param administrator the administrator's username (the token's subject)
     * @param fhirUser the token's {@code fhirUser} claim (the administrator's FHIR resource), or null
     * @param clientId the app the administrator used
     * @param tokenId the access token's {@code jti}
     * @param action what was asked, e.g. {@code create-user}, {@code reset-second-factor}, {@code list-clients};
     *     {@code refused} when the caller is not an administrator
     * @param targetKind {@code user} or {@code client}; {@code request} for a refused one
     * @param target the username or client id acted on; the method and path of a refused request; null
     *     for a list
     * @param status the HTTP status answered
     * @param address the caller's network address
     */
    public record AdminAction(
            String administrator,
            String fhirUser,
            String clientId,
            String tokenId,
            String action,
            String targetKind,
            String target,
            int status,
            String address) {}

    /**
     * A clinician choosing, on the EHR simulator or the patient picker, a patient outside their care
     * relationships, with the reason they typed.
     *
     * @param fhirUser the clinician's FHIR resource, relative ({@code Practitioner/12})
     */
    public record BreakGlassChoice(String username, String fhirUser, String patientId, String reason, String address) {}
}
