package io.healthportal.server.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * Builds the portal's AuditEvents after IHE Basic Audit Log Patterns (BALP) on FHIR R4: RESTful
 * interactions typed {@code rest} with the {@code restful-interaction} as subtype, sign-ins and token
 * issuance as DICOM "User Authentication", one agent for the person and one for the client app, this
 * server as the source, and an entity per patient (role 1) beside the resource or query concerned.
 * Plain and side-effect free: {@link AuditTrail} stores what these return.
 */
public final class AuditEvents {

    static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    static final String NETWORK_TYPE_IP = "2";

    /** The portal's own subtypes, where no standard code says it. */
    public static final String PORTAL_SUBTYPE = "urn:healthportal:audit-subtype";

    public static final String USERNAME_SYSTEM = "urn:healthportal:username";
    public static final String CLIENT_ID_SYSTEM = "urn:healthportal:oauth-client-id";
    /** How many refused requests an aggregated AuditEvent stands for. */
    public static final String AGGREGATED_COUNT =
            "http://healthportal.io/fhir/StructureDefinition/audit-aggregated-count";

    static final Coding REST = new Coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation");
    static final Coding USER_AUTHENTICATION = new Coding(DICOM, "110114", "User Authentication");
    static final Coding SECURITY_ALERT = new Coding(DICOM, "110113", "Security Alert");
    static final Coding LOGIN = new Coding(DICOM, "110122", "Login");
    static final Coding TOKEN_ISSUED = new Coding(PORTAL_SUBTYPE, "token-issued", "Access token issued");
    static final Coding UNAUTHENTICATED =
            new Coding(PORTAL_SUBTYPE, "unauthenticated", "Requests without a valid access token");
    static final Coding SECOND_FACTOR = new Coding(PORTAL_SUBTYPE, "second-factor", "TOTP code after the password");
    static final Coding SECURITY_ATTRIBUTES_CHANGED = new Coding(DICOM, "110137", "User Security Attributes Changed");
    static final Coding APPLICATION_ACTIVITY = new Coding(DICOM, "110100", "Application Activity");
    static final Coding BREAK_GLASS = new Coding(PORTAL_SUBTYPE, "break-glass", "Break-glass access");

    private final String serverBase;

    /** @param serverBase this server's public FHIR base: the source of every event */
    public AuditEvents(String serverBase) {
        this.serverBase = serverBase;
    }

    /**
     * A RESTful interaction on {@code /fhir}; the caller adds the entities.
     *
     * @param interaction a {@code restful-interaction} code ({@code read}, {@code search-type}, ...)
     * @param status the HTTP status answered
     * @param detail what went wrong, for a failure; null otherwise
     */
    AuditEvent rest(
            Instant recorded,
            String interaction,
            AuditEventAction action,
            int status,
            String detail,
            AuditActor actor) {
        AuditEvent event = base(recorded, REST, action, outcome(status), actor);
        event.addSubtype(new Coding(RESTFUL_INTERACTION, interaction, interaction));
        event.setOutcomeDesc(status + (detail == null ? "" : " " + detail));
        return event;
    }

    /** A sign-in on the login page, successful or not ({@code reason} says why not). */
    AuditEvent login(Instant recorded, AuditActor actor, boolean succeeded, String reason) {
        AuditEvent event = base(
                recorded,
                USER_AUTHENTICATION,
                AuditEventAction.E,
                succeeded ? AuditEventOutcome._0 : AuditEventOutcome._4,
                actor);
        event.addSubtype(LOGIN.copy());
        if (reason != null) {
            event.setOutcomeDesc(reason);
        }
        return event;
    }

    /** A staff member's second factor, accepted or refused; {@code enrolling}: their first code. */
    AuditEvent secondFactor(Instant recorded, AuditActor actor, boolean succeeded, boolean enrolling) {
        AuditEvent event = base(
                recorded,
                USER_AUTHENTICATION,
                AuditEventAction.E,
                succeeded ? AuditEventOutcome._0 : AuditEventOutcome._4,
                actor);
        event.addSubtype(LOGIN.copy());
        event.addSubtype(SECOND_FACTOR.copy());
        event.setOutcomeDesc((succeeded ? "code accepted" : "wrong, reused or expired code")
                + (enrolling ? " while enrolling an authenticator" : ""));
        return event;
    }

