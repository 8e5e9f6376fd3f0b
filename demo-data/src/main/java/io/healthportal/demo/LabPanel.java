package io.healthportal.demo;

import java.util.List;

/** What the laboratory reports together in one DiagnosticReport. */
enum LabPanel {
    HBA1C("59261-8", "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol", "CH", List.of(LabTest.HBA1C)),
    GLUCOSE("14771-0", "Fasting glucose [Moles/volume] in Serum or Plasma", "CH", List.of(LabTest.FASTING_GLUCOSE)),
    RENAL(
            "24362-6",
            "Renal function 2000 panel - Serum or Plasma",
            "CH",
            List.of(LabTest.SODIUM, LabTest.POTASSIUM, LabTest.UREA, LabTest.CREATININE, LabTest.EGFR)),
    LIPIDS(
            "24331-1",
            "Lipid 1996 panel - Serum or Plasma",
            "CH",
            List.of(LabTest.TOTAL_CHOLESTEROL, LabTest.HDL_CHOLESTEROL, LabTest.TRIGLYCERIDE)),
    FULL_BLOOD_COUNT(
            "58410-2",
            "CBC panel - Blood by Automated count",
            "HM",
            List.of(LabTest.HAEMOGLOBIN, LabTest.WHITE_CELL_COUNT, LabTest.PLATELETS)),
    THYROID("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma", "CH", List.of(LabTest.TSH)),
    CRP("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", "CH", List.of(LabTest.CRP));

    final String loinc;
    final String display;
    /** HL7 v2 table 0074 diagnostic service section: CH chemistry, HM haematology. */
    final String section;

    final List<LabTest> tests;

    LabPanel(String loinc, String display, String section, List<LabTest> tests) {
        this.loinc = loinc;
        this.display = display;
        this.section = section;
        this.tests = tests;
    }

    /** Observations plus the report that groups them. */
    int resourceCount() {
        return tests.size() + 1;
    }

    String sectionDisplay() {
        return section.equals("HM") ? "Hematology" : "Chemistry";
    }
}
