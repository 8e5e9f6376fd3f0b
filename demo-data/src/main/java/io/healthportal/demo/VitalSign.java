package io.healthportal.demo;

/** Vital signs in LOINC and UCUM, each with the FHIR R4 core vital-signs profile it conforms to. */
enum VitalSign {
    HEART_RATE("8867-4", "Heart rate", "beats/minute", "/min", 0, "heartrate"),
    BLOOD_PRESSURE("85354-9", "Blood pressure panel with all children optional", "mmHg", "mm[Hg]", 0, "bp"),
    BODY_WEIGHT("29463-7", "Body weight", "kg", "kg", 1, "bodyweight"),
    BODY_HEIGHT("8302-2", "Body height", "cm", "cm", 1, "bodyheight"),
    BMI("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", "kg/m2", 1, "bmi"),
    BODY_TEMPERATURE("8310-5", "Body temperature", "°C", "Cel", 1, "bodytemp");

    static final String SYSTOLIC_CODE = "8480-6";
    static final String SYSTOLIC_DISPLAY = "Systolic blood pressure";
    static final String DIASTOLIC_CODE = "8462-4";
    static final String DIASTOLIC_DISPLAY = "Diastolic blood pressure";

    final String loinc;
    final String display;
    final String unit;
    final String ucum;
    final int decimals;
    final String profile;

    VitalSign(String loinc, String display, String unit, String ucum, int decimals, String profile) {
        this.loinc = loinc;
        this.display = display;
        this.unit = unit;
        this.ucum = ucum;
        this.decimals = decimals;
        this.profile = "http://hl7.org/fhir/StructureDefinition/" + profile;
    }
}
