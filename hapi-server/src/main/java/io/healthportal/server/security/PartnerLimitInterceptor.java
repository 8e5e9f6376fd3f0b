package io.healthportal.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.util.UrlUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A partner system's limit on {@code /fhir} (issue 3, item 14), beside its {@link RoleLimit#PARTNER}
 * scopes (no delete, no patch). Everything a partner writes carries its own partner tag ({@value
 * #PARTNER_TAG_SYSTEM}{@code |<partner id>}); a Patient also carries the tag of its demographics owner
 * ({@value #OWNER_TAG_SYSTEM}{@code |<partner id>}), the partner that created it, never changed afterwards.
 *
 * <ul>
 *   <li><b>Writes</b> (create and update, conditional or not, top level or in a transaction or batch):
 *       the resource carries the partner's own tag and no other partner's tag that the stored version
 *       does not carry already; a resource other than a Patient is updated only when the stored version
 *       is the partner's own. A Patient the partner creates names it as demographics owner. Only the owner
 *       changes a Patient's demographics; any other partner (and every partner, for a Patient the portal
 *       created, which has no owner) may only add identifiers and its own partner tag, keeping all else as
 *       stored. A refusal in a transaction refuses all of it.
 *   <li><b>Patients</b> are matched, not browsed: a Patient search is one exact {@code
 *       identifier=system|value} token, and so is every conditional URL and conditional reference on
 *       Patient. Any other Patient search, a read of a Patient by id, {@code _include} and {@code
 *       _revinclude} that may reach Patients, chains and {@code _has} through Patient, {@code
 *       $everything} and every other place a Patient would be shown are 403s.
 *   <li><b>Everything else</b> is the partner's own: a search of another type is narrowed to the
 *       partner's tag (a {@code _tag} parameter is added, ANDed with the client's), and a resource without
 *       it is not shown (a read answers 404, as for category scopes: {@link CategoryScopeInterceptor}).
 *   <li>History and Bulk export are 403s: neither can be narrowed to the partner's own data.
 *   <li>Patch, {@code $meta-add} and {@code $meta-delete} are 403s: HAPI authorizes a patch like an
 *       update, but a partner writes whole resources only.
 * </ul>
 */
@Interceptor
class PartnerLimitInterceptor {

    static final String PARTNER_TAG_SYSTEM = "https://healthportal.io/CodeSystem/partner";
    static final String OWNER_TAG_SYSTEM = "https://healthportal.io/CodeSystem/demographics-owner";

    static final String PATIENTS_BY_IDENTIFIER_ONLY = "PORTAL-AUTH-403: a partner system finds a Patient only by"
            + " an exact identifier (Patient?identifier=system|value, also in conditional URLs and references);"
            + " it may not read Patients by id, search them otherwise, include them, chain into them or page"
            + " through them";
    static final String OWN_TAG_ONLY = "PORTAL-AUTH-403: a partner system writes only resources carrying its own"
            + " partner tag (meta.tag " + PARTNER_TAG_SYSTEM + "|<partner id>) and adds no other partner's tag";
    static final String NOT_ITS_RESOURCE = "PORTAL-AUTH-403: a partner system updates only resources that"
            + " already carry its own partner tag (another source wrote this one)";
    static final String OWNER_ON_CREATE = "PORTAL-AUTH-403: a Patient a partner system creates carries its own"
            + " demographics-owner tag (meta.tag " + OWNER_TAG_SYSTEM + "|<partner id>), and only that one";
    static final String OWNER_NEVER_CHANGES = "PORTAL-AUTH-403: a Patient's demographics owner (meta.tag "
            + OWNER_TAG_SYSTEM + ") is set when it is created and never changed";
    static final String NOT_DEMOGRAPHICS_OWNER = "PORTAL-AUTH-403: only the Patient's demographics owner may"
            + " change it; another partner may only add identifiers and its own partner tag, keeping all else"
            + " as stored";
    static final String NO_HISTORY = "PORTAL-AUTH-403: history is not available to a partner system";
    static final String NO_EXPORT = "PORTAL-AUTH-403: Bulk export is not available to a partner system";
    static final String NO_DELETE = "PORTAL-AUTH-403: a partner system does not delete";
    static final String NO_PATCH =
            "PORTAL-AUTH-403: a partner system writes whole resources (no patch, $meta-add or $meta-delete)";
    static final String NO_META_SNAPSHOT =
            "PORTAL-AUTH-403: a partner system does not replace stored tags (X-Meta-Snapshot-Mode)";
    static final String NO_SYSTEM_SEARCH = "PORTAL-AUTH-403: a partner system searches one resource type at a time";

    static final String TAG_PARAMETER = "_tag";
    private static final String LIMIT_KEY = PartnerLimitInterceptor.class.getName() + ".partner";
    private static final String PATIENT = "Patient";
    private static final String IDENTIFIER = "identifier";
    /** Result-shaping parameters an identifier search may carry: none of them reaches another Patient. */
    /** Write requests; a transaction's or batch's write entries carry the bundle's operation type. */
    private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(
            RestOperationTypeEnum.CREATE,
            RestOperationTypeEnum.UPDATE,
            RestOperationTypeEnum.TRANSACTION,
            RestOperationTypeEnum.BATCH);

    private static final Set<String> IDENTIFIER_SEARCH_EXTRAS =
            Set.of("_format", "_pretty", "_count", "_elements", "_summary");

    /** The partner whose request this is. */
    record PartnerLimit(String partnerId) {

        String tagToken() {
            return PARTNER_TAG_SYSTEM + "|" + partnerId;
        }

        boolean owns(IBaseResource resource) {
            return codes(resource, PARTNER_TAG_SYSTEM).contains(partnerId);
        }
    }

    /** The partner limit on {@code request}, or null when the caller is not a partner system. */
    static PartnerLimit limitOf(RequestDetails request) {
        return request == null ? null : (PartnerLimit) request.getUserData().get(LIMIT_KEY);
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean resolveLimit(RequestDetails request) {
        Optional<SystemRole> role = SmartAuthorizationInterceptor.currentToken().flatMap(SystemRole::fromToken);
        if (!(role.orElse(null) instanceof SystemRole.Partner partner)) {
            return true;
        }
        PartnerLimit limit = new PartnerLimit(partner.partnerId());
        // Resources may be checked off this thread and in a transaction's entries; the limit travels with
        // the request (entries share its user data).
        request.getUserData().put(LIMIT_KEY, limit);
        if (request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE
                && !PATIENT.equals(request.getResourceName())) {
            Map<String, String[]> parameters = new HashMap<>(request.getParameters());
            String[] existing = parameters.getOrDefault(TAG_PARAMETER, new String[0]);
            String[] narrowed = Arrays.copyOf(existing, existing.length + 1);
            narrowed[existing.length] = limit.tagToken();
            parameters.put(TAG_PARAMETER, narrowed);
            request.setParameters(parameters);
        }
        return true;
    }

    /** Before HAPI handles the request, and each GET entry of a transaction or batch. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void checkRequest(RequestDetails request, RestOperationTypeEnum operation) {
        if (limitOf(request) == null || operation == null) {
            return;
        }
        // The update checks assume HAPI keeps stored tags; this header would let an update drop other
        // partners' tags and the demographics owner's.
        if (request.getHeader("X-Meta-Snapshot-Mode") != null) {
            throw new ForbiddenOperationException(NO_META_SNAPSHOT);
        }
        String type = request.getResourceName();
        switch (operation) {
            case HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> throw new ForbiddenOperationException(NO_HISTORY);
            case SEARCH_SYSTEM -> throw new ForbiddenOperationException(NO_SYSTEM_SEARCH);
            case DELETE -> throw new ForbiddenOperationException(NO_DELETE);
            // HAPI authorizes a patch like an update, which the partner's scopes allow; a partner writes
            // whole resources only, and changes tags only by writing them ($meta-delete could drop the
            // demographics owner's).
            case PATCH, META_ADD, META_DELETE -> throw new ForbiddenOperationException(NO_PATCH);
            case READ, VREAD -> {
                if (PATIENT.equals(type)) {
                    throw new ForbiddenOperationException(PATIENTS_BY_IDENTIFIER_ONLY);
                }
            }
            case SEARCH_TYPE -> {
                if (PATIENT.equals(type) && !exactIdentifierSearch(request.getParameters(), IDENTIFIER_SEARCH_EXTRAS)) {
                    throw new ForbiddenOperationException(PATIENTS_BY_IDENTIFIER_ONLY);
                }
            }
            case CREATE, UPDATE -> {
                checkConditionalUrl(type, request.getConditionalUrl(operation));
                if (request.getResource() instanceof Resource resource) {
                    checkConditionalReferences(resource, request.getFhirContext());
                }
            }
            case TRANSACTION, BATCH -> {
                if (request.getResource() instanceof Bundle bundle) {
                    checkBundle(bundle, request.getFhirContext());
                }
            }
            case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE -> {
                if ("$export".equals(request.getOperation())) {
                    throw new ForbiddenOperationException(NO_EXPORT);
                }
                if (PATIENT.equals(type)) {
                    throw new ForbiddenOperationException(PATIENTS_BY_IDENTIFIER_ONLY);
                }
            }
            default -> {
                // Paging, capabilities: what they show is checked resource by resource below.
            }
        }
        if (type != null && reachesPatients(type, request.getParameters(), request.getFhirContext())) {
            throw new ForbiddenOperationException(PATIENTS_BY_IDENTIFIER_ONLY);
        }
    }

    /**
     * Every resource about to be shown: a Patient only in the answer to an identifier search (checked
     * above) or to a write (a conditional create matching by identifier answers with the Patient it
     * matched), anything else only when it carries the partner's tag (so a conditional create that matches
     * another source's resource answers without it).
     */
    @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
    public void checkReads(IPreResourceAccessDetails details, RequestDetails request) {
        PartnerLimit limit = limitOf(request);
        if (limit == null) {
            return;
        }
        RestOperationTypeEnum operation = request.getRestOperationType();
        boolean patientsShown = operation != null && WRITES.contains(operation)
                || operation == RestOperationTypeEnum.SEARCH_TYPE && PATIENT.equals(request.getResourceName());
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource == null) {
                continue;
            }
            if (PATIENT.equals(resource.fhirType())) {
                if (!patientsShown) {
                    throw new ForbiddenOperationException(PATIENTS_BY_IDENTIFIER_ONLY);
                }
            } else if (!limit.owns(resource)) {
                details.setDontReturnResourceAtIndex(i);
            }
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void checkCreate(IBaseResource resource, RequestDetails request) {
        PartnerLimit limit = limitOf(request);
        if (limit == null) {
            return;
        }
        checkPartnerTags(limit, Set.of(), resource);
        if (PATIENT.equals(resource.fhirType())
                && !codes(resource, OWNER_TAG_SYSTEM).equals(Set.of(limit.partnerId()))) {
            throw new ForbiddenOperationException(OWNER_ON_CREATE);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void checkUpdate(IBaseResource stored, IBaseResource updated, RequestDetails request) {
        PartnerLimit limit = limitOf(request);
        if (limit == null) {
            return;
        }
        checkPartnerTags(limit, codes(stored, PARTNER_TAG_SYSTEM), updated);
        if (!(stored instanceof Patient storedPatient && updated instanceof Patient updatedPatient)) {
            if (!limit.owns(stored)) {
                throw new ForbiddenOperationException(NOT_ITS_RESOURCE);
            }
            return;
        }
        Set<String> owner = codes(stored, OWNER_TAG_SYSTEM);
        // Tags are kept across updates (HAPI adds, never removes them), so leaving the owner out keeps it.
        if (!owner.containsAll(codes(updated, OWNER_TAG_SYSTEM))) {
            throw new ForbiddenOperationException(OWNER_NEVER_CHANGES);
        }
        if (!owner.equals(Set.of(limit.partnerId()))
                && !onlyAddsIdentifiersAndOwnTag(limit, storedPatient, updatedPatient)) {
            throw new ForbiddenOperationException(NOT_DEMOGRAPHICS_OWNER);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void checkDelete(IBaseResource resource, RequestDetails request) {
        // Refused already by the scopes (RoleLimit.PARTNER); here too, whatever path reached it.
        if (limitOf(request) != null) {
            throw new ForbiddenOperationException(NO_DELETE);
        }
    }

    /** The written resource carries the partner's tag, and no partner tag but its own that was not there. */
    private static void checkPartnerTags(PartnerLimit limit, Set<String> storedPartners, IBaseResource written) {
        Set<String> partners = codes(written, PARTNER_TAG_SYSTEM);
        if (!partners.contains(limit.partnerId())) {
            throw new ForbiddenOperationException(OWN_TAG_ONLY);
        }
        for (String partner : partners) {
            if (!partner.equals(limit.partnerId()) && !storedPartners.contains(partner)) {
                throw new ForbiddenOperationException(OWN_TAG_ONLY);
            }
        }
    }

    /**
     * Whether {@code updated} is {@code stored} with identifiers and the partner's own tag added, and
     * nothing else changed: every stored identifier is still there, no tag other than the partner's own is
     * new, and all other content (demographics, links, narrative, extensions) is as stored.
     */
    static boolean onlyAddsIdentifiersAndOwnTag(PartnerLimit limit, Patient stored, Patient updated) {
        Set<String> storedTags = tags(stored);
        for (String tag : tags(updated)) {
            if (!storedTags.contains(tag) && !tag.equals(limit.tagToken())) {
                return false;
            }
        }
        List<Identifier> added = new ArrayList<>(updated.getIdentifier());
        for (Identifier kept : stored.getIdentifier()) {
            if (!added.removeIf(identifier -> identifier.equalsDeep(kept))) {
                return false;
            }
        }
        Patient before = withoutMetaAndIdentifiers(stored);
        Patient after = withoutMetaAndIdentifiers(updated);
        return before.equalsDeep(after);
    }

    private static Patient withoutMetaAndIdentifiers(Patient patient) {
        Patient copy = patient.copy();
        copy.setMeta(null);
        copy.setIdElement(null);
        copy.setIdentifier(null);
        return copy;
    }

    private static Set<String> tags(IBaseResource resource) {
        return resource.getMeta().getTag().stream()
                .map(tag -> tag.getSystem() + "|" + tag.getCode())
                .collect(Collectors.toSet());
    }

    /** The codes of {@code resource}'s tags of {@code system}. */
    static Set<String> codes(IBaseResource resource, String system) {
        Set<String> codes = new HashSet<>();
        resource.getMeta().getTag().stream()
                .filter(tag -> system.equals(tag.getSystem()) && tag.getCode() != null)
                .forEach(tag -> codes.add(tag.getCode()));
        return codes;
    }

    /**
     * Whether {@code parameters} are exactly one {@code identifier} token with both a system and a value,
     * no modifier, no alternatives, plus at most the {@code extras}.
     */
    static boolean exactIdentifierSearch(Map<String, String[]> parameters, Set<String> extras) {
        if (parameters == null) {
            return false;
        }
        boolean identifier = false;
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (extras.contains(parameter.getKey())) {
                continue;
            }
            if (!IDENTIFIER.equals(parameter.getKey())
                    || parameter.getValue().length != 1
                    || !systemAndValue(parameter.getValue()[0])) {
                return false;
            }
            identifier = true;
        }
        return identifier;
    }

    /** {@code system|value}: one unescaped bar with text on both sides, and no unescaped comma. */
    private static boolean systemAndValue(String token) {
        int bars = 0;
        int bar = -1;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ',') {
                return false;
            } else if (c == '|') {
                bars++;
                bar = i;
            }
        }
        return bars == 1 && bar > 0 && bar < token.length() - 1;
    }

    /** A conditional create's or update's URL on Patient must be an exact identifier match. */
    private static void checkConditionalUrl(String type, String conditionalUrl) {
        if (conditionalUrl == null || !PATIENT.equals(type)) {
            return;
        }
        int query = conditionalUrl.indexOf('?');
        if (!exactIdentifierSearch(
                UrlUtil.parseQueryString(query < 0 ? conditionalUrl : conditionalUrl.substring(query + 1)), Set.of())) {
            throw new ForbiddenOperationException(PATIENTS_BY_IDENTIFIER_ONLY);
        }
    }

    /** The write entries of a transaction or batch: their conditional URLs and references on Patient. */
    private static void checkBundle(Bundle bundle, FhirContext fhirContext) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Bundle.BundleEntryRequestComponent request = entry.getRequest();
            String url = request.getUrl();
            if (url != null && url.startsWith(PATIENT + "?") && request.getMethod() != Bundle.HTTPVerb.GET) {
                checkConditionalUrl(PATIENT, url);
            }
            if (request.hasIfNoneExist() && url != null && (url.equals(PATIENT) || url.startsWith(PATIENT + "/"))) {
                checkConditionalUrl(PATIENT, request.getIfNoneExist());
            }
            if (entry.getResource() != null) {
                checkConditionalReferences(entry.getResource(), fhirContext);
            }
        }
    }

    /** References such as {@code Patient?identifier=...}, which HAPI resolves by a search. */
    private static void checkConditionalReferences(Resource resource, FhirContext fhirContext) {
        for (Reference reference :
                fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            String target = reference.getReference();
            if (target != null && target.startsWith(PATIENT + "?")) {
                checkConditionalUrl(PATIENT, target);
            }
        }
    }

    /**
     * Whether a parameter of a {@code type} request may reach Patients other than by an identifier search:
     * an {@code _include} whose reference may point at a Patient, a {@code _revinclude} from Patient, any
     * wildcard include, a chain with a hop that may land on Patient, or a {@code _has} through Patient.
     */
    static boolean reachesPatients(String type, Map<String, String[]> parameters, FhirContext fhirContext) {
        if (parameters == null) {
            return false;
        }
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            if (name.startsWith("_include")) {
                for (String value : parameter.getValue()) {
                    if (includeMayReachPatient(value, fhirContext)) {
                        return true;
                    }
                }
            } else if (name.startsWith("_revinclude")) {
                for (String value : parameter.getValue()) {
                    String source = value.split(":")[0].trim();
                    if (source.equals("*") || source.equals(PATIENT) || value.contains("*")) {
                        return true;
                    }
                }
            } else if (name.startsWith("_has")) {
                if (name.contains(PATIENT) || name.contains(".")) {
                    return true;
                }
            } else if (!name.startsWith("_") && name.contains(".") && chainMayReachPatient(type, name, fhirContext)) {
                return true;
            }
        }
        return false;
    }

    private static boolean includeMayReachPatient(String include, FhirContext fhirContext) {
        String[] parts = include.trim().split(":");
        if (parts.length < 2 || parts[0].equals("*") || parts[1].equals("*")) {
            return true;
        }
        if (parts.length > 2) {
            return parts[2].equals(PATIENT);
        }
        return targets(parts[0], parts[1], fhirContext).contains(PATIENT);
    }

    /** {@code subject.name}, {@code subject:Patient.name}, {@code encounter.subject.name}: every hop checked. */
    private static boolean chainMayReachPatient(String type, String name, FhirContext fhirContext) {
        String[] hops = name.split("\\.");
        Set<String> types = Set.of(type);
        for (int i = 0; i < hops.length - 1; i++) {
            String[] hop = hops[i].split(":");
            Set<String> next = new HashSet<>();
            if (hop.length > 1) {
                next.add(hop[1]);
            } else {
                for (String from : types) {
                    next.addAll(targets(from, hop[0], fhirContext));
                }
            }
            if (next.contains(PATIENT)) {
                return true;
            }
            types = next;
        }
        return false;
    }

    /**
     * The types reference search parameter {@code parameter} of {@code type} may point at; {@code Patient}
     * among them when that cannot be told (an unknown type or parameter, one without declared targets).
     */
    private static Set<String> targets(String type, String parameter, FhirContext fhirContext) {
        RuntimeResourceDefinition definition;
        try {
            definition = fhirContext.getResourceDefinition(type);
        } catch (RuntimeException e) {
            return Set.of(PATIENT);
        }
        RuntimeSearchParam searchParam = definition.getSearchParam(parameter);
        if (searchParam == null || searchParam.getTargets().isEmpty()) {
            return Set.of(PATIENT);
        }
        return searchParam.getTargets();
    }
}
