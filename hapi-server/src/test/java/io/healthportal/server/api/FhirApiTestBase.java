package io.healthportal.server.api;

import io.healthportal.server.FhirServerTestBase;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the API tests share on top of the server base: unique test values, JSON in and out, searches
 * by URL and the ids a Bundle holds. It adds nothing to the Spring context.
 */
abstract class FhirApiTestBase extends FhirServerTestBase {

    static final String FHIR_JSON = "application/fhir+json";
    static final String TEST_SYSTEM = "urn:healthportal:test";

    /** A value no other test writes: {@code prefix} and ten random lowercase letters. */
    static String unique(String prefix) {
        StringBuilder value = new StringBuilder(prefix);
        ThreadLocalRandom.current().ints(10, 'a', 'z' + 1).forEach(c -> value.append((char) c));
        return value.toString();
    }

    static Patient patient(String family) {
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        return patient;
    }

    static Reference reference(Resource resource) {
        return new Reference(resource.getIdElement().toUnqualifiedVersionless());
    }

    @SuppressWarnings("unchecked")
    <T extends Resource> T create(T resource) {
        return (T) client().create().resource(resource).execute().getResource();
    }

    String json(IBaseResource resource) {
        return fhirContext.newJsonParser().encodeResourceToString(resource);
    }

    <T extends IBaseResource> T parse(Class<T> type, String json) {
        return fhirContext.newJsonParser().parseResource(type, json);
    }

    /** A search by URL relative to the FHIR base, e.g. {@code Patient?family=x}; the client escapes it. */
    Bundle search(String relativeUrl) {
        return client().search().byUrl(relativeUrl).returnBundle(Bundle.class).execute();
    }

    /** Every page of a search, by following its {@code next} links. */
    List<Bundle> allPages(Bundle first) {
        List<Bundle> pages = new ArrayList<>(List.of(first));
        Bundle page = first;
        while (page.getLink(Bundle.LINK_NEXT) != null) {
            page = client().loadPage().next(page).execute();
            pages.add(page);
            if (pages.size() > 100) {
                throw new AssertionError("More than 100 pages: the next links do not end");
            }
        }
        return pages;
    }

    /** {@code Type/id} of each entry, in order, whatever its search mode. */
    static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(entry -> typeAndId(entry.getResource()))
                .toList();
    }

    /** {@code Type/id} of the entries a search matched, leaving out includes and outcomes. */
    static List<String> matchIds(Bundle bundle) {
        return bundle.getEntry().stream()
                .filter(entry -> entry.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .map(entry -> typeAndId(entry.getResource()))
                .toList();
    }

    static String typeAndId(IBaseResource resource) {
        return resource.getIdElement().toUnqualifiedVersionless().getValue();
    }

    /** A query-string value escaped for a raw HTTP request. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    HttpResponse<String> postJson(String path, String body, String... headers) {
        var request = request(path).header("Content-Type", FHIR_JSON).POST(BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }
}
