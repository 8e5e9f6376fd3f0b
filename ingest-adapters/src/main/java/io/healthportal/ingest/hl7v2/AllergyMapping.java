package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.pipeline.MappingException;
import java.util.List;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * AL1 as AllergyIntolerance, after the IG's {@code segments/AL1[AllergyIntolerance]} rows: clinicalStatus
 * active (the IG's assignment: an AL1 lists what the patient is allergic to now), AL1-2 category and type
 * ({@code codesystems/AllergenType[AllergyIntoleranceCategory]}, {@code codesystems/AllergyType}), AL1-3
 * code, AL1-4 criticality ({@code codesystems/AllergySeverity[AllergyIntolerance.criticality]}: SV high, MI
 * low), AL1-5 reaction manifestations (text), AL1-6 onsetDateTime. An AL1 has no identifier: the allergy
 * is identified by the patient and the allergen ({@link RecordIdentity}), so a later message listing the
 * same allergy updates it.
 */
final class AllergyMapping {

    private static final String CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";

    private AllergyMapping() {}

    record MappedAllergy(AllergyIntolerance allergy, Identifier matchOn) {}

    static MappedAllergy map(Fields al1, RecordIdentity identity, String patientUrl, List<String> unmapped)
            throws MappingException {
        CodeableConcept code = Datatypes.codeableConcept(al1, 3, 0);
        if (code == null) {
            throw new MappingException("INGEST-HL7-NO-ALLERGEN", "AL1-3 (allergen) is empty");
        }
        AllergyIntolerance allergy = new AllergyIntolerance();
        Identifier identifier = identity.identifier(al1.get(3, 1) != null ? al1.get(3, 1) : code.getText());
        allergy.addIdentifier(identifier);
        allergy.setClinicalStatus(new CodeableConcept().addCoding(new Coding(CLINICAL_STATUS, "active", "Active")));
        allergy.setCode(code);
        allergy.setPatient(new Reference(patientUrl));
        String type = al1.get(2, 1);
        if (type != null) {
            category(type, allergy);
        }
        String severity = al1.get(4, 1);
        if ("SV".equals(severity)) {
            allergy.setCriticality(AllergyIntolerance.AllergyIntoleranceCriticality.HIGH);
        } else if ("MI".equals(severity)) {
            allergy.setCriticality(AllergyIntolerance.AllergyIntoleranceCriticality.LOW);
        } else if (severity != null) {
            unmapped.add("AL1-4 severity outside the IG's AllergySeverity map");
        }
        AllergyIntolerance.AllergyIntoleranceReactionComponent reaction = null;
        for (int rep = 0; rep < al1.repetitions(5); rep++) {
            String manifestation = al1.get(5, rep, 1);
            if (manifestation != null) {
                if (reaction == null) {
                    reaction = allergy.addReaction();
                }
                reaction.addManifestation(new CodeableConcept().setText(manifestation));
            }
        }
        try {
            var identified = Hl7Timestamps.date(al1.get(6));
            if (identified != null) {
                allergy.setOnset(new DateTimeType(identified.getValueAsString()));
            }
        } catch (IllegalArgumentException e) {
            throw new MappingException("INGEST-HL7-BAD-DATE", "AL1-6 is not an HL7 v2 date");
        }
        return new MappedAllergy(allergy, identifier);
    }

    /**
     * Table 0127 as category (DA medication, FA food, EA, PA, LA environment, AA biologic) and type (allergy,
     * but for MC, a contraindication); MA and MC have no category.
     */
    private static void category(String type, AllergyIntolerance allergy) {
        switch (type) {
            case "DA" -> allergy.addCategory(AllergyIntolerance.AllergyIntoleranceCategory.MEDICATION);
            case "FA" -> allergy.addCategory(AllergyIntolerance.AllergyIntoleranceCategory.FOOD);
            case "EA", "PA", "LA" -> allergy.addCategory(AllergyIntolerance.AllergyIntoleranceCategory.ENVIRONMENT);
            case "AA" -> allergy.addCategory(AllergyIntolerance.AllergyIntoleranceCategory.BIOLOGIC);
            default -> {
                // MA (miscellaneous allergy), MC (contraindication) and local codes have no category
            }
        }
        if (Hl7Tables.contains("0127", type) && !"MC".equals(type)) {
            allergy.setType(AllergyIntolerance.AllergyIntoleranceType.ALLERGY);
        }
    }
}
