package io.healthportal.ingest.html;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * Result cells as a lab's page shows them, read into FHIR: a number (optionally with a comparator) with
 * its unit as UCUM where the unit is one, a reference range ({@code 3.5 - 5.0}, {@code <5}, {@code >60},
 * else text) and an abnormal flag as a v3 ObservationInterpretation code. Plain Java.
 */
final class LabValues {

    static final String UCUM = "http://unitsofmeasure.org";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private static final Pattern NUMBER = Pattern.compile("(<=|>=|<|>)?\\s*(-?\\d+(?:\\.\\d+)?)");
    private static final Pattern BETWEEN =
            Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(?:-|–|to)\\s*(-?\\d+(?:\\.\\d+)?)");

    /** Units as UK lab pages write them, by lower-cased spelling, with their UCUM code. */
    private static final Map<String, String> UCUM_UNITS = Map.ofEntries(
            Map.entry("mmol/l", "mmol/L"),
            Map.entry("umol/l", "umol/L"),
            Map.entry("µmol/l", "umol/L"),
            Map.entry("nmol/l", "nmol/L"),
            Map.entry("pmol/l", "pmol/L"),
            Map.entry("mmol/mol", "mmol/mol"),
            Map.entry("g/l", "g/L"),
            Map.entry("g/dl", "g/dL"),
            Map.entry("mg/l", "mg/L"),
            Map.entry("mg/dl", "mg/dL"),
            Map.entry("ug/l", "ug/L"),
            Map.entry("µg/l", "ug/L"),
            Map.entry("ng/ml", "ng/mL"),
            Map.entry("u/l", "U/L"),
            Map.entry("iu/l", "[IU]/L"),
            Map.entry("miu/l", "m[IU]/L"),
            Map.entry("mu/l", "mU/L"),
            Map.entry("fl", "fL"),
            Map.entry("pg", "pg"),
            Map.entry("%", "%"),
            Map.entry("x10^9/l", "10*9/L"),
            Map.entry("x10*9/l", "10*9/L"),
            Map.entry("10^9/l", "10*9/L"),
            Map.entry("x10^12/l", "10*12/L"),
            Map.entry("10^12/l", "10*12/L"),
            Map.entry("ml/min/1.73m2", "mL/min/{1.73_m2}"),
            Map.entry("ml/min", "mL/min"),
            Map.entry("l/l", "L/L"),
            Map.entry("mm/hr", "mm/h"),
            Map.entry("mm/h", "mm/h"),
            Map.entry("mmhg", "mm[Hg]"),
            Map.entry("kg", "kg"),
            Map.entry("kg/m2", "kg/m2"),
            Map.entry("s", "s"),
            Map.entry("ratio", "{ratio}"));

    /** Flags as pages write them, by lower-cased spelling, with their v3 interpretation code. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("h", "H"),
            Map.entry("high", "H"),
            Map.entry("l", "L"),
            Map.entry("low", "L"),
            Map.entry("hh", "HH"),
            Map.entry("critical high", "HH"),
            Map.entry("ll", "LL"),
            Map.entry("critical low", "LL"),
            Map.entry("a", "A"),
            Map.entry("abnormal", "A"),
            Map.entry("aa", "AA"),
            Map.entry("n", "N"),
            Map.entry("normal", "N"),
            Map.entry("pos", "POS"),
            Map.entry("positive", "POS"),
            Map.entry("neg", "NEG"),
            Map.entry("negative", "NEG"));

    private static final Map<String, String> FLAG_DISPLAYS = Map.of(
            "H", "High",
            "L", "Low",
            "HH", "Critical high",
            "LL", "Critical low",
            "A", "Abnormal",
            "AA", "Critical abnormal",
            "N", "Normal",
            "POS", "Positive",
            "NEG", "Negative");

    private LabValues() {}

    /** A number (with its comparator) as a Quantity in {@code unit}; other text as a string. */
    static Type value(String text, String unit) {
        Matcher m = NUMBER.matcher(text.strip());
        if (!m.matches()) {
            return new StringType(text.strip());
        }
        Quantity quantity = quantity(new Quantity(), new BigDecimal(m.group(2)), unit);
        if (m.group(1) != null) {
            quantity.setComparator(Quantity.QuantityComparator.fromCode(m.group(1)));
        }
        return quantity;
    }

    /** The range into {@code component}: low and high, one bound, or its text. */
    static void referenceRange(String text, String unit, Observation.ObservationReferenceRangeComponent component) {
        String range = text.strip();
        if (range.startsWith("(") && range.endsWith(")")) {
            range = range.substring(1, range.length() - 1).strip();
        }
        Matcher between = BETWEEN.matcher(range);
        Matcher bound = NUMBER.matcher(range);
        if (between.matches()) {
            component.setLow(quantity(new SimpleQuantity(), new BigDecimal(between.group(1)), unit));
            component.setHigh(quantity(new SimpleQuantity(), new BigDecimal(between.group(2)), unit));
        } else if (bound.matches() && bound.group(1) != null && bound.group(1).startsWith("<")) {
            component.setHigh(quantity(new SimpleQuantity(), new BigDecimal(bound.group(2)), unit));
        } else if (bound.matches() && bound.group(1) != null) {
            component.setLow(quantity(new SimpleQuantity(), new BigDecimal(bound.group(2)), unit));
        } else {
            component.setText(text.strip());
        }
    }

    /** The flag as a v3 interpretation code; a flag we do not know keeps its text. */
    static CodeableConcept interpretation(String flag) {
        String code = FLAGS.get(flag.strip().toLowerCase(Locale.ROOT));
        if (code == null) {
            return new CodeableConcept().setText(flag.strip());
        }
        return new CodeableConcept().addCoding(new Coding(INTERPRETATION, code, FLAG_DISPLAYS.get(code)));
    }

    /** The UCUM code of a unit as written, or null when we do not know it as UCUM. */
    static String ucum(String unit) {
        return unit == null ? null : UCUM_UNITS.get(unit.strip().toLowerCase(Locale.ROOT));
    }

    private static <Q extends Quantity> Q quantity(Q quantity, BigDecimal value, String unit) {
        quantity.setValue(value);
        if (unit != null && !unit.isBlank()) {
            quantity.setUnit(unit.strip());
            String code = ucum(unit);
            if (code != null) {
                quantity.setSystem(UCUM).setCode(code);
            }
        }
        return quantity;
    }
}
