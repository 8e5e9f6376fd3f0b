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
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;

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
    private static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";
    private static final Pattern COMPARATOR_NUMBER = Pattern.compile("(<=|>=|<|>)\\s*(-?\\d+(?:\\.\\d+)?)");
    private static final Pattern RANGE = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*-\\s*(-?\\d+(?:\\.\\d+)?)");

    private ResultMapping() {}

    record MappedReport(DiagnosticReport report, Identifier matchOn, List<MappedObservation> observations) {}

    record MappedObservation(Observation observation, Identifier matchOn) {}

    static MappedReport map(Fields obr, Fields orc, List<Fields> obxs, PartnerProperties partner, List<String> unmapped)
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
                .setType(new CodeableConcept().addCoding(PatientMapping.identifierType(idType)));
        DiagnosticReport report = new DiagnosticReport();
        report.addIdentifier(reportId);
        String placer = obr.get(2, 1);
        if ("FILL".equals(idType) && placer != null) {
            report.addIdentifier(new Identifier()
                    .setSystem(partner.identifierSystems().order())
                    .setValue(placer)
                    .setType(new CodeableConcept().addCoding(PatientMapping.identifierType("PLAC"))));
        }
        report.setStatus(reportStatus(obr.get(25)));
        CodeableConcept code = Datatypes.codeableConcept(obr, 4, 0);
        if (code == null) {
            throw new MappingException("INGEST-HL7-NO-SERVICE", "OBR-4 (universal service identifier) is empty");
        }
        report.setCode(code);
        String section = obr.get(24);
        report.addCategory(new CodeableConcept()
                .addCoding(section != null ? new Coding(V2_0074, section, null) : new Coding(V2_0074, "LAB", null)));
        DateTimeType observed = Datatypes.dateTime(obr, 7, partner.timeZone());
        if (observed != null) {
            report.setEffective(observed);
        }
        DateTimeType issued = Datatypes.dateTime(obr, 22, partner.timeZone());
        if (issued != null) {
            report.setIssued(issued.getValue());
        }
        for (int field : new int[] {10, 16, 32}) {
            if (obr.present(field)) {
                unmapped.add("OBR-" + field);
            }
        }

        List<MappedObservation> observations = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> narrative = new ArrayList<>();
        for (Fields obx : obxs) {
            if (obx.get(3, 1) == null && isText(obx.get(2))) {
                // A report sent as lines of text without an observation code: the report's text, not
                // Observations (which need a code).
                narrative.add(obx.get(5, 0, 1) == null ? "" : text(obx));
                continue;
            }
            observations.add(observation(obx, filler, observed, seen, "laboratory", partner, unmapped));
        }
        if (!narrative.isEmpty()) {
            report.addPresentedForm()
                    .setContentType("text/plain; charset=utf-8")
                    .setData(String.join("\n", narrative).getBytes(StandardCharsets.UTF_8));
        }
        return new MappedReport(report, reportId, observations);
    }

    /**
     * One OBX as an Observation identified by its order's number, its code and sub-id.
     *
     * @param category an observation-category code, or null for none
     */
    static MappedObservation observation(
            Fields obx,
            String filler,
            DateTimeType reportEffective,
            Map<String, Integer> seen,
            String category,
            PartnerProperties partner,
            List<String> unmapped)
            throws MappingException {
        CodeableConcept code = Datatypes.codeableConcept(obx, 3, 0);
        if (code == null) {
            throw new MappingException("INGEST-HL7-NO-OBSERVATION-CODE", "OBX-3 is empty");
        }
        // Identity within the report: code and sub-id; a code repeated without a sub-id gets its ordinal.
        String key = obx.get(3, 1) + (obx.get(4) == null ? "" : "/" + obx.get(4));
        int ordinal = seen.merge(key, 1, Integer::sum);
        Identifier identifier = new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(filler + "/" + key + (ordinal > 1 ? "#" + ordinal : ""));
        Observation observation = new Observation();
        observation.addIdentifier(identifier);
        observation.setStatus(observationStatus(obx.get(11)));
        if ("laboratory".equals(category)) {
            observation.addCategory(new CodeableConcept().addCoding(new Coding(CATEGORY, "laboratory", "Laboratory")));
        }
        observation.setCode(code);
        value(obx, observation, partner, unmapped);
        referenceRange(obx, observation);
        for (int rep = 0; rep < obx.repetitions(8); rep++) {
            String flag = obx.get(8, rep, 1);
            if (flag != null) {
                observation.addInterpretation(interpretation(flag));
            }
        }
        DateTimeType effective = Datatypes.dateTime(obx, 14, partner.timeZone());
        if (effective != null) {
            observation.setEffective(effective);
        } else if (reportEffective != null) {
            observation.setEffective(reportEffective.copy());
        }
        observation.setMethod(Datatypes.codeableConcept(obx, 17, 0));
        for (int field : new int[] {15, 16, 18, 23, 24, 25}) {
            if (obx.present(field)) {
                unmapped.add("OBX-" + field);
            }
        }
        return new MappedObservation(observation, identifier);
    }

    private static void value(Fields obx, Observation observation, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        String type = obx.get(2);
        // SN values often leave the first component (the comparator) empty.
        if (obx.get(5, 0, 1) == null && obx.get(5, 0, 2) == null) {
            return;
        }
        String unitCode = obx.get(6, 1);
        String unitText = obx.get(6, 2);
        String unitSystem = obx.get(6, 3);
        switch (type == null ? "" : type) {
            case "NM" -> {
                String text = obx.get(5, 0, 1);
                BigDecimal number = Datatypes.decimal(text);
                if (number != null) {
                    observation.setValue(Datatypes.quantity(number, unitCode, unitText, unitSystem));
                } else {
                    Matcher m = COMPARATOR_NUMBER.matcher(text.strip());
                    if (!m.matches()) {
                        throw new MappingException("INGEST-HL7-BAD-NUMBER", "OBX-5 of type NM is not a number");
                    }
                    Quantity quantity = Datatypes.quantity(new BigDecimal(m.group(2)), unitCode, unitText, unitSystem);
                    quantity.setComparator(Quantity.QuantityComparator.fromCode(m.group(1)));
                    observation.setValue(quantity);
                }
            }
            case "ST", "TX", "FT" -> observation.setValue(new StringType(text(obx)));
            case "CE", "CWE", "CNE" -> observation.setValue(Datatypes.codeableConcept(obx, 5, 0));
            case "SN" -> observation.setValue(structuredNumeric(obx, unitCode, unitText, unitSystem));
            case "DT", "DTM", "TS" -> observation.setValue(Datatypes.dateTime(obx, 5, partner.timeZone()));
            default -> unmapped.add("OBX-5 of type " + type);
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
    private static org.hl7.fhir.r4.model.Type structuredNumeric(
            Fields obx, String unitCode, String unitText, String unitSystem) throws MappingException {
        String comparator = obx.get(5, 0, 1);
        if (obx.get(5, 0, 2) == null && comparator != null) {
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
        BigDecimal first = Datatypes.decimal(obx.get(5, 0, 2));
        String separator = obx.get(5, 0, 3);
        BigDecimal second = Datatypes.decimal(obx.get(5, 0, 4));
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