    /**
     * A request to the admin API: reads are application activity, changes alter users' or clients'
     * security attributes. The user or client acted on is the entity, named by its identifier.
     *
     * @param action what was asked ({@code create-user}, {@code list-clients}, ...; {@code refused} for a
     *     caller without the administrator role)
     * @param targetKind {@code user}, {@code client}, or {@code request} for a refused one
     * @param target the username or client id; the method and path of a refused request; null for a list
     */
    AuditEvent adminAction(
            Instant recorded, AuditActor actor, String action, String targetKind, String target, int status) {
        boolean read = action.startsWith("list-") || action.equals("refused");
        AuditEvent event = base(
                recorded,
                read ? APPLICATION_ACTIVITY : SECURITY_ATTRIBUTES_CHANGED,
                read ? AuditEventAction.R : AuditEventAction.U,
                outcome(status),
                actor);
        event.addSubtype(new Coding(PORTAL_SUBTYPE, "admin-" + action, "Admin API: " + action));
        event.setOutcomeDesc(String.valueOf(status));
        AuditEventEntityComponent entity = event.addEntity()
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "13", "Security Resource"))
                .setName(targetKind);
        if (target != null) {
            switch (targetKind) {
                case "user" ->
                    entity.setWhat(new Reference()
                            .setIdentifier(
                                    new Identifier().setSystem(USERNAME_SYSTEM).setValue(target)));
                case "client" ->
                    entity.setWhat(new Reference()
                            .setIdentifier(
                                    new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(target)));
                default -> entity.setDescription(target);
            }
        }
        return event;
    }

    /**
     * An access token issued by the token endpoint: to which client, with which scopes, for which
     * patient in context (null: none).
     */
    AuditEvent tokenIssued(Instant recorded, AuditActor actor, Collection<String> scopes, String patientId) {
        AuditEvent event = base(recorded, USER_AUTHENTICATION, AuditEventAction.C, AuditEventOutcome._0, actor);
        event.addSubtype(TOKEN_ISSUED.copy());
        AuditEventEntityComponent token = event.addEntity()
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "13", "Security Resource"))
                .setName("access token")
                .setDescription(String.join(" ", scopes));
        token.addDetail().setType("scope").setValue(new org.hl7.fhir.r4.model.StringType(String.join(" ", scopes)));
        if (patientId != null) {
            event.addEntity(patient(new Reference("Patient/" + patientId)));
        }
        return event;
    }

    /**
     * {@code count} requests to {@code /fhir} from {@code address} answered 401 between {@code first}
     * and {@code last}: one event per address and minute, so a flood of them costs one row.
     */
    AuditEvent unauthenticated(Instant first, Instant last, String address, int count) {
        AuditEvent event = base(
                last, USER_AUTHENTICATION, AuditEventAction.E, AuditEventOutcome._4, AuditActor.anonymous(address));
        event.addSubtype(UNAUTHENTICATED.copy());
        event.setPeriod(new Period().setStart(Date.from(first)).setEnd(Date.from(last)));
        event.setOutcomeDesc("401: " + count + " request(s) without a valid access token");
        event.addExtension(AGGREGATED_COUNT, new IntegerType(count));
        return event;
    }

    /**
     * A clinician opening a record outside their care relationships with a typed reason (issue 3, item
     * 14), stored beside the request's own {@code rest} event: one per patient reached that way.
     */
    public AuditEvent breakGlass(Instant recorded, AuditActor actor, String patientId, String reason) {
        AuditEvent event = base(recorded, SECURITY_ALERT, AuditEventAction.E, AuditEventOutcome._0, actor);
        event.addSubtype(BREAK_GLASS.copy());
        event.addPurposeOfEvent(new CodeableConcept(new Coding(ACT_REASON, "BTG", "break the glass")).setText(reason));
        event.addEntity(patient(new Reference("Patient/" + patientId)));
        return event;
    }

    /** The patient whose data was read or written: entity role 1 (Patient), type 1 (Person). */
    static AuditEventEntityComponent patient(Reference patient) {
        return new AuditEventEntityComponent()
                .setWhat(patient)
                .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
    }

    /** The resource read or written: entity role 4 (Domain Resource), type 2 (System Object). */
    static AuditEventEntityComponent resource(Reference resource) {
        return new AuditEventEntityComponent()
                .setWhat(resource)
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
    }

    /** The search as asked ({@code Observation?patient=...}), base64 in {@code entity.query}: role 24 (Query). */
    static AuditEventEntityComponent query(String query) {
        return new AuditEventEntityComponent()
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "24", "Query"))
                .setQuery(query.getBytes(StandardCharsets.UTF_8));
    }

    /** 0 success; 4 the request was refused or invalid (4xx); 8 the server failed (5xx). */
    static AuditEventOutcome outcome(int status) {
        if (status < 400) {
            return AuditEventOutcome._0;
        }
        return status < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8;
    }

    private AuditEvent base(
            Instant recorded, Coding type, AuditEventAction action, AuditEventOutcome outcome, AuditActor actor) {
        AuditEvent event = new AuditEvent()
                .setType(type.copy())
                .setAction(action)
                .setRecorded(Date.from(recorded))
                .setOutcome(outcome);
        if (actor.isPerson()) {
            AuditEventAgentComponent user = event.addAgent()
                    .setType(new CodeableConcept(new Coding(PARTICIPATION_TYPE, "IRCP", "information recipient")))
                    .setRequestor(true)
                    .setName(actor.username());
            Reference who = actor.fhirUser() == null ? new Reference() : new Reference(actor.fhirUser());
            user.setWho(who.setIdentifier(
                    new Identifier().setSystem(USERNAME_SYSTEM).setValue(actor.username())));
            network(user, actor);
            policy(user, actor);
        }
        if (actor.clientId() != null) {
            AuditEventAgentComponent client = event.addAgent()
                    .setType(new CodeableConcept(new Coding(DICOM, "110153", "Source Role ID")))
                    .setRequestor(!actor.isPerson())
                    .setName(actor.clientId())
                    .setWho(new Reference()
                            .setIdentifier(
                                    new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(actor.clientId())));
            network(client, actor);
            policy(client, actor);
        }
        if (!actor.isPerson() && actor.clientId() == null) {
            AuditEventAgentComponent unknown = event.addAgent()
                    .setType(new CodeableConcept(new Coding(DICOM, "110153", "Source Role ID")))
                    .setRequestor(true)
                    .setName("unauthenticated");
            network(unknown, actor);
        }
        event.getSource()
                .setSite(serverBase)
                .setObserver(
                        new Reference().setDisplay("hapi-server").setIdentifier(new Identifier().setValue(serverBase)))
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
        return event;
    }

    private static void network(AuditEventAgentComponent agent, AuditActor actor) {
        if (actor.address() != null) {
            agent.getNetwork()
                    .setAddress(actor.address())
                    .setType(AuditEvent.AuditEventAgentNetworkType.fromCode(NETWORK_TYPE_IP));
        }
    }

    /** BALP names the access token an agent acted under by its {@code jti}. */
    private static void policy(AuditEventAgentComponent agent, AuditActor actor) {
        if (actor.tokenId() != null) {
            agent.addPolicy(actor.tokenId());
        }
    }
}
