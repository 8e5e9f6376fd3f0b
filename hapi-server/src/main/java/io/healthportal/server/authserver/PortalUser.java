package io.healthportal.server.authserver;

/**
 * A person who logs in to the authorization server.
 *
 * @param fhirUser the relative reference of the resource that represents them, e.g. {@code Patient/123}
 */
public record PortalUser(
        String username, String passwordHash, PortalRole role, String fhirUser, String displayName, boolean enabled) {

    /** The id part of {@link #fhirUser()}, e.g. {@code 123}. */
    public String fhirUserId() {
        return fhirUser.substring(fhirUser.indexOf('/') + 1);
    }

    @Override
    public String toString() {
        // Never the hash.
        return "PortalUser[" + username + ", " + role + ", " + fhirUser + "]";
    }
}
