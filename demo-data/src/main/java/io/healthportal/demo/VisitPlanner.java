package io.healthportal.demo;

import io.healthportal.demo.CareSetting.Clinician;
import io.healthportal.demo.CareSetting.Role;
import io.healthportal.demo.CareSetting.Session;
import io.healthportal.demo.Visit.Kind;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Plans a patient's contacts backwards from {@code today} until the resource budget is spent or the
 * history (ten years, never before the age of sixteen) runs out. The gap between contacts adapts to
 * what is left of the budget, so a large budget means a busier record rather than a longer one.
 */
final class VisitPlanner {

    static final int HISTORY_YEARS = 10;
    private static final int MIN_GAP_DAYS = 21;
    private static final int MAX_GAP_DAYS = 400;

    private final Random random;
    private final PatientProfile profile;
    private final LocalDate today;

    VisitPlanner(Random random, PatientProfile profile, LocalDate today) {
        this.random = random;
        this.profile = profile;
        this.today = today;
    }

    /** Ten years back, but never before the patient turned sixteen. */
    static LocalDate historyStart(PatientProfile profile, LocalDate today) {
        LocalDate tenYearsAgo = today.minusYears(HISTORY_YEARS);
        LocalDate sixteenth = profile.birthDate().plusYears(16);
        return sixteenth.isAfter(tenYearsAgo) ? sixteenth : tenYearsAgo;
    }

    /** Visits in chronological order whose costs add up to at most {@code budget}. */
    List<Visit> plan(int budget) {
        List<Visit> visits = new ArrayList<>();
        LocalDate historyStart = historyStart(profile, today);
        LocalDate cursor = today.minusDays(2 + random.nextInt(20));
        int left = budget;
        int spent = 0;
        while (left > 0 && cursor.isAfter(historyStart)) {
            Visit visit = choose(cursor).shrinkTo(left);
            visits.add(visit);
            left -= visit.cost();
            spent += visit.cost();
            // Smoothed towards a typical visit so the first few do not swing the pace.
            double averageCost = (9.0 * 3 + spent) / (3 + visits.size());
            double visitsLeft = Math.max(1, left / averageCost);
            double gap = ChronoUnit.DAYS.between(historyStart, cursor) / visitsLeft;
            gap = Math.max(MIN_GAP_DAYS, Math.min(MAX_GAP_DAYS, gap)) * (0.6 + 0.8 * random.nextDouble());
            cursor = cursor.minusDays(Math.max(MIN_GAP_DAYS / 2, Math.round(gap)));
        }
        Collections.reverse(visits);
        return visits;
    }

    private Visit choose(LocalDate date) {
        List<ChronicCondition> active = new ArrayList<>();
        for (ChronicCondition condition : profile.conditions().keySet()) {
            if (profile.hasOn(condition, date)) {
                active.add(condition);
            }
        }
        int age = profile.ageOn(date);
        double admissionRisk = age >= 70 ? 0.05 : 0.02;
        double draw = random.nextDouble();
        if (draw < admissionRisk && date.isBefore(today.minusDays(14))) {
            return admission(date);
        }
        draw = random.nextDouble();
        if (!active.isEmpty()) {
            if (draw < 0.55) {
                return review(date, active);
            }
            if (draw < 0.72) {
                return acute(date);
            }
            if (draw < 0.88) {
                return telephone(date, active);
            }
            return healthCheck(date, age);
        }
        if (draw < 0.40) {
            return acute(date);
        }
        if (draw < 0.60) {
            return telephone(date, active);
        }
        return healthCheck(date, age);
    }

    private Visit review(LocalDate date, List<ChronicCondition> active) {
        List<ChronicCondition> specialist =
                active.stream().filter(c -> c.specialist != null).toList();
        Visit visit;
        List<ChronicCondition> reviewed;
        if (!specialist.isEmpty() && random.nextDouble() < 0.3) {
            ChronicCondition condition = UkNames.pick(random, specialist);
            Clinician consultant = CareSetting.clinicians(condition.specialist).get(0);
            reviewed = List.of(condition);
            visit = new Visit(Kind.REVIEW, clinicTime(date, consultant), consultant, consultant.site(), reviewed, null);
        } else {
            reviewed = active;
            visit = gpVisit(Kind.REVIEW, date, reviewed, null);
        }
        visit.booked = true;
        visit.vitals.addAll(List.of(VitalSign.HEART_RATE, VitalSign.BLOOD_PRESSURE, VitalSign.BODY_WEIGHT));
        if (random.nextInt(4) == 0) {
            visit.vitals.add(VitalSign.BODY_HEIGHT);
        }
        visit.vitals.add(VitalSign.BMI);
        Set<LabPanel> panels = EnumSet.noneOf(LabPanel.class);
        for (ChronicCondition condition : reviewed) {
            for (LabPanel panel : condition.monitoring) {
                if (panel == LabPanel.HBA1C || random.nextBoolean()) {
                    panels.add(panel);
                }
            }
        }
        visit.panels.addAll(panels);
        return visit;
    }

