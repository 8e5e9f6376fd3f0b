package io.healthportal.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Laboratory tests in LOINC with UCUM units and the adult reference ranges a typical English
 * pathology laboratory prints. A null bound means the laboratory gives none on that side.
 */
enum LabTest {
    HBA1C(
            "59261-8",
            "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol",
            "mmol/mol",
            "mmol/mol",
            0,
            range("20", "41")),
    FASTING_GLUCOSE(
            "14771-0", "Fasting glucose [Moles/volume] in Serum or Plasma", "mmol/L", "mmol/L", 1, range("3.0", "6.0")),
    TOTAL_CHOLESTEROL(
            "14647-2", "Cholesterol [Moles/volume] in Serum or Plasma", "mmol/L", "mmol/L", 1, range(null, "5.0")),
    HDL_CHOLESTEROL(
            "14646-4",
            "Cholesterol in HDL [Moles/volume] in Serum or Plasma",
            "mmol/L",
            "mmol/L",
            1,
            range("1.0", null),
            range("1.2", null)),
    TRIGLYCERIDE(
            "14927-8", "Triglyceride [Moles/volume] in Serum or Plasma", "mmol/L", "mmol/L", 1, range(null, "1.7")),
    SODIUM("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", "mmol/L", 0, range("133", "146")),
    POTASSIUM("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", "mmol/L", 1, range("3.5", "5.3")),
    UREA("22664-7", "Urea [Moles/volume] in Serum or Plasma", "mmol/L", "mmol/L", 1, range("2.5", "7.8")),
    CREATININE(
            "14682-9",
            "Creatinine [Moles/volume] in Serum or Plasma",
            "µmol/L",
            "umol/L",
            0,
            range("59", "104"),
            range("45", "84")),
    EGFR(
            "62238-1",
            "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)",
            "mL/min/{1.73_m2}",
            "mL/min/{1.73_m2}",
            0,
            // NICE's threshold for chronic kidney disease; laboratories do not flag 60-89 on its own.
            range("60", null)),
    HAEMOGLOBIN(
            "718-7", "Hemoglobin [Mass/volume] in Blood", "g/L", "g/L", 0, range("130", "170"), range("120", "150")),
    WHITE_CELL_COUNT(
            "6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*9/L", "10*9/L", 1, range("4.0", "11.0")),
    PLATELETS("777-3", "Platelets [#/volume] in Blood by Automated count", "10*9/L", "10*9/L", 0, range("150", "400")),
    TSH("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma", "mU/L", "m[IU]/L", 2, range("0.27", "4.20")),
    CRP("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", "mg/L", "mg/L", 0, range(null, "5"));

    /** A reference range; either bound may be null. */
    record Range(BigDecimal low, BigDecimal high) {}

    final String loinc;
    final String display;
    final String unit;
    final String ucum;
    final int decimals;
    private final Range maleRange;
    private final Range femaleRange;

    LabTest(String loinc, String display, String unit, String ucum, int decimals, Range range) {
        this(loinc, display, unit, ucum, decimals, range, range);
    }

    LabTest(String loinc, String display, String unit, String ucum, int decimals, Range maleRange, Range femaleRange) {
        this.loinc = loinc;
        this.display = display;
        this.unit = unit;
        this.ucum = ucum;
        this.decimals = decimals;
        this.maleRange = maleRange;
        this.femaleRange = femaleRange;
    }

    Range range(boolean female) {
        return female ? femaleRange : maleRange;
    }

    /** The value as the laboratory reports it, rounded to the test's usual precision. */
    BigDecimal reported(double value) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
    }

    /** The v3 ObservationInterpretation code: L below the range, H above it, N within it. */
    static String interpretation(BigDecimal value, Range range) {
        if (range.low() != null && value.compareTo(range.low()) < 0) {
            return "L";
        }
        if (range.high() != null && value.compareTo(range.high()) > 0) {
            return "H";
        }
        return "N";
    }

    private static Range range(String low, String high) {
        return new Range(low == null ? null : new BigDecimal(low), high == null ? null : new BigDecimal(high));
    }
}
