package io.healthportal.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.util.FhirTerser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;

/**
 * What one {@code /fhir} request did, as the request thread saw it; {@link #toEvents} turns it into
 * AuditEvents on the writer thread: one for the request, or one per entry of a transaction or batch,
 * each with one entity per patient whose data it returned or touched.
 *
 * @param interaction HAPI's name for what was asked, or null when the request failed before HAPI knew
 * @param operationName the extended operation ({@code $everything}), or null
 * @param resourceType the type in the URL, or null
 * @param targetId {@code Type/id[/_history/v]} in the URL, or null
 * @param query the search or operation as asked, {@code Type?name=value...}, or null
 * @param detail the error message of a refused or failed request, or null
 * @param response the resource or Bundle answered, or null
 * @param body the resource or Bundle sent, or null
 */
record AuditedRequest(
        Instant recorded,
        RestOperationTypeEnum interaction,
        String operationName,
        String resourceType,
        String targetId,
        String query,
        int status,
        String detail,
        AuditActor actor,
        IBaseResource response,
        IBaseResource body) {

    private static final String PATIENT = "Patient";
    private static final int DETAIL_LIMIT = 500;

    List<AuditEvent> toEvents(AuditEvents events, FhirContext fhirContext) {
        FhirTerser terser = fhirContext.newTerser();
        if ((interaction == RestOperationTypeEnum.TRANSACTION || interaction == RestOperationTypeEnum.BATCH)
                && body instanceof Bundle request
                && response instanceof Bundle answered) {
            return entryEvents(events, terser, request, answered);
        }
        AuditEvent event = events.rest(recorded, code(interaction), action(interaction), status, shortDetail(), actor);
        if (operationName != null) {
            event.addSubtype(new org.hl7.fhir.r4.model.Coding(AuditEvents.PORTAL_SUBTYPE, operationName, null));
        }
        Map<String, Reference> patients = new LinkedHashMap<>();
        if (status < 400) {
            addPatients(patients, terser, response != null ? response : body);
        } else if (body != null && !(body instanceof Bundle)) {
            addPatients(patients, terser, body); // a refused write: whose record it tried to reach
        }
        String target = target();
        if (target != null) {
            if (new IdType(target).getResourceType().equals(PATIENT)) {
                patients.putIfAbsent(versionless(target), new Reference(target));
            } else {
                event.addEntity(AuditEvents.resource(new Reference(target)));
            }
        }
        patients.values().forEach(patient -> event.addEntity(AuditEvents.patient(patient)));
        if (query != null && !query.isEmpty() && action(interaction) == AuditEventAction.E) {
            event.addEntity(AuditEvents.query(query));
        }
        return List.of(event);
    }

    /** The resource read or written: as answered (with its new version) where HAPI answered one. */
    private String target() {
        if (status < 400
                && response != null
                && !(response instanceof Bundle)
                && !(response instanceof OperationOutcome)
                && response.getIdElement().hasIdPart()
                && response.getIdElement().hasResourceType()
                && interaction != null
                && interaction != RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE) {
            return response.getIdElement().toUnqualified().getValue();
        }
        return targetId != null && new IdType(targetId).hasResourceType() ? targetId : null;
    }

    private List<AuditEvent> entryEvents(AuditEvents events, FhirTerser terser, Bundle request, Bundle answered) {
        List<AuditEvent> perEntry = new ArrayList<>();
        for (int i = 0; i < request.getEntry().size(); i++) {
            Bundle.BundleEntryComponent asked = request.getEntry().get(i);
            Bundle.BundleEntryComponent answer =
                    i < answered.getEntry().size() ? answered.getEntry().get(i) : new Bundle.BundleEntryComponent();
            Bundle.HTTPVerb method = asked.getRequest().getMethod();
            String url = asked.getRequest().getUrl();
            boolean search = method == Bundle.HTTPVerb.GET && (url == null || url.contains("?") || !url.contains("/"));
            String code = switch (method == null ? Bundle.HTTPVerb.NULL : method) {
                case POST -> "create";
                case PUT -> "update";
                case PATCH -> "patch";
                case DELETE -> "delete";
                case GET, HEAD -> search ? "search-type" : "read";
                default -> "operation";
            };
            AuditEventAction action = switch (code) {
                case "create" -> AuditEventAction.C;
                case "update", "patch" -> AuditEventAction.U;
                case "delete" -> AuditEventAction.D;
                case "read" -> AuditEventAction.R;
                default -> AuditEventAction.E;
            };
            int entryStatus = entryStatus(answer.getResponse().getStatus());
            AuditEvent event = events.rest(recorded, code, action, entryStatus, null, actor);
            event.addSubtype(new org.hl7.fhir.r4.model.Coding(
                    AuditEvents.RESTFUL_INTERACTION, code(interaction), code(interaction)));
            Map<String, Reference> patients = new LinkedHashMap<>();
            addPatients(patients, terser, asked.getResource());
            addPatients(patients, terser, answer.getResource());
            String location = answer.getResponse().getLocation();
            String touched = location != null && new IdType(location).hasResourceType()
                    ? new IdType(location).toUnqualified().getValue()
                    : !search && url != null ? url.replaceAll("\\?.*", "") : null;
            if (touched != null && new IdType(touched).hasIdPart()) {
                if (new IdType(touched).getResourceType().equals(PATIENT)) {
                    patients.putIfAbsent(versionless(touched), new Reference(touched));
                } else {
                    event.addEntity(AuditEvents.resource(new Reference(touched)));
                }
            }
            patients.values().forEach(patient -> event.addEntity(AuditEvents.patient(patient)));
            if (search && url != null) {
                event.addEntity(AuditEvents.query(url));
            }
            perEntry.add(event);
        }
        return perEntry;
    }

    /** The patients {@code resource} belongs to: itself if a Patient, its compartment owners, each once. */
    private static void addPatients(Map<String, Reference> patients, FhirTerser terser, IBaseResource resource) {
        if (resource == null) {
            return;
        }
        if (resource instanceof Bundle bundle) {
            bundle.getEntry().forEach(entry -> addPatients(patients, terser, entry.getResource()));
            return;
        }
        IIdType id = resource.getIdElement();
        if (PATIENT.equals(resource.fhirType()) && id.hasIdPart()) {
            // The Patient itself, at the version answered, wins over a reference to it.
            patients.put(
                    id.getIdPart(),
                    new Reference(PATIENT + "/" + id.getIdPart()
                            + (id.hasVersionIdPart() ? "/_history/" + id.getVersionIdPart() : "")));
        }
        for (IIdType owner : terser.getCompartmentOwnersForResource(PATIENT, resource, Set.of())) {
            if (owner.hasIdPart() && !owner.isLocal()) {
                patients.putIfAbsent(owner.getIdPart(), new Reference(PATIENT + "/" + owner.getIdPart()));
            }
        }
    }

    private static String versionless(String reference) {
        return new IdType(reference).getIdPart();
    }

    private static int entryStatus(String status) {
        if (status == null || status.length() < 3) {
            return 200;
        }
        try {
            return Integer.parseInt(status.substring(0, 3));
        } catch (NumberFormatException e) {
            return 200;
        }
    }

    private String shortDetail() {
        if (detail == null) {
            return null;
        }
        return detail.length() > DETAIL_LIMIT ? detail.substring(0, DETAIL_LIMIT) : detail;
    }

    /** The {@code restful-interaction} code for what HAPI was asked. */
    static String code(RestOperationTypeEnum interaction) {
        if (interaction == null) {
            return "operation";
        }
        return switch (interaction) {
            case READ -> "read";
            case VREAD -> "vread";
            case CREATE -> "create";
            case UPDATE -> "update";
            case PATCH -> "patch";
            case DELETE -> "delete";
            case HISTORY_INSTANCE -> "history-instance";
            case HISTORY_TYPE -> "history-type";
            case HISTORY_SYSTEM -> "history-system";
            case SEARCH_TYPE, GET_PAGE -> "search-type";
            case SEARCH_SYSTEM -> "search-system";
            case TRANSACTION -> "transaction";
            case BATCH -> "batch";
            case METADATA -> "capabilities";
            default -> "operation";
        };
    }

    /** C create, R read, U update, D delete, E execute (searches and operations, as BALP has them). */
    static AuditEventAction action(RestOperationTypeEnum interaction) {
        if (interaction == null) {
            return AuditEventAction.E;
        }
        return switch (interaction) {
            case CREATE -> AuditEventAction.C;
            case READ, VREAD, HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> AuditEventAction.R;
            case UPDATE, PATCH, META_ADD, META_DELETE -> AuditEventAction.U;
            case DELETE -> AuditEventAction.D;
            default -> AuditEventAction.E;
        };
    }

    /**
     * The search or operation as asked, {@code Observation?patient=Patient%2F1&code=...}, for {@code
     * entity.query}, kept for searches and operations (reads and writes name their target instead).
     */
    static String query(String resourceType, String operationName, Map<String, String[]> parameters) {
        if (parameters == null) {
            return null;
        }
        String path = java.util.stream.Stream.of(resourceType, operationName)
                .filter(java.util.Objects::nonNull)
                .collect(Collectors.joining("/"));
        String encoded = parameters.entrySet().stream()
                .flatMap(parameter -> java.util.Arrays.stream(parameter.getValue())
                        .map(value -> encode(parameter.getKey()) + "=" + encode(value)))
                .collect(Collectors.joining("&"));
        return encoded.isEmpty() ? path : path + "?" + encoded;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
