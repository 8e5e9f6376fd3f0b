package io.healthportal.demo;

import io.healthportal.demo.CareSetting.Role;
import java.util.List;

/**
 * Long-term conditions on the problem list (SNOMED CT), how common each is by age and sex in an
 * English practice list (rounded, and diabetes deliberately a little over-represented so that the
 * demo has trends to show), the repeat medicine it brings and what is monitored at reviews.
 */
enum ChronicCondition {
    TYPE_2_DIABETES(
            "44054006",
            "Diabetes mellitus type 2",
            Medicine.METFORMIN,
            Role.DIABETES,
            List.of(LabPanel.HBA1C, LabPanel.GLUCOSE, LabPanel.RENAL, LabPanel.LIPIDS)),
    HYPERTENSION("59621000", "Essential hypertension", Medicine.AMLODIPINE, Role.CARDIOLOGY, List.of(LabPanel.RENAL)),
    HYPERCHOLESTEROLAEMIA("13644009", "Hypercholesterolemia", Medicine.ATORVASTATIN, null, List.of(LabPanel.LIPIDS)),
    ASTHMA("195967001", "Asthma", Medicine.SALBUTAMOL, Role.RESPIRATORY, List.of()),
    HYPOTHYROIDISM("40930008", "Hypothyroidism", Medicine.LEVOTHYROXINE, null, List.of(LabPanel.THYROID)),
    CKD_STAGE_3(
            "433144002",
            "Chronic kidney disease stage 3",
            Medicine.RAMIPRIL,
            null,
            List.of(LabPanel.RENAL, LabPanel.FULL_BLOOD_COUNT)),
    KNEE_OSTEOARTHRITIS("239873007", "Osteoarthritis of knee", Medicine.PARACETAMOL, null, List.of());

    final String snomedCode;
    final String display;
    final Medicine medicine;
    /** The specialty that sees these patients in outpatients, or null when the GP manages it alone. */
    final Role specialist;

    final List<LabPanel> monitoring;

    ChronicCondition(String snomedCode, String display, Medicine medicine, Role specialist, List<LabPanel> monitoring) {
        this.snomedCode = snomedCode;
        this.display = display;
        this.medicine = medicine;
        this.specialist = specialist;
        this.monitoring = monitoring;
    }

    double prevalence(int age, boolean female) {
        return switch (this) {
            case TYPE_2_DIABETES -> age < 40 ? 0.03 : age < 60 ? 0.10 : age < 80 ? 0.20 : 0.22;
            case HYPERTENSION -> age < 40 ? 0.04 : age < 60 ? 0.20 : age < 80 ? 0.45 : 0.60;
            case HYPERCHOLESTEROLAEMIA -> age < 40 ? 0.02 : age < 60 ? 0.12 : 0.30;
            case ASTHMA -> 0.10;
            case HYPOTHYROIDISM -> (female ? 0.05 : 0.01) * (age < 50 ? 0.6 : 1.5);
            case CKD_STAGE_3 -> age < 60 ? 0.02 : age < 80 ? 0.10 : 0.25;
            case KNEE_OSTEOARTHRITIS -> age < 50 ? 0.03 : age < 70 ? 0.12 : 0.25;
        };
    }
}
