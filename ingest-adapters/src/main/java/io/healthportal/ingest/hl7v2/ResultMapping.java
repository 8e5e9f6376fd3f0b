package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.Type;

/**
 * OBR as DiagnosticReport and OBX as Observation, after the v2-to-FHIR IG's
 * {@code segments/OBR[DiagnosticReport]} rows (OBR-3 identifier, OBR-4 code, OBR-7 effective, OBR-22
 * issued, OBR-25 status via {@code codesystems/ResultStatus[Non-Queries]}) and {@code
 * segments/OBX[Observation]} rows (OBX-3 code; OBX-5 value by OBX-2: NM, ST/TX/FT, CE/CWE/CNE, SN,
 * DT/DTM/TS; OBX-6 unit; OBX-7 reference range; OBX-8 interpretation via {@code
 * codesystems/InterpretationCodes}; OBX-11 status via {@code
 * codesystems/ObservationResultStatusCodesInterpretation}; OBX-14 effective). Text OBX segments
 * without OBX-3 (a narrative report line by line) become the report's {@code presentedForm}.
 */
final class ResultMapping {

    private static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    private static final Pattern COMPARATOR_NUMBER = Pattern.compile("(<=|>=|<|>)\\s*(-?\\d+(?:\\.\\d+)?)");
    private static final Pattern TIME = Pattern.compile("(\\d{2})(\\d{2})?(\\d{2})?(?:\\.\\d+)?");
    private static final String DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    private static final Pattern RANGE = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*-\\s*(-?\\d+(?:\\.\\d+)?)");

    private ResultMapping() {}

    /**
     * A report, its observations and the specimens they were made on; {@code specimenOf} gives, for an
     * observation made on one of the specimens (an OBX after an SPM), that specimen's index.
     */
    record MappedReport(
            DiagnosticReport report,
            Identifier matchOn,
            OrderMapping.MappedOrder order,
            List<MappedObservation> observations,
            List<SpecimenMapping.MappedSpecimen> specimens,
            Map<MappedObservation, Integer> specimenOf) {}

    record MappedObservation(Observation observation, Identifier matchOn) {}

