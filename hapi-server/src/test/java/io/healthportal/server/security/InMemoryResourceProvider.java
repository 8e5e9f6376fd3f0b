package io.healthportal.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.patch.JsonPatchUtils;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.Patch;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.provider.HashMapResourceProvider;
import ca.uhn.fhir.util.UrlUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * HAPI's {@link HashMapResourceProvider} (read, vread, create, update, delete, history, each firing the
 * storage pointcuts the portal's interceptors hook into) with what the security matrix also needs: real
 * search criteria, {@code _include} and {@code _revinclude} ({@link InMemorySearch}), conditional create
 * ({@code If-None-Exist}) and update, and JSON Patch. The overrides carry no annotations: HAPI binds the
 * superclass's annotated methods, which dispatch to them.
 */
class InMemoryResourceProvider<T extends IBaseResource> extends HashMapResourceProvider<T> {

    private final InMemorySearch search;
    private final String typeName;

    InMemoryResourceProvider(FhirContext fhirContext, Class<T> type, InMemorySearch search) {
        super(fhirContext, type);
        this.search = search;
        this.typeName = fhirContext.getResourceType(type);
    }

    String getResourceName() {
        return typeName;
    }

    /** Search: the matches and what they include, shown through the storage pointcuts as HAPI's JPA does. */
    @Override
    public synchronized IBundleProvider searchAll(RequestDetails request) {
        Map<String, String[]> parameters = request.getParameters();
        List<IBaseResource> matched = search.matches(getResourceName(), parameters).stream()
                .map(InMemoryResourceProvider::copy)
                .toList();
        List<IBaseResource> answer = new ArrayList<>(matched);
        for (IBaseResource included : search.included(matched, parameters)) {
            IBaseResource shown = copy(included);
            ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put((IAnyResource) shown, BundleEntrySearchModeEnum.INCLUDE);
            answer.add(shown);
        }
        return new SimpleBundleProvider(fireInterceptorsAndFilterAsNeeded(answer, request));
    }

    @Override
    public synchronized MethodOutcome create(T resource, RequestDetails request) {
        String ifNoneExist = request.getHeader("If-None-Exist");
        if (ifNoneExist == null) {
            return super.create(resource, request);
        }
        List<IBaseResource> found = search.matches(getResourceName(), UrlUtil.parseQueryString(ifNoneExist));
        if (found.isEmpty()) {
            return super.create(resource, request);
        }
        if (found.size() > 1) {
            throw new PreconditionFailedException("If-None-Exist matches " + found.size() + " resources");
        }
        List<IBaseResource> shown = fireInterceptorsAndFilterAsNeeded(List.of(copy(found.get(0))), request);
        MethodOutcome outcome = new MethodOutcome(found.get(0).getIdElement()).setCreated(false);
        if (!shown.isEmpty()) {
            outcome.setResource(shown.get(0));
        }
        return outcome;
    }

    /** Conditional update: {@code PUT Type?criteria} updates the one match, or creates when there is none. */
    @Override
    public synchronized MethodOutcome update(T resource, String conditionalUrl, RequestDetails request) {
        if (conditionalUrl == null) {
            return super.update(resource, null, request);
        }
        int query = conditionalUrl.indexOf('?');
        List<IBaseResource> found = search.matches(
                getResourceName(), UrlUtil.parseQueryString(query < 0 ? "" : conditionalUrl.substring(query + 1)));
        if (found.size() > 1) {
            throw new PreconditionFailedException("The conditional URL matches " + found.size() + " resources");
        }
        if (found.isEmpty()) {
            resource.setId((String) null);
            return super.create(resource, request);
        }
        resource.setId(found.get(0).getIdElement().toUnqualifiedVersionless());
        return super.update(resource, null, request);
    }

    @Patch
    public synchronized MethodOutcome patch(
            @IdParam IdType id, PatchTypeEnum patchType, @ResourceParam String body, RequestDetails request) {
        if (patchType != PatchTypeEnum.JSON_PATCH) {
            throw new InvalidRequestException("The matrix server applies JSON Patch only");
        }
        T patched = JsonPatchUtils.apply(getFhirContext(), copy(read(id, request)), body);
        patched.setId(id.toUnqualifiedVersionless());
        return super.update(patched, null, request);
    }

    /** A transaction's POST entry. */
    @SuppressWarnings("unchecked")
    MethodOutcome createEntry(IBaseResource resource, RequestDetails request) {
        return super.create((T) resource, request);
    }

    /** A transaction's PUT entry: {@code Type/id} or a conditional {@code Type?criteria}. */
    @SuppressWarnings("unchecked")
    MethodOutcome updateEntry(IBaseResource resource, String url, RequestDetails request) {
        if (url.contains("?")) {
            return update((T) resource, url, request);
        }
        resource.setId(new IdType(url));
        return super.update((T) resource, null, request);
    }

    /** Every stored resource of the type, as stored (no interceptors: the server's own view). */
    List<IBaseResource> stored() {
        return new ArrayList<>(getStoredResources());
    }

    /**
     * The stored version {@code id} names (the current one if it names none), unchecked; null when there
     * is none or the resource is deleted.
     */
    synchronized IBaseResource storedVersion(org.hl7.fhir.instance.model.api.IIdType id) {
        java.util.TreeMap<Long, T> versions = myIdToVersionToResourceMap.get(id.getIdPart());
        if (versions == null || versions.isEmpty()) {
            return null;
        }
        T version = id.hasVersionIdPart()
                ? versions.get(id.getVersionIdPartAsLong())
                : versions.lastEntry().getValue();
        return version == null || version.isDeleted() ? null : copy(version);
    }

    @SuppressWarnings("unchecked")
    static <R extends IBaseResource> R copy(R resource) {
        return (R) ((Resource) resource).copy();
    }

    /** Patient's provider, with {@code $everything}: the Patient and everything in its compartment. */
    static final class Patients extends InMemoryResourceProvider<Patient> {

        private final java.util.function.Supplier<List<IBaseResource>> everyStoredResource;

        Patients(
                FhirContext fhirContext,
                InMemorySearch search,
                java.util.function.Supplier<List<IBaseResource>> everyStoredResource) {
            super(fhirContext, Patient.class, search);
            this.everyStoredResource = everyStoredResource;
        }

        @Operation(name = "$everything", idempotent = true)
        public IBundleProvider everything(@IdParam IdType id, RequestDetails request) {
            Patient patient = read(id, request);
            List<IBaseResource> record = new ArrayList<>();
            record.add(patient);
            for (IBaseResource resource : everyStoredResource.get()) {
                if (!"Patient".equals(resource.fhirType())
                        && PatientCompartment.owners(resource, getFhirContext()).contains(id.getIdPart())) {
                    record.add(copy(resource));
                }
            }
            return new SimpleBundleProvider(fireInterceptorsAndFilterAsNeeded(record, request));
        }
    }
}
