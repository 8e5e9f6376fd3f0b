package io.healthportal.demo;

import io.healthportal.demo.CareSetting.Clinician;
import io.healthportal.demo.CareSetting.Site;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One planned contact with the care provider, sized in resources before anything is written so the
 * planner can spend a patient's resource budget exactly.
 */
final class Visit {

    enum Kind {
        REVIEW("390906007", "Follow-up encounter", "AMB", "ambulatory"),
        HEALTH_CHECK("185349003", "Encounter for check up", "AMB", "ambulatory"),
        ACUTE("185347001", "Encounter for problem", "AMB", "ambulatory"),
        TELEPHONE("185317003", "Telephone encounter", "VR", "virtual"),
        ADMISSION("32485007", "Hospital admission", "IMP", "inpatient encounter");

        final String snomedCode;
        final String display;
        final String actCode;
        final String actDisplay;

        Kind(String snomedCode, String display, String actCode, String actDisplay) {
            this.snomedCode = snomedCode;
            this.display = display;
            this.actCode = actCode;
            this.actDisplay = actDisplay;
        }
    }

    final Kind kind;
    final LocalDateTime start;
    final Clinician clinician;
    final Site site;
    final List<ChronicCondition> reviewed;
    final AcuteIllness illness;
    final List<VitalSign> vitals = new ArrayList<>();
    final List<LabPanel> panels = new ArrayList<>();
    /** Tests repeated on the day of discharge. */
    final List<LabPanel> dischargePanels = new ArrayList<>();

    boolean booked;
    boolean recordsDiagnosis;
    /** Days in hospital for an admission (vitals are taken once a day); 1 for everything else. */
    int days = 1;

    Visit(
            Kind kind,
            LocalDateTime start,
            Clinician clinician,
            Site site,
            List<ChronicCondition> reviewed,
            AcuteIllness illness) {
        this.kind = kind;
        this.start = start;
        this.clinician = clinician;
        this.site = site;
        this.reviewed = List.copyOf(reviewed);
        this.illness = illness;
        this.recordsDiagnosis = illness != null;
    }

    int minutes() {
        return kind == Kind.TELEPHONE ? 10 : CareSettingWriter.SLOT_MINUTES;
    }

    /** The Encounter, its appointment, diagnosis, vital signs and lab reports with their results. */
    int cost() {
        int cost = 1 + (booked ? 1 : 0) + (recordsDiagnosis ? 1 : 0) + vitals.size() * days;
        for (LabPanel panel : panels) {
            cost += panel.resourceCount();
        }
        for (LabPanel panel : dischargePanels) {
            cost += panel.resourceCount();
        }
        return cost;
    }

    /**
     * Drops the least essential parts until the visit costs at most {@code budget}; at worst only the
     * Encounter remains. Vital signs are listed so that BMI goes before the weight it derives from.
     */
    Visit shrinkTo(int budget) {
        while (cost() > budget) {
            if (!dischargePanels.isEmpty()) {
                dischargePanels.remove(dischargePanels.size() - 1);
            } else if (!panels.isEmpty()) {
                panels.remove(panels.size() - 1);
            } else if (days > 1) {
                days--;
            } else if (booked) {
                booked = false;
            } else if (!vitals.isEmpty()) {
                vitals.remove(vitals.size() - 1);
            } else if (recordsDiagnosis) {
                recordsDiagnosis = false;
            } else {
                break;
            }
        }
        return this;
    }
}
