package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * DG1 as Condition, after the IG's {@code segments/DG1[Condition]} rows: DG1-3 code (DG1-4 its text),
 * DG1-5 onsetDateTime, DG1-16 asserter, DG1-19 recordedDate and the condition-assertedDate extension, DG1-20
 * identifier, DG1-21 {@code D} verificationStatus entered-in-error, DG1-22 the condition-dueTo extension (a
 * logical reference by the parent's identifier); and as the Encounter's diagnosis ({@code
 * segments/DG1[Encounter]}): DG1-6 use ({@code codesystems/DiagnosisType}: A admission diagnosis, else the
 * table 0052 code), DG1-15 rank. In an encounter the Condition is an encounter-diagnosis that points at
 * its Encounter. A diagnosis is identified by the patient and its code ({@link RecordIdentity}).
 */
final class ConditionMapping {

    private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
    private static final String VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private static final String DIAGNOSIS_ROLE = "http://terminology.hl7.org/CodeSystem/diagnosis-role";
    private static final String ASSERTED_DATE = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate";
    private static final String DUE_TO = "http://hl7.org/fhir/StructureDefinition/condition-dueTo";

    private ConditionMapping() {}

    record MappedCondition(Condition condition, Identifier matchOn) {}

    /**
     * @param encounterUrl the fullUrl of the message's Encounter, or null when it writes none
     */
    static MappedCondition map(
            Fields dg1,
            RecordIdentity identity,
            String patientUrl,
            String encounterUrl,
            PartnerProperties partner,
            List<String> unmapped)
            throws MappingException {
        CodeableConcept code = Datatypes.codeableConcept(dg1, 3, 0);
        if (dg1.get(4) != null) {
            code = code == null ? new CodeableConcept() : code;
            if (!code.hasText()) {
                code.setText(dg1.get(4));
            }
        }
        if (code == null) {
            throw new MappingException("INGEST-HL7-NO-DIAGNOSIS", "DG1-3 (diagnosis code) and DG1-4 are empty");
        }
        Condition condition = new Condition();
        Identifier identifier = identity.identifier(dg1.get(3, 1) != null ? dg1.get(3, 1) : code.getText());
        condition.addIdentifier(identifier);
        if (dg1.get(20, 1) != null) {
            condition.addIdentifier(new Identifier().setValue(dg1.get(20, 1)));
        }
        condition.setCode(code);
        condition.setSubject(new Reference(patientUrl));
        if (encounterUrl != null) {
            condition.setEncounter(new Reference(encounterUrl));
            condition.addCategory(new CodeableConcept()
                    .addCoding(new Coding(CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")));
        }
        DateTimeType onset = Datatypes.dateTime(dg1, 5, partner.timeZone());
        if (onset != null) {
            condition.setOnset(onset);
        }
        Reference clinician = Datatypes.practitioner(dg1, 16, 0);
        if (clinician != null) {
            condition.setAsserter(clinician);
        }
        DateTimeType attested = Datatypes.dateTime(dg1, 19, partner.timeZone());
        if (attested != null) {
            condition.setRecordedDateElement(attested);
            condition.addExtension(ASSERTED_DATE, attested.copy());
        }
        if ("D".equals(dg1.get(21))) {
            condition.setVerificationStatus(
                    new CodeableConcept().addCoding(new Coding(VERIFICATION, "entered-in-error", "Entered in Error")));
        }
        if (dg1.get(22, 1) != null) {
            condition.addExtension(
                    DUE_TO,
                    new Reference().setType("Condition").setIdentifier(new Identifier().setValue(dg1.get(22, 1))));
        }
        for (int field : new int[] {7, 8, 17, 26}) {
            if (dg1.present(field)) {
                unmapped.add("DG1-" + field);
            }
        }
        return new MappedCondition(condition, identifier);
    }

    /** The diagnosis entry of the Encounter for a DG1: the Condition, its use (DG1-6) and rank (DG1-15). */
    static void addDiagnosis(Encounter encounter, Fields dg1, String conditionUrl) {
        Encounter.DiagnosisComponent diagnosis = encounter.addDiagnosis().setCondition(new Reference(conditionUrl));
        String type = dg1.get(6, 1);
        if ("A".equals(type)) {
            diagnosis.setUse(new CodeableConcept().addCoding(new Coding(DIAGNOSIS_ROLE, "AD", "Admission Diagnosis")));
        } else {
            diagnosis.setUse(Datatypes.codeableConcept(dg1, 6, 0, "0052"));
        }
        BigDecimal priority = Datatypes.decimal(dg1.get(15));
        if (priority != null && priority.signum() > 0 && priority.scale() <= 0) {
            diagnosis.setRank(priority.intValueExact());
        }
    }
}