    /**
     * An order's report from its OBR (and ORC), and from the segments that follow the OBR in its order
     * group: OBX (observations; text without a code becomes the report's presentedForm), NTE (the preceding
     * observation's notes, {@code segments/NTE[Observation]}) and SPM (specimens, whose OBX follow them).
     */
    static MappedReport map(
            Fields obr, Fields orc, List<Fields> group, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        // The filler order number (OBR-3, else ORC-3) identifies the report; a lab that sends only the
        // placer's number (OBR-2, else ORC-2) is identified by that, with type PLAC.
        String filler = obr.get(3, 1);
        if (filler == null && orc != null) {
            filler = orc.get(3, 1);
        }
        String idType = "FILL";
        if (filler == null) {
            filler = obr.get(2, 1) != null ? obr.get(2, 1) : orc == null ? null : orc.get(2, 1);
            idType = "PLAC";
        }
        if (filler == null) {
            throw new MappingException(
                    "INGEST-HL7-NO-ORDER-NUMBER",
                    "OBR-2, OBR-3, ORC-2 and ORC-3 are empty: the report has no order number to identify it by");
        }
        Identifier reportId = new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(filler)
                .setType(Datatypes.identifierType(idType));
        DiagnosticReport report = new DiagnosticReport();
        report.addIdentifier(reportId);
        String placer = obr.get(2, 1);
        if ("FILL".equals(idType) && placer != null) {
            report.addIdentifier(new Identifier()
                    .setSystem(partner.identifierSystems().order())
                    .setValue(placer)
                    .setType(Datatypes.identifierType("PLAC")));
        }
        if (orc != null && orc.get(4, 1) != null) {
            // ORC-4 (placer group number), as ORC[DiagnosticReport] says.
            report.addIdentifier(new Identifier().setValue(orc.get(4, 1)).setType(Datatypes.identifierType("PGN")));
        }
        report.setStatus(reportStatus(obr.get(25)));
        CodeableConcept code = Datatypes.codeableConcept(obr, 4, 0);
        if (code == null) {
            throw new MappingException("INGEST-HL7-NO-SERVICE", "OBR-4 (universal service identifier) is empty");
        }
        report.setCode(code);
        String section = obr.get(24);
        Coding sectionCoding = Hl7Tables.coding("0074", section == null ? "LAB" : section);
        report.addCategory(
                new CodeableConcept().addCoding(sectionCoding != null ? sectionCoding : new Coding().setCode(section)));
        DateTimeType observed = Datatypes.dateTime(obr, 7, partner.timeZone());
        DateTimeType observedUntil = Datatypes.dateTime(obr, 8, partner.timeZone());
        if (observedUntil != null) {
            report.setEffective(new Period().setStartElement(observed).setEndElement(observedUntil));
        } else if (observed != null) {
            report.setEffective(observed);
        }
        DateTimeType issued = Datatypes.dateTime(obr, 22, partner.timeZone());
        if (issued != null) {
            report.setIssued(issued.getValue());
        }
        Reference interpreter = Datatypes.practitionerByName(obr, 32, 0);
        if (interpreter != null) {
            report.addResultsInterpreter(interpreter);
        }
        for (int field : new int[] {34, 35}) {
            for (int rep = 0; rep < obr.repetitions(field); rep++) {
                Reference performer = Datatypes.practitionerByName(obr, field, rep);
                if (performer != null) {
                    report.addPerformer(performer);
                }
            }
        }
        OrderMapping.MappedOrder order = OrderMapping.map(obr, orc, reportId, partner, unmapped);
        for (int field : new int[] {13, 33}) {
            if (obr.present(field)) {
                unmapped.add("OBR-" + field);
            }
        }

        List<MappedObservation> observations = new ArrayList<>();
        List<SpecimenMapping.MappedSpecimen> specimens = new ArrayList<>();
        Map<MappedObservation, Integer> specimenOf = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> narrative = new ArrayList<>();
        MappedObservation last = null;
        for (Fields segment : group) {
            switch (segment.name()) {
                case "OBX" -> {
                    if (segment.get(3, 1) == null && isText(segment.get(2))) {
                        // A report sent as lines of text without an observation code: the report's text,
                        // not Observations (which need a code).
                        narrative.add(segment.get(5, 0, 1) == null ? "" : text(segment));
                        last = null;
                        continue;
                    }
                    last = observation(
                            segment,
                            orderObservationId(segment, filler, seen, partner),
                            observed,
                            "laboratory",
                            partner,
                            unmapped);
                    observations.add(last);
                    if (!specimens.isEmpty()) {
                        specimenOf.put(last, specimens.size() - 1);
                    }
                }
                case "NTE" -> {
                    if (last != null) {
                        addNote(segment, last.observation(), partner);
                    } else {
                        addNote(segment, order.order(), partner);
                    }
                }
                case "SPM" -> {
                    specimens.add(SpecimenMapping.fromSpm(segment, reportId, partner, unmapped));
                    last = null;
                }
                default -> {
                    // other segments of the order group were listed as unmapped by name
                }
            }
        }
        SpecimenMapping.MappedSpecimen fromObr = SpecimenMapping.fromObr(obr, reportId, partner);
        if (fromObr != null) {
            specimens.add(0, fromObr);
            specimenOf.replaceAll((observation, index) -> index + 1);
        }
        if (!narrative.isEmpty()) {
            report.addPresentedForm()
                    .setContentType("text/plain; charset=utf-8")
                    .setData(String.join("\n", narrative).getBytes(StandardCharsets.UTF_8));
        }
        return new MappedReport(report, reportId, order, observations, specimens, specimenOf);
    }

    /**
     * An NTE as a note ({@code segments/NTE[Observation]}, and the same for the order's notes): NTE-3 text,
     * NTE-5 author, NTE-6 time.
     */
    static void addNote(Fields nte, org.hl7.fhir.r4.model.DomainResource resource, PartnerProperties partner)
            throws MappingException {
        List<String> lines = new ArrayList<>();
        for (int rep = 0; rep < nte.repetitions(3); rep++) {
            lines.add(nte.get(3, rep, 1) == null ? "" : nte.get(3, rep, 1));
        }
        String text = String.join("\n", lines).strip();
        if (text.isEmpty()) {
            return;
        }
        var note = new org.hl7.fhir.r4.model.Annotation().setText(text);
        if (resource instanceof Observation observation) {
            observation.addNote(note);
        } else if (resource instanceof org.hl7.fhir.r4.model.ServiceRequest order) {
            order.addNote(note);
        }
        Reference author = Datatypes.practitioner(nte, 5, 0);
        if (author != null) {
            note.setAuthor(author);
        }
        DateTimeType entered = Datatypes.dateTime(nte, 6, partner.timeZone());
        if (entered != null) {
            note.setTimeElement(entered);
        }
    }

