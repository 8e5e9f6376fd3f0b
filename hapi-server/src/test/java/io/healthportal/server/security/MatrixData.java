package io.healthportal.server.security;

import io.healthportal.server.testing.PortalResourceTypes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.AppointmentResponse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * The security matrix's data: patient A (the patient's own record, the clinician's patient through a
 * booked appointment, the EHR system's Group member, partner {@value #PARTNER}'s data) and patient B (none
 * of these: their appointment with the clinician was cancelled and their encounter with them is 13 months
 * old; their data is another partner's), each with a resource of every portal type in their compartment,
 * plus resources in no one's compartment (Practitioner, PractitionerRole, Organization, Location, Schedule,
 * Slot), which carry no partner tag. Ids say whose a resource is: {@code a-observation}, {@code
 * b-observation}, {@code shared-location}.
 */
final class MatrixData {

    static final String PARTNER = "lab-a";
    static final String OTHER_PARTNER = "lab-b";
    static final String GROUP = "ehr-group";
    static final String CLINICIAN = "Practitioner/shared-practitioner";
    static final String IDENTIFIER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    /** The portal's resource types (issue 3), in the matrix's order. */
    static final List<String> TYPES = PortalResourceTypes.ALL;

    /** The types seeded outside any patient's compartment. */
    static final Set<String> SHARED =
            Set.of("Schedule", "Slot", "Practitioner", "PractitionerRole", "Organization", "Location");

    /**
     * The reference parameter each type's {@code _include} and chain cells follow, the type a typed chain
     * names, and the types patient A's resource links to through it (what an include brings). Practitioner
     * has no reference parameter, so it has no such cells.
     */
    static final Map<String, Link> LINKS = Map.ofEntries(
            Map.entry("Patient", new Link("general-practitioner", "Practitioner", Set.of("Practitioner"))),
            Map.entry("Encounter", new Link("subject", "Patient", Set.of("Patient"))),
            Map.entry("Observation", new Link("subject", "Patient", Set.of("Patient"))),
            Map.entry("Appointment", new Link("actor", "Patient", Set.of("Patient", "Practitioner"))),
            Map.entry("AppointmentResponse", new Link("actor", "Patient", Set.of("Patient"))),
            Map.entry("Schedule", new Link("actor", "Practitioner", Set.of("Practitioner"))),
            Map.entry("Slot", new Link("schedule", "Schedule", Set.of("Schedule"))),
            Map.entry("PractitionerRole", new Link("practitioner", "Practitioner", Set.of("Practitioner"))),
            Map.entry("Organization", new Link("partof", "Organization", Set.of())),
            Map.entry("Location", new Link("organization", "Organization", Set.of("Organization"))),
            Map.entry("DiagnosticReport", new Link("subject", "Patient", Set.of("Patient"))),
            Map.entry("MedicationRequest", new Link("subject", "Patient", Set.of("Patient"))),
            Map.entry("MedicationDispense", new Link("subject", "Patient", Set.of("Patient"))),
            Map.entry("Immunization", new Link("patient", "Patient", Set.of("Patient"))),
            Map.entry("Condition", new Link("subject", "Patient", Set.of("Patient"))),
            Map.entry("AllergyIntolerance", new Link("patient", "Patient", Set.of("Patient"))),
            Map.entry("Provenance", new Link("patient", "Patient", Set.of("Patient"))),
            Map.entry("AuditEvent", new Link("patient", "Patient", Set.of("Patient"))),
            Map.entry("Consent", new Link("patient", "Patient", Set.of("Patient"))));

    /** A chain's criterion on each type a link leads to, matching what patient A's data links to. */
    static final Map<String, String> CHAINED_CRITERION = Map.of(
            "Patient", "family=Alpha",
            "Practitioner", "family=Doctor",
            "Schedule", "_id=shared-schedule",
            "Organization", "name=Clinic");

    /** One reference parameter of a type, the type a typed chain through it names, and what it links to. */
    record Link(String parameter, String target, Set<String> included) {}

    private MatrixData() {}

    static boolean shared(String type) {
        return SHARED.contains(type);
    }

