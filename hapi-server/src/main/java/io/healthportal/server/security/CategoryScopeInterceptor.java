package io.healthportal.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;

/**
 * Enforces granular SMART scopes such as {@code
 * patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory}
 * when no wider scope reads the type:
 *
 * <ul>
 *   <li>a search of the type is narrowed to the granted categories (a {@code category} parameter is
 *       added, ANDed with any the client sent), so it answers with fewer results rather than failing;
 *   <li>every resource of the type outside the granted categories is hidden wherever it would be shown:
 *       a read answers 404 as if it did not exist, and {@code _include}, {@code _revinclude} and
 *       {@code $everything} leave it out. Hidden, not refused: the FHIR security page lets a server
 *       answer 404 so as not to reveal that a resource exists, and the app's grant is then simply a
 *       smaller view of the record, as a search sees it.
 * </ul>
 */
@Interceptor
class CategoryScopeInterceptor {

    static final String CATEGORY_PARAMETER = "category";
    private static final String GRANT_KEY = CategoryScopeInterceptor.class.getName() + ".grant";

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean narrowSearch(RequestDetails request) {
        Optional<SmartGrant> grant = SmartAuthorizationInterceptor.currentGrant();
        if (grant.isEmpty()) {
            return true;
        }
        // Resources may be loaded off this thread (paging); the grant travels with the request.
        request.getUserData().put(GRANT_KEY, grant.get());
        String type = request.getResourceName();
        if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE
                || !SmartScope.CATEGORY_TYPES.contains(type)) {
            return true;
        }
        grant.get()
                .categoryLimit(type)
                .filter(categories -> !categories.isEmpty())
                .ifPresent(categories -> {
                    Map<String, String[]> parameters = new HashMap<>(request.getParameters());
                    String[] existing = parameters.getOrDefault(CATEGORY_PARAMETER, new String[0]);
                    String[] narrowed = java.util.Arrays.copyOf(existing, existing.length + 1);
                    narrowed[existing.length] = String.join(",", categories);
                    parameters.put(CATEGORY_PARAMETER, narrowed);
                    request.setParameters(parameters);
                });
        return true;
    }

    @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
    public void hideOtherCategories(IPreResourceAccessDetails details, RequestDetails request) {
        if (request == null || !(request.getUserData().get(GRANT_KEY) instanceof SmartGrant grant)) {
            return; // the server's own work (demo data, the EHR simulator's patient search) is not an app's
        }
        Map<String, Set<String>> limits = new HashMap<>();
        for (String type : SmartScope.CATEGORY_TYPES) {
            grant.categoryLimit(type)
                    .filter(categories -> !categories.isEmpty())
                    .ifPresent(categories -> limits.put(type, categories));
        }
        if (limits.isEmpty()) {
            // Looking at a resource loads it; a search may match thousands, so only load when a limit applies.
            return;
        }
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource == null) {
                continue;
            }
            // Only where a category scope reads the type: a type the grant does not reach at all is left to
            // SmartAuthorizationInterceptor, which refuses it with a 403.
            Set<String> limit = limits.get(resource.fhirType());
            if (limit != null && categoriesOf(resource).stream().noneMatch(limit::contains)) {
                details.setDontReturnResourceAtIndex(i);
            }
        }
    }

    /** The resource's categories as {@code system|code} tokens. */
    static List<String> categoriesOf(IBaseResource resource) {
        List<CodeableConcept> categories;
        if (resource instanceof Observation observation) {
            categories = observation.getCategory();
        } else if (resource instanceof Condition condition) {
            categories = condition.getCategory();
        } else {
            return List.of();
        }
        return categories.stream()
                .flatMap(concept -> concept.getCoding().stream())
                .filter(coding -> coding.hasSystem() && coding.hasCode())
                .map(coding -> coding.getSystem() + "|" + coding.getCode())
                .toList();
    }
}
