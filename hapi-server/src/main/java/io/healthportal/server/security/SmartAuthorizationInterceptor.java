package io.healthportal.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.security.SmartScope.Context;
import io.healthportal.server.security.SmartScope.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns the SMART scopes of the request's access token into HAPI authorization rules, deny by
 * default. Two checks: the interaction itself must be one the scopes name for the type (v2
 * {@code c r u d s}; v1 {@code read} and {@code write} translated), and every resource read or written
 * must fall under a scope, within the patient's compartment for patient scopes (plus the Practitioners,
 * PractitionerRoles, Organizations, Locations and Medications their record links to, and the Provenances
 * about their data). Searches by patient tokens are narrowed to the compartment beforehand by {@link
 * SmartSearchNarrowingInterceptor}, so they answer with the patient's own data instead of failing.
 *
 * <p>Staff roles narrow the scopes further (issue 3, item 14): the effective permission is the granted
 * scopes intersected with the user's {@link RoleLimit}, read from the token's {@value RoleLimit#CLAIM}
 * claim. A {@code _revinclude}, a {@code _has} or a chained parameter ({@code subject:Patient.name},
 * {@code subject.name}) reaching a type the effective grant cannot read is refused up front, so the answer
 * does not depend on whether such resources exist: a chain would otherwise let a search ask questions about
 * resources the token may not see and learn the answers from which of its own resources match.
 *
 * <p>Granular {@code ?category=} scopes on Observation and Condition read the type here; {@link
 * CategoryScopeInterceptor} narrows searches to their categories and hides everything else.
 *
 * <p>A clinician's {@code user/} scopes are further limited to the patients within their care
 * relationships by {@link CareRelationshipInterceptor}.
 *
 * <p>Patient scopes write only within the compartment, decided on the stored resources: a PATCH and a
 * conditional update pass the request and HAPI checks the stored and the new version by the write rules
 * when they are stored (so nothing is patched or updated out of the compartment, nor another patient's
 * resource into it), and nothing they write may be in another patient's compartment as well ({@link
 * PatientWriteRule}); their conditional URLs match within the compartment ({@link
 * SmartSearchNarrowingInterceptor#conditionalUrlsOfPatients()}); an instance history passes when the current version is in the compartment ({@link
 * PatientHistoryRule}), each version shown then checked by the read rules. A Provenance about the patient's
 * data only is readable whether or not it names them, one also naming another patient's data is not ({@link
 * PatientProvenance}, {@link PatientProvenanceRule}, {@link PatientProvenanceInterceptor}).
 *
 * <p>Not yet covered (issue 3): granular scopes other than {@code category}. Operations other than {@code
 * $everything} (on the patient's own record; on any Patient for a back end without a role whose system
 * scopes read Patients, every resource in the answer within its scopes), and Bulk export, need a {@code
 * *.cruds} system or user scope.
 */
class SmartAuthorizationInterceptor extends AuthorizationInterceptor {

    static final String PATIENT_CLAIM = "patient";

    /** Types outside the patient compartment that patient scopes read whole (see {@link #linkedReads}). */
    static final List<String> PATIENT_LINKED_TYPES =
            List.of("Practitioner", "PractitionerRole", "Organization", "Location", "Medication");

    private final StoredResources stored;

    SmartAuthorizationInterceptor(StoredResources stored) {
        super(PolicyEnum.DENY);
        this.stored = stored;
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        Optional<Jwt> token = currentToken();
        if (token.isEmpty()) {
            // Only the anonymous paths of FhirResourceServerConfig get here without a token.
            return new RuleBuilder()
                    .allow("capability statement")
                    .metadata()
                    .andThen()
                    .denyAll("PORTAL-AUTH-401: no access token")
                    .build();
        }
        SmartGrant grant = grant(token.get());
        Optional<List<IAuthRule>> ownFhirUser = FhirUserRead.rules(token.get(), grant, request);
        if (ownFhirUser.isPresent()) {
            return ownFhirUser.get();
        }
        String refusal = interactionRefusal(grant, request);
        if (refusal != null) {
            return new RuleBuilder().denyAll(refusal).build();
        }
        return rules(grant, SystemRole.fromToken(token.get()).orElse(null), stored);
    }

