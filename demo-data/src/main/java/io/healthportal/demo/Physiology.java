package io.healthportal.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

/**
 * One patient's body over time: baselines drawn once, then values on any date follow that patient's
 * conditions and treatment (a diabetic's HbA1c falls after diagnosis and then drifts up, a statin
 * lowers cholesterol, kidney function declines in CKD) plus measurement noise.
 */
final class Physiology {

    private final Random random;
    private final boolean female;
    private final LocalDate birthDate;
    private final LocalDate today;
    private final Map<ChronicCondition, LocalDate> onsets;

    private final double heightCm;
    private final double bmiToday;
    private final double bmiChangePerYear;
    private final double restingHeartRate;
    private final double systolic;
    private final double diastolic;
    private final double hba1cNonDiabetic;
    private final double hba1cAtDiagnosis;
    private final double hba1cControlled;
    private final double hba1cDriftPerYear;
    private final double cholesterol;
    private final double hdl;
    private final double triglyceride;
    private final double creatinine;
    private final double haemoglobin;
    private final double whiteCells;
    private final double platelets;
    private final double tsh;

    Physiology(
            Random random,
            boolean female,
            LocalDate birthDate,
            LocalDate today,
            Map<ChronicCondition, LocalDate> onsets) {
        this.random = random;
        this.female = female;
        this.birthDate = birthDate;
        this.today = today;
        this.onsets = onsets;
        boolean diabetic = onsets.containsKey(ChronicCondition.TYPE_2_DIABETES);
        this.heightCm = female ? gaussian(162, 6.5) : gaussian(176, 7);
        this.bmiToday = diabetic ? uniform(27, 37) : uniform(20, 31);
        this.bmiChangePerYear = uniform(-0.25, 0.45);
        this.restingHeartRate = uniform(58, 84);
        boolean hypertensive = onsets.containsKey(ChronicCondition.HYPERTENSION);
        this.systolic = hypertensive ? uniform(150, 166) : uniform(110, 130);
        this.diastolic = hypertensive ? uniform(90, 100) : uniform(68, 82);
        this.hba1cNonDiabetic = uniform(31, 39);
        this.hba1cAtDiagnosis = uniform(56, 78);
        this.hba1cControlled = uniform(47, 57);
        this.hba1cDriftPerYear = uniform(0.5, 3.5);
        this.cholesterol =
                onsets.containsKey(ChronicCondition.HYPERCHOLESTEROLAEMIA) ? uniform(6.3, 8.0) : uniform(3.9, 6.2);
        this.hdl = female ? uniform(1.2, 2.0) : uniform(0.95, 1.6);
        this.triglyceride = diabetic ? uniform(1.4, 2.8) : uniform(0.7, 1.9);
        this.creatinine = female ? uniform(52, 80) : uniform(66, 100);
        this.haemoglobin = female ? gaussian(134, 7) : gaussian(148, 8);
        this.whiteCells = uniform(4.8, 8.5);
        this.platelets = uniform(180, 340);
        this.tsh = uniform(0.8, 3.2);
    }

    double heightCm() {
        return heightCm;
    }

    double heartRate(boolean unwell) {
        return clamp(restingHeartRate + (unwell ? uniform(12, 28) : 0) + gaussian(0, 4), 45, 140);
    }

    /** Systolic and diastolic pressure in mmHg. */
    double[] bloodPressure(LocalDate when) {
        double ageRise = Math.max(0, yearsOld(when) - 40) * 0.3;
        double sys = systolic + ageRise;
        double dia = diastolic + ageRise / 3;
        LocalDate onset = onsets.get(ChronicCondition.HYPERTENSION);
        if (onset != null) {
            double years = yearsBetween(onset, when);
            if (years < 0) { // rising towards the diagnosis
                sys -= Math.min(25, -years * 6);
                dia -= Math.min(12, -years * 3);
            } else if (years > 0.25) { // treated
                sys -= 15;
                dia -= 8;
            }
        }
        return new double[] {clamp(sys + gaussian(0, 7), 85, 210), clamp(dia + gaussian(0, 5), 50, 125)};
    }

    double weightKg(LocalDate when) {
        double bmi = bmiToday - bmiChangePerYear * yearsBetween(when, today);
        double metres = heightCm / 100;
        return clamp(bmi * metres * metres + gaussian(0, 0.6), 38, 220);
    }

    double temperature(boolean febrile) {
        return febrile ? uniform(37.8, 39.3) : clamp(gaussian(36.75, 0.25), 35.9, 37.4);
    }

