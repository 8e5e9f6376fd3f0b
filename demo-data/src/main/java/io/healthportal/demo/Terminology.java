package io.healthportal.demo;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;

/** Code system URLs and small builders for the codings the generator writes. */
final class Terminology {

    static final String SNOMED = "http://snomed.info/sct";
    static final String LOINC = "http://loinc.org";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String DMD = "https://dmd.nhs.uk";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String V2_0074_DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074";
    static final String V2_0203_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";
    static final String V2_0276_APPOINTMENT_REASON = "http://terminology.hl7.org/CodeSystem/v2-0276";

    private Terminology() {}

    static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display)).setText(display);
    }

    static CodeableConcept snomed(String code, String display) {
        return concept(SNOMED, code, display);
    }

    static CodeableConcept loinc(String code, String display) {
        return concept(LOINC, code, display);
    }

    /** A quantity in UCUM; {@code unit} is what people read, {@code ucum} what machines compare. */
    static Quantity ucum(java.math.BigDecimal value, String unit, String ucum) {
        return new Quantity().setValue(value).setUnit(unit).setSystem(UCUM).setCode(ucum);
    }
}