    /**
     * The identifier of an order's OBX: the order's number, the OBX's code and sub-id; a code repeated
     * within the order without a sub-id gets its ordinal.
     */
    static Identifier orderObservationId(
            Fields obx, String filler, Map<String, Integer> seen, PartnerProperties partner) {
        String key = obx.get(3, 1) + (obx.get(4) == null ? "" : "/" + obx.get(4));
        int ordinal = seen.merge(key, 1, Integer::sum);
        return new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(filler + "/" + key + (ordinal > 1 ? "#" + ordinal : ""));
    }

    /**
     * The identifier of an OBX outside an order (an ADT's, or a patient observation of an ORU or VXU): the
     * patient, the OBX's code and sub-id, and its time when it has one (OBX-14, as sent), so that a
     * measurement repeated later is a new Observation.
     */
    static Identifier patientObservationId(Fields obx, RecordIdentity identity) {
        return identity.identifier(obx.get(3, 1), obx.get(4), obx.get(14));
    }

    /**
     * One OBX as an Observation, after {@code segments/OBX[Observation]}; an OBX whose value repeats (not
     * text, whose repetitions are lines) is one Observation with a component per value, after {@code
     * segments/OBX[Observation-Component]}.
     *
     * @param identifier its identity ({@link #orderObservationId}, {@link #patientObservationId})
     * @param reportEffective the report's time, which an OBX without OBX-14 takes, or null
     * @param category an observation-category code, or null for none
     */
    static MappedObservation observation(
            Fields obx,
            Identifier identifier,
            DateTimeType reportEffective,
            String category,
            PartnerProperties partner,
            List<String> unmapped)
            throws MappingException {
        CodeableConcept code = Datatypes.codeableConcept(obx, 3, 0);
        if (code == null) {
            throw new MappingException("INGEST-HL7-NO-OBSERVATION-CODE", "OBX-3 is empty");
        }
        Observation observation = new Observation();
        observation.addIdentifier(identifier);
        if (obx.get(21, 1) != null) {
            observation.addIdentifier(
                    new Identifier().setValue(obx.get(21, 1)).setType(Datatypes.identifierType("FILL")));
        }
        observation.setStatus(observationStatus(obx.get(11)));
        if ("N".equals(obx.get(11))) {
            observation.setDataAbsentReason(
                    new CodeableConcept().addCoding(new Coding(DATA_ABSENT_REASON, "not-asked", "Not Asked")));
        }
        if ("laboratory".equals(category)) {
            observation.addCategory(new CodeableConcept().addCoding(new Coding(CATEGORY, "laboratory", "Laboratory")));
        }
        observation.setCode(code);
        String type = obx.get(2);
        if (obx.repetitions(5) > 1 && !isText(type)) {
            for (int rep = 0; rep < obx.repetitions(5); rep++) {
                Type value = value(obx, rep, partner, unmapped);
                if (value != null) {
                    observation.addComponent().setCode(code.copy()).setValue(value);
                }
            }
        } else {
            observation.setValue(value(obx, 0, partner, unmapped));
        }
        referenceRange(obx, observation);
        for (int rep = 0; rep < obx.repetitions(8); rep++) {
            String flag = obx.get(8, rep, 1);
            if (flag != null) {
                CodeableConcept interpretation = interpretation(flag);
                interpretation.getCodingFirstRep().setVersion(obx.get(8, rep, 7));
                observation.addInterpretation(interpretation);
            }
        }
        DateTimeType effective = Datatypes.dateTime(obx, 14, partner.timeZone());
        if (effective != null) {
            observation.setEffective(effective);
        } else if (reportEffective != null) {
            observation.setEffective(reportEffective.copy());
        }
        observation.setMethod(Datatypes.codeableConcept(obx, 17, 0));
        observation.setBodySite(Datatypes.codeableConcept(obx, 20, 0));
        performers(obx, observation, unmapped);
        if (obx.get(18, 1) != null) {
            observation.setDevice(
                    new Reference().setType("Device").setIdentifier(new Identifier().setValue(obx.get(18, 1))));
        }
        for (int field : new int[] {10, 19, 29, 30, 33}) {
            if (obx.present(field)) {
                unmapped.add("OBX-" + field);
            }
        }
        return new MappedObservation(observation, identifier);
    }