    /** Reported values of a panel's tests, derived ones (eGFR) computed from what was reported. */
    Map<LabTest, BigDecimal> panel(LabPanel panel, LocalDate when, boolean unwell) {
        Map<LabTest, BigDecimal> values = new EnumMap<>(LabTest.class);
        for (LabTest test : panel.tests) {
            double value = switch (test) {
                case HBA1C -> hba1c(when);
                case FASTING_GLUCOSE -> fastingGlucose(when);
                case TOTAL_CHOLESTEROL -> cholesterol * statinEffect(when) + gaussian(0, 0.25);
                case HDL_CHOLESTEROL -> hdl + gaussian(0, 0.08);
                case TRIGLYCERIDE -> triglyceride * Math.exp(gaussian(0, 0.18));
                case SODIUM -> gaussian(139.5, 2.4);
                case POTASSIUM -> gaussian(onsets.containsKey(ChronicCondition.CKD_STAGE_3) ? 4.6 : 4.3, 0.35);
                case UREA -> uniform(3.2, 6.8) * kidneyFactor(when);
                case CREATININE -> creatinine * kidneyFactor(when) * Math.exp(gaussian(0, 0.05));
                case EGFR -> egfr(values.get(LabTest.CREATININE).doubleValue(), when);
                case HAEMOGLOBIN ->
                    haemoglobin - (onsets.containsKey(ChronicCondition.CKD_STAGE_3) ? 12 : 0) + gaussian(0, 4);
                case WHITE_CELL_COUNT -> whiteCells * (unwell ? uniform(1.5, 2.3) : 1) + gaussian(0, 0.6);
                case PLATELETS -> platelets * (unwell ? 1.2 : 1) + gaussian(0, 18);
                case TSH -> tsh(when);
                case CRP -> unwell ? uniform(35, 190) : Math.exp(gaussian(0.7, 0.6));
            };
            values.put(test, test.reported(Math.max(value, 0.01)));
        }
        return values;
    }

    private double hba1c(LocalDate when) {
        LocalDate onset = onsets.get(ChronicCondition.TYPE_2_DIABETES);
        double value = hba1cNonDiabetic + 0.08 * Math.max(0, yearsOld(when) - 40);
        if (onset != null) {
            double years = yearsBetween(onset, when);
            if (years < 0) {
                value = Math.max(value, 47 + 3 * years);
            } else if (years < 0.5) {
                value = hba1cAtDiagnosis + (hba1cControlled - hba1cAtDiagnosis) * (years / 0.5);
            } else {
                value = hba1cControlled + hba1cDriftPerYear * (years - 0.5);
            }
        }
        return clamp(value + gaussian(0, 2), 25, 130);
    }

    private double fastingGlucose(LocalDate when) {
        // ADAG: estimated average glucose (mmol/L) = 1.59 x HbA1c(%) - 2.59; HbA1c% = mmol/mol / 10.929 + 2.15.
        double averageGlucose = 1.59 * (hba1c(when) / 10.929 + 2.15) - 2.59;
        return clamp(averageGlucose * 0.85 + gaussian(0, 0.35), 3.2, 25);
    }

    private double statinEffect(LocalDate when) {
        LocalDate started = onsets.get(ChronicCondition.HYPERCHOLESTEROLAEMIA);
        return started != null && !when.isBefore(started.plusMonths(2)) ? 0.65 : 1;
    }

    private double kidneyFactor(LocalDate when) {
        double factor = 1 + Math.max(0, yearsOld(when) - 60) * 0.004;
        LocalDate onset = onsets.get(ChronicCondition.CKD_STAGE_3);
        if (onset != null) {
            double years = yearsBetween(onset, when);
            factor *= years < 0 ? 1 + Math.max(0, 0.45 + years * 0.15) : 1.45 + 0.04 * years;
        }
        return factor;
    }

    /** CKD-EPI 2009 creatinine equation without the ethnicity coefficient, as NICE NG203 recommends. */
    private double egfr(double creatinineMicromolPerLitre, LocalDate when) {
        double scr = creatinineMicromolPerLitre / 88.4;
        double kappa = female ? 0.7 : 0.9;
        double alpha = female ? -0.329 : -0.411;
        double gfr = 141
                * Math.pow(Math.min(scr / kappa, 1), alpha)
                * Math.pow(Math.max(scr / kappa, 1), -1.209)
                * Math.pow(0.993, yearsOld(when))
                * (female ? 1.018 : 1);
        return clamp(gfr, 5, 150);
    }

    private double tsh(LocalDate when) {
        LocalDate onset = onsets.get(ChronicCondition.HYPOTHYROIDISM);
        if (onset != null) {
            double years = yearsBetween(onset, when);
            if (years > -1 && years < 0.2) {
                return uniform(7, 16);
            }
            if (years >= 0.2) {
                return clamp(Math.exp(gaussian(Math.log(2.2), 0.45)), 0.05, 20);
            }
        }
        return clamp(tsh * Math.exp(gaussian(0, 0.25)), 0.1, 10);
    }

    private double yearsOld(LocalDate when) {
        return yearsBetween(birthDate, when);
    }

    static double yearsBetween(LocalDate from, LocalDate to) {
        return ChronoUnit.DAYS.between(from, to) / 365.25;
    }

    private double uniform(double low, double high) {
        return low + (high - low) * random.nextDouble();
    }

    private double gaussian(double mean, double sd) {
        return mean + sd * random.nextGaussian();
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }

    static BigDecimal round(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
    }
}
