package io.healthportal.server.security;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What a SMART Backend Services client is to the portal beyond its scopes (issue 3, item 14): a partner
 * system, which writes its own data and matches Patients by identifier; an EHR system, which reads the
 * patients of its registered Group and creates EHR launches; or the patient verifier, through which the
 * ingest operators' decisions mark an unverified Patient verified. The effective permission is the
 * granted scopes intersected with the role's {@link #limit()}, and further limited by {@link
 * PartnerLimitInterceptor}, {@link EhrSystemInterceptor} or {@link PatientVerifierInterceptor}.
 *
 * <p>Only an operator gives a client a role ({@code portal.auth.backend-clients.<id>.role}); the
 * authorization server keeps it with the client and signs it into each access token it issues to that
 * client, in the claim that carries a user's role ({@value RoleLimit#CLAIM}) plus {@value #PARTNER_CLAIM}
 * or {@value #GROUP_CLAIM}, so {@code /fhir} needs no database read to apply it. A client without a role
 * keeps its system scopes alone, as the portal's own back ends do.
 */
public sealed interface SystemRole permits SystemRole.Partner, SystemRole.EhrSystem, SystemRole.PatientVerifier {

    /** The access-token claim naming a partner system's partner id. */
    String PARTNER_CLAIM = "portal_partner";

    /** The access-token claim naming the id of an EHR system's Group. */
    String GROUP_CLAIM = "portal_group";

    String PARTNER = "partner";
    String EHR_SYSTEM = "ehr-system";
    String PATIENT_VERIFIER = "patient-verifier";

    /** Letters, digits, {@code . _ -}: safe in a tag code, a claim and a client id. */
    Pattern PARTNER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** A FHIR resource id. */
    Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9.-]{1,64}");

    /** The value of the {@value RoleLimit#CLAIM} claim. */
    String claimValue();

    /** Every claim that carries this role in an access token. */
    Map<String, String> claims();

    /** What the role may do at most, whatever the scopes. */
    RoleLimit limit();

    /**
     * A partner system (a lab, pharmacy, clinic or GP system, or ingest-adapters writing on its behalf).
     *
     * @param partnerId the code of the partner's {@value PartnerLimitInterceptor#PARTNER_TAG_SYSTEM} tag
     */
    record Partner(String partnerId) implements SystemRole {
        public Partner {
            if (partnerId == null || !PARTNER_ID.matcher(partnerId).matches()) {
                throw new IllegalArgumentException(
                        "A partner id is 1 to 64 letters, digits or . _ - (starting with a letter or digit)");
            }
        }

        @Override
        public String claimValue() {
            return PARTNER;
        }

        @Override
        public Map<String, String> claims() {
            return Map.of(RoleLimit.CLAIM, PARTNER, PARTNER_CLAIM, partnerId);
        }

        @Override
        public RoleLimit limit() {
            return RoleLimit.PARTNER;
        }
    }

    /**
     * An external EHR.
     *
     * @param group the id of its registered Group: the patients it may read
     */
    record EhrSystem(String group) implements SystemRole {
        public EhrSystem {
            if (group == null || !RESOURCE_ID.matcher(group).matches()) {
                throw new IllegalArgumentException(
                        "An EHR system's group is a Group's id (1 to 64 of A-Z a-z 0-9 . -)");
            }
        }

        @Override
        public String claimValue() {
            return EHR_SYSTEM;
        }

        @Override
        public Map<String, String> claims() {
            return Map.of(RoleLimit.CLAIM, EHR_SYSTEM, GROUP_CLAIM, group);
        }

        @Override
        public RoleLimit limit() {
            return RoleLimit.EHR_SYSTEM;
        }
    }

    /**
     * The service that carries out an operator's decision that an unverified Patient (one a partner's
     * message created, matching no one) is a real person: it may remove the Patient's verification tag and
     * do nothing else, so that a partner system cannot verify the Patients it creates itself.
     */
    record PatientVerifier() implements SystemRole {

        @Override
        public String claimValue() {
            return PATIENT_VERIFIER;
        }

        @Override
        public Map<String, String> claims() {
            return Map.of(RoleLimit.CLAIM, PATIENT_VERIFIER);
        }

        @Override
        public RoleLimit limit() {
            return RoleLimit.PATIENT_VERIFIER;
        }
    }

    /**
     * The role named by {@code role} ({@value #PARTNER}, {@value #EHR_SYSTEM} or {@value
     * #PATIENT_VERIFIER}) with its parameter.
     *
     * @param partnerId a partner's id; for a partner, the client id when null
     * @param group an EHR system's Group id
     * @throws IllegalArgumentException for an unknown role, a missing or malformed parameter, or the other
     *     role's parameter
     */
    static SystemRole of(String role, String clientId, String partnerId, String group) {
        return switch (role) {
            case PARTNER -> {
                if (group != null) {
                    throw new IllegalArgumentException("group is for the " + EHR_SYSTEM + " role only");
                }
                yield new Partner(partnerId == null ? clientId : partnerId);
            }
            case EHR_SYSTEM -> {
                if (partnerId != null) {
                    throw new IllegalArgumentException("partner-id is for the " + PARTNER + " role only");
                }
                yield new EhrSystem(group);
            }
            case PATIENT_VERIFIER -> {
                if (partnerId != null || group != null) {
                    throw new IllegalArgumentException(
                            "the " + PATIENT_VERIFIER + " role takes no partner-id or group");
                }
                yield new PatientVerifier();
            }
            default ->
                throw new IllegalArgumentException("A Backend Services client's role is " + PARTNER + ", " + EHR_SYSTEM
                        + " or " + PATIENT_VERIFIER + ", not " + role);
        };
    }

    /**
     * The role an access token carries, or empty for a token whose role claim names no system role (a
     * user's role, none at all). A system role claim without a well-formed parameter is empty too; {@link
     * SmartAuthorizationInterceptor} grants such a token nothing, since its claim names no role it knows.
     */
    static Optional<SystemRole> fromToken(Jwt token) {
        String role = token.getClaimAsString(RoleLimit.CLAIM);
        try {
            if (PARTNER.equals(role)) {
                return Optional.of(new Partner(token.getClaimAsString(PARTNER_CLAIM)));
            }
            if (EHR_SYSTEM.equals(role)) {
                return Optional.of(new EhrSystem(token.getClaimAsString(GROUP_CLAIM)));
            }
            if (PATIENT_VERIFIER.equals(role)) {
                return Optional.of(new PatientVerifier());
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