    /**
     * OBX-16 (responsible observer) and OBX-25 (the performing organisation's medical director) as
     * performers, logical references to Practitioners; OBX-15 (producer's id) as an Organization by its code;
     * OBX-23 (performing organisation) with OBX-24 (its address) as a contained Organization: the lab a
     * result came from, with no identity of its own in the portal, and its address nowhere else to go.
     */
    private static void performers(Fields obx, Observation observation, List<String> unmapped) throws MappingException {
        for (int rep = 0; rep < obx.repetitions(16); rep++) {
            Reference observer = Datatypes.practitioner(obx, 16, rep);
            if (observer != null) {
                observation.addPerformer(observer);
            }
        }
        if (obx.get(15, 1) != null || obx.get(15, 2) != null) {
            Reference producer = new Reference().setType("Organization").setDisplay(obx.get(15, 2));
            if (obx.get(15, 1) != null) {
                producer.setIdentifier(new Identifier().setValue(obx.get(15, 1)));
            }
            observation.addPerformer(producer);
        }
        Reference lab = Datatypes.organization(obx, 23, 0);
        if (lab != null) {
            Organization organization = new Organization().setName(lab.getDisplay());
            organization.setId("performing-organization");
            if (lab.hasIdentifier()) {
                organization.addIdentifier(lab.getIdentifier());
            }
            Address address = Datatypes.address(obx, 24, 0);
            if (address != null) {
                organization.addAddress(address);
            }
            observation.addContained(organization);
            observation.addPerformer(new Reference("#performing-organization").setDisplay(lab.getDisplay()));
        } else if (obx.present(24)) {
            unmapped.add("OBX-24 without a performing organisation (OBX-23)");
        }
        Reference director = Datatypes.practitioner(obx, 25, 0);
        if (director != null) {
            observation.addPerformer(director);
        }
    }

    /** OBX-5 (one repetition, or all lines of a text) as an Observation value by OBX-2; null when empty. */
    private static Type value(Fields obx, int rep, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        String type = obx.get(2);
        // SN values often leave the first component (the comparator) empty.
        if (obx.get(5, rep, 1) == null && obx.get(5, rep, 2) == null) {
            return null;
        }
        String unitCode = obx.get(6, 1);
        String unitText = obx.get(6, 2);
        String unitSystem = obx.get(6, 3);
        switch (type == null ? "" : type) {
            case "NM" -> {
                String text = obx.get(5, rep, 1);
                BigDecimal number = Datatypes.decimal(text);
                if (number != null) {
                    return Datatypes.quantity(number, unitCode, unitText, unitSystem);
                }
                Matcher m = COMPARATOR_NUMBER.matcher(text.strip());
                if (!m.matches()) {
                    throw new MappingException("INGEST-HL7-BAD-NUMBER", "OBX-5 of type NM is not a number");
                }
                Quantity quantity = Datatypes.quantity(new BigDecimal(m.group(2)), unitCode, unitText, unitSystem);
                return quantity.setComparator(Quantity.QuantityComparator.fromCode(m.group(1)));
            }
            case "ST", "TX", "FT" -> {
                return new StringType(text(obx));
            }
            case "CE", "CWE", "CNE", "IS" -> {
                return Datatypes.codeableConcept(obx, 5, rep);
            }
            case "SN" -> {
                return structuredNumeric(obx, rep, unitCode, unitText, unitSystem);
            }
            case "DT", "DTM", "TS" -> {
                return Datatypes.dateTime(obx, 5, rep, 1, partner.timeZone());
            }
            case "TM" -> {
                String time = obx.get(5, rep, 1);
                Matcher m = TIME.matcher(time.strip());
                if (!m.matches()) {
                    throw new MappingException("INGEST-HL7-BAD-TIMESTAMP", "OBX-5 of type TM is not a time");
                }
                return new TimeType(m.group(1) + ":" + (m.group(2) == null ? "00" : m.group(2)) + ":"
                        + (m.group(3) == null ? "00" : m.group(3)));
            }
            default -> {
                unmapped.add("OBX-5 of type " + type);
                return null;
            }
        }
    }

