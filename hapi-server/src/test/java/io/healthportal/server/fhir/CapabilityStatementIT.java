package io.healthportal.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import io.healthportal.demo.DemoDataGenerator;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.testing.PortalResourceTypes;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.*;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The CapabilityStatement tells the truth about the resource types the portal lives on: every
 * interaction and search parameter it declares for them is called on demo data and must succeed,
 * a search parameter must find the resource its value came from, and the operations the portal
 * withholds are neither declared nor served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapabilityStatementIT extends FhirServerTestBase {

    static final List<String> PORTAL_TYPES = PortalResourceTypes.ALL;

    @Autowired
    AuditTrail auditTrail;

    private CapabilityStatement statement;
    private final Map<String, List<Resource>> samples = new TreeMap<>();

    @BeforeAll
    void loadDemoDataAndTheTypesItLacks() {
        DemoDataGenerator generator = new DemoDataGenerator(4242, LocalDate.of(2026, 11, 2));
        Bundle shared = generator.sharedResources();
        // Forty of the thousand slots are plenty here and keep the load short.
        List<Bundle.BundleEntryComponent> slots = shared.getEntry().stream()
                .filter(e -> e.getResource() instanceof Slot)
                .skip(40)
                .toList();
        shared.getEntry().removeAll(slots);
        client().transaction().withBundle(shared).execute();
        generator
                .patientBundles(0, 2, 60)
                .forEach(b -> client().transaction().withBundle(b).execute());
        createResourcesTheDemoDataLacks();
        // AuditEvents are the server's own record of the requests above (the API refuses to create them).
        auditTrail.flush();
        for (String type : PORTAL_TYPES) {
            Bundle found = client().search()
                    .forResource(type)
                    .count(50)
                    .returnBundle(Bundle.class)
                    .execute();
            samples.put(
                    type, found.getEntry().stream().map(e -> e.getResource()).toList());
            assertThat(samples.get(type)).as("demo data for %s", type).isNotEmpty();
        }
        statement = client().capabilities().ofType(CapabilityStatement.class).execute();
    }

    @Test
    void everyDeclaredInteractionOfThePortalTypesSucceeds() {
        List<String> failures = new ArrayList<>();
        for (String type : PORTAL_TYPES) {
            var resource = declared(type);
            Resource sample = samples.get(type).get(0);
            String id = sample.getIdElement().getIdPart();
            String created = null;
            for (var interaction : resource.getInteraction()) {
                String code = interaction.getCode().toCode();
                HttpResponse<String> response = switch (code) {
                    case "read" -> send(request("/" + type + "/" + id));
                    case "vread" ->
                        send(request("/" + type + "/" + id + "/_history/"
                                + sample.getMeta().getVersionId()));
                    case "search-type" -> send(request("/" + type + "?_count=1"));
                    case "history-instance" -> send(request("/" + type + "/" + id + "/_history"));
                    case "history-type" -> send(request("/" + type + "/_history?_count=1"));
                    default -> null;
                };
                if (response == null) {
                    continue;
                }
                if (response.statusCode() != 200) {
                    failures.add(type + " " + code + ": " + response.statusCode());
                }
            }
            if (hasInteraction(resource, "create")) {
                Resource copy = sample.copy();
                copy.setId((String) null);
                copy.setMeta(null);
                HttpResponse<String> response = send(request("/" + type)
                        .header("Content-Type", "application/fhir+json")
                        .POST(BodyPublishers.ofString(
                                fhirContext.newJsonParser().encodeResourceToString(copy))));
                if (response.statusCode() != 201) {
                    failures.add(type + " create: " + response.statusCode() + " " + response.body());
                    continue;
                }
                created = response.headers()
                        .firstValue("Location")
                        .orElseThrow()
                        .replaceAll(".*/" + type + "/([^/]+).*", "$1");
                copy.setId(created);
                if (hasInteraction(resource, "update")) {
                    HttpResponse<String> update = send(request("/" + type + "/" + created)
                            .header("Content-Type", "application/fhir+json")
                            .PUT(BodyPublishers.ofString(
                                    fhirContext.newJsonParser().encodeResourceToString(copy))));
                    expect(failures, type + " update", update, 200);
                }
                if (hasInteraction(resource, "patch")) {
                    HttpResponse<String> patch = send(request("/" + type + "/" + created)
                            .header("Content-Type", "application/json-patch+json")
                            .method(
                                    "PATCH",
                                    BodyPublishers.ofString(
                                            "[{\"op\":\"add\",\"path\":\"/language\",\"value\":\"en-GB\"}]")));
                    expect(failures, type + " patch", patch, 200);
                }
                if (hasInteraction(resource, "delete")) {
                    HttpResponse<String> delete =
                            send(request("/" + type + "/" + created).DELETE());
                    expect(failures, type + " delete", delete, 200);
                }
            }
        }
        assertThat(failures).as("declared interactions that fail").isEmpty();
    }

    @Test
    void everyDeclaredSearchParameterOfThePortalTypesWorksOnDemoData() {
        List<String> failures = new ArrayList<>();
        List<String> withoutDemoValue = new ArrayList<>();
        IFhirPath fhirPath = fhirContext.newFhirPath();
        for (String type : PORTAL_TYPES) {
            for (var parameter : declared(type).getSearchParam()) {
                String name = parameter.getName();
                RuntimeSearchParam definition =
                        fhirContext.getResourceDefinition(type).getSearchParam(name);
                Optional<String> value = definition == null
                        ? Optional.empty()
                        : samples.get(type).stream()
                                .map(sample -> queryValue(fhirPath, type, definition, sample))
                                .flatMap(Optional::stream)
                                .findFirst();
                String query = value.map(v -> andQuery(name, v)).orElseGet(() -> valuelessQuery(name));
                if (value.isEmpty()) {
                    withoutDemoValue.add(type + "." + name);
                }
                HttpResponse<String> response = send(request("/" + type + "?" + query + "&_summary=count"));
                if (response.statusCode() != 200) {
                    failures.add(type + "?" + query + ": " + response.statusCode() + " " + diagnostics(response));
                } else if (value.isPresent() && total(response) == 0) {
                    failures.add(type + "?" + query + ": no match for a value taken from a stored " + type);
                }
            }
        }
        System.out.println("Search parameters with no value in demo data, checked by a value-less query: "
                + withoutDemoValue.size() + " " + withoutDemoValue);
        assertThat(failures).as("declared search parameters that fail").isEmpty();
    }

    @Test
    void withheldOperationsAreNeitherDeclaredNorServed() {
        String declaredOperations = fhirContext.newJsonParser().encodeResourceToString(statement);
        for (String operation : PortalCapabilitiesInterceptor.WITHHELD_OPERATIONS) {
            assertThat(declaredOperations).as(operation).doesNotContain("\"name\":\"" + operation + "\"");
        }
        HttpResponse<String> expunge = send(request("/$expunge")
                .header("Content-Type", "application/fhir+json")
                .POST(BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}")));
        assertThat(expunge.statusCode()).isEqualTo(501);
        HttpResponse<String> reindex = send(request("/$mark-all-resources-for-reindexing")
                .header("Content-Type", "application/fhir+json")
                .POST(BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}")));
        assertThat(reindex.statusCode()).isEqualTo(501);
    }

    /** A query value for one search parameter taken from a stored resource, if it has one. */
    private Optional<String> queryValue(
            IFhirPath fhirPath, String type, RuntimeSearchParam parameter, Resource sample) {
        if (parameter.getName().equals("_id")) {
            return Optional.of(sample.getIdElement().getIdPart());
        }
        for (String path : parameter.getPathsSplitForResourceType(type)) {
            // resolve() needs a server; a reference's own type prefix says the same thing.
            Matcher resolve = RESOLVE_IS.matcher(path);
            String targetPrefix = resolve.find() ? resolve.group(1) + "/" : "";
            String evaluable = resolve.replaceAll("");
            List<IBase> values;
            try {
                values = fhirPath.evaluate(sample, evaluable, IBase.class).stream()
                        .filter(v -> !(v instanceof Reference r)
                                || r.getReferenceElement().getValue() == null
                                || r.getReferenceElement().getValue().startsWith(targetPrefix))
                        .toList();
            } catch (RuntimeException e) {
                continue; // e.g. resolve(), which needs a server
            }
            for (IBase element : values) {
                Optional<String> formatted = format(parameter.getParamType(), element);
                if (formatted.isPresent()) {
                    return formatted;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> format(RestSearchParameterTypeEnum type, IBase element) {
        return switch (type) {
            case TOKEN -> token(element);
            case STRING -> string(element);
            case REFERENCE ->
                element instanceof Reference r
                                && r.getReference() != null
                                && !r.getReference().startsWith("#")
                        ? Optional.of(r.getReferenceElement()
                                .toUnqualifiedVersionless()
                                .getValue())
                        : Optional.empty();
            case DATE -> date(element);
            case QUANTITY ->
                element instanceof Quantity q && q.hasValue()
                        ? Optional.of(q.getValue().toPlainString() + "|" + nullToEmpty(q.getSystem()) + "|"
                                + nullToEmpty(q.hasCode() ? q.getCode() : q.getUnit()))
                        : Optional.empty();
            case NUMBER ->
                element instanceof IPrimitiveType<?> p && p.getValue() != null
                        ? Optional.of(p.getValueAsString())
                        : Optional.empty();
            case URI ->
                element instanceof IPrimitiveType<?> p && p.getValue() != null
                        ? Optional.of(p.getValueAsString())
                        : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static Optional<String> token(IBase element) {
        if (element instanceof CodeableConcept concept && concept.hasCoding()) {
            return token(concept.getCodingFirstRep());
        }
        if (element instanceof Coding coding && coding.hasCode()) {
            return Optional.of((coding.hasSystem() ? coding.getSystem() + "|" : "") + coding.getCode());
        }
        if (element instanceof Identifier identifier && identifier.hasValue()) {
            return Optional.of((identifier.hasSystem() ? identifier.getSystem() + "|" : "") + identifier.getValue());
        }
        if (element instanceof ContactPoint contact && contact.hasValue()) {
            return Optional.of(contact.getValue());
        }
        if (element instanceof IPrimitiveType<?> primitive && primitive.getValue() != null) {
            return Optional.of(primitive.getValueAsString());
        }
        return Optional.empty();
    }

    private static Optional<String> string(IBase element) {
        if (element instanceof HumanName name && name.hasFamily()) {
            return Optional.of(name.getFamily());
        }
        if (element instanceof Address address && address.hasCity()) {
            return Optional.of(address.getCity());
        }
        if (element instanceof IPrimitiveType<?> primitive && primitive.getValue() != null) {
            return Optional.of(primitive.getValueAsString());
        }
        return Optional.empty();
    }

    /** A window of a day either side, so that time zones and precision cannot make it miss. */
    private static Optional<String> date(IBase element) {
        Date date = null;
        if (element instanceof BaseDateTimeType dateTime) {
            date = dateTime.getValue();
        } else if (element instanceof Period period) {
            date = period.hasStart() ? period.getStart() : period.getEnd();
        }
        if (date == null) {
            return Optional.empty();
        }
        LocalDate day = date.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate();
        return Optional.of("ge" + day.minusDays(1) + AND + "le" + day.plusDays(2));
    }

    /** Separates values that must all hold, each its own occurrence of the parameter. */
    private static final String AND = "\u0000";

    private static String andQuery(String name, String values) {
        StringBuilder query = new StringBuilder();
        for (String value : values.split(AND)) {
            query.append(query.isEmpty() ? "" : "&")
                    .append(name)
                    .append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    private static String valuelessQuery(String name) {
        return switch (name) {
            case "_text", "_content" -> name + "=portal";
            case "_list" -> name + "=unknown-list";
            // Provenance.target may point at any type, so this reverse chain is valid everywhere.
            case "_has" -> "_has:Provenance:target:_lastUpdated=ge2000-01-01";
            default -> name + ":missing=false";
        };
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private CapabilityStatement.CapabilityStatementRestResourceComponent declared(String type) {
        return statement.getRestFirstRep().getResource().stream()
                .filter(r -> r.getType().equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError(type + " is not in the CapabilityStatement"));
    }

    private static boolean hasInteraction(
            CapabilityStatement.CapabilityStatementRestResourceComponent resource, String code) {
        return resource.getInteraction().stream()
                .anyMatch(i -> i.getCode().toCode().equals(code));
    }

    private static void expect(List<String> failures, String what, HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            failures.add(what + ": " + response.statusCode() + " " + response.body());
        }
    }

    private static final Pattern RESOLVE_IS = Pattern.compile("\\.where\\(resolve\\(\\) is (\\w+)\\)");

    private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");

    private static int total(HttpResponse<String> response) {
        Matcher matcher = TOTAL.matcher(response.body());
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static String diagnostics(HttpResponse<String> response) {
        Matcher matcher =
                Pattern.compile("\"diagnostics\"\\s*:\\s*\"([^\"]{0,200})").matcher(response.body());
        return matcher.find() ? matcher.group(1) : "";
    }

    private void createResourcesTheDemoDataLacks() {
        Patient patient = (Patient) client().search()
                .forResource(Patient.class)
                .count(1)
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
        Reference patientRef = new Reference(patient.getIdElement().toUnqualifiedVersionless());
        Appointment appointment = (Appointment) client().search()
                .forResource(Appointment.class)
                .count(1)
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();

        AppointmentResponse response = new AppointmentResponse()
                .setAppointment(new Reference(appointment.getIdElement().toUnqualifiedVersionless()))
                .setActor(patientRef)
                .setParticipantStatus(AppointmentResponse.ParticipantStatus.ACCEPTED)
                .setStart(appointment.getStart())
                .setEnd(appointment.getEnd());
        client().create().resource(response).execute();

        Provenance provenance = new Provenance().addTarget(patientRef).setRecorded(new Date());
        provenance
                .getActivity()
                .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE", "create"));
        provenance
                .addAgent()
                .setWho(new Reference(
                        appointment.getParticipantFirstRep().getActor().getReference()));
        provenance.setOccurred(new DateTimeType(new Date()));
        client().create().resource(provenance).execute();

        Consent consent = new Consent()
                .setStatus(Consent.ConsentState.ACTIVE)
                .setPatient(patientRef)
                .setDateTime(new Date());
        consent.getScope()
                .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null));
        consent.addCategory().addCoding(new Coding("http://loinc.org", "59284-0", "Patient Consent"));
        consent.getPolicyRule()
                .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", null));
        consent.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
        client().create().resource(consent).execute();
    }
}
