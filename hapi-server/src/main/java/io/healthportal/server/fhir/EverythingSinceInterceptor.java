package io.healthportal.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;

/**
 * {@code Patient/$everything?_since=}: only resources updated at or after that instant, as the FHIR
 * spec defines the parameter. HAPI FHIR 8.8 accepts {@code _since} there but ignores it
 * (hapifhir/hapi-fhir#8039), so the resources are filtered as they are loaded, and the paging links
 * carry {@code _since} on, so that every page is filtered alike. Pages may hold fewer entries than
 * {@code _count}; FHIR allows that.
 */
@Interceptor
class EverythingSinceInterceptor {

    private static final String EVERYTHING = "$everything";

    @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
    void leaveOutWhatDidNotChangeSince(IPreResourceAccessDetails resources, RequestDetails request) {
        Optional<Date> since = since(request);
        if (since.isEmpty()) {
            return;
        }
        for (int i = 0; i < resources.size(); i++) {
            Date updated = resources.getResource(i).getMeta().getLastUpdated();
            if (updated == null || updated.before(since.get())) {
                resources.setDontReturnResourceAtIndex(i);
            }
        }
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    void carrySinceIntoPagingLinks(RequestDetails request, ResponseDetails response) {
        Optional<Date> since = since(request);
        IBaseResource body = response.getResponseResource();
        if (since.isEmpty() || !(body instanceof Bundle bundle)) {
            return;
        }
        PagingLinks.carry(bundle, Map.of(Constants.PARAM_SINCE, new String[] {
            new InstantType(since.get()).getValueAsString()
        }));
    }

    /** The {@code _since} of an {@code $everything} call, or of one of its pages. */
    private static Optional<Date> since(RequestDetails request) {
        boolean everything = EVERYTHING.equals(request.getOperation());
        boolean page = request.getParameters().containsKey(Constants.PARAM_PAGINGACTION);
        if (!everything && !page) {
            return Optional.empty();
        }
        String[] values = request.getParameters().get(Constants.PARAM_SINCE);
        String value = values != null && values.length > 0 ? values[0] : null;
        if (value == null && everything && request.getResource() instanceof Parameters parameters) {
            value = parameters.getParameter(Constants.PARAM_SINCE) == null
                    ? null
                    : parameters.getParameter(Constants.PARAM_SINCE).primitiveValue();
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InstantType(value).getValue());
        } catch (RuntimeException e) {
            throw new InvalidRequestException("_since must be an instant (e.g. 2026-01-31T09:00:00Z): " + value);
        }
    }
}