    /** The id of patient A's (or the shared) resource of {@code type}. */
    static String mine(String type) {
        return (shared(type) ? "shared-" : "a-") + type.toLowerCase(Locale.ROOT);
    }

    /** The id of patient B's resource of {@code type}; only for types in the patient compartment. */
    static String others(String type) {
        return "b-" + type.toLowerCase(Locale.ROOT);
    }

    /** Every resource the server starts each cell with. */
    static List<Resource> seed() {
        List<Resource> all = new ArrayList<>();
        Practitioner practitioner = new Practitioner();
        practitioner.addName().setFamily("Doctor");
        all.add(withId(practitioner, mine("Practitioner")));
        Organization organization = new Organization();
        organization.setName("Clinic");
        all.add(withId(organization, mine("Organization")));
        PractitionerRole role = new PractitionerRole();
        role.setPractitioner(new Reference(CLINICIAN));
        role.setOrganization(new Reference("Organization/" + mine("Organization")));
        all.add(withId(role, mine("PractitionerRole")));
        Location location = new Location();
        location.setName("Clinic room 1");
        location.setManagingOrganization(new Reference("Organization/" + mine("Organization")));
        all.add(withId(location, mine("Location")));
        Schedule schedule = new Schedule();
        schedule.addActor(new Reference(CLINICIAN));
        all.add(withId(schedule, mine("Schedule")));
        Slot slot = new Slot();
        slot.setSchedule(new Reference("Schedule/" + mine("Schedule")));
        slot.setStatus(Slot.SlotStatus.FREE);
        slot.setStart(inDays(1));
        slot.setEnd(inDays(2));
        all.add(withId(slot, mine("Slot")));

        all.addAll(record("a", "Alpha", PARTNER, true));
        all.addAll(record("b", "Beta", OTHER_PARTNER, false));

        Group group = new Group();
        group.setType(Group.GroupType.PERSON);
        group.setActual(true);
        group.addMember().setEntity(new Reference("Patient/a-patient"));
        all.add(withId(group, GROUP));
        return all;
    }