    private Visit healthCheck(LocalDate date, int age) {
        Visit visit = gpVisit(Kind.HEALTH_CHECK, date, List.of(), null);
        visit.booked = true;
        visit.vitals.addAll(List.of(
                VitalSign.HEART_RATE,
                VitalSign.BLOOD_PRESSURE,
                VitalSign.BODY_WEIGHT,
                VitalSign.BODY_HEIGHT,
                VitalSign.BMI));
        visit.panels.add(LabPanel.LIPIDS);
        if (age >= 40) {
            visit.panels.add(LabPanel.HBA1C);
        }
        visit.panels.add(LabPanel.RENAL);
        visit.panels.add(LabPanel.FULL_BLOOD_COUNT);
        return visit;
    }

    private Visit acute(LocalDate date) {
        List<AcuteIllness> community = List.of(AcuteIllness.values()).stream()
                .filter(i -> !i.needsAdmission)
                .toList();
        AcuteIllness illness = UkNames.pick(random, community);
        Visit visit = gpVisit(Kind.ACUTE, date, List.of(), illness);
        visit.vitals.add(VitalSign.HEART_RATE);
        visit.vitals.add(VitalSign.BLOOD_PRESSURE);
        if (illness.febrile) {
            visit.vitals.add(VitalSign.BODY_TEMPERATURE);
            if (random.nextInt(4) == 0) {
                visit.panels.add(LabPanel.FULL_BLOOD_COUNT);
                visit.panels.add(LabPanel.CRP);
            }
        }
        return visit;
    }

    private Visit telephone(LocalDate date, List<ChronicCondition> active) {
        List<ChronicCondition> reason = active.isEmpty() ? List.of() : List.of(UkNames.pick(random, active));
        return gpVisit(Kind.TELEPHONE, date, reason, null);
    }

    private Visit admission(LocalDate date) {
        List<AcuteIllness> serious = List.of(AcuteIllness.values()).stream()
                .filter(i -> i.needsAdmission)
                .toList();
        AcuteIllness illness = UkNames.pick(random, serious);
        Role team = illness == AcuteIllness.PNEUMONIA
                ? Role.RESPIRATORY
                : UkNames.pick(random, List.of(Role.DIABETES, Role.CARDIOLOGY));
        Clinician consultant = CareSetting.clinicians(team).get(0);
        LocalDateTime arrival = date.atTime(LocalTime.of(random.nextInt(24), random.nextInt(60)));
        Visit visit = new Visit(Kind.ADMISSION, arrival, consultant, CareSetting.AIRE_WARD, List.of(), illness);
        visit.days = 2 + random.nextInt(5);
        visit.vitals.addAll(List.of(VitalSign.HEART_RATE, VitalSign.BLOOD_PRESSURE, VitalSign.BODY_TEMPERATURE));
        visit.panels.addAll(List.of(LabPanel.FULL_BLOOD_COUNT, LabPanel.RENAL, LabPanel.CRP));
        if (visit.days >= 3) {
            visit.dischargePanels.add(LabPanel.CRP);
        }
        return visit;
    }

    private Visit gpVisit(Kind kind, LocalDate date, List<ChronicCondition> reviewed, AcuteIllness illness) {
        Clinician gp = random.nextInt(4) == 0 ? UkNames.pick(random, CareSetting.clinicians(Role.GP)) : profile.gp();
        return new Visit(kind, clinicTime(date, gp), gp, gp.site(), reviewed, illness);
    }

    /**
     * A quarter-hour in one of the clinician's own sessions, on the last working day on or before
     * {@code date} when they hold one.
     */
    private LocalDateTime clinicTime(LocalDate date, Clinician clinician) {
        LocalDate day = date;
        Session session = sessionOn(clinician, day);
        while (session == null || !EnglandBankHolidays.isWorkingDay(day)) {
            day = day.minusDays(1);
            session = sessionOn(clinician, day);
        }
        long quarterHours =
                Duration.between(session.start(), session.end()).toMinutes() / CareSettingWriter.SLOT_MINUTES;
        return day.atTime(session.start())
                .plusMinutes(CareSettingWriter.SLOT_MINUTES * (long) random.nextInt((int) quarterHours));
    }

    private static Session sessionOn(Clinician clinician, LocalDate day) {
        for (Session session : clinician.sessions()) {
            if (session.day() == day.getDayOfWeek()) {
                return session;
            }
        }
        return null;
    }
}
