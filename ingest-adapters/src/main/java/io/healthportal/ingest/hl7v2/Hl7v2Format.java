package io.healthportal.ingest.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.FormatMapper;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HL7 v2 (2.3 to 2.8) into one FHIR transaction bundle per message: ADT^A01/A03/A04/A08 to Patient and
 * Encounter, with AllergyIntolerance (AL1), Condition (DG1), Procedure (PR1) and Observation (OBX); ADT^A40
 * to linked Patients; ORU^R01 to DiagnosticReport, Observations, Specimens and the order's ServiceRequest;
 * VXU^V04 to Immunization; RDE^O11 to MedicationRequest, RDS^O13 to MedicationDispense and SIU^S12-S15/S26
 * to Appointment (with Slot and Schedule); a PV1 in an ORU or VXU to the visit's Encounter. Every message is parsed into the
 * v2.6 model (HAPI's canonical parsing), so the mapping is written once for all versions. Each resource
 * is written by a conditional request on its business identifier, so a replay updates what the first
 * delivery created; each carries {@code meta.source} (partner and MSH-10; hapi-server appends its request id after {@code #}), and one Provenance per
 * message, with a deterministic id from its receipt, points at them and at the archived payload.
 * Plain Java: no Spring.
 */
public final class Hl7v2Format implements FormatMapper {

    private static final Logger log = LoggerFactory.getLogger(Hl7v2Format.class);
    private static final Set<String> ADT_EVENTS = Set.of("A01", "A03", "A04", "A08");
    private static final Set<String> SIU_EVENTS = Set.of("S12", "S13", "S14", "S15", "S26");

    /**
     * The segments each message type's mapping reads; any other segment (Z-segments included) is reported
     * unmapped by name.
     */
    private static final Map<String, Set<String>> MAPPED_SEGMENTS = Map.of(
            "ADT", Set.of("MSH", "EVN", "PID", "PD1", "NK1", "PV1", "PV2", "OBX", "NTE", "AL1", "DG1", "PR1"),
            "ADT^A40", Set.of("MSH", "EVN", "PID", "MRG"),
            "ORU", Set.of("MSH", "EVN", "PID", "PD1", "NK1", "PV1", "PV2", "ORC", "OBR", "OBX", "NTE", "SPM"),
            "VXU", Set.of("MSH", "EVN", "PID", "PD1", "NK1", "PV1", "PV2", "ORC", "RXA", "RXR", "OBX", "NTE"),
            "RDE", Set.of("MSH", "EVN", "PID", "PD1", "NK1", "ORC", "RXE", "RXR"),
            "RDS", Set.of("MSH", "EVN", "PID", "PD1", "NK1", "ORC", "RXD", "RXR"),
            "SIU", Set.of("MSH", "EVN", "PID", "PD1", "NK1", "SCH", "TQ1", "AIS", "AIP", "AIL"));

    private final PipeParser parser;

    public Hl7v2Format() {
        HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory("2.6"));
        // Partners' messages are rarely conformant; what matters is checked while mapping.
        context.setValidationContext(ValidationContextFactory.noValidation());
        context.getParserConfiguration().setValidating(false);
        // HAPI's default id generator keeps a counter file in the working directory.
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        this.parser = context.getPipeParser();
    }

    @Override
    public PayloadFormat format() {
        return PayloadFormat.HL7V2;
    }

    @Override
    public Bundle map(byte[] payload, SourceMessage source) throws MappingException {
        Conversion conversion = convert(new String(payload, source.partner().payloadCharset()), source);
        if (log.isDebugEnabled() && !conversion.unmapped().isEmpty()) {
            log.debug("Receipt {} left unmapped: {}", source.receiptId(), conversion.unmapped());
        }
        return conversion.bundle();
    }

    /** The bundle, and what the message held that was not mapped (field and segment names only). */
    public record Conversion(Bundle bundle, List<String> unmapped) {}

    public Conversion convert(String payload, SourceMessage source) throws MappingException {
        Message message = parse(payload);
        List<Segment> segments = new ArrayList<>();
        try {
            flatten(message, segments);
        } catch (HL7Exception e) {
            throw new MappingException("INGEST-HL7-PARSE", "message structure could not be read: " + e.getErrorCode());
        }
        Fields msh = new Fields(segments.get(0));
        String type = msh.get(9, 1);
        String trigger = msh.get(9, 2);
        String controlId = msh.get(10);
        if (controlId == null) {
            throw new MappingException("INGEST-HL7-NO-CONTROL-ID", "MSH-10 is empty");
        }
        List<String> unmapped = new ArrayList<>();
        Set<String> mapped =
                MAPPED_SEGMENTS.getOrDefault("ADT".equals(type) && "A40".equals(trigger) ? "ADT^A40" : type, Set.of());
        for (Segment segment : segments) {
            if (!mapped.contains(segment.getName())) {
                unmapped.add(segment.getName());
            }
        }
        PartnerProperties partner = source.partner();
        FhirTransaction transaction = new FhirTransaction(metaSource(partner.id(), controlId), partner.id());
        if ("ADT".equals(type) && ADT_EVENTS.contains(trigger)) {
            adt(segments, trigger, partner, transaction, unmapped);
        } else if ("ADT".equals(type) && "A40".equals(trigger)) {
            MergeMapping.map(segments, partner, transaction, unmapped);
        } else if ("ORU".equals(type) && "R01".equals(trigger)) {
            oru(segments, partner, transaction, unmapped);
        } else if ("VXU".equals(type) && "V04".equals(trigger)) {
            ImmunizationMapping.map(segments, partner, transaction, unmapped);
        } else if ("RDE".equals(type) && "O11".equals(trigger)) {
            MedicationMapping.requests(segments, partner, transaction, unmapped);
        } else if ("RDS".equals(type) && "O13".equals(trigger)) {
            MedicationMapping.dispenses(segments, partner, transaction, unmapped);
        } else if ("SIU".equals(type) && SIU_EVENTS.contains(trigger)) {
            AppointmentMapping.map(segments, trigger, partner, transaction, unmapped);
        } else {
            throw new MappingException(
                    "INGEST-HL7-UNSUPPORTED-EVENT", "message type " + type + "^" + trigger + " is not mapped");
        }
        transaction.addProvenance(source, eventTime(segments, msh, partner), "archived HL7 v2 message");
        return new Conversion(transaction.bundle(), List.copyOf(unmapped));
    }

    /**
     * {@code meta.source} for a partner's message. Not {@code uri#id}: HAPI FHIR replaces whatever follows
     * {@code #} with its own request id, so the message id is part of the URI itself.
     */
    static String metaSource(String partnerId, String controlId) {
        return "urn:healthportal:partner:" + partnerId + ":message:"
                + java.net.URLEncoder.encode(controlId, StandardCharsets.UTF_8);
    }

    private Message parse(String payload) throws MappingException {
        String text = Hl7v2Text.normalise(payload);
        if (!text.startsWith("MSH")) {
            throw new MappingException("INGEST-HL7-NO-MSH", "message does not start with an MSH segment");
        }
        try {
            return parser.parse(text);
        } catch (HL7Exception e) {
            // HAPI's own message can quote the payload: only its error code and location are kept.
            throw new MappingException(
                    "INGEST-HL7-PARSE",
                    "HL7 v2 parse failed (" + e.getErrorCode()
                            + (e.getLocation() == null ? "" : " at " + e.getLocation()) + ")");
        } catch (RuntimeException e) {
            throw new MappingException(
                    "INGEST-HL7-PARSE", "HL7 v2 parse failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void adt(
            List<Segment> segments,
            String trigger,
            PartnerProperties partner,
            FhirTransaction transaction,
            List<String> unmapped)
            throws MappingException {
        PatientMapping.MappedPatient patient = patient(segments, partner, unmapped);
        String patientUrl = transaction.conditionalUpdate(patient.patient(), patient.matchOn());
        EncounterMapping.MappedEncounter encounter = encounter(segments, trigger, partner, patientUrl, unmapped);
        String encounterUrl = null;
        if (encounter != null) {
            encounterUrl = transaction.conditionalUpdate(encounter.encounter(), encounter.matchOn());
        }
        patientObservations(segments, null, patientUrl, encounterUrl, partner, transaction, unmapped);
        RecordIdentity allergies = new RecordIdentity(partner, "allergy-intolerance", patientUrl);
        for (Fields al1 : all(segments, "AL1")) {
            AllergyMapping.MappedAllergy allergy = AllergyMapping.map(al1, allergies, patientUrl, unmapped);
            transaction.conditionalUpdate(allergy.allergy(), allergy.matchOn());
        }
        RecordIdentity diagnoses = new RecordIdentity(partner, "condition", patientUrl);
        for (Fields dg1 : all(segments, "DG1")) {
            ConditionMapping.MappedCondition condition =
                    ConditionMapping.map(dg1, diagnoses, patientUrl, encounterUrl, partner, unmapped);
            String conditionUrl = transaction.conditionalUpdate(condition.condition(), condition.matchOn());
            if (encounter != null) {
                ConditionMapping.addDiagnosis(encounter.encounter(), dg1, conditionUrl);
            }
        }
        RecordIdentity procedures = new RecordIdentity(partner, "procedure", patientUrl);
        for (Fields pr1 : all(segments, "PR1")) {
            ProcedureMapping.MappedProcedure procedure =
                    ProcedureMapping.map(pr1, procedures, patientUrl, encounterUrl, partner, unmapped);
            transaction.conditionalUpdate(procedure.procedure(), procedure.matchOn());
        }
    }

    /**
     * The Encounter of the message's PV1 (with its PV2), for the patient, or null when the message has no PV1
     * or the PV1 no visit number.
     */
    static EncounterMapping.MappedEncounter encounter(
            List<Segment> segments, String trigger, PartnerProperties partner, String patientUrl, List<String> unmapped)
            throws MappingException {
        Segment pv1 = first(segments, "PV1");
        if (pv1 == null) {
            return null;
        }
        Segment pv2 = first(segments, "PV2");
        Segment evn = first(segments, "EVN");
        EncounterMapping.MappedEncounter encounter = EncounterMapping.map(
                new Fields(pv1),
                pv2 == null ? null : new Fields(pv2),
                evn == null ? null : new Fields(evn),
                trigger,
                partner,
                unmapped);
        if (encounter != null) {
            encounter.encounter().setSubject(new Reference(patientUrl));
        }
        return encounter;
    }

    /**
     * The OBX of a message that belong to no order (an ADT's; an ORU's or VXU's patient observations, before
     * its first order), each an Observation of the patient identified by {@link
     * ResultMapping#patientObservationId}, with the NTE that follow it as its notes ({@code messages/ADT_A01}
     * OBSERVATION, {@code messages/ORU_R01} PATIENT_OBSERVATION, {@code messages/VXU_V04} PERSON_OBSERVATION).
     *
     * @param before the name of the segment that starts the orders, or null for the whole message
     * @param encounterUrl the visit's Encounter, or null
     */
    static void patientObservations(
            List<Segment> segments,
            String before,
            String patientUrl,
            String encounterUrl,
            PartnerProperties partner,
            FhirTransaction transaction,
            List<String> unmapped)
            throws MappingException {
        RecordIdentity identity = new RecordIdentity(partner, "observation", patientUrl);
        Observation last = null;
        for (Segment segment : segments) {
            String name = segment.getName();
            if (name.equals(before)) {
                break;
            }
            if (name.equals("OBX")) {
                Fields obx = new Fields(segment);
                ResultMapping.MappedObservation observation = ResultMapping.observation(
                        obx, ResultMapping.patientObservationId(obx, identity), null, null, partner, unmapped);
                last = observation.observation();
                last.setSubject(new Reference(patientUrl));
                if (encounterUrl != null) {
                    last.setEncounter(new Reference(encounterUrl));
                }
                transaction.conditionalUpdate(last, observation.matchOn());
            } else if (name.equals("NTE") && last != null) {
                ResultMapping.addNote(new Fields(segment), last, partner);
            } else if (name.equals("NTE")) {
                unmapped.add("NTE outside an observation");
            } else if (!name.equals("PRT")) {
                // An observation's group holds its PRT (participants) and NTE (notes); anything else ends it.
                last = null;
            }
        }
    }

    private static void oru(
            List<Segment> segments, PartnerProperties partner, FhirTransaction transaction, List<String> unmapped)
            throws MappingException {
        // A lab's PID does not overwrite demographics a clinic sent: create the patient only if unknown.
        String patientUrl = referencedPatient(segments, partner, transaction, unmapped);
        String encounterUrl = referencedEncounter(segments, partner, patientUrl, transaction, unmapped);
        Segment firstOrder = segments.stream()
                .filter(s -> s.getName().equals("ORC") || s.getName().equals("OBR"))
                .findFirst()
                .orElse(null);
        patientObservations(
                segments,
                firstOrder == null ? null : firstOrder.getName(),
                patientUrl,
                encounterUrl,
                partner,
                transaction,
                unmapped);
        Fields orc = null;
        Fields obr = null;
        List<Fields> group = new ArrayList<>();
        int reports = 0;
        for (Segment segment : segments) {
            switch (segment.getName()) {
                case "ORC" -> {
                    if (obr != null) {
                        addReport(obr, orc, group, partner, transaction, patientUrl, encounterUrl, unmapped);
                        reports++;
                        obr = null;
                        group = new ArrayList<>();
                    }
                    orc = new Fields(segment);
                }
                case "OBR" -> {
                    if (obr != null) {
                        addReport(obr, orc, group, partner, transaction, patientUrl, encounterUrl, unmapped);
                        reports++;
                        orc = null;
                        group = new ArrayList<>();
                    }
                    obr = new Fields(segment);
                }
                default -> {
                    if (obr != null) {
                        group.add(new Fields(segment));
                    }
                }
            }
        }
        if (obr != null) {
            addReport(obr, orc, group, partner, transaction, patientUrl, encounterUrl, unmapped);
            reports++;
        }
        if (reports == 0) {
            throw new MappingException("INGEST-HL7-NO-OBR", "ORU^R01 without an OBR segment");
        }
    }

    private static void addReport(
            Fields obr,
            Fields orc,
            List<Fields> group,
            PartnerProperties partner,
            FhirTransaction transaction,
            String patientUrl,
            String encounterUrl,
            List<String> unmapped)
            throws MappingException {
        ResultMapping.MappedReport mapped = ResultMapping.map(obr, orc, group, partner, unmapped);
        Reference subject = new Reference(patientUrl);
        mapped.order().order().setSubject(subject.copy());
        if (encounterUrl != null) {
            mapped.order().order().setEncounter(new Reference(encounterUrl));
        }
        String orderUrl = transaction.conditionalCreate(
                mapped.order().order(), mapped.order().matchOn());
        mapped.report().addBasedOn(new Reference(orderUrl));
        List<String> specimenUrls = new ArrayList<>();
        for (SpecimenMapping.MappedSpecimen specimen : mapped.specimens()) {
            specimen.specimen().setSubject(subject.copy());
            String url = transaction.conditionalUpdate(specimen.specimen(), specimen.matchOn());
            specimenUrls.add(url);
            mapped.report().addSpecimen(new Reference(url));
            mapped.order().order().addSpecimen(new Reference(url));
        }
        for (ResultMapping.MappedObservation observation : mapped.observations()) {
            observation.observation().setSubject(subject.copy());
            if (encounterUrl != null) {
                observation.observation().setEncounter(new Reference(encounterUrl));
            }
            Integer specimen = mapped.specimenOf().get(observation);
            if (specimen != null) {
                observation.observation().setSpecimen(new Reference(specimenUrls.get(specimen)));
            }
            String url = transaction.conditionalUpdate(observation.observation(), observation.matchOn());
            mapped.report().addResult(new Reference(url));
        }
        mapped.report().setSubject(subject.copy());
        if (encounterUrl != null) {
            mapped.report().setEncounter(new Reference(encounterUrl));
        }
        transaction.conditionalUpdate(mapped.report(), mapped.matchOn());
    }

    /** EVN-2 (recorded date/time), else MSH-7: the source event time every written resource records. */
    private static DateTimeType eventTime(List<Segment> segments, Fields msh, PartnerProperties partner)
            throws MappingException {
        Segment evn = first(segments, "EVN");
        DateTimeType recorded = evn == null ? null : Datatypes.dateTime(new Fields(evn), 2, partner.timeZone());
        return recorded != null ? recorded : Datatypes.dateTime(msh, 7, partner.timeZone());
    }

    static Fields required(List<Segment> segments, String name) throws MappingException {
        Segment segment = first(segments, name);
        if (segment == null) {
            throw new MappingException("INGEST-HL7-MISSING-SEGMENT", "the message has no " + name + " segment");
        }
        return new Fields(segment);
    }

    static List<Fields> all(List<Segment> segments, String name) {
        return segments.stream()
                .filter(s -> s.getName().equals(name))
                .map(Fields::new)
                .toList();
    }

    static Segment first(List<Segment> segments, String name) {
        return segments.stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    /**
     * The patient of a message that does not own demographics (results, immunizations, medicines,
     * appointments): a conditional create, so that a clinic's ADT stays the source of the Patient.
     * Returns the entry's fullUrl.
     */
    static String referencedPatient(
            List<Segment> segments, PartnerProperties partner, FhirTransaction transaction, List<String> unmapped)
            throws MappingException {
        PatientMapping.MappedPatient patient = patient(segments, partner, unmapped);
        return transaction.conditionalCreate(patient.patient(), patient.matchOn());
    }

    /**
     * The visit of a message that does not own it (results, immunizations): a conditional create of the
     * Encounter of its PV1, as for the Patient. Returns the entry's fullUrl, or null when there is none.
     */
    static String referencedEncounter(
            List<Segment> segments,
            PartnerProperties partner,
            String patientUrl,
            FhirTransaction transaction,
            List<String> unmapped)
            throws MappingException {
        EncounterMapping.MappedEncounter encounter = encounter(segments, null, partner, patientUrl, unmapped);
        return encounter == null ? null : transaction.conditionalCreate(encounter.encounter(), encounter.matchOn());
    }

    /**
     * The message's patient: PID, with PD1 (additional demographics), the NK1 contacts and PV1-16 (VIP
     * indicator) folded in.
     */
    private static PatientMapping.MappedPatient patient(
            List<Segment> segments, PartnerProperties partner, List<String> unmapped) throws MappingException {
        PatientMapping.MappedPatient patient = PatientMapping.map(required(segments, "PID"), partner, unmapped);
        Segment pd1 = first(segments, "PD1");
        if (pd1 != null) {
            PatientMapping.addAdditionalDemographics(patient.patient(), new Fields(pd1), unmapped);
        }
        PatientMapping.addContacts(patient.patient(), all(segments, "NK1"), unmapped);
        Segment pv1 = first(segments, "PV1");
        if (pv1 != null) {
            PatientMapping.addImportance(patient.patient(), new Fields(pv1));
        }
        return patient;
    }

    /**
     * The message cut into runs that each start at a segment named {@code start} (an ORC, say) and hold the
     * segments after it up to the next one; segments before the first are not in any run.
     */
    static List<List<Fields>> runs(List<Segment> segments, String start) {
        List<List<Fields>> runs = new ArrayList<>();
        for (Segment segment : segments) {
            if (segment.getName().equals(start)) {
                runs.add(new ArrayList<>());
            }
            if (!runs.isEmpty()) {
                runs.get(runs.size() - 1).add(new Fields(segment));
            }
        }
        return runs;
    }

    /** Every non-empty segment in message order, groups flattened. */
    private static void flatten(Group group, List<Segment> out) throws HL7Exception {
        for (String name : group.getNames()) {
            for (Structure structure : group.getAll(name)) {
                if (structure instanceof Segment segment) {
                    if (!segment.isEmpty()) {
                        out.add(segment);
                    }
                } else {
                    flatten((Group) structure, out);
                }
            }
        }
    }
}