    /**
     * One patient's record: a resource of every compartment type, written by {@code partner}.
     *
     * @param inCare whether the clinician has a care relationship with them (a booked appointment)
     */
    private static List<Resource> record(String who, String family, String partner, boolean inCare) {
        String patientRef = "Patient/" + who + "-patient";
        List<Resource> record = new ArrayList<>();
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        patient.addIdentifier().setSystem(IDENTIFIER_SYSTEM).setValue(who.toUpperCase(Locale.ROOT) + "-1");
        patient.addGeneralPractitioner(new Reference(CLINICIAN));
        patient.getMeta().addTag(PartnerLimitInterceptor.OWNER_TAG_SYSTEM, partner, null);
        record.add(patient);

        Encounter encounter = new Encounter();
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
        encounter.setSubject(new Reference(patientRef));
        encounter.addParticipant().setIndividual(new Reference(CLINICIAN));
        // A's is last month; B's 13 months ago, outside the care relationship's 12.
        Instant start = Instant.now().minus(inCare ? 30 : 400, ChronoUnit.DAYS);
        encounter.setPeriod(new Period().setStart(Date.from(start)).setEnd(Date.from(start.plus(1, ChronoUnit.HOURS))));
        record.add(encounter);

        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(concept("http://loinc.org", "4548-4"));
        observation.addCategory(concept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"));
        observation.setSubject(new Reference(patientRef));
        record.add(observation);

        Condition condition = new Condition();
        condition.setCode(concept("http://snomed.info/sct", "44054006"));
        condition.setSubject(new Reference(patientRef));
        record.add(condition);

        Appointment appointment = new Appointment();
        // B's was cancelled: no care relationship.
        appointment.setStatus(inCare ? Appointment.AppointmentStatus.BOOKED : Appointment.AppointmentStatus.CANCELLED);
        appointment.setStart(inDays(1));
        appointment.setEnd(inDays(2));
        appointment.addReasonReference(new Reference("Condition/" + who + "-condition"));
        appointment
                .addParticipant()
                .setActor(new Reference(patientRef))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        appointment
                .addParticipant()
                .setActor(new Reference(CLINICIAN))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        record.add(appointment);

        AppointmentResponse response = new AppointmentResponse();
        response.setAppointment(new Reference("Appointment/" + who + "-appointment"));
        response.setActor(new Reference(patientRef));
        response.setParticipantStatus(AppointmentResponse.ParticipantStatus.ACCEPTED);
        record.add(response);

        DiagnosticReport report = new DiagnosticReport();
        report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        report.setCode(concept("http://loinc.org", "57021-8"));
        report.setSubject(new Reference(patientRef));
        report.addResult(new Reference("Observation/" + who + "-observation"));
        record.add(report);

        MedicationRequest request = new MedicationRequest();
        request.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
        request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        request.setMedication(concept("http://snomed.info/sct", "322236009"));
        request.setSubject(new Reference(patientRef));
        record.add(request);

        MedicationDispense dispense = new MedicationDispense();
        dispense.setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED);
        dispense.setMedication(concept("http://snomed.info/sct", "322236009"));
        dispense.setSubject(new Reference(patientRef));
        record.add(dispense);

        Immunization immunization = new Immunization();
        immunization.setStatus(Immunization.ImmunizationStatus.COMPLETED);
        immunization.setVaccineCode(concept("http://snomed.info/sct", "1119349007"));
        immunization.setPatient(new Reference(patientRef));
        immunization.setOccurrence(new org.hl7.fhir.r4.model.DateTimeType(inDays(-10)));
        record.add(immunization);

        AllergyIntolerance allergy = new AllergyIntolerance();
        allergy.setCode(concept("http://snomed.info/sct", "91936005"));
        allergy.setPatient(new Reference(patientRef));
        record.add(allergy);

        Consent consent = new Consent();
        consent.setStatus(Consent.ConsentState.ACTIVE);
        consent.setScope(concept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"));
        consent.addCategory(concept("http://loinc.org", "59284-0"));
        consent.setPatient(new Reference(patientRef));
        record.add(consent);

        // The Provenance names the patient among its targets, as ingest's do, so it is in their compartment.
        Provenance provenance = new Provenance();
        provenance.setRecorded(new Date());
        provenance.addAgent().setWho(new Reference(CLINICIAN));
        provenance.addTarget(new Reference(patientRef));
        for (Resource resource : record) {
            if (!(resource instanceof Patient)) {
                provenance.addTarget(new Reference(resource.fhirType() + "/" + who + "-"
                        + resource.fhirType().toLowerCase(Locale.ROOT)));
            }
        }
        record.add(provenance);

        for (Resource resource : record) {
            withId(resource, who + "-" + resource.fhirType().toLowerCase(Locale.ROOT));
            resource.getMeta().addTag(PartnerLimitInterceptor.PARTNER_TAG_SYSTEM, partner, null);
        }

        // Written by the server's audit trail: no partner's tag.
        AuditEvent audit = new AuditEvent();
        audit.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", null));
        audit.setRecorded(new Date());
        audit.addAgent().setWho(new Reference(CLINICIAN)).setRequestor(true);
        audit.getSource().setObserver(new Reference("Organization/" + mine("Organization")));
        audit.addEntity().setWhat(new Reference(patientRef));
        record.add(withId(audit, who + "-auditevent"));
        return record;
    }

    private static <R extends Resource> R withId(R resource, String id) {
        resource.setId(resource.fhirType() + "/" + id);
        return resource;
    }

    private static CodeableConcept concept(String system, String code) {
        return new CodeableConcept(new Coding(system, code, null));
    }

    private static Date inDays(int days) {
        return Date.from(Instant.now().plus(days, ChronoUnit.DAYS));
    }

    /** The stored resource with id {@code id} among {@code resources}. */
    static IBaseResource find(List<? extends IBaseResource> resources, String type, String id) {
        return resources.stream()
                .filter(resource -> resource.fhirType().equals(type)
                        && resource.getIdElement().getIdPart().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No seeded " + type + "/" + id));
    }
}
