package io.healthportal.demo;

import io.healthportal.demo.CareSetting.Clinician;
import io.healthportal.demo.CareSetting.Role;
import io.healthportal.demo.UkAddressBook.Address;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Who a demo patient is and what they live with, drawn once from the patient's own random stream. */
record PatientProfile(
        NhsNumber nhsNumber,
        String mrn,
        boolean female,
        String prefix,
        List<String> given,
        String family,
        LocalDate birthDate,
        Address address,
        String mobile,
        String landline,
        Clinician gp,
        Map<ChronicCondition, LocalDate> conditions,
        List<Allergy> allergies,
        Physiology physiology) {

    static final String MRN_SYSTEM = "https://portal.example.org.uk/Id/mrn";

    /** At most this many long-term conditions, so the fixed part of a record stays small. */
    private static final int MAX_CONDITIONS = 4;

    private static final int MAX_ALLERGIES = 2;

    static PatientProfile create(Random random, NhsNumber nhsNumber, String mrn, LocalDate today) {
        boolean female = random.nextBoolean();
        int age = age(random);
        LocalDate birthDate = today.minusYears(age).minusDays(1 + random.nextInt(364));
        List<String> given = new ArrayList<>();
        given.add(UkNames.given(random, female));
        if (random.nextInt(3) == 0) {
            String middle = UkNames.given(random, female);
            if (!middle.equals(given.get(0))) {
                given.add(middle);
            }
        }
        String family = UkNames.surname(random);
        String prefix =
                female ? (age < 30 && random.nextBoolean() ? "Miss" : random.nextBoolean() ? "Mrs" : "Ms") : "Mr";
        Address address = UkAddressBook.homeAddress(random);
        String mobile = UkAddressBook.mobile(random);
        String landline = age >= 50 && random.nextInt(3) > 0 ? UkAddressBook.landline(random, address.town()) : null;
        Clinician gp = UkNames.pick(random, CareSetting.clinicians(Role.GP));
        Map<ChronicCondition, LocalDate> conditions = conditions(random, female, age, birthDate, today);
        List<Allergy> allergies = new ArrayList<>();
        for (Allergy allergy : Allergy.values()) {
            if (allergies.size() < MAX_ALLERGIES && random.nextDouble() < allergy.prevalence) {
                allergies.add(allergy);
            }
        }
        Physiology physiology = new Physiology(random, female, birthDate, today, conditions);
        return new PatientProfile(
                nhsNumber,
                mrn,
                female,
                prefix,
                List.copyOf(given),
                family,
                birthDate,
                address,
                mobile,
                landline,
                gp,
                Collections.unmodifiableMap(conditions),
                List.copyOf(allergies),
                physiology);
    }

    int ageOn(LocalDate date) {
        return Period.between(birthDate, date).getYears();
    }

    /** Whether the condition had been diagnosed by {@code date}. */
    boolean hasOn(ChronicCondition condition, LocalDate date) {
        LocalDate onset = conditions.get(condition);
        return onset != null && !onset.isAfter(date);
    }

    /** Adults only; roughly the age mix of an English practice list. */
    private static int age(Random random) {
        double draw = random.nextDouble();
        if (draw < 0.30) {
            return 20 + random.nextInt(20);
        }
        if (draw < 0.62) {
            return 40 + random.nextInt(20);
        }
        if (draw < 0.90) {
            return 60 + random.nextInt(20);
        }
        return 80 + random.nextInt(15);
    }

    private static Map<ChronicCondition, LocalDate> conditions(
            Random random, boolean female, int age, LocalDate birthDate, LocalDate today) {
        Map<ChronicCondition, LocalDate> conditions = new EnumMap<>(ChronicCondition.class);
        LocalDate earliest =
                birthDate.plusYears(18).isAfter(today.minusYears(15)) ? birthDate.plusYears(18) : today.minusYears(15);
        long window = Math.max(30, java.time.temporal.ChronoUnit.DAYS.between(earliest, today.minusDays(60)));
        for (ChronicCondition condition : ChronicCondition.values()) {
            if (conditions.size() < MAX_CONDITIONS && random.nextDouble() < condition.prevalence(age, female)) {
                conditions.put(condition, earliest.plusDays(random.nextInt((int) window)));
            }
        }
        return conditions;
    }
}
