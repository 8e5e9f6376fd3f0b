package io.healthportal.demo;

import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCategory;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCriticality;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceType;

/** Recorded allergies and intolerances: substance and manifestation in SNOMED CT. */
enum Allergy {
    PENICILLIN(
            "764146007",
            "Penicillin",
            AllergyIntoleranceType.ALLERGY,
            AllergyIntoleranceCategory.MEDICATION,
            AllergyIntoleranceCriticality.LOW,
            "271807003",
            "Eruption of skin",
            0.08),
    PEANUT(
            "762952008",
            "Peanut",
            AllergyIntoleranceType.ALLERGY,
            AllergyIntoleranceCategory.FOOD,
            AllergyIntoleranceCriticality.HIGH,
            "39579001",
            "Anaphylaxis",
            0.02),
    LATEX(
            "111088007",
            "Latex",
            AllergyIntoleranceType.ALLERGY,
            AllergyIntoleranceCategory.ENVIRONMENT,
            AllergyIntoleranceCriticality.LOW,
            "40275004",
            "Contact dermatitis",
            0.02),
    CODEINE(
            "387494007",
            "Codeine",
            AllergyIntoleranceType.INTOLERANCE,
            AllergyIntoleranceCategory.MEDICATION,
            AllergyIntoleranceCriticality.LOW,
            "422587007",
            "Nausea",
            0.04);

    static final String NO_KNOWN_ALLERGY_CODE = "716186003";
    static final String NO_KNOWN_ALLERGY_DISPLAY = "No known allergy";

    final String substanceCode;
    final String substanceDisplay;
    final AllergyIntoleranceType type;
    final AllergyIntoleranceCategory category;
    final AllergyIntoleranceCriticality criticality;
    final String manifestationCode;
    final String manifestationDisplay;
    final double prevalence;

    Allergy(
            String substanceCode,
            String substanceDisplay,
            AllergyIntoleranceType type,
            AllergyIntoleranceCategory category,
            AllergyIntoleranceCriticality criticality,
            String manifestationCode,
            String manifestationDisplay,
            double prevalence) {
        this.substanceCode = substanceCode;
        this.substanceDisplay = substanceDisplay;
        this.type = type;
        this.category = category;
        this.criticality = criticality;
        this.manifestationCode = manifestationCode;
        this.manifestationDisplay = manifestationDisplay;
        this.prevalence = prevalence;
    }
}
