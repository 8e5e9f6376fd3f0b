package io.healthportal.ingest.ccda;

import static io.healthportal.ingest.ccda.CcdaXml.attr;
import static io.healthportal.ingest.ccda.CcdaXml.child;
import static io.healthportal.ingest.ccda.CcdaXml.children;
import static io.healthportal.ingest.ccda.CcdaXml.hasTemplate;
import static io.healthportal.ingest.ccda.CcdaXml.xsiType;

import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;
import org.w3c.dom.Element;

/**
 * The entries of a CCD's sections as FHIR resources, after the C-CDA R2.1 entry templates: Problem
 * Concern Act / Problem Observation (4.3 / 4.4) as Condition; Allergy Concern Act / Allergy-Intolerance
 * Observation (4.30 / 4.7, with Reaction 4.9 and Severity 4.8) as AllergyIntolerance; Medication Activity
 * (4.16) as MedicationStatement (a CCD lists what the patient takes, it does not order it); Result
 * Organizer / Result Observation (4.1 / 4.2) as DiagnosticReport and Observations (laboratory); Vital Signs
 * Organizer / Vital Sign Observation (4.26 / 4.27) as Observations (vital-signs, LOINC, UCUM). Each
 * resource is identified by its entry's {@code id}; an entry without one is left out and reported.
 */
final class ClinicalStatementMapping {

    static final String CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    static final String CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
    static final String ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    static final String ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String SNOMED = "http://snomed.info/sct";

    /** SNOMED CT status values of the Problem Status and Allergy Status observations. */
    private static final Map<String, String> STATUS_VALUES =
            Map.of("55561003", "active", "73425007", "inactive", "413322009", "resolved");

    /** Allergy-Intolerance Observation value (SNOMED CT) → type and category. */
    private static final Map<String, String[]> ALLERGY_KINDS = Map.of(
            "419511003", new String[] {"allergy", "medication"},
            "416098002", new String[] {"allergy", "medication"},
            "59037007", new String[] {"intolerance", "medication"},
            "414285001", new String[] {"allergy", "food"},
            "235719002", new String[] {"intolerance", "food"},
            "418471000", new String[] {null, "food"},
            "419199007", new String[] {"allergy", null},
            "426232007", new String[] {"allergy", "environment"});

    private static final Map<String, AllergyIntolerance.AllergyIntoleranceSeverity> SEVERITIES = Map.of(
            "255604002", AllergyIntolerance.AllergyIntoleranceSeverity.MILD,
            "6736007", AllergyIntolerance.AllergyIntoleranceSeverity.MODERATE,
            "24484000", AllergyIntolerance.AllergyIntoleranceSeverity.SEVERE);

    private final ZoneId zone;
    private final List<String> unmapped;

    ClinicalStatementMapping(ZoneId zone, List<String> unmapped) {
        this.zone = zone;
        this.unmapped = unmapped;
    }

    /** A mapped resource and the identifier it is written by. */
    record Mapped(Resource resource, Identifier identity) {}

    /** A Result Organizer's report and its observations. */
    record MappedReport(Mapped report, List<Mapped> observations) {}

