package io.healthportal.server.security;

import static io.healthportal.server.security.MatrixData.LINKS;
import static io.healthportal.server.security.MatrixData.mine;
import static io.healthportal.server.security.MatrixData.others;
import static io.healthportal.server.security.MatrixData.shared;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import ca.uhn.fhir.context.FhirContext;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.security.InMemoryFhirServer.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Issue 3, item 14, as a matrix: each role × each portal resource type × each interaction, every cell
 * asserting allow (status) or deny (status and the {@code PORTAL-AUTH-403} code of the OperationOutcome),
 * and every answer that was allowed holding nothing of patient B's record (nor, for the receptionist and
 * the administrator, any resource of a type outside their role). The expectations are item 14's words
 * ({@link #expected}), not what the code happens to do.
 *
 * <p>It runs in seconds on a plain HAPI {@code RestfulServer} over in-memory providers ({@link
 * InMemoryFhirServer}) carrying the production interceptors in the production order, as {@link
 * FhirSecurityConfig#fhirSecurityInterceptors} assembles them, with {@link CareRelationships}, {@link
 * GroupMembers} and {@link StoredResources} reading the in-memory data through their seams. There is no database, so there is no
 * authorization server and no token endpoint: each role's access token is built here with the claims the
 * authorization server signs into real tokens ({@link RoleLimit#CLAIM} with {@link PortalRole#claimValue()},
 * {@link SystemRole#claims()}, {@code scope}, {@code patient}, {@code fhirUser}) and put where the resource
 * server's filter puts a verified one. The full-server ITs ({@code StaffRoleLimitsIT}, {@code
 * CareRelationshipIT}, {@code PartnerSystemLimitsIT}, {@code EhrSystemLimitsIT}, {@code ScopeEnforcementIT},
 * {@code StandalonePatientLaunchIT}) get their tokens from the real token endpoint and cover a
 * representative slice, plus what this server cannot decide: Bulk export once per role (its job runs on
 * HAPI's batch framework, which needs the database) and the audit module's refusal of AuditEvent writes
 * (storage-wide, outside the security interceptors; {@code AuditTrailIT}). HAPI's plain server has no
 * {@code $everything}: the in-memory Patient provider answers it with the Patient and its compartment, so
 * the cells here decide who may ask and what may come back; the JPA operation's own behaviour (paging,
 * {@code _since}) is the full-server ITs' ({@code EhrSystemLimitsIT}, {@code OperationsIT}).
 *
 * <p>Patient A is the patient's own record, the clinician's patient (a booked appointment), the EHR
 * system's Group member and the partner's data; patient B is none of these ({@link MatrixData}).
 */
// One server for every cell: each cell resets its data, and building a RestfulServer costs more than a cell.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoleMatrixTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String REFUSED = "PORTAL-AUTH-403";
    private static final String BREAK_GLASS_REASON = "Unconscious in A&E, no other record";
    private static final String ADD_LANGUAGE = "[{\"op\":\"add\",\"path\":\"/language\",\"value\":\"en\"}]";

    /** The roles of item 14, each with the scopes its app or client holds. */
    enum Role {
        PATIENT("a patient (patient/*.cruds)"),
        CLINICIAN("a clinician (user/*.cruds) caring for A"),
        RECEPTIONIST("a receptionist (user/*.cruds)"),
        ADMINISTRATOR("an administrator (user/*.cruds)"),
        PARTNER("partner system " + MatrixData.PARTNER + " (system/*.cruds)"),
        EHR_SYSTEM("an EHR system (system/*.cruds) whose Group holds A"),
        PATIENT_VERIFIER("the patient verifier (system/*.cruds)");

        final String who;

        Role(String who) {
            this.who = who;
        }
    }

    /** The interactions of the matrix; "other" ones aim at patient B's record. */
    enum Interaction {
        READ("read %s", 200),
        READ_OTHER("read B's %s", 200),
        SEARCH("search %s", 200),
        SEARCH_OTHER("search %s naming patient B", 200),
        INCLUDE("search %s with _include", 200),
        REVINCLUDE("search %s with _revinclude=Provenance:target", 200),
        CHAIN("search %s with a chain", 200),
        HAS("search %s with _has:Provenance", 200),
        HISTORY("read the history of %s", 200),
        EVERYTHING("call $everything on A's %s", 200),
        EVERYTHING_OTHER("call $everything on B's %s", 200),
        CREATE("create %s", 201),
        CREATE_FOR_OTHER("create %s in B's record", 201),
        UPDATE("update %s", 200),
        UPDATE_OTHER("update B's %s", 200),
        PATCH("patch %s", 200),
        DELETE("delete %s", 200),
        CONDITIONAL_CREATE("create %s conditionally (If-None-Exist matching it)", 200),
        CONDITIONAL_UPDATE("update %s conditionally", 200),
        TRANSACTION("create %s in a transaction", 200);

        final String phrase;
        final int allowedStatus;

        Interaction(String phrase, int allowedStatus) {
            this.phrase = phrase;
            this.allowedStatus = allowedStatus;
        }

        boolean aimsAtB() {
            return name().endsWith("OTHER");
        }

        boolean writes() {
            return switch (this) {
                case CREATE,
                        CREATE_FOR_OTHER,
                        UPDATE,
                        UPDATE_OTHER,
                        PATCH,
                        DELETE,
                        CONDITIONAL_CREATE,
                        CONDITIONAL_UPDATE,
                        TRANSACTION -> true;
                default -> false;
            };
        }

        /** Whether the cell exists for {@code type}. */
        boolean appliesTo(String type) {
            return switch (this) {
                case READ_OTHER, SEARCH_OTHER, UPDATE_OTHER -> !shared(type);
                case CREATE_FOR_OTHER -> !shared(type) && !type.equals("Patient");
                case EVERYTHING, EVERYTHING_OTHER -> type.equals("Patient");
                case INCLUDE, CHAIN -> LINKS.containsKey(type);
                default -> true;
            };
        }
    }

    /** What a cell must answer. */
    enum Outcome {
        ALLOWED,
        /** Not refused but not shown either: 404, as for a resource that does not exist. */
        HIDDEN,
        REFUSED
    }

    /**
     * Loggers that would write a line per stored resource and a stack trace per refusal, a thousand of
     * them: the matrix asserts every refusal, so they are quiet while it runs and restored after.
     */
    private static final List<String> NOISY_LOGGERS = List.of(
            "ca.uhn.fhir.rest.server.provider.HashMapResourceProvider",
            "ca.uhn.fhir.interceptor.executor.BaseInterceptorService",
            "ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor");

    private final Map<String, Level> levelsBefore = new HashMap<>();

    @BeforeAll
    void quietLoggers() {
        for (String name : NOISY_LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            levelsBefore.put(name, logger.getLevel());
            logger.setLevel(Level.OFF);
        }
    }

    @AfterAll
    void restoreLoggers() {
        levelsBefore.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    private final List<Resource> seed = MatrixData.seed();
    private final AuditTrail trail = mock(AuditTrail.class);
    private final InMemoryFhirServer server =
            new InMemoryFhirServer(FHIR, resourceClasses(), this::productionInterceptors);

    /** The production interceptors, assembled as on the real server, reading this server's data. */
    private List<Object> productionInterceptors(InMemoryFhirServer data) {
        SmartEndpoints endpoints = new SmartEndpoints(
                "http://localhost",
                InMemoryFhirServer.BASE,
                "http://localhost/oauth2/authorize",
                "http://localhost/oauth2/token",
                "http://localhost/oauth2/jwks",
                "http://localhost/oauth2/revoke",
                "http://localhost/oauth2/introspect",
                "http://localhost/oauth2/register");
        CareRelationships care = new CareRelationships(data::search, Clock.systemUTC(), Duration.ofMinutes(1));
        GroupMembers groups = new GroupMembers(data::read, Duration.ofMinutes(1));
        StoredResources stored = new StoredResources(data::readVersion);
        return new FhirSecurityConfig()
                .fhirSecurityInterceptors(endpoints, care, groups, stored, trail)
                .interceptors();
    }

    @TestFactory
    Stream<DynamicNode> eachRoleOnEachTypeAndInteraction() {
        return Stream.of(Role.values())
                .map(role -> DynamicContainer.dynamicContainer(
                        role.who,
                        MatrixData.TYPES.stream()
                                .map(type -> DynamicContainer.dynamicContainer(
                                        role.who + " on " + type, cells(role, type)))));
    }

    private Stream<DynamicNode> cells(Role role, String type) {
        List<DynamicNode> cells = new ArrayList<>();
        for (Interaction interaction : Interaction.values()) {
            if (!interaction.appliesTo(type)) {
                continue;
            }
            Outcome expected = expected(role, type, interaction);
            if (type.equals("AuditEvent") && interaction.writes() && expected != Outcome.REFUSED) {
                // The security interceptors let it through; the audit module refuses every AuditEvent write
                // storage-wide (AuditStorageInterceptor, outside this server; AuditTrailIT covers it).
                continue;
            }
            String name = role.who
                    + (expected == Outcome.REFUSED ? " may not " : " may ")
                    + interaction.phrase.formatted(type)
                    + (expected == Outcome.HIDDEN ? " but does not see it" : "");
            cells.add(DynamicTest.dynamicTest(name, () -> {
                server.reset(seed);
                Response response = send(role, type, interaction);
                assertCell(name, role, expected, interaction, response);
            }));
        }
        return cells.stream();
    }

    /**
     * Item 14's answer for one cell. Staff and system roles hold wildcard scopes, so what is left is what
     * their role allows; the patient's {@code patient/*.cruds} reach their compartment and the linked
     * resources outside it that apps need.
     */
    static Outcome expected(Role role, String type, Interaction interaction) {
        return switch (role) {
            case PATIENT -> patient(type, interaction);
            case CLINICIAN, EHR_SYSTEM -> careOrGroup(role, interaction);
            case RECEPTIONIST -> receptionist(type, interaction);
            case ADMINISTRATOR -> administrator(type, interaction);
            case PARTNER -> partner(type, interaction);
            // Its one request, removing a Patient's verification tag, is none of the matrix's interactions.
            case PATIENT_VERIFIER -> Outcome.REFUSED;
        };
    }

    /** Linked resources outside the compartment a patient's apps read (item 14; Medication is not a portal type here). */
    private static final Set<String> PATIENT_LINKED =
            Set.of("Practitioner", "PractitionerRole", "Organization", "Location");

    private static Outcome patient(String type, Interaction interaction) {
        if (interaction.aimsAtB()) {
            return Outcome.REFUSED;
        }
        boolean linked = PATIENT_LINKED.contains(type);
        // A search of a compartment type is narrowed to their own record (Schedule is one: none of theirs
        // is seeded, so it finds nothing); a read needs the resource to be theirs.
        boolean searchable = compartmentType(type) || linked;
        boolean readable = !shared(type) || linked;
        return switch (interaction) {
            case READ, HISTORY, EVERYTHING -> allowedIf(readable);
            case SEARCH, REVINCLUDE, HAS -> allowedIf(searchable);
            case INCLUDE ->
                allowedIf(searchable && LINKS.get(type).included().stream().allMatch(RoleMatrixTest::patientReads));
            case CHAIN -> allowedIf(searchable && patientReads(LINKS.get(type).target()));
            // Writes stay in their own compartment: not a new Patient, nothing outside it.
            case CREATE, CONDITIONAL_CREATE, TRANSACTION -> allowedIf(!shared(type) && !type.equals("Patient"));
            case UPDATE, CONDITIONAL_UPDATE, PATCH, DELETE -> allowedIf(!shared(type));
            default -> throw new IllegalArgumentException(interaction.name());
        };
    }

    private static boolean patientReads(String type) {
        return !shared(type) || PATIENT_LINKED.contains(type);
    }

    private static boolean compartmentType(String type) {
        return type.equals("Patient")
                || !FHIR.getResourceDefinition(type)
                        .getSearchParamsForCompartmentName("Patient")
                        .isEmpty();
    }

    /** A clinician within their care relationships, an EHR system within its Group: all of A, none of B. */
    private static Outcome careOrGroup(Role role, Interaction interaction) {
        if (interaction.aimsAtB()) {
            return Outcome.REFUSED;
        }
        return allowedIf(role == Role.CLINICIAN || !interaction.writes());
    }

    private static final Set<String> RECEPTION_TYPES =
            Set.of("Patient", "Schedule", "Slot", "Appointment", "AppointmentResponse");

    private static Outcome receptionist(String type, Interaction interaction) {
        if (!RECEPTION_TYPES.contains(type)) {
            return Outcome.REFUSED;
        }
        return switch (interaction) {
            case READ,
                    READ_OTHER,
                    SEARCH,
                    SEARCH_OTHER,
                    HISTORY,
                    CREATE,
                    CREATE_FOR_OTHER,
                    UPDATE,
                    UPDATE_OTHER,
                    PATCH,
                    DELETE,
                    CONDITIONAL_CREATE,
                    CONDITIONAL_UPDATE,
                    TRANSACTION -> Outcome.ALLOWED;
            case INCLUDE ->
                allowedIf(RECEPTION_TYPES.containsAll(LINKS.get(type).included()));
            case CHAIN -> allowedIf(RECEPTION_TYPES.contains(LINKS.get(type).target()));
            // Provenance is clinical; $everything is a patient's whole record.
            case REVINCLUDE, HAS, EVERYTHING, EVERYTHING_OTHER -> Outcome.REFUSED;
        };
    }

    private static Outcome administrator(String type, Interaction interaction) {
        if (!type.equals("AuditEvent")) {
            return Outcome.REFUSED;
        }
        return switch (interaction) {
            case READ, READ_OTHER, SEARCH, SEARCH_OTHER, HISTORY -> Outcome.ALLOWED;
            default -> Outcome.REFUSED; // writes, and every link into patient data
        };
    }

    private static Outcome partner(String type, Interaction interaction) {
        if (type.equals("Patient")) {
            // Matched by identifier (a cell of its own below), never browsed; demographics only by the owner.
            return switch (interaction) {
                case CREATE, UPDATE, CONDITIONAL_CREATE, CONDITIONAL_UPDATE, TRANSACTION -> Outcome.ALLOWED;
                default -> Outcome.REFUSED;
            };
        }
        boolean ownData = !shared(type) && !type.equals("AuditEvent");
        return switch (interaction) {
            case READ -> ownData ? Outcome.ALLOWED : Outcome.HIDDEN;
            case READ_OTHER -> Outcome.HIDDEN;
            case SEARCH, SEARCH_OTHER, REVINCLUDE, HAS -> Outcome.ALLOWED;
            // Links that may land on a Patient are refused; others are the partner's own data only.
            case INCLUDE, CHAIN -> allowedIf(!mayLandOnPatient(type, interaction));
            // A partner writes for any patient, with its own tag.
            case CREATE, CREATE_FOR_OTHER, CONDITIONAL_CREATE, TRANSACTION -> Outcome.ALLOWED;
            // Updates only of what already carries its tag.
            case UPDATE, CONDITIONAL_UPDATE -> allowedIf(ownData);
            case UPDATE_OTHER, PATCH, DELETE, HISTORY, EVERYTHING, EVERYTHING_OTHER -> Outcome.REFUSED;
        };
    }

    /** A typed chain names its target; an include may land on any of its parameter's targets. */
    private static boolean mayLandOnPatient(String type, Interaction interaction) {
        MatrixData.Link link = LINKS.get(type);
        if (interaction == Interaction.CHAIN) {
            return link.target().equals("Patient");
        }
        return FHIR.getResourceDefinition(type)
                .getSearchParam(link.parameter())
                .getTargets()
                .contains("Patient");
    }

    private static Outcome allowedIf(boolean allowed) {
        return allowed ? Outcome.ALLOWED : Outcome.REFUSED;
    }

    /** The request of one cell, as {@code role} sends it. */
    private Response send(Role role, String type, Interaction interaction) {
        LinkQuery link = LINKS.containsKey(type) ? new LinkQuery(LINKS.get(type)) : null;
        String id = interaction.aimsAtB() ? others(type) : mine(type);
        String instance = type + "/" + id;
        return switch (interaction) {
            case READ, READ_OTHER -> get(role, instance);
            case SEARCH -> get(role, type);
            case SEARCH_OTHER ->
                get(role, type + (type.equals("Patient") ? "?_id=" : "?patient=Patient/") + others("Patient"));
            case INCLUDE -> get(role, type + "?_id=" + id + "&_include=" + type + ":" + link.parameter());
            case REVINCLUDE -> get(role, type + "?_id=" + id + "&_revinclude=Provenance:target");
            case CHAIN -> get(role, type + "?" + link.parameter() + ":" + link.target() + "." + link.criterion());
            case HAS -> get(role, type + "?_has:Provenance:target:_id=" + mine("Provenance"));
            case HISTORY -> get(role, instance + "/_history");
            case EVERYTHING, EVERYTHING_OTHER -> get(role, instance + "/$everything");
            case CREATE, CREATE_FOR_OTHER -> send(role, "POST", type, newResource(role, type, id), Map.of());
            case UPDATE, UPDATE_OTHER -> send(role, "PUT", instance, changed(role, type, id, true), Map.of());
            case PATCH -> send(role, "PATCH", instance, ADD_LANGUAGE, Map.of());
            case DELETE -> send(role, "DELETE", instance, null, Map.of());
            case CONDITIONAL_CREATE ->
                send(role, "POST", type, newResource(role, type, id), Map.of("If-None-Exist", criteria(type, id)));
            case CONDITIONAL_UPDATE ->
                send(role, "PUT", type + "?" + criteria(type, id), changed(role, type, id, false), Map.of());
            case TRANSACTION -> send(role, "POST", "", transaction(newResource(role, type, id), type), Map.of());
        };
    }

    /** The chain's link with its criterion. */
    private record LinkQuery(String parameter, String target, String criterion) {
        LinkQuery(MatrixData.Link link) {
            this(link.parameter(), link.target(), MatrixData.CHAINED_CRITERION.get(link.target()));
        }
    }

    /** Criteria matching the resource {@code id}: the Patient's identifier (all a partner may use), else its id. */
    private static String criteria(String type, String id) {
        if (type.equals("Patient")) {
            String value = id.startsWith("a-") ? "A-1" : "B-1";
            return "identifier=" + encode(MatrixData.IDENTIFIER_SYSTEM + "|" + value);
        }
        return "_id=" + id;
    }

    /** A copy of the stored {@code id} without its id, written as {@code role} writes (a partner with its tag). */
    private String newResource(Role role, String type, String id) {
        Resource resource = stored(type, id);
        resource.setId((String) null);
        resource.getMeta().setVersionId(null);
        return FHIR.newJsonParser().encodeResourceToString(writtenBy(role, resource));
    }

    /** The stored {@code id} with one field changed, as {@code role} writes it. */
    private String changed(Role role, String type, String id, boolean keepId) {
        Resource resource = stored(type, id);
        resource.setLanguage("en");
        if (!keepId) {
            resource.setId((String) null);
        }
        return FHIR.newJsonParser().encodeResourceToString(writtenBy(role, resource));
    }

    private Resource stored(String type, String id) {
        return ((Resource) MatrixData.find(seed, type, id)).copy();
    }

    /** A partner writes its own tag and no other partner's (PartnerSystemLimitsIT covers the other cases). */
    private static Resource writtenBy(Role role, Resource resource) {
        if (role == Role.PARTNER) {
            resource.getMeta()
                    .getTag()
                    .removeIf(tag -> PartnerLimitInterceptor.PARTNER_TAG_SYSTEM.equals(tag.getSystem()));
            resource.getMeta().addTag(PartnerLimitInterceptor.PARTNER_TAG_SYSTEM, MatrixData.PARTNER, null);
        }
        return resource;
    }

    private static String transaction(String entryJson, String type) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry()
                .setResource((Resource) FHIR.newJsonParser().parseResource(entryJson))
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl(type);
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    /** Asserts the status, the refusal's code, and that nothing the role may not see is in the answer. */
    private void assertCell(String cell, Role role, Outcome expected, Interaction interaction, Response response) {
        switch (expected) {
            case ALLOWED ->
                assertThat(response.status())
                        .as("%s: %s", cell, response.body())
                        .isIn(allowedStatuses(interaction));
            case HIDDEN ->
                assertThat(response.status())
                        .as("%s: %s", cell, response.body())
                        .isEqualTo(404);
            case REFUSED -> assertRefused(cell, response);
        }
        if (expected != Outcome.REFUSED) {
            assertNothingOutsideTheRole(role, response);
        }
    }

    private static List<Integer> allowedStatuses(Interaction interaction) {
        // A delete answers 200 with an OperationOutcome or 204 without a body; both mean done.
        return interaction == Interaction.DELETE ? List.of(200, 204) : List.of(interaction.allowedStatus);
    }

    private static void assertRefused(Response response) {
        assertRefused("refused", response);
    }

    private static void assertRefused(String cell, Response response) {
        assertThat(response.status()).as("%s: %s", cell, response.body()).isEqualTo(403);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).as(cell).contains(REFUSED);
    }

    /**
     * Nothing of patient B anywhere in the body (not even an id in a reference) for the roles that reach A
     * only; for a partner, no resource without its own tag (all it reads is its own data); for the
     * receptionist and the administrator, no resource of a type outside their role.
     */
    private void assertNothingOutsideTheRole(Role role, Response response) {
        if (response.body().isEmpty()) {
            return;
        }
        switch (role) {
            case PATIENT, CLINICIAN, EHR_SYSTEM -> {
                for (String idOfB : idsOfB()) {
                    assertThat(response.body()).as("B's data in the answer").doesNotContain(idOfB);
                }
            }
            case PARTNER -> {
                for (IBaseResource resource : resourcesIn(response.body())) {
                    if (!(resource instanceof Bundle) && !(resource instanceof OperationOutcome)) {
                        assertThat(resource.getMeta()
                                        .getTag(PartnerLimitInterceptor.PARTNER_TAG_SYSTEM, MatrixData.PARTNER))
                                .as("the partner's tag on "
                                        + resource.getIdElement().getValue())
                                .isNotNull();
                    }
                }
            }
            case RECEPTIONIST, ADMINISTRATOR -> {
                Set<String> allowedTypes = union(
                        role == Role.RECEPTIONIST ? RECEPTION_TYPES : Set.of("AuditEvent"),
                        Set.of("OperationOutcome", "Bundle"));
                for (IBaseResource resource : resourcesIn(response.body())) {
                    assertThat(allowedTypes).as("resource types in the answer").contains(resource.fhirType());
                }
            }
        }
    }

    private Set<String> idsOfB() {
        Set<String> ids = new HashSet<>();
        for (Resource resource : seed) {
            if (resource.getIdElement().getIdPart().startsWith("b-")) {
                ids.add(resource.getIdElement().getIdPart());
            }
        }
        return ids;
    }

    private static List<IBaseResource> resourcesIn(String body) {
        IBaseResource parsed = FHIR.newJsonParser().parseResource(body);
        List<IBaseResource> resources = new ArrayList<>(List.of(parsed));
        if (parsed instanceof Bundle bundle) {
            bundle.getEntry().stream()
                    .filter(Bundle.BundleEntryComponent::hasResource)
                    .forEach(entry -> resources.add(entry.getResource()));
        }
        return resources;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        return union;
    }

    // Cells of their own: one question each that the grid above does not ask.

    @Test
    void aPartnerMatchesAPatientByExactIdentifier() {
        server.reset(seed);

        Response response = get(Role.PARTNER, "Patient?" + criteria("Patient", mine("Patient")));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(idsIn(response)).containsExactly("Patient/" + mine("Patient"));
    }

    @Test
    void aPartnerMayNotChangeDemographicsAnotherSourceOwns() {
        server.reset(seed);
        Resource renamed = stored("Patient", others("Patient"));
        ((org.hl7.fhir.r4.model.Patient) renamed).getNameFirstRep().setFamily("Renamed");

        Response response = send(
                Role.PARTNER,
                "PUT",
                "Patient/" + others("Patient"),
                FHIR.newJsonParser().encodeResourceToString(writtenBy(Role.PARTNER, renamed)),
                Map.of());

        assertRefused(response);
        assertThat(response.body()).contains("demographics owner");
    }

    @Test
    void aReceptionistsChainIntoAClinicalTypeIsRefusedWhetherOrNotItMatches() {
        server.reset(seed);

        for (String code : List.of("44054006", "no-such-code")) {
            Response response = get(Role.RECEPTIONIST, "Appointment?reason-reference:Condition.code=" + encode(code));

            assertRefused(response);
            assertThat(response.body()).contains("Condition");
        }
    }

    @Test
    void anAdministratorsUntypedChainThroughAReferenceToAnyTypeIsRefused() {
        server.reset(seed);

        // AuditEvent's entity may point at any type, Patient among those with a family name.
        for (String chain : List.of("entity.family=Alpha", "entity.family=Nobody", "agent.family=Doctor")) {
            assertRefused(get(Role.ADMINISTRATOR, "AuditEvent?" + chain));
        }
    }

    @Test
    void aGrantThatCannotReadPatientMayNotChainIntoPatientTypedOrUntyped() {
        server.reset(seed);
        Jwt observationsOnly = patientToken("patient/Observation.rs");

        for (String chain : List.of("subject:Patient.family=Alpha", "subject.family=Alpha", "patient.family=Alpha")) {
            assertRefused(server.execute(observationsOnly, "GET", "Observation?" + chain, null, Map.of()));
        }
        // An untyped chain through a parameter none of whose targets the chained parameter exists on asks
        // nothing of them; an Observation criterion is the grant's own.
        Response own =
                server.execute(observationsOnly, "GET", "Observation?code=http://loinc.org%7C4548-4", null, Map.of());
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(idsIn(own)).containsExactly("Observation/" + mine("Observation"));
    }

    @Test
    void aClinicianBreaksTheGlassWithATypedReasonWhichIsAuditedAsBreakGlass() {
        server.reset(seed);
        clearInvocations(trail);

        Response refused = get(Role.CLINICIAN, "Observation/" + others("Observation"));
        assertRefused(refused);
        assertThat(refused.body()).contains(CareRelationshipInterceptor.HEADER);
        verify(trail, never()).breakGlass(any(), any(), anyString());

        Response tooShort = server.execute(
                token(Role.CLINICIAN),
                "GET",
                "Observation/" + others("Observation"),
                null,
                Map.of(CareRelationshipInterceptor.HEADER, "why"));
        assertRefused(tooShort);
        verify(trail, never()).breakGlass(any(), any(), anyString());

        Response opened = server.execute(
                token(Role.CLINICIAN),
                "GET",
                "Observation/" + others("Observation"),
                null,
                Map.of(CareRelationshipInterceptor.HEADER, BREAK_GLASS_REASON));
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        assertThat(opened.body()).contains(others("Observation"));
        verify(trail).breakGlass(any(), eq(Set.of(others("Patient"))), eq(BREAK_GLASS_REASON));

        clearInvocations(trail);
        Response search = server.execute(
                token(Role.CLINICIAN),
                "GET",
                "Observation",
                null,
                Map.of(CareRelationshipInterceptor.HEADER, BREAK_GLASS_REASON));
        assertThat(search.status()).as(search.body()).isEqualTo(200);
        assertThat(idsIn(search))
                .containsExactlyInAnyOrder(
                        "Observation/" + mine("Observation"), "Observation/" + others("Observation"));
        verify(trail).breakGlass(any(), eq(Set.of(others("Patient"))), eq(BREAK_GLASS_REASON));
    }

    @Test
    void theHeaderMeansNothingToARoleThatCannotBreakTheGlass() {
        server.reset(seed);
        clearInvocations(trail);

        for (Role role : List.of(Role.PATIENT, Role.EHR_SYSTEM)) {
            Response response = server.execute(
                    token(role),
                    "GET",
                    "Observation/" + others("Observation"),
                    null,
                    Map.of(CareRelationshipInterceptor.HEADER, BREAK_GLASS_REASON));
            assertRefused(response);
        }
        verify(trail, never()).breakGlass(any(), any(), anyString());
    }

    @Test
    void aPatientsPatchThatMovesTheirDataToAnotherPatientIsRefused() {
        server.reset(seed);
        String toB = "[{\"op\":\"replace\",\"path\":\"/subject/reference\",\"value\":\"Patient/" + others("Patient")
                + "\"}]";

        assertRefused(send(Role.PATIENT, "PATCH", "Observation/" + mine("Observation"), toB, Map.of()));

        Response stored = get(Role.PATIENT, "Observation/" + mine("Observation"));
        assertThat(stored.status()).as(stored.body()).isEqualTo(200);
        assertThat(stored.body()).contains("Patient/" + mine("Patient"));
    }

    @Test
    void aPatientMayNotPlaceTheirDataInAnotherPatientsRecordToo() {
        server.reset(seed);
        // Their Observation stays theirs (subject A), but with B as a performer it would be in B's record.
        org.hl7.fhir.r4.model.Observation shared =
                (org.hl7.fhir.r4.model.Observation) stored("Observation", mine("Observation"));
        shared.addPerformer(new org.hl7.fhir.r4.model.Reference("Patient/" + others("Patient")));
        String body = FHIR.newJsonParser().encodeResourceToString(shared);
        String addPerformer = "[{\"op\":\"add\",\"path\":\"/performer\",\"value\":[{\"reference\":\"Patient/"
                + others("Patient") + "\"}]}]";

        assertRefused(send(Role.PATIENT, "PUT", "Observation/" + mine("Observation"), body, Map.of()));
        assertRefused(send(Role.PATIENT, "PATCH", "Observation/" + mine("Observation"), addPerformer, Map.of()));
        shared.setId((String) null);
        shared.getMeta().setVersionId(null);
        assertRefused(send(
                Role.PATIENT, "POST", "Observation", FHIR.newJsonParser().encodeResourceToString(shared), Map.of()));

        Resource stored = (Resource) server.read(new org.hl7.fhir.r4.model.IdType("Observation", mine("Observation")));
        assertThat(((org.hl7.fhir.r4.model.Observation) stored).hasPerformer()).isFalse();
        assertThat(server.stored("Observation")).hasSize(2);
    }

    @Test
    void aPatientsPatchOfAnotherPatientsDataIsRefused() {
        server.reset(seed);
        String toA =
                "[{\"op\":\"replace\",\"path\":\"/subject/reference\",\"value\":\"Patient/" + mine("Patient") + "\"}]";

        // Taking B's Observation into their own record is refused too: the stored version is B's.
        assertRefused(send(Role.PATIENT, "PATCH", "Observation/" + others("Observation"), toA, Map.of()));
        assertRefused(send(Role.PATIENT, "PATCH", "Observation/" + others("Observation"), ADD_LANGUAGE, Map.of()));
    }

    @Test
    void aPatientDoesNotSeeTheHistoryOfAResourceAnEarlierVersionOfWhichWasAnotherPatients() {
        server.reset(seed);
        // B's Observation, moved into A's record by the server: its first version is still B's.
        moveToPatient("Observation", others("Observation"), mine("Patient"));
        // A's Condition, moved into B's record: its current version is B's, its first A's.
        moveToPatient("Condition", mine("Condition"), others("Patient"));

        Response moved = get(Role.PATIENT, "Observation/" + others("Observation"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertRefused(get(Role.PATIENT, "Observation/" + others("Observation") + "/_history"));
        assertRefused(get(Role.PATIENT, "Condition/" + mine("Condition") + "/_history"));

        Response own = get(Role.PATIENT, "Observation/" + mine("Observation") + "/_history");
        assertThat(own.status()).as(own.body()).isEqualTo(200);
    }

    @Test
    void aPatientsConditionalUpdateMatchingAnotherPatientIsRefused() {
        server.reset(seed);

        // Their own Patient's content, sent to whatever B's identifier matches.
        Response patient = send(
                Role.PATIENT,
                "PUT",
                "Patient?" + criteria("Patient", others("Patient")),
                changed(Role.PATIENT, "Patient", mine("Patient"), false),
                Map.of());
        assertRefused(patient);
        // Their Observation's content (subject A) at B's Observation's id: within their record the URL
        // matches nothing, so it creates theirs and leaves B's alone.
        Response observation = send(
                Role.PATIENT,
                "PUT",
                "Observation?_id=" + others("Observation"),
                changed(Role.PATIENT, "Observation", mine("Observation"), false),
                Map.of());
        assertThat(observation.status()).as(observation.body()).isEqualTo(201);
        assertThat(observation.body()).doesNotContain(others("Observation"));
        Resource untouched =
                (Resource) server.read(new org.hl7.fhir.r4.model.IdType("Observation", others("Observation")));
        assertThat(untouched.hasLanguage()).isFalse();
        assertThat(untouched.getMeta().getVersionId()).isEqualTo("1");
        // A URL matching nothing would create a second Patient: not theirs to create.
        assertRefused(send(
                Role.PATIENT,
                "PUT",
                "Patient?identifier=" + encode(MatrixData.IDENTIFIER_SYSTEM + "|no-such-patient"),
                changed(Role.PATIENT, "Patient", mine("Patient"), false),
                Map.of()));
    }

    @Test
    void aPatientsConditionalUrlsMatchTheirOwnRecordOnly() {
        server.reset(seed);
        // Both patients' Patients and Observations match these; unnarrowed, the answer would be 412.
        Response patient = send(
                Role.PATIENT,
                "PUT",
                "Patient?identifier="
                        + encode(MatrixData.IDENTIFIER_SYSTEM + "|A-1," + MatrixData.IDENTIFIER_SYSTEM + "|B-1"),
                changed(Role.PATIENT, "Patient", mine("Patient"), false),
                Map.of());
        assertThat(patient.status()).as(patient.body()).isEqualTo(200);
        assertThat(patient.body()).contains(mine("Patient")).doesNotContain(others("Patient"));
        Response observation = send(
                Role.PATIENT,
                "PUT",
                "Observation?code=" + encode("http://loinc.org|4548-4"),
                changed(Role.PATIENT, "Observation", mine("Observation"), false),
                Map.of());
        assertThat(observation.status()).as(observation.body()).isEqualTo(200);
        assertThat(observation.body()).contains(mine("Observation")).doesNotContain(others("Observation"));

        // The same URL as a transaction's conditional entry.
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry()
                .setResource((Resource) FHIR.newJsonParser()
                        .parseResource(changed(Role.PATIENT, "Observation", mine("Observation"), false)))
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Observation?code=" + encode("http://loinc.org|4548-4"));
        Response transaction =
                send(Role.PATIENT, "POST", "", FHIR.newJsonParser().encodeResourceToString(bundle), Map.of());
        assertThat(transaction.status()).as(transaction.body()).isEqualTo(200);
        assertThat(transaction.body()).contains(mine("Observation")).doesNotContain(others("Observation"));

        // If-None-Exist matching only B's Observation finds nothing of theirs: it creates theirs, and never
        // answers with B's.
        Response created = send(
                Role.PATIENT,
                "POST",
                "Observation",
                newResource(Role.PATIENT, "Observation", mine("Observation")),
                Map.of("If-None-Exist", "_id=" + others("Observation")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(others("Observation"));
    }

    @Test
    void aPatientReadsAProvenanceAboutTheirDataThatDoesNotNameThem() {
        org.hl7.fhir.r4.model.Provenance about =
                provenance("a-about", "Observation/" + mine("Observation"), "Condition/" + mine("Condition"));
        about.addAgent().setWho(new org.hl7.fhir.r4.model.Reference(MatrixData.CLINICIAN));
        resetWith(about);

        Response read = get(Role.PATIENT, "Provenance/a-about");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        Response revinclude =
                get(Role.PATIENT, "Observation?_id=" + mine("Observation") + "&_revinclude=Provenance:target");
        assertThat(revinclude.status()).as(revinclude.body()).isEqualTo(200);
        assertThat(idsIn(revinclude)).contains("Provenance/a-about", "Provenance/" + mine("Provenance"));
        // A clinician within their care relationship reads it by their own rules.
        assertThat(get(Role.CLINICIAN, "Provenance/a-about").status()).isEqualTo(200);
    }

    @Test
    void aPatientDoesNotReadAProvenanceAboutAnotherPatientsData() {
        resetWith(provenance("b-about", "Observation/" + others("Observation")));

        assertRefused(get(Role.PATIENT, "Provenance/b-about"));
        Response revinclude =
                get(Role.PATIENT, "Observation?_id=" + others("Observation") + "&_revinclude=Provenance:target");
        // The search itself is narrowed to their record: it finds nothing, so it includes nothing.
        assertThat(revinclude.status()).as(revinclude.body()).isEqualTo(200);
        assertThat(idsIn(revinclude)).isEmpty();
    }

    @Test
    void aPatientDoesNotSeeAProvenanceThatAlsoNamesAnotherPatientsData() {
        // One names their Patient (HAPI's compartment rule alone would show it); one only their Observation.
        org.hl7.fhir.r4.model.Provenance naming =
                provenance("a-mixed-naming", "Patient/" + mine("Patient"), "Observation/" + others("Observation"));
        org.hl7.fhir.r4.model.Provenance unnamed =
                provenance("a-mixed", "Observation/" + mine("Observation"), "Observation/" + others("Observation"));
        org.hl7.fhir.r4.model.Provenance agent = provenance("a-agent-b", "Observation/" + mine("Observation"));
        agent.addAgent().setWho(new org.hl7.fhir.r4.model.Reference("Patient/" + others("Patient")));
        resetWith(naming, unnamed, agent);

        for (String id : List.of("a-mixed-naming", "a-mixed", "a-agent-b")) {
            Response read = get(Role.PATIENT, "Provenance/" + id);
            assertThat(read.status()).as(id + ": " + read.body()).isEqualTo(404);
        }
        Response search = get(Role.PATIENT, "Provenance");
        assertThat(search.status()).as(search.body()).isEqualTo(200);
        assertThat(idsIn(search)).containsExactly("Provenance/" + mine("Provenance"));
        Response revinclude =
                get(Role.PATIENT, "Observation?_id=" + mine("Observation") + "&_revinclude=Provenance:target");
        assertThat(revinclude.status()).as(revinclude.body()).isEqualTo(200);
        assertThat(idsIn(revinclude))
                .containsExactlyInAnyOrder("Observation/" + mine("Observation"), "Provenance/" + mine("Provenance"));
        Response everything = get(Role.PATIENT, "Patient/" + mine("Patient") + "/$everything");
        assertThat(everything.status()).as(everything.body()).isEqualTo(200);
        assertThat(idsIn(everything)).doesNotContain("Provenance/a-mixed-naming");
        for (String idOfB : idsOfB()) {
            assertThat(search.body() + revinclude.body() + everything.body()).doesNotContain(idOfB);
        }
    }

    private void resetWith(Resource... extra) {
        List<Resource> data = new ArrayList<>(seed);
        data.addAll(List.of(extra));
        server.reset(data);
    }

    private static org.hl7.fhir.r4.model.Provenance provenance(String id, String... targets) {
        org.hl7.fhir.r4.model.Provenance provenance = new org.hl7.fhir.r4.model.Provenance();
        provenance.setId("Provenance/" + id);
        provenance.setRecorded(new java.util.Date());
        for (String target : targets) {
            provenance.addTarget(new org.hl7.fhir.r4.model.Reference(target));
        }
        return provenance;
    }

    /** Moves a stored resource into another patient's record, as the server's own back end may. */
    private void moveToPatient(String type, String id, String patientId) {
        Resource moved = stored(type, id);
        if (moved instanceof org.hl7.fhir.r4.model.Observation observation) {
            observation.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + patientId));
        } else if (moved instanceof org.hl7.fhir.r4.model.Condition condition) {
            condition.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + patientId));
        }
        moved.getMeta().setVersionId(null);
        Response response = server.execute(
                jwt("system/*.cruds").build(),
                "PUT",
                type + "/" + id,
                FHIR.newJsonParser().encodeResourceToString(moved),
                Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    private static List<String> idsIn(Response response) {
        return resourcesIn(response.body()).stream()
                .filter(resource -> !(resource instanceof Bundle))
                .map(resource ->
                        resource.fhirType() + "/" + resource.getIdElement().getIdPart())
                .toList();
    }

    private Response get(Role role, String pathAndQuery) {
        return server.execute(token(role), "GET", pathAndQuery, null, Map.of());
    }

    private Response send(Role role, String method, String path, String body, Map<String, String> headers) {
        return server.execute(token(role), method, path, body, headers);
    }

    /**
     * The access token of {@code role}, with the claims the authorization server puts into real ones:
     * {@code scope}, {@code fhirUser}, the user's role as {@link PortalRole#claimValue()} in {@link
     * RoleLimit#CLAIM}, {@code patient} for a patient, and a client's {@link SystemRole#claims()}.
     */
    static Jwt token(Role role) {
        return switch (role) {
            case PATIENT -> patientToken("patient/*.cruds");
            case CLINICIAN -> userToken(PortalRole.PRACTITIONER);
            case RECEPTIONIST -> userToken(PortalRole.RECEPTIONIST);
            case ADMINISTRATOR -> userToken(PortalRole.ADMINISTRATOR);
            case PARTNER -> clientToken(new SystemRole.Partner(MatrixData.PARTNER));
            case EHR_SYSTEM -> clientToken(new SystemRole.EhrSystem(MatrixData.GROUP));
            case PATIENT_VERIFIER -> clientToken(new SystemRole.PatientVerifier());
        };
    }

    private static Jwt patientToken(String scope) {
        return jwt(scope)
                .claim(RoleLimit.CLAIM, PortalRole.PATIENT.claimValue())
                .claim("fhirUser", InMemoryFhirServer.BASE + "/Patient/" + mine("Patient"))
                .claim(SmartAuthorizationInterceptor.PATIENT_CLAIM, mine("Patient"))
                .build();
    }

    private static Jwt userToken(PortalRole role) {
        return jwt("user/*.cruds")
                .claim(RoleLimit.CLAIM, role.claimValue())
                .claim("fhirUser", InMemoryFhirServer.BASE + "/" + MatrixData.CLINICIAN)
                .build();
    }

    private static Jwt clientToken(SystemRole role) {
        Jwt.Builder jwt = jwt("system/*.cruds");
        role.claims().forEach(jwt::claim);
        return jwt.build();
    }

    private static Jwt.Builder jwt(String scope) {
        Instant now = Instant.now();
        return Jwt.withTokenValue("matrix-token")
                .header("alg", "RS256")
                .subject("matrix")
                .audience(List.of(InMemoryFhirServer.BASE))
                .issuedAt(now)
                .expiresAt(now.plusSeconds(300))
                .claim("scope", scope)
                .claim("client_id", "matrix-app");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static List<Class<? extends IBaseResource>> resourceClasses() {
        List<Class<? extends IBaseResource>> classes = new ArrayList<>();
        for (String type : MatrixData.TYPES) {
            classes.add(FHIR.getResourceDefinition(type).getImplementingClass());
        }
        classes.add(org.hl7.fhir.r4.model.Group.class);
        return classes;
    }
}