    static Optional<SmartGrant> currentGrant() {
        return currentToken().map(SmartAuthorizationInterceptor::grant);
    }

    /** The request's access token, already verified by the resource server. */
    static Optional<Jwt> currentToken() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token) {
            return Optional.of(token.getToken());
        }
        return Optional.empty();
    }

    /**
     * The role travels in the signed access token, put there by the authorization server from the
     * user's record when it issued or refreshed the token: the resource server has already verified the
     * signature, so the claim is as trustworthy as the scopes beside it and costs no database read per
     * request. A role change takes effect with the next token (an hour at most); disabling the user
     * stops the token within the revocation check interval. A Backend Services client with a {@link
     * SystemRole} carries it in the same claim. Tokens without the claim are those of Backend Services
     * clients without a role, or a patient's or clinician's issued before the claim existed (staff could
     * grant no resource scope then), which have no role limit here; a claim naming no known role grants
     * nothing.
     */
    static SmartGrant grant(Jwt token) {
        String scope = token.getClaimAsString("scope");
        String patient = token.getClaimAsString(PATIENT_CLAIM);
        String roleClaim = token.getClaimAsString(RoleLimit.CLAIM);
        if (roleClaim == null) {
            return SmartGrant.of(scope, patient);
        }
        Optional<SystemRole> systemRole = SystemRole.fromToken(token);
        if (systemRole.isPresent()) {
            // A client's role: system scopes, no patient in context.
            return SmartGrant.of(scope, null, systemRole.get().limit());
        }
        Optional<PortalRole> role = PortalRole.fromClaim(roleClaim);
        if (role.isEmpty()) {
            return new SmartGrant(List.of(), null, true);
        }
        return RoleLimit.of(role.get())
                .map(limit -> SmartGrant.of(scope, patient, limit))
                .orElseGet(() -> SmartGrant.of(scope, patient));
    }

    /** Why the scopes do not allow this interaction at all, or null when they may. */
    static String interactionRefusal(SmartGrant grant, RequestDetails request) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (operation == null) {
            return null;
        }
        String type = request.getResourceName();
        String linked = unreadableLinkedType(grant, request);
        if (linked != null) {
            return "PORTAL-AUTH-403: the token's scopes do not allow reading " + linked
                    + ", named by _revinclude, _has or a chained parameter";
        }
        Permission needed = switch (operation) {
            case READ, VREAD, HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> Permission.READ;
            case SEARCH_TYPE, SEARCH_SYSTEM -> Permission.SEARCH;
            case CREATE -> Permission.CREATE;
            case UPDATE, PATCH, META_ADD, META_DELETE -> Permission.UPDATE;
            case DELETE -> Permission.DELETE;
            default -> null; // transactions, paging, operations: checked entry by entry, rule by rule
        };
        if (needed == null || grant.allows(type, needed)) {
            return null;
        }
        return "PORTAL-AUTH-403: the token's scopes do not allow " + operation.getCode() + " on "
                + (type == null ? "all resource types" : type);
    }

    /**
     * A type the request pulls in through {@code _revinclude}, {@code _has} or a chained parameter that
     * the grant cannot read ({@code *} for a wildcard), or null. {@code _include} targets are known only
     * once resolved; HAPI's check of the outgoing resources refuses those.
     */
    private static String unreadableLinkedType(SmartGrant grant, RequestDetails request) {
        Map<String, String[]> parameters = request.getParameters();
        if (parameters == null) {
            return null;
        }
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            if (name.startsWith("_revinclude")) {
                for (String value : parameter.getValue()) {
                    for (String include : value.split(",")) {
                        String linked = include.trim().split(":")[0];
                        if (!linked.isEmpty() && !readable(grant, linked)) {
                            return linked;
                        }
                    }
                }
            } else if (name.startsWith("_has:")) {
                String[] parts = name.split(":");
                for (int i = 0; i + 1 < parts.length; i++) {
                    if (parts[i].equals("_has") && !readable(grant, parts[i + 1])) {
                        return parts[i + 1];
                    }
                }
            } else if (!name.startsWith("_") && name.contains(".") && request.getResourceName() != null) {
                String chained =
                        unreadableChainTarget(grant, request.getFhirContext(), request.getResourceName(), name);
                if (chained != null) {
                    return chained;
                }
            }
        }
        return null;
    }

    /**
     * A type a chained parameter of a {@code type} search passes through that the grant cannot read, or
     * null. Every hop is checked: {@code subject:Patient.name} names its type; {@code subject.name} may land
     * on each target of {@code subject} that has a {@code name} parameter, as HAPI resolves it, so each of
     * those must be readable (a typed chain names just the one the client means). A hop the server does not
     * know is left to HAPI, which refuses unknown parameters.
     */
    private static String unreadableChainTarget(SmartGrant grant, FhirContext fhirContext, String type, String name) {
        String[] hops = name.split("\\.");
        Set<String> from = Set.of(type);
        for (int i = 0; i + 1 < hops.length; i++) {
            String[] hop = hops[i].split(":", 2);
            String nextParameter = hops[i + 1].split(":", 2)[0];
            Set<String> to = new TreeSet<>();
            if (hop.length > 1) {
                to.add(hop[1]);
            } else {
                for (String source : from) {
                    for (String target : referenceTargets(fhirContext, source, hop[0])) {
                        if (searchParameter(fhirContext, target, nextParameter) != null) {
                            to.add(target);
                        }
                    }
                }
            }
            for (String target : to) {
                if (!readable(grant, target)) {
                    return target;
                }
            }
            from = to;
        }
        return null;
    }

    /** The types {@code parameter} of {@code type} may point at: every type for a reference to any. */
    private static Set<String> referenceTargets(FhirContext fhirContext, String type, String parameter) {
        RuntimeSearchParam searchParam = searchParameter(fhirContext, type, parameter);
        if (searchParam == null || searchParam.getParamType() != RestSearchParameterTypeEnum.REFERENCE) {
            return Set.of();
        }
        // HAPI declares no targets for Reference(Any) (AuditEvent's entity, Provenance's target).
        return searchParam.getTargets().isEmpty() ? fhirContext.getResourceTypes() : searchParam.getTargets();
    }

    private static RuntimeSearchParam searchParameter(FhirContext fhirContext, String type, String parameter) {
        try {
            return fhirContext.getResourceDefinition(type).getSearchParam(parameter);
        } catch (DataFormatException e) {
            return null; // not a resource type
        }
    }

    private static boolean readable(SmartGrant grant, String type) {
        String checked = type.equals("*") ? null : type;
        return grant.allows(checked, Permission.READ) || grant.allows(checked, Permission.SEARCH);
    }

    /**
     * The rules of {@code grant} for a client with {@code role} (null: none), reading stored resources
     * through {@code stored} where a patient rule must know whose a resource is before it is loaded.
     */
    static List<IAuthRule> rules(SmartGrant grant, SystemRole role, StoredResources stored) {
        if (grant.unrestricted()) {
            return new RuleBuilder().allowAll("unrestricted scope").build();
        }
        if (role instanceof SystemRole.PatientVerifier) {
            return patientVerifierRules(grant);
        }
        IAuthRuleBuilder rules = new RuleBuilder();
        IdType patient = grant.patient().map(id -> new IdType("Patient", id)).orElse(null);
        // Rules of our own that HAPI's builder cannot express; they go first, ahead of the compartment rules.
        List<IAuthRule> patientRules = new ArrayList<>();
        if (PatientProvenance.appliesTo(grant)) {
            patientRules.add(new PatientProvenanceRule(patient.getIdPart(), stored));
        }
        if (patient != null && grant.scopes().stream().allMatch(scope -> scope.context() == Context.PATIENT)) {
            patientRules.add(new PatientWriteRule(patient.getIdPart()));
        }
        for (SmartScope scope : grant.scopes()) {
            String name = scope.context().name().toLowerCase(java.util.Locale.ROOT) + "/" + scope.resourceType();
            boolean inCompartment = scope.context() == Context.PATIENT;
            if (scope.query() != null) {
                // A granular category scope reads the type; CategoryScopeInterceptor then hides every
                // resource outside its categories. Any other granular scope, or writing, grants nothing.
                if (!scope.categories().isEmpty()
                        && (scope.permissions().contains(Permission.READ)
                                || scope.permissions().contains(Permission.SEARCH))) {
                    rules = limit(target(rules.allow(name + " read by category").read(), scope), inCompartment, patient)
                            .andThen();
                }
                continue;
            }
            if (scope.permissions().contains(Permission.READ)
                    || scope.permissions().contains(Permission.SEARCH)) {
                rules = limit(target(rules.allow(name + " read").read(), scope), inCompartment, patient)
                        .andThen();
                if (inCompartment) {
                    rules = linkedReads(rules, scope, name);
                    patientRules.add(new PatientHistoryRule(
                            name + " history of a resource in the compartment",
                            scope.coversAllTypes() ? null : scope.resourceType(),
                            patient.getIdPart(),
                            stored));
                }
            }
            if (scope.permissions().contains(Permission.CREATE)
                    || scope.permissions().contains(Permission.UPDATE)) {
                rules = limit(target(rules.allow(name + " write").write(), scope), inCompartment, patient)
                        .andThen();
            }
            if (scope.permissions().contains(Permission.DELETE)) {
                rules = limit(target(rules.allow(name + " delete").delete(), scope), inCompartment, patient)
                        .andThen();
            }
            if (inCompartment && scope.permissions().contains(Permission.UPDATE)) {
                // A conditional update's body need not carry an id (a Patient's then names no compartment):
                // HAPI lets the request through and decides the update itself when it is stored, by the write
                // rules above on the stored and on the new resource, so it changes only the patient's data
                // and never moves it out; a URL matching nothing creates, which the write rules refuse
                // unless the new resource is in the compartment (never a new Patient).
                var conditional = rules.allow(name + " conditional update").updateConditional();
                rules = (scope.coversAllTypes()
                                ? conditional.allResources()
                                : conditional.resourcesOfType(scope.resourceType()))
                        .andThen();
            }
            if (!grant.roleLimited() && scope.permissions().contains(Permission.UPDATE)) {
                // HAPI's patch rule cannot be limited by type or compartment; the interaction check above
                // has already required an update scope for the patched type, and HAPI then checks the
                // patched resource as an update when it is stored: by the write rules above on the stored
                // and on the patched version, so a patient scope patches only what is in its compartment and
                // cannot patch it out (a subject changed to another patient is refused). Role-limited
                // tokens get no such rule: HAPI then authorizes their patch by the write rules above, as an
                // update (the role matrix shows a receptionist patching an Appointment and refused an
                // Observation).
                rules = rules.allow(name + " patch").patch().allRequests().andThen();
            }
        }
        if (patient != null && grant.allows("Patient", Permission.READ)) {
            rules = rules.allow("own $everything")
                    .operation()
                    .named("$everything")
                    .onInstance(patient)
                    .andRequireExplicitResponseAuthorization()
                    .andThen();
        }
        if (role == null && !grant.roleLimited() && systemReadsPatients(grant)) {
            // A back end without a role (the portal's own) reads a patient's record in one request; every
            // resource in the answer must still pass the read rules above.
            rules = rules.allow("system $everything")
                    .operation()
                    .named("$everything")
                    .onInstancesOfType(org.hl7.fhir.r4.model.Patient.class)
                    .andRequireExplicitResponseAuthorization()
                    .andThen();
        }
        if (role instanceof SystemRole.EhrSystem ehr) {
            rules = ehrSystemRules(rules, grant, ehr);
        }
        patientRules.addAll(rules.allow("transaction entries each by the rules above")
                .transaction()
                .withAnyOperation()
                .andApplyNormalRules()
                .andThen()
                .allow("capability statement")
                .metadata()
                .andThen()
                .denyAll("PORTAL-AUTH-403: outside the token's scopes")
                .build());
        return patientRules;
    }

    private static boolean systemReadsPatients(SmartGrant grant) {
        return grant.scopes().stream()
                .anyMatch(scope -> scope.context() == Context.SYSTEM
                        && scope.query() == null
                        && scope.reaches("Patient", Permission.READ));
    }

    /**
     * The patient verifier's one operation, with a Patient update scope; {@link PatientVerifierInterceptor}
     * has already refused any other request and any tag other than the verification tag.
     */
    private static List<IAuthRule> patientVerifierRules(SmartGrant grant) {
        IAuthRuleBuilder rules = new RuleBuilder();
        if (grant.allows("Patient", Permission.UPDATE)) {
            rules = rules.allow("patient verifier removes the verification tag")
                    .operation()
                    .named(PatientVerifierInterceptor.META_DELETE)
                    .onInstancesOfType(org.hl7.fhir.r4.model.Patient.class)
                    .andAllowAllResponses()
                    .andThen();
        }
        return rules.denyAll("PORTAL-AUTH-403: outside the patient verifier's role")
                .build();
    }

    /**
     * Patient scopes also read the resources outside any patient's compartment that their record links to
     * and apps need to show it (issue 3, item 14): who treated them, where, for which organisation, with
     * which medicine. These hold no patient's data, so they are read by any id.
     */
    private static IAuthRuleBuilder linkedReads(IAuthRuleBuilder rules, SmartScope scope, String name) {
        for (String linked : PATIENT_LINKED_TYPES) {
            if (scope.appliesTo(linked)) {
                rules = rules.allow(name + " read linked " + linked)
                        .read()
                        .resourcesOfType(linked)
                        .withAnyId()
                        .andThen();
            }
        }
        return rules;
    }

    /**
     * An EHR system's {@code $everything} on a Patient and Bulk export of its own Group, whose results
     * {@link EhrSystemInterceptor} keeps to the Group's patients (the export job exports the Group's
     * members only). An export is of the types the scopes read: all of them for a wildcard scope, else
     * only an export naming some of those in {@code _type}.
     */
    private static IAuthRuleBuilder ehrSystemRules(IAuthRuleBuilder rules, SmartGrant grant, SystemRole.EhrSystem ehr) {
        if (grant.allows("Patient", Permission.READ)) {
            rules = rules.allow("ehr system $everything")
                    .operation()
                    .named("$everything")
                    .onInstancesOfType(org.hl7.fhir.r4.model.Patient.class)
                    .andRequireExplicitResponseAuthorization()
                    .andThen();
        }
        var export =
                rules.allow("ehr system export of its group").bulkExport().groupExportOnGroup("Group/" + ehr.group());
        if (!grant.allows(null, Permission.READ)) {
            export = export.withResourceTypes(grant.scopes().stream()
                    .filter(scope ->
                            scope.query() == null && scope.permissions().contains(Permission.READ))
                    .map(SmartScope::resourceType)
                    .distinct()
                    .toList());
        }
        return export.andThen()
                .allow("ehr system export kick-off")
                .operation()
                .named("$export")
                .onInstance(new IdType("Group", ehr.group()))
                .andAllowAllResponses()
                .andThen()
                .allow("ehr system export status")
                .operation()
                .named("$export-poll-status")
                .onServer()
                .andAllowAllResponses()
                .andThen();
    }

    private static IAuthRuleBuilderRuleOpClassifier target(IAuthRuleBuilderRuleOp op, SmartScope scope) {
        return scope.coversAllTypes() ? op.allResources() : op.resourcesOfType(scope.resourceType());
    }

    private static ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleFinished limit(
            IAuthRuleBuilderRuleOpClassifier target, boolean inCompartment, IdType patient) {
        return inCompartment ? target.inCompartment("Patient", patient) : target.withAnyId();
    }
}
