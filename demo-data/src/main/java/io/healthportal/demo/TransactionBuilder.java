package io.healthportal.demo;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Collects POST entries of one transaction Bundle; each add returns a reference to the new entry. */
final class TransactionBuilder {

    private final Bundle bundle = new Bundle();

    TransactionBuilder() {
        bundle.setType(BundleType.TRANSACTION);
    }

    Reference create(String fullUrl, Resource resource) {
        return add(fullUrl, resource, null);
    }

    /** A conditional create: the server keeps the existing resource when {@code ifNoneExist} matches one. */
    Reference createIfNoneExist(String fullUrl, Resource resource, String ifNoneExist) {
        return add(fullUrl, resource, ifNoneExist);
    }

    int size() {
        return bundle.getEntry().size();
    }

    Bundle build() {
        return bundle;
    }

    private Reference add(String fullUrl, Resource resource, String ifNoneExist) {
        DemoTags.mark(resource);
        BundleEntryComponent entry = bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
        entry.getRequest().setMethod(HTTPVerb.POST).setUrl(resource.fhirType()).setIfNoneExist(ifNoneExist);
        return new Reference(fullUrl);
    }
}