    private static boolean isText(String type) {
        return "TX".equals(type) || "FT".equals(type) || "ST".equals(type);
    }

    /** Repetitions of a text value are lines; FT's {@code \.br\} formatting command is a line break. */
    private static String text(Fields obx) {
        List<String> lines = new ArrayList<>();
        for (int rep = 0; rep < obx.repetitions(5); rep++) {
            String line = obx.get(5, rep, 1);
            lines.add(line == null ? "" : line.replace("\\.br\\", "\n"));
        }
        return String.join("\n", lines).strip();
    }

    /** SN (comparator, num1, separator/suffix, num2) per the IG's SN rows of OBX-5. */
    private static Type structuredNumeric(Fields obx, int rep, String unitCode, String unitText, String unitSystem)
            throws MappingException {
        String comparator = obx.get(5, rep, 1);
        if (obx.get(5, rep, 2) == null && comparator != null) {
            // Sent flat, e.g. "<0.10" or "7.2" in the first component: read as comparator and number.
            Matcher flat = COMPARATOR_NUMBER.matcher(comparator.strip());
            if (flat.matches()) {
                Quantity quantity = Datatypes.quantity(new BigDecimal(flat.group(2)), unitCode, unitText, unitSystem);
                return quantity.setComparator(Quantity.QuantityComparator.fromCode(flat.group(1)));
            }
            BigDecimal plain = Datatypes.decimal(comparator);
            if (plain != null) {
                return Datatypes.quantity(plain, unitCode, unitText, unitSystem);
            }
        }
        BigDecimal first = Datatypes.decimal(obx.get(5, rep, 2));
        String separator = obx.get(5, rep, 3);
        BigDecimal second = Datatypes.decimal(obx.get(5, rep, 4));
        if (first == null) {
            throw new MappingException("INGEST-HL7-BAD-NUMBER", "OBX-5.2 of type SN is not a number");
        }
        if (separator != null && (separator.equals(":") || separator.equals("/")) && second != null) {
            return new Ratio()
                    .setNumerator(new Quantity().setValue(first))
                    .setDenominator(new Quantity().setValue(second));
        }
        if ("-".equals(separator) && second != null) {
            SimpleQuantity low = new SimpleQuantity();
            low.setValue(first);
            Datatypes.applyUnit(low, unitCode, unitText, unitSystem);
            SimpleQuantity high = new SimpleQuantity();
            high.setValue(second);
            Datatypes.applyUnit(high, unitCode, unitText, unitSystem);
            return new Range().setLow(low).setHigh(high);
        }
        if (separator != null) {
            return new StringType(((comparator == null ? "" : comparator) + " " + first + " " + separator + " "
                            + (second == null ? "" : second.toPlainString()))
                    .strip());
        }
        Quantity quantity = Datatypes.quantity(first, unitCode, unitText, unitSystem);
        if (comparator != null && !comparator.equals("=")) {
            quantity.setComparator(Quantity.QuantityComparator.fromCode(comparator));
        }
        return quantity;
    }

    /** OBX-7 as sent: {@code low-high}, {@code <high}, {@code >low}, or text. */
    private static void referenceRange(Fields obx, Observation observation) {
        String range = obx.get(7);
        if (range == null) {
            return;
        }
        var component = observation.addReferenceRange();
        String unitCode = obx.get(6, 1);
        String unitText = obx.get(6, 2);
        String unitSystem = obx.get(6, 3);
        Matcher between = RANGE.matcher(range.strip());
        Matcher bound = COMPARATOR_NUMBER.matcher(range.strip());
        if (between.matches()) {
            component.setLow(simple(new BigDecimal(between.group(1)), unitCode, unitText, unitSystem));
            component.setHigh(simple(new BigDecimal(between.group(2)), unitCode, unitText, unitSystem));
        } else if (bound.matches() && bound.group(1).startsWith("<")) {
            component.setHigh(simple(new BigDecimal(bound.group(2)), unitCode, unitText, unitSystem));
        } else if (bound.matches()) {
            component.setLow(simple(new BigDecimal(bound.group(2)), unitCode, unitText, unitSystem));
        } else {
            component.setText(range);
        }
    }

