package io.healthportal.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletConfig;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A plain HAPI {@link RestfulServer} on in-memory providers, no database: the security matrix's server.
 * It carries the interceptors it is given (the production ones), and {@link #execute} runs each request
 * on the calling thread with the access token in Spring's {@link SecurityContextHolder}, where the
 * resource server's filter puts it on the real server, and clears it afterwards.
 */
final class InMemoryFhirServer {

    static final String BASE = "http://localhost/fhir";

    /** What the server answered. */
    record Response(int status, String body) {}

    private final FhirContext fhirContext;
    private final Map<String, InMemoryResourceProvider<? extends IBaseResource>> providers = new LinkedHashMap<>();
    private final InMemorySearch search;
    private final MockServletContext servletContext = new MockServletContext();
    private final RestfulServer server;

    /**
     * @param types the resource types it stores
     * @param interceptors the request-facing interceptors, given this server to read its data from
     */
    InMemoryFhirServer(
            FhirContext fhirContext,
            Collection<Class<? extends IBaseResource>> types,
            Function<InMemoryFhirServer, List<Object>> interceptors) {
        this.fhirContext = fhirContext;
        this.search = new InMemorySearch(fhirContext, this::stored);
        for (Class<? extends IBaseResource> type : types) {
            providers.put(fhirContext.getResourceType(type), provider(type));
        }
        server = new RestfulServer(fhirContext);
        server.setResourceProviders(new ArrayList<>(providers.values()));
        server.registerProvider(new Transactions());
        server.setServerAddressStrategy(new HardcodedServerAddressStrategy(BASE));
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        interceptors.apply(this).forEach(server::registerInterceptor);
        try {
            server.init(new MockServletConfig(servletContext, "fhir"));
        } catch (ServletException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private InMemoryResourceProvider<? extends IBaseResource> provider(Class<? extends IBaseResource> type) {
        if (type == Patient.class) {
            return new InMemoryResourceProvider.Patients(fhirContext, search, this::everyStored);
        }
        return new InMemoryResourceProvider(fhirContext, type, search);
    }

    /** Forgets everything stored and stores {@code resources} instead, each at version 1 with its own id. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void reset(List<? extends IBaseResource> resources) {
        providers.values().forEach(InMemoryResourceProvider::clear);
        for (IBaseResource resource : resources) {
            InMemoryResourceProvider provider = providers.get(resource.fhirType());
            provider.store(InMemoryResourceProvider.copy(resource));
        }
    }

    /** The current version of every stored {@code type} resource, unchecked (the server's own view). */
    List<IBaseResource> stored(String type) {
        InMemoryResourceProvider<? extends IBaseResource> provider = providers.get(type);
        return provider == null ? List.of() : provider.stored();
    }

    private List<IBaseResource> everyStored() {
        List<IBaseResource> all = new ArrayList<>();
        providers.values().forEach(provider -> all.addAll(provider.stored()));
        return all;
    }

    /** A system search, as {@link CareRelationships} runs it through HAPI's DAOs on the real server. */
    List<IBaseResource> search(String type, SearchParameterMap parameters) {
        String query = parameters.toNormalizedQueryString(fhirContext);
        return search.matches(type, UrlUtil.parseQueryString(query.startsWith("?") ? query.substring(1) : query));
    }

    /** A system read, as {@link GroupMembers} reads a Group through HAPI's DAO on the real server. */
    IBaseResource read(IdType id) {
        return stored(id.getResourceType()).stream()
                .filter(resource -> resource.getIdElement().getIdPart().equals(id.getIdPart()))
                .findFirst()
                .orElseThrow(() -> new ResourceNotFoundException(id));
    }

    /**
     * A system read of the version {@code id} names (the current one if it names none), as {@link
     * StoredResources} reads through HAPI's DAO on the real server; null when there is no such version.
     */
    IBaseResource readVersion(org.hl7.fhir.instance.model.api.IIdType id) {
        InMemoryResourceProvider<? extends IBaseResource> provider = providers.get(id.getResourceType());
        return provider == null ? null : provider.storedVersion(id);
    }

    /**
     * Sends one request as the holder of {@code token}.
     *
     * @param pathAndQuery relative to the FHIR base, such as {@code Observation?subject=Patient/1}, already
     *     URL-encoded
     * @param body the request body (FHIR JSON, or JSON Patch for {@code PATCH}), or null
     * @param headers further request headers
     */
    Response execute(Jwt token, String method, String pathAndQuery, String body, Map<String, String> headers) {
        int question = pathAndQuery.indexOf('?');
        String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        MockHttpServletRequest request = new MockHttpServletRequest(servletContext, method, "/fhir/" + path);
        request.setContextPath("");
        request.setServletPath("/fhir");
        request.setPathInfo("/" + path);
        if (question >= 0) {
            request.setQueryString(pathAndQuery.substring(question + 1));
        }
        request.addHeader("Accept", "application/fhir+json");
        if (body != null) {
            request.setContent(body.getBytes(StandardCharsets.UTF_8));
            request.setContentType(
                    method.equals("PATCH") ? "application/json-patch+json" : "application/fhir+json; charset=UTF-8");
            request.setCharacterEncoding("UTF-8");
        }
        headers.forEach(request::addHeader);
        MockHttpServletResponse response = new MockHttpServletResponse();
        SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(token));
        try {
            server.service(request, response);
            return new Response(response.getStatus(), response.getContentAsString(StandardCharsets.UTF_8));
        } catch (ServletException | IOException e) {
            throw new IllegalStateException(e);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /**
     * Transaction and batch: each entry written through its type's provider with the request's details, so
     * every entry passes the storage pointcuts as on the real server. Enough for the matrix: POST, PUT and
     * DELETE entries, no references between entries, and no rollback (a refused entry refuses the request).
     */
    final class Transactions {

        @Transaction
        public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
            Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Bundle.BundleEntryRequestComponent entryRequest = entry.getRequest();
                String url = entryRequest.getUrl();
                MethodOutcome outcome = switch (entryRequest.getMethod()) {
                    case POST -> writer(url).createEntry(entry.getResource(), request);
                    case PUT -> writer(url).updateEntry(entry.getResource(), url, request);
                    case DELETE -> writer(url).delete(new IdType(url), request);
                    default ->
                        throw new InvalidRequestException(
                                "The matrix server's transactions take POST, PUT and DELETE entries");
                };
                response.addEntry()
                        .getResponse()
                        .setStatus(Boolean.TRUE.equals(outcome.getCreated()) ? "201 Created" : "200 OK")
                        .setLocation(
                                outcome.getId() == null ? null : outcome.getId().getValue());
            }
            return response;
        }

        private InMemoryResourceProvider<? extends IBaseResource> writer(String url) {
            String type = url.split("[/?]")[0];
            InMemoryResourceProvider<? extends IBaseResource> provider = providers.get(type);
            if (provider == null) {
                throw new InvalidRequestException("Unknown resource type in a transaction entry: " + type);
            }
            return provider;
        }
    }
}