    Mapped problem(Element concern, Element observation) throws MappingException {
        Identifier identity = identity(observation, "problem observation");
        CodeableConcept code = CcdaDatatypes.concept(child(observation, "value"));
        if (identity == null || code == null) {
            if (code == null) {
                unmapped.add("problem observation without a value");
            }
            return null;
        }
        Condition condition = new Condition();
        condition.addIdentifier(identity);
        condition.setCode(code);
        condition.addCategory(concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item"));
        boolean refuted = "true".equals(attr(observation, "negationInd"));
        condition.setVerificationStatus(
                refuted
                        ? concept(CONDITION_VERIFICATION, "refuted", "Refuted")
                        : concept(CONDITION_VERIFICATION, "confirmed", "Confirmed"));
        Element time = child(observation, "effectiveTime");
        DateTimeType onset = CcdaDatatypes.start(time, zone);
        if (onset != null) {
            condition.setOnset(onset);
        }
        DateTimeType abatement = CcdaDatatypes.end(time, zone);
        if (abatement != null) {
            condition.setAbatement(abatement);
        }
        String status = statusObservation(observation, "2.16.840.1.113883.10.20.22.4.6");
        if (status == null) {
            // Without a Problem Status: resolved once it has ended, else as the concern is tracked.
            status = abatement != null
                    ? "resolved"
                    : "active".equals(attr(child(concern, "statusCode"), "code")) ? "active" : "inactive";
        } else if (abatement != null && status.equals("active")) {
            status = "resolved";
        }
        condition.setClinicalStatus(concept(CONDITION_CLINICAL, status, null));
        return new Mapped(condition, identity);
    }

    Mapped allergy(Element concern, Element observation) throws MappingException {
        Identifier identity = identity(observation, "allergy observation");
        if (identity == null) {
            return null;
        }
        AllergyIntolerance allergy = new AllergyIntolerance();
        allergy.addIdentifier(identity);
        if ("true".equals(attr(observation, "negationInd"))) {
            // "No known allergy" is stated by negating the observation.
            allergy.setCode(
                    new CodeableConcept().addCoding(new Coding(SNOMED, "716186003", "No known allergy (situation)")));
        } else {
            CodeableConcept substance = CcdaDatatypes.concept(
                    childPath(observation, "participant", "participantRole", "playingEntity", "code"));
            if (substance != null) {
                allergy.setCode(substance);
            }
            String kind = attr(child(observation, "value"), "code");
            String[] typeAndCategory = kind == null ? null : ALLERGY_KINDS.get(kind);
            if (typeAndCategory != null && typeAndCategory[0] != null) {
                allergy.setType(AllergyIntolerance.AllergyIntoleranceType.fromCode(typeAndCategory[0]));
            }
            if (typeAndCategory != null && typeAndCategory[1] != null) {
                allergy.addCategory(AllergyIntolerance.AllergyIntoleranceCategory.fromCode(typeAndCategory[1]));
            }
        }
        String status = statusObservation(observation, "2.16.840.1.113883.10.20.22.4.28");
        if (status == null) {
            status = "active".equals(attr(child(concern, "statusCode"), "code")) ? "active" : "inactive";
        }
        allergy.setClinicalStatus(concept(ALLERGY_CLINICAL, status, null));
        allergy.setVerificationStatus(concept(ALLERGY_VERIFICATION, "confirmed", "Confirmed"));
        DateTimeType onset = CcdaDatatypes.start(child(observation, "effectiveTime"), zone);
        if (onset != null) {
            allergy.setOnset(onset);
        }
        AllergyIntolerance.AllergyIntoleranceSeverity overall = null;
        for (Element related : related(observation)) {
            if (hasTemplate(related, "2.16.840.1.113883.10.20.22.4.8")) {
                overall = SEVERITIES.get(attr(child(related, "value"), "code"));
            }
        }
        for (Element related : related(observation)) {
            if (!hasTemplate(related, "2.16.840.1.113883.10.20.22.4.9")) {
                continue;
            }
            CodeableConcept manifestation = CcdaDatatypes.concept(child(related, "value"));
            if (manifestation == null) {
                continue;
            }
            AllergyIntolerance.AllergyIntoleranceReactionComponent reaction = allergy.addReaction();
            reaction.addManifestation(manifestation);
            AllergyIntolerance.AllergyIntoleranceSeverity severity = overall;
            for (Element nested : related(related)) {
                if (hasTemplate(nested, "2.16.840.1.113883.10.20.22.4.8")) {
                    severity = SEVERITIES.getOrDefault(attr(child(nested, "value"), "code"), severity);
                }
            }
            if (severity != null) {
                reaction.setSeverity(severity);
            }
            DateTimeType reactionOnset = CcdaDatatypes.start(child(related, "effectiveTime"), zone);
            if (reactionOnset != null) {
                reaction.setOnsetElement(reactionOnset);
            }
        }
        return new Mapped(allergy, identity);
    }

    Mapped medication(Element activity) throws MappingException {
        Identifier identity = identity(activity, "medication activity");
        CodeableConcept medication = CcdaDatatypes.concept(
                childPath(activity, "consumable", "manufacturedProduct", "manufacturedMaterial", "code"));
        if (medication == null) {
            String name = CcdaXml.text(
                    childPath(activity, "consumable", "manufacturedProduct", "manufacturedMaterial", "name"));
            medication = name == null ? null : new CodeableConcept().setText(name);
        }
        if (identity == null || medication == null) {
            if (medication == null) {
                unmapped.add("medication activity without a medication");
            }
            return null;
        }
        MedicationStatement statement = new MedicationStatement();
        statement.addIdentifier(identity);
        statement.setMedication(medication);
        String status = attr(child(activity, "statusCode"), "code");
        statement.setStatus(
                switch (status == null ? "" : status) {
                    case "active" -> MedicationStatement.MedicationStatementStatus.ACTIVE;
                    case "completed" -> MedicationStatement.MedicationStatementStatus.COMPLETED;
                    case "aborted" -> MedicationStatement.MedicationStatementStatus.STOPPED;
                    case "suspended" -> MedicationStatement.MedicationStatementStatus.ONHOLD;
                    case "cancelled" -> MedicationStatement.MedicationStatementStatus.NOTTAKEN;
                    case "nullified" -> MedicationStatement.MedicationStatementStatus.ENTEREDINERROR;
                    default -> MedicationStatement.MedicationStatementStatus.UNKNOWN;
                });
        Dosage dosage = new Dosage();
        for (Element time : children(activity, "effectiveTime")) {
            String type = xsiType(time);
            if ("PIVL_TS".equals(type)) {
                Element period = child(time, "period");
                String value = attr(period, "value");
                String unit = attr(period, "unit");
                Timing.UnitsOfTime units = unitsOfTime(unit);
                if (value != null && units != null) {
                    dosage.setTiming(new Timing()
                            .setRepeat(new Timing.TimingRepeatComponent()
                                    .setPeriod(new BigDecimal(value))
                                    .setPeriodUnit(units)));
                } else {
                    unmapped.add("medication activity timing");
                }
            } else if (!statement.hasEffective()) {
                Period period = CcdaDatatypes.period(time, zone);
                if (period != null && !period.hasEnd() && time.hasAttribute("value")) {
                    statement.setEffective(period.getStartElement());
                } else if (period != null) {
                    statement.setEffective(period);
                }
            }
        }
        Quantity dose = CcdaDatatypes.simpleQuantity(child(activity, "doseQuantity"));
        if (dose != null) {
            dosage.addDoseAndRate().setDose(dose);
        }
        CodeableConcept route = CcdaDatatypes.concept(child(activity, "routeCode"));
        if (route != null) {
            dosage.setRoute(route);
        }
        if (!dosage.isEmpty()) {
            statement.addDosage(dosage);
        }
        return new Mapped(statement, identity);
    }

    /** A Result Organizer as a report of its component observations; null without an id. */
    MappedReport resultOrganizer(Element organizer) throws MappingException {
        List<Mapped> observations = new ArrayList<>();
        for (Element component : children(organizer, "component")) {
            Element observation = child(component, "observation");
            if (observation != null) {
                Mapped mapped = observation(observation, "laboratory", "Laboratory");
                if (mapped != null) {
                    observations.add(mapped);
                }
            }
        }
        Identifier identity = identity(organizer, "result organizer");
        if (identity == null) {
            return new MappedReport(null, observations);
        }
        DiagnosticReport report = new DiagnosticReport();
        report.addIdentifier(identity);
        CodeableConcept code = CcdaDatatypes.concept(child(organizer, "code"));
        report.setCode(code != null ? code : new CodeableConcept().setText("Results"));
        report.addCategory(new CodeableConcept().addCoding(new Coding(V2_0074, "LAB", "Laboratory")));
        String status = attr(child(organizer, "statusCode"), "code");
        report.setStatus(
                switch (status == null ? "" : status) {
                    case "completed" -> DiagnosticReport.DiagnosticReportStatus.FINAL;
                    case "active" -> DiagnosticReport.DiagnosticReportStatus.PARTIAL;
                    case "aborted", "cancelled" -> DiagnosticReport.DiagnosticReportStatus.CANCELLED;
                    case "nullified" -> DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR;
                    default -> DiagnosticReport.DiagnosticReportStatus.UNKNOWN;
                });
        Period period = CcdaDatatypes.period(child(organizer, "effectiveTime"), zone);
        if (period != null && period.hasStart() && !period.hasEnd()) {
            report.setEffective(period.getStartElement());
        } else if (period != null) {
            report.setEffective(period);
        } else {
            observations.stream()
                    .map(m -> (Observation) m.resource())
                    .filter(Observation::hasEffectiveDateTimeType)
                    .findFirst()
                    .ifPresent(o ->
                            report.setEffective(o.getEffectiveDateTimeType().copy()));
        }
        return new MappedReport(new Mapped(report, identity), observations);
    }

    /** A Result or Vital Sign Observation; null without an id or a code. */
    Mapped observation(Element element, String category, String categoryDisplay) throws MappingException {
        Identifier identity = identity(element, category + " observation");
        CodeableConcept code = CcdaDatatypes.concept(child(element, "code"));
        if (identity == null || code == null) {
            if (code == null) {
                unmapped.add(category + " observation without a code");
            }
            return null;
        }
        Observation observation = new Observation();
        observation.addIdentifier(identity);
        observation.addCategory(concept(OBSERVATION_CATEGORY, category, categoryDisplay));
        observation.setCode(code);
        String status = attr(child(element, "statusCode"), "code");
        observation.setStatus(
                switch (status == null ? "" : status) {
                    case "completed" -> Observation.ObservationStatus.FINAL;
                    case "active" -> Observation.ObservationStatus.PRELIMINARY;
                    case "aborted", "cancelled" -> Observation.ObservationStatus.CANCELLED;
                    case "nullified" -> Observation.ObservationStatus.ENTEREDINERROR;
                    case "new", "held", "suspended" -> Observation.ObservationStatus.REGISTERED;
                    default -> Observation.ObservationStatus.UNKNOWN;
                });
        DateTimeType effective = CcdaDatatypes.start(child(element, "effectiveTime"), zone);
        if (effective != null) {
            observation.setEffective(effective);
        }
        value(child(element, "value"), observation);
        for (Element interpretation : children(element, "interpretationCode")) {
            CodeableConcept concept = CcdaDatatypes.concept(interpretation);
            if (concept != null) {
                observation.addInterpretation(concept);
            }
        }
        for (Element range : children(element, "referenceRange")) {
            Element observationRange = child(range, "observationRange");
            Element value = child(observationRange, "value");
            Observation.ObservationReferenceRangeComponent component =
                    new Observation.ObservationReferenceRangeComponent();
            if ("IVL_PQ".equals(xsiType(value))) {
                component.setLow(CcdaDatatypes.simpleQuantity(child(value, "low")));
                component.setHigh(CcdaDatatypes.simpleQuantity(child(value, "high")));
            }
            String text = CcdaXml.text(child(observationRange, "text"));
            if (text != null && child(child(observationRange, "text"), "reference") == null) {
                component.setText(text);
            }
            if (component.hasLow() || component.hasHigh() || component.hasText()) {
                observation.addReferenceRange(component);
            }
        }
        return new Mapped(observation, identity);
    }

    private void value(Element value, Observation observation) throws MappingException {
        if (value == null || attr(value, "nullFlavor") != null && !value.hasChildNodes()) {
            return;
        }
        String type = xsiType(value);
        switch (type == null ? "" : type) {
            case "PQ" -> {
                Quantity quantity = CcdaDatatypes.quantity(new Quantity(), value);
                if (quantity != null) {
                    observation.setValue(quantity);
                }
            }
            case "IVL_PQ" -> {
                Range range = new Range();
                range.setLow(CcdaDatatypes.simpleQuantity(child(value, "low")));
                range.setHigh(CcdaDatatypes.simpleQuantity(child(value, "high")));
                if (range.hasLow() || range.hasHigh()) {
                    observation.setValue(range);
                }
            }
            case "CD", "CE", "CO", "CV" -> {
                CodeableConcept concept = CcdaDatatypes.concept(value);
                if (concept != null) {
                    observation.setValue(concept);
                }
            }
            case "ST", "ED" -> {
                String text = CcdaXml.text(value);
                if (text != null) {
                    observation.setValue(new StringType(text));
                }
            }
            case "INT" -> {
                String number = attr(value, "value");
                if (number != null) {
                    try {
                        observation.setValue(new IntegerType(Integer.parseInt(number)));
                    } catch (NumberFormatException e) {
                        throw new MappingException("INGEST-CCDA-BAD-NUMBER", "an INT value is not an integer");
                    }
                }
            }
            case "REAL" -> {
                String number = attr(value, "value");
                if (number != null) {
                    try {
                        observation.setValue(new Quantity().setValue(new BigDecimal(number)));
                    } catch (NumberFormatException e) {
                        throw new MappingException("INGEST-CCDA-BAD-NUMBER", "a REAL value is not a number");
                    }
                }
            }
            case "BL" -> observation.setValue(new BooleanType("true".equals(attr(value, "value"))));
            default -> unmapped.add("observation value of type " + type);
        }
    }

    private Identifier identity(Element entry, String what) {
        Identifier identifier = CcdaDatatypes.firstIdentifier(entry);
        if (identifier == null) {
            unmapped.add(what + " without an id");
        }
        return identifier;
    }

    /** The value of a status observation (by template) below {@code observation}, as a FHIR code. */
    private static String statusObservation(Element observation, String template) {
        for (Element related : related(observation)) {
            if (hasTemplate(related, template)) {
                String code = attr(child(related, "value"), "code");
                if (code != null && STATUS_VALUES.containsKey(code)) {
                    return STATUS_VALUES.get(code);
                }
            }
        }
        return null;
    }

    /** The observations of an entry's {@code entryRelationship}s. */
    private static List<Element> related(Element entry) {
        List<Element> found = new ArrayList<>();
        for (Element relationship : children(entry, "entryRelationship")) {
            Element observation = child(relationship, "observation");
            if (observation != null) {
                found.add(observation);
            }
        }
        return found;
    }

    private static Element childPath(Element start, String... names) {
        Element current = start;
        for (String name : names) {
            current = child(current, name);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static Timing.UnitsOfTime unitsOfTime(String ucum) {
        if (ucum == null) {
            return null;
        }
        return switch (ucum) {
            case "s" -> Timing.UnitsOfTime.S;
            case "min" -> Timing.UnitsOfTime.MIN;
            case "h" -> Timing.UnitsOfTime.H;
            case "d" -> Timing.UnitsOfTime.D;
            case "wk" -> Timing.UnitsOfTime.WK;
            case "mo" -> Timing.UnitsOfTime.MO;
            case "a" -> Timing.UnitsOfTime.A;
            default -> null;
        };
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept().addCoding(new Coding(system, code, display));
    }
}