    private static SimpleQuantity simple(BigDecimal value, String unitCode, String unitText, String unitSystem) {
        SimpleQuantity quantity = new SimpleQuantity();
        quantity.setValue(value);
        Datatypes.applyUnit(quantity, unitCode, unitText, unitSystem);
        return quantity;
    }

    /** {@code codesystems/InterpretationCodes}: table 0078 codes are the v3 interpretation codes. */
    private static CodeableConcept interpretation(String flag) {
        String code = flag.strip();
        return new CodeableConcept().addCoding(new Coding(INTERPRETATION, code, INTERPRETATION_DISPLAY.get(code)));
    }

    /** The v3 ObservationInterpretation displays of the flags labs send most. */
    private static final Map<String, String> INTERPRETATION_DISPLAY = Map.ofEntries(
            Map.entry("N", "Normal"),
            Map.entry("B", "Better"),
            Map.entry("W", "Worse"),
            Map.entry("U", "Significant change up"),
            Map.entry("D", "Significant change down"),
            Map.entry("IND", "Indeterminate"),
            Map.entry("E", "Equivocal"),
            Map.entry("NR", "Non-reactive"),
            Map.entry("RR", "Reactive"),
            Map.entry("A", "Abnormal"),
            Map.entry("AA", "Critical abnormal"),
            Map.entry("H", "High"),
            Map.entry("HH", "Critical high"),
            Map.entry("L", "Low"),
            Map.entry("LL", "Critical low"),
            Map.entry("S", "Susceptible"),
            Map.entry("R", "Resistant"),
            Map.entry("I", "Intermediate"),
            Map.entry("POS", "Positive"),
            Map.entry("NEG", "Negative"),
            Map.entry("DET", "Detected"),
            Map.entry("ND", "Not detected"));

    /** {@code codesystems/ResultStatus[Non-Queries]}; A (some results) is partial, unmapped codes unknown. */
    private static DiagnosticReport.DiagnosticReportStatus reportStatus(String code) {
        if (code == null) {
            return DiagnosticReport.DiagnosticReportStatus.UNKNOWN;
        }
        return switch (code) {
            case "O", "I", "S" -> DiagnosticReport.DiagnosticReportStatus.REGISTERED;
            case "P" -> DiagnosticReport.DiagnosticReportStatus.PRELIMINARY;
            case "A", "R" -> DiagnosticReport.DiagnosticReportStatus.PARTIAL;
            case "C", "M" -> DiagnosticReport.DiagnosticReportStatus.CORRECTED;
            case "F" -> DiagnosticReport.DiagnosticReportStatus.FINAL;
            case "X" -> DiagnosticReport.DiagnosticReportStatus.CANCELLED;
            default -> DiagnosticReport.DiagnosticReportStatus.UNKNOWN;
        };
    }

    /**
     * {@code codesystems/ObservationResultStatusCodesInterpretation} where it maps (A, C, D, F, P, X, W);
     * the rows it leaves blank are read as: I, O, N registered (no result yet), R and S preliminary
     * (not verified, partial), U and V final, B amended.
     */
    private static Observation.ObservationStatus observationStatus(String code) {
        if (code == null) {
            return Observation.ObservationStatus.UNKNOWN;
        }
        return switch (code) {
            case "A", "B" -> Observation.ObservationStatus.AMENDED;
            case "C" -> Observation.ObservationStatus.CORRECTED;
            case "D", "W" -> Observation.ObservationStatus.ENTEREDINERROR;
            case "F", "U", "V" -> Observation.ObservationStatus.FINAL;
            case "P", "R", "S" -> Observation.ObservationStatus.PRELIMINARY;
            case "I", "O", "N" -> Observation.ObservationStatus.REGISTERED;
            case "X" -> Observation.ObservationStatus.CANCELLED;
            default -> Observation.ObservationStatus.UNKNOWN;
        };
    }
}
