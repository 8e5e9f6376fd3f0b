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
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HL7 v2 (2.3 to 2.8) into one FHIR transaction bundle per message: ADT^A01/A03/A04/A08 to Patient and
 * Encounter, ADT^A40 to linked Patients, ORU^R01 to DiagnosticReport and Observations, VXU^V04 to
 * Immunization, RDE^O11 to MedicationRequest, RDS^O13 to MedicationDispense and SIU^S12-S15/S26 to
 * Appointment (with Slot and Schedule). Every message is parsed into the
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
            "ADT", Set.of("MSH", "EVN", "PID", "NK1", "PV1"),
            "ADT^A40", Set.of("MSH", "EVN", "PID", "MRG"),
            "ORU", Set.of("MSH", "EVN", "PID", "NK1", "ORC", "OBR", "OBX"),
            "VXU", Set.of("MSH", "EVN", "PID", "NK1", "ORC", "RXA", "RXR", "OBX"),
            "RDE", Set.of("MSH", "EVN", "PID", "NK1", "ORC", "RXE", "RXR"),
            "RDS", Set.of("MSH", "EVN", "PID", "NK1", "ORC", "RXD", "RXR"),
            "SIU", Set.of("MSH", "EVN", "PID", "NK1", "SCH", "TQ1", "AIS", "AIP", "AIL"));

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
        Fields pid = required(segments, "PID");
        PatientMapping.MappedPatient patient = PatientMapping.map(pid, partner, unmapped);
        PatientMapping.addContacts(patient.patient(), all(segments, "NK1"), unmapped);
        String patientUrl = transaction.conditionalUpdate(patient.patient(), patient.matchOn());
        Segment pv1 = first(segments, "PV1");
        if (pv1 != null) {
            Segment evn = first(segments, "EVN");
            EncounterMapping.MappedEncounter encounter = EncounterMapping.map(
                    new Fields(pv1), evn == null ? null : new Fields(evn), trigger, partner, unmapped);
            if (encounter != null) {
                encounter.encounter().setSubject(new Reference(patientUrl));
                transaction.conditionalUpdate(encounter.encounter(), encounter.matchOn());
            }
        }
    }

    private static void oru(
            List<Segment> segments, PartnerProperties partner, FhirTransaction transaction, List<String> unmapped)
            throws MappingException {
        // A lab's PID does not overwrite demographics a clinic sent: create the patient only if unknown.
        String patientUrl = referencedPatient(segments, partner, transaction, unmapped);
        Fields orc = null;
        Fields obr = null;
        List<Fields> obxs = new ArrayList<>();
        int reports = 0;
        for (Segment segment : segments) {
            switch (segment.getName()) {
                case "ORC" -> {
                    if (obr != null) {
                        addReport(obr, orc, obxs, partner, transaction, patientUrl, unmapped);
                        reports++;
                        obr = null;
                        obxs = new ArrayList<>();
                    }
                    orc = new Fields(segment);
                }
                case "OBR" -> {
                    if (obr != null) {
                        addReport(obr, orc, obxs, partner, transaction, patientUrl, unmapped);
                        reports++;
                        orc = null;
                        obxs = new ArrayList<>();
                    }
                    obr = new Fields(segment);
                }
                case "OBX" -> {
                    if (obr == null) {
                        // A patient-level observation (ORU_R01's PATIENT OBX): no order gives it an identity.
                        unmapped.add("OBX outside an order (before any OBR)");
                    } else {
                        obxs.add(new Fields(segment));
                    }
                }
                default -> {
                    // other segments were listed as unmapped above
                }
            }
        }
        if (obr != null) {
            addReport(obr, orc, obxs, partner, transaction, patientUrl, unmapped);
            reports++;
        }
        if (reports == 0) {
            throw new MappingException("INGEST-HL7-NO-OBR", "ORU^R01 without an OBR segment");
        }
    }

    private static void addReport(
            Fields obr,
            Fields orc,
            List<Fields> obxs,
            PartnerProperties partner,
            FhirTransaction transaction,
            String patientUrl,
            List<String> unmapped)
            throws MappingException {
        ResultMapping.MappedReport mapped = ResultMapping.map(obr, orc, obxs, partner, unmapped);
        Reference subject = new Reference(patientUrl);
        for (ResultMapping.MappedObservation observation : mapped.observations()) {
            observation.observation().setSubject(subject.copy());
            String url = transaction.conditionalUpdate(observation.observation(), observation.matchOn());
            mapped.report().addResult(new Reference(url));
        }
        mapped.report().setSubject(subject.copy());
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
        PatientMapping.MappedPatient patient = PatientMapping.map(required(segments, "PID"), partner, unmapped);
        PatientMapping.addContacts(patient.patient(), all(segments, "NK1"), unmapped);
        return transaction.conditionalCreate(patient.patient(), patient.matchOn());
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
