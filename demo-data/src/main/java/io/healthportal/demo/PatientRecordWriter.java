package io.healthportal.demo;

import io.healthportal.demo.CareSetting.Clinician;
import io.healthportal.demo.CareSetting.Session;
import io.healthportal.demo.CareSetting.Site;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.Timing;

/**
 * Writes one patient's record as a transaction Bundle of exactly the requested number of entries:
 * the Patient (a conditional create on the NHS number), problem list, allergies and repeat
 * medicines, then contacts planned by {@link VisitPlanner} with their vital signs and laboratory
 * reports, the last year of dispensing, immunisations, home blood-pressure readings and upcoming
 * appointments. Shared resources are referred to by conditional references on their identifiers.
 */
final class PatientRecordWriter {

    /** Smallest budget that always fits the fixed part of a record (patient, problems, medicines). */
    static final int MINIMUM_RESOURCES = 30;

    /** Distinct patients per seed: the NHS number holds a five-digit permutation of the index. */
    static final int MAX_PATIENTS = 100_000;

    private static final String CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private static final String CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";

    private final long seed;
    private final LocalDate today;
    private final NameBasedIds ids;
    private final long nhsMultiplier;
    private final long nhsOffset;

    PatientRecordWriter(long seed, LocalDate today) {
        this.seed = seed;
        this.today = today;
        this.ids = new NameBasedIds(seed);
        // An affine map i -> (a*i + b) mod 100000 is a permutation when a is coprime to 100000.
        long multiplier = Math.floorMod(Seeds.mix(seed, -2), MAX_PATIENTS) | 1;
        while (multiplier % 5 == 0) {
            multiplier += 2;
        }
        this.nhsMultiplier = multiplier;
        this.nhsOffset = Math.floorMod(Seeds.mix(seed, -3), MAX_PATIENTS);
    }

    /**
     * The patient's NHS number: 999, a permuted five-digit serial unique to the index, and a ninth
     * digit chosen so the check digit is valid.
     */
    NhsNumber nhsNumber(int patientIndex) {
        String firstEight = "999" + String.format("%05d", serial(patientIndex));
        int start = Math.floorMod(Seeds.mix(seed, patientIndex), 10);
        for (int i = 0; i < 10; i++) {
            var number = NhsNumber.withCheckDigit(firstEight + (start + i) % 10);
            if (number.isPresent()) {
                return number.get();
            }
        }
        throw new IllegalStateException("No ninth digit gives a valid check digit for " + firstEight);
    }

    Bundle write(int patientIndex, int resources) {
        if (patientIndex < 0 || patientIndex >= MAX_PATIENTS) {
            throw new IllegalArgumentException("patientIndex must be in [0, " + MAX_PATIENTS + "): " + patientIndex);
        }
        if (resources < MINIMUM_RESOURCES) {
            throw new IllegalArgumentException(
                    "resourcesPerPatient must be at least " + MINIMUM_RESOURCES + ": " + resources);
        }
        return new Chart(patientIndex).write(resources);
    }

    private long serial(int patientIndex) {
        return (nhsMultiplier * patientIndex + nhsOffset) % MAX_PATIENTS;
    }

    static Reference practitioner(Clinician clinician) {
        return new Reference("Practitioner?" + CareSetting.practitionerQuery(clinician))
                .setDisplay(clinician.displayName());
    }

    static Reference location(Site site) {
        return new Reference("Location?" + CareSetting.siteQuery(site)).setDisplay(site.name());
    }

    static Reference organization() {
        return new Reference("Organization?" + CareSetting.organizationQuery())
                .setDisplay(CareSetting.ORGANIZATION_NAME);
    }

    private record Dispensing(Medicine medicine, LocalDateTime prepared) {}

    private record Vaccination(Vaccine vaccine, LocalDateTime given) {}

    /** The state of writing one patient's record. */
    private final class Chart {

        private final int index;
        private final Random random;
        private final PatientProfile profile;
        private final TransactionBuilder tx = new TransactionBuilder();
        private final Map<String, Integer> counters = new HashMap<>();
        private final Map<ChronicCondition, Reference> problems = new EnumMap<>(ChronicCondition.class);
        private final Map<Medicine, Reference> prescriptions = new EnumMap<>(Medicine.class);
        private final Map<Medicine, LocalDateTime> prescribedAt = new EnumMap<>(Medicine.class);
        private Reference patient;

        Chart(int index) {
            this.index = index;
            this.random = new Random(Seeds.mix(seed, index));
            this.profile =
                    PatientProfile.create(random, nhsNumber(index), String.format("AVH%06d", serial(index)), today);
        }

        Bundle write(int resources) {
            patient = tx.createIfNoneExist(
                    fullUrl("Patient"),
                    patient(),
                    "identifier=" + NhsNumber.SYSTEM + "|" + profile.nhsNumber().value());
            profile.conditions().forEach(this::addProblem);
            addAllergies();
            profile.conditions().keySet().forEach(this::addPrescription);
            List<LocalDateTime> upcoming = upcomingAppointmentTimes();

            int left = resources - tx.size() - upcoming.size();
            List<Vaccination> vaccinations = vaccinations(left * 6 / 100);
            List<Dispensing> dispensings = dispensings(left * 15 / 100);
            left -= vaccinations.size() + dispensings.size();

            VisitPlanner planner = new VisitPlanner(random, profile, today);
            for (Visit visit : planner.plan(left)) {
                addVisit(visit);
            }
            dispensings.forEach(this::addDispensing);
            vaccinations.forEach(this::addImmunization);
            int homeReadings = resources - tx.size() - upcoming.size();
            for (int i = 0; i < homeReadings; i++) {
                addHomeBloodPressure();
            }
            for (LocalDateTime start : upcoming) {
                addUpcomingAppointment(start);
            }
            return tx.build();
        }

        private String fullUrl(String resourceType) {
            int n = counters.merge(resourceType, 1, Integer::sum);
            return ids.fullUrl("patient", index, resourceType, n);
        }

        // --- demographics and the fixed part of the record ---

        private Patient patient() {
            Patient p = new Patient();
            p.addIdentifier()
                    .setSystem(NhsNumber.SYSTEM)
                    .setValue(profile.nhsNumber().value());
            p.addIdentifier()
                    .setUse(org.hl7.fhir.r4.model.Identifier.IdentifierUse.SECONDARY)
                    .setType(Terminology.concept(Terminology.V2_0203_IDENTIFIER_TYPE, "MR", "Medical record number"))
                    .setSystem(PatientProfile.MRN_SYSTEM)
                    .setValue(profile.mrn());
            p.setActive(true);
            HumanName name = p.addName()
                    .setUse(HumanName.NameUse.OFFICIAL)
                    .setFamily(profile.family())
                    .addPrefix(profile.prefix());
            profile.given().forEach(name::addGiven);
            p.addTelecom()
                    .setSystem(ContactPoint.ContactPointSystem.PHONE)
                    .setValue(profile.mobile())
                    .setUse(ContactPoint.ContactPointUse.MOBILE)
                    .setRank(1);
            if (profile.landline() != null) {
                p.addTelecom()
                        .setSystem(ContactPoint.ContactPointSystem.PHONE)
                        .setValue(profile.landline())
                        .setUse(ContactPoint.ContactPointUse.HOME)
                        .setRank(2);
            }
            p.setGender(profile.female() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
            p.setBirthDateElement(LondonTime.date(profile.birthDate()));
            Address address = p.addAddress()
                    .setUse(Address.AddressUse.HOME)
                    .setType(Address.AddressType.BOTH)
                    .setCity(profile.address().town().name())
                    .setDistrict(profile.address().town().county())
                    .setPostalCode(profile.address().postcode())
                    .setCountry("GB");
            profile.address().lines().forEach(address::addLine);
            p.addGeneralPractitioner(practitioner(profile.gp()));
            p.setManagingOrganization(organization());
            return p;
        }

        private void addProblem(ChronicCondition condition, LocalDate onset) {
            Condition problem = new Condition();
            problem.setClinicalStatus(Terminology.concept(CONDITION_CLINICAL, "active", "Active"));
            problem.setVerificationStatus(Terminology.concept(CONDITION_VERIFICATION, "confirmed", "Confirmed"));
            problem.addCategory(Terminology.concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item"));
            problem.setCode(Terminology.snomed(condition.snomedCode, condition.display));
            problem.setSubject(patient);
            problem.setOnset(LondonTime.dateOnly(onset));
            problem.setRecordedDateElement(LondonTime.dateOnly(onset.plusDays(random.nextInt(14))));
            problem.setRecorder(practitioner(profile.gp()));
            problems.put(condition, tx.create(fullUrl("Condition"), problem));
        }

        private void addAllergies() {
            LocalDate recorded = VisitPlanner.historyStart(profile, today);
            if (profile.allergies().isEmpty()) {
                AllergyIntolerance none = new AllergyIntolerance();
                none.setClinicalStatus(allergyClinicalStatus());
                none.setVerificationStatus(allergyVerificationStatus());
                none.setCode(Terminology.snomed(Allergy.NO_KNOWN_ALLERGY_CODE, Allergy.NO_KNOWN_ALLERGY_DISPLAY));
                none.setPatient(patient);
                none.setRecordedDateElement(LondonTime.dateOnly(recorded));
                none.setRecorder(practitioner(profile.gp()));
                tx.create(fullUrl("AllergyIntolerance"), none);
                return;
            }
            for (Allergy allergy : profile.allergies()) {
                AllergyIntolerance intolerance = new AllergyIntolerance();
                intolerance.setClinicalStatus(allergyClinicalStatus());
                intolerance.setVerificationStatus(allergyVerificationStatus());
                intolerance.setType(allergy.type);
                intolerance.addCategory(allergy.category);
                intolerance.setCriticality(allergy.criticality);
                intolerance.setCode(Terminology.snomed(allergy.substanceCode, allergy.substanceDisplay));
                intolerance.setPatient(patient);
                intolerance.setRecordedDateElement(LondonTime.dateOnly(recorded));
                intolerance.setRecorder(practitioner(profile.gp()));
                intolerance
                        .addReaction()
                        .addManifestation(Terminology.snomed(allergy.manifestationCode, allergy.manifestationDisplay))
                        .setSeverity(
                                allergy.criticality == AllergyIntolerance.AllergyIntoleranceCriticality.HIGH
                                        ? AllergyIntolerance.AllergyIntoleranceSeverity.SEVERE
                                        : AllergyIntolerance.AllergyIntoleranceSeverity.MILD);
                tx.create(fullUrl("AllergyIntolerance"), intolerance);
            }
        }

        private CodeableConcept allergyClinicalStatus() {
            return Terminology.concept(
                    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active");
        }

        private CodeableConcept allergyVerificationStatus() {
            return Terminology.concept(
                    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", "Confirmed");
        }

        private void addPrescription(ChronicCondition condition) {
            Medicine medicine = condition.medicine;
            if (prescriptions.containsKey(medicine)) {
                return;
            }
            LocalDateTime authored =
                    officeTime(profile.conditions().get(condition).plusDays(1 + random.nextInt(21)));
            MedicationRequest request = new MedicationRequest();
            request.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
            request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
            request.addCategory(Terminology.concept(
                    "http://terminology.hl7.org/CodeSystem/medicationrequest-category", "community", "Community"));
            request.setMedication(medication(medicine));
            request.setSubject(patient);
            request.setAuthoredOnElement(LondonTime.dateTime(authored));
            request.setRequester(practitioner(profile.gp()));
            request.addReasonReference(problems.get(condition));
            request.setCourseOfTherapyType(Terminology.concept(
                    "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy",
                    "continuous",
                    "Continuous long term therapy"));
            request.addDosageInstruction(dosage(medicine));
            request.getDispenseRequest()
                    .setNumberOfRepeatsAllowed(11)
                    .setQuantity(quantity(medicine))
                    .setExpectedSupplyDuration(days(medicine.supplyDays));
            prescriptions.put(medicine, tx.create(fullUrl("MedicationRequest"), request));
            prescribedAt.put(medicine, authored);
        }

        // --- contacts ---

        private void addVisit(Visit visit) {
            LocalDateTime end = visit.kind == Visit.Kind.ADMISSION
                    ? visit.start
                            .toLocalDate()
                            .plusDays(visit.days - 1L)
                            .atTime(10 + random.nextInt(6), 15 * random.nextInt(4))
                    : visit.start.plusMinutes(visit.minutes());
            if (!end.isAfter(visit.start)) {
                end = visit.start.plusHours(8);
            }
            Reference appointment = visit.booked ? addFulfilledAppointment(visit, end) : null;
            Reference diagnosis = visit.recordsDiagnosis ? addDiagnosis(visit) : null;

            Encounter encounter = new Encounter();
            encounter.setStatus(Encounter.EncounterStatus.FINISHED);
            encounter.setClass_(new Coding(Terminology.ACT_CODE, visit.kind.actCode, visit.kind.actDisplay));
            encounter.addType(Terminology.snomed(visit.kind.snomedCode, visit.kind.display));
            if (visit.kind != Visit.Kind.ADMISSION) {
                encounter.setServiceType(CareSettingWriter.serviceType(visit.clinician));
            }
            encounter.setSubject(patient);
            encounter
                    .addParticipant()
                    .addType(Terminology.concept(
                            "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PPRF", "primary performer"))
                    .setIndividual(practitioner(visit.clinician));
            if (appointment != null) {
                encounter.addAppointment(appointment);
            }
            encounter.setPeriod(new Period()
                    .setStartElement(LondonTime.dateTime(visit.start))
                    .setEndElement(LondonTime.dateTime(end)));
            if (visit.illness != null) {
                encounter.addReasonCode(Terminology.snomed(visit.illness.snomedCode, visit.illness.display));
            }
            visit.reviewed.forEach(condition -> encounter.addReasonReference(problems.get(condition)));
            if (diagnosis != null) {
                encounter.addDiagnosis().setCondition(diagnosis).setRank(1);
            }
            if (visit.kind == Visit.Kind.ADMISSION) {
                encounter
                        .getHospitalization()
                        .setAdmitSource(Terminology.concept(
                                "http://terminology.hl7.org/CodeSystem/admit-source",
                                "emd",
                                "From accident/emergency department"))
                        .setDischargeDisposition(Terminology.concept(
                                "http://terminology.hl7.org/CodeSystem/discharge-disposition", "home", "Home"));
            }
            if (visit.kind != Visit.Kind.TELEPHONE) {
                encounter
                        .addLocation()
                        .setLocation(location(visit.site))
                        .setStatus(Encounter.EncounterLocationStatus.COMPLETED);
            }
            encounter.setServiceProvider(organization());
            Reference encounterRef = tx.create(fullUrl("Encounter"), encounter);

            boolean unwell = visit.illness != null && visit.illness.febrile;
            for (int day = 0; day < visit.days; day++) {
                LocalDateTime taken = day == 0
                        ? visit.start.plusMinutes(5)
                        : visit.start.toLocalDate().plusDays(day).atTime(8, 10 + random.nextInt(40));
                addVitals(visit.vitals, taken, encounterRef, practitioner(visit.clinician), unwell && day < 2);
            }
            LocalDateTime sampled = visit.start.plusMinutes(10);
            for (LabPanel panel : visit.panels) {
                addLabReport(panel, sampled, encounterRef, unwell);
            }
            for (LabPanel panel : visit.dischargePanels) {
                addLabReport(panel, end.minusHours(3), encounterRef, false);
            }
        }

        private Reference addFulfilledAppointment(Visit visit, LocalDateTime end) {
            Appointment appointment = appointment(visit.clinician, visit.site, visit.start, end);
            appointment.setStatus(Appointment.AppointmentStatus.FULFILLED);
            visit.reviewed.forEach(condition -> appointment.addReasonReference(problems.get(condition)));
            appointment.setDescription(
                    visit.kind == Visit.Kind.HEALTH_CHECK
                            ? "NHS Health Check"
                            : visit.reviewed.isEmpty()
                                    ? visit.kind.display
                                    : "Review: "
                                            + visit.reviewed.stream()
                                                    .map(c -> c.display)
                                                    .reduce((a, b) -> a + ", " + b)
                                                    .orElseThrow());
            return tx.create(fullUrl("Appointment"), appointment);
        }

        private Reference addDiagnosis(Visit visit) {
            LocalDate seen = visit.start.toLocalDate();
            LocalDate resolved = seen.plusDays(visit.days + 5L + random.nextInt(10));
            Condition diagnosis = new Condition();
            boolean over = resolved.isBefore(today);
            diagnosis.setClinicalStatus(
                    over
                            ? Terminology.concept(CONDITION_CLINICAL, "resolved", "Resolved")
                            : Terminology.concept(CONDITION_CLINICAL, "active", "Active"));
            diagnosis.setVerificationStatus(Terminology.concept(CONDITION_VERIFICATION, "confirmed", "Confirmed"));
            diagnosis.addCategory(
                    Terminology.concept(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis"));
            diagnosis.setCode(Terminology.snomed(visit.illness.snomedCode, visit.illness.display));
            diagnosis.setSubject(patient);
            diagnosis.setOnset(LondonTime.dateOnly(seen.minusDays(1 + random.nextInt(4))));
            if (over) {
                diagnosis.setAbatement(LondonTime.dateOnly(resolved));
            }
            diagnosis.setRecordedDateElement(LondonTime.dateTime(visit.start));
            diagnosis.setRecorder(practitioner(visit.clinician));
            return tx.create(fullUrl("Condition"), diagnosis);
        }

        private void addVitals(
                List<VitalSign> signs, LocalDateTime taken, Reference encounter, Reference performer, boolean unwell) {
            Physiology body = profile.physiology();
            LocalDate day = taken.toLocalDate();
            BigDecimal weight = null;
            for (VitalSign sign : signs) {
                Observation observation = vitalSign(sign, taken, encounter, performer);
                switch (sign) {
                    case HEART_RATE -> observation.setValue(vitalQuantity(sign, body.heartRate(unwell)));
                    case BLOOD_PRESSURE -> bloodPressure(observation, body.bloodPressure(day));
                    case BODY_WEIGHT -> {
                        weight = Physiology.round(body.weightKg(day), sign.decimals);
                        observation.setValue(vitalQuantity(sign, weight.doubleValue()));
                    }
                    case BODY_HEIGHT -> observation.setValue(vitalQuantity(sign, body.heightCm()));
                    case BMI -> {
                        // From the weight and height as recorded, so the three always agree.
                        double kg = weight != null ? weight.doubleValue() : body.weightKg(day);
                        double metres = Physiology.round(body.heightCm(), VitalSign.BODY_HEIGHT.decimals)
                                        .doubleValue()
                                / 100;
                        observation.setValue(vitalQuantity(sign, kg / (metres * metres)));
                    }
                    case BODY_TEMPERATURE -> observation.setValue(vitalQuantity(sign, body.temperature(unwell)));
                }
                tx.create(fullUrl("Observation"), observation);
            }
        }

        private void addHomeBloodPressure() {
            LocalDate day = today.minusDays(1 + random.nextInt(730));
            LocalTime time =
                    random.nextBoolean() ? LocalTime.of(7, random.nextInt(60)) : LocalTime.of(20, random.nextInt(60));
            Observation observation = vitalSign(VitalSign.BLOOD_PRESSURE, day.atTime(time), null, patient);
            observation.setMethod(
                    new CodeableConcept().setText("Home blood pressure monitor, reported by the patient"));
            bloodPressure(observation, profile.physiology().bloodPressure(day));
            tx.create(fullUrl("Observation"), observation);
        }

        private Observation vitalSign(VitalSign sign, LocalDateTime taken, Reference encounter, Reference performer) {
            Observation observation = new Observation();
            observation.getMeta().addProfile(sign.profile);
            observation.setStatus(Observation.ObservationStatus.FINAL);
            observation.addCategory(
                    Terminology.concept(Terminology.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"));
            observation.setCode(Terminology.loinc(sign.loinc, sign.display));
            observation.setSubject(patient);
            if (encounter != null) {
                observation.setEncounter(encounter);
            }
            observation.setEffective(LondonTime.dateTime(taken));
            observation.addPerformer(performer);
            return observation;
        }

        private void bloodPressure(Observation observation, double[] pressure) {
            VitalSign bp = VitalSign.BLOOD_PRESSURE;
            observation
                    .addComponent()
                    .setCode(Terminology.loinc(VitalSign.SYSTOLIC_CODE, VitalSign.SYSTOLIC_DISPLAY))
                    .setValue(vitalQuantity(bp, pressure[0]));
            observation
                    .addComponent()
                    .setCode(Terminology.loinc(VitalSign.DIASTOLIC_CODE, VitalSign.DIASTOLIC_DISPLAY))
                    .setValue(vitalQuantity(bp, pressure[1]));
        }

        private Quantity vitalQuantity(VitalSign sign, double value) {
            return Terminology.ucum(Physiology.round(value, sign.decimals), sign.unit, sign.ucum);
        }

        private void addLabReport(LabPanel panel, LocalDateTime sampled, Reference encounter, boolean unwell) {
            LocalDateTime issued =
                    nextWorkingDay(sampled.toLocalDate()).atTime(11 + random.nextInt(5), random.nextInt(60));
            Map<LabTest, BigDecimal> values = profile.physiology().panel(panel, sampled.toLocalDate(), unwell);
            DiagnosticReport report = new DiagnosticReport();
            report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
            report.addCategory(
                    Terminology.concept(Terminology.V2_0074_DIAGNOSTIC_SERVICE, panel.section, panel.sectionDisplay()));
            report.setCode(Terminology.loinc(panel.loinc, panel.display));
            report.setSubject(patient);
            report.setEncounter(encounter);
            report.setEffective(LondonTime.dateTime(sampled));
            report.setIssuedElement(LondonTime.instant(issued));
            report.addPerformer(organization());
            for (LabTest test : panel.tests) {
                report.addResult(addLabResult(test, values.get(test), sampled, issued, encounter));
            }
            tx.create(fullUrl("DiagnosticReport"), report);
        }

        private Reference addLabResult(
                LabTest test, BigDecimal value, LocalDateTime sampled, LocalDateTime issued, Reference encounter) {
            LabTest.Range range = test.range(profile.female());
            Observation observation = new Observation();
            observation.setStatus(Observation.ObservationStatus.FINAL);
            observation.addCategory(Terminology.concept(Terminology.OBSERVATION_CATEGORY, "laboratory", "Laboratory"));
            observation.setCode(Terminology.loinc(test.loinc, test.display));
            observation.setSubject(patient);
            observation.setEncounter(encounter);
            observation.setEffective(LondonTime.dateTime(sampled));
            observation.setIssuedElement(LondonTime.instant(issued));
            observation.addPerformer(organization());
            observation.setValue(Terminology.ucum(value, test.unit, test.ucum));
            String flag = LabTest.interpretation(value, range);
            observation.addInterpretation(Terminology.concept(
                    Terminology.INTERPRETATION,
                    flag,
                    switch (flag) {
                        case "H" -> "High";
                        case "L" -> "Low";
                        default -> "Normal";
                    }));
            Observation.ObservationReferenceRangeComponent referenceRange = observation.addReferenceRange();
            if (range.low() != null) {
                referenceRange.setLow(simpleQuantity(range.low(), test));
            }
            if (range.high() != null) {
                referenceRange.setHigh(simpleQuantity(range.high(), test));
            }
            return tx.create(fullUrl("Observation"), observation);
        }

        // --- medicines and immunisations ---

        /** Dispensings over the last year, newest kept, at most {@code limit}, oldest first. */
        private List<Dispensing> dispensings(int limit) {
            List<Dispensing> candidates = new ArrayList<>();
            LocalDate yearAgo = today.minusYears(1);
            for (Map.Entry<Medicine, LocalDateTime> entry : prescribedAt.entrySet()) {
                Medicine medicine = entry.getKey();
                LocalDate first = entry.getValue().toLocalDate();
                for (LocalDate day = today.minusDays(1 + random.nextInt(medicine.supplyDays));
                        !day.isBefore(first) && day.isAfter(yearAgo);
                        day = day.minusDays(medicine.supplyDays - 2L + random.nextInt(5))) {
                    candidates.add(new Dispensing(medicine, officeTime(day)));
                }
            }
            return newestKeptOldestFirst(candidates, Dispensing::prepared, limit);
        }

        private void addDispensing(Dispensing dispensing) {
            Medicine medicine = dispensing.medicine();
            MedicationDispense dispense = new MedicationDispense();
            dispense.setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED);
            dispense.setMedication(medication(medicine));
            dispense.setSubject(patient);
            dispense.addAuthorizingPrescription(prescriptions.get(medicine));
            dispense.setQuantity(quantity(medicine));
            dispense.setDaysSupply(Terminology.ucum(BigDecimal.valueOf(medicine.supplyDays), "days", "d"));
            dispense.setWhenPreparedElement(LondonTime.dateTime(dispensing.prepared()));
            dispense.setWhenHandedOverElement(
                    LondonTime.dateTime(dispensing.prepared().plusMinutes(20 + random.nextInt(200))));
            dispense.addDosageInstruction(new Dosage().setText(medicine.instructions));
            tx.create(fullUrl("MedicationDispense"), dispense);
        }

        private CodeableConcept medication(Medicine medicine) {
            return Terminology.concept(Terminology.DMD, medicine.dmdCode, medicine.display);
        }

        private Dosage dosage(Medicine medicine) {
            Dosage dosage = new Dosage().setText(medicine.instructions);
            dosage.setTiming(new Timing()
                    .setRepeat(new Timing.TimingRepeatComponent()
                            .setFrequency(medicine.timesPerDay)
                            .setPeriod(1)
                            .setPeriodUnit(Timing.UnitsOfTime.D)));
            if (medicine.asNeeded) {
                dosage.setAsNeeded(new org.hl7.fhir.r4.model.BooleanType(true));
            }
            dosage.setRoute(Terminology.snomed(medicine.form.routeCode, medicine.form.routeDisplay));
            Dosage.DosageDoseAndRateComponent doseAndRate = dosage.addDoseAndRate();
            if (medicine.maxDose > medicine.dose) {
                doseAndRate.setDose(new Range()
                        .setLow(unitsOf(medicine, medicine.dose))
                        .setHigh(unitsOf(medicine, medicine.maxDose)));
            } else {
                doseAndRate.setDose(unitsOf(medicine, medicine.dose));
            }
            return dosage;
        }

        private SimpleQuantity quantity(Medicine medicine) {
            return unitsOf(medicine, medicine.quantity);
        }

        private SimpleQuantity unitsOf(Medicine medicine, int amount) {
            SimpleQuantity quantity = new SimpleQuantity();
            quantity.setValue(amount).setUnit(medicine.form.unit);
            if (medicine.form.snomedUnitCode != null) {
                quantity.setSystem(Terminology.SNOMED).setCode(medicine.form.snomedUnitCode);
            }
            return quantity;
        }

        private Duration days(int days) {
            Duration duration = new Duration();
            duration.setValue(days).setUnit("days").setSystem(Terminology.UCUM).setCode("d");
            return duration;
        }

        /** The programme's adult immunisations this patient has had: newest kept, oldest first. */
        private List<Vaccination> vaccinations(int limit) {
            List<Vaccination> given = new ArrayList<>();
            LocalDate historyStart = VisitPlanner.historyStart(profile, today);
            boolean atRisk = profile.conditions().containsKey(ChronicCondition.TYPE_2_DIABETES)
                    || profile.conditions().containsKey(ChronicCondition.ASTHMA)
                    || profile.conditions().containsKey(ChronicCondition.CKD_STAGE_3);
            for (int year = historyStart.getYear(); year <= today.getYear(); year++) {
                LocalDate flu = LocalDate.of(year, 10, 1).plusDays(random.nextInt(60));
                if (profile.ageOn(flu) >= 65 || atRisk) {
                    given.add(new Vaccination(Vaccine.INFLUENZA, officeTime(flu)));
                }
                LocalDate covidAutumn = LocalDate.of(year, 9, 15).plusDays(random.nextInt(45));
                if (year >= 2022 && (profile.ageOn(covidAutumn) >= 65 || atRisk)) {
                    given.add(new Vaccination(Vaccine.COVID_19_MRNA, officeTime(covidAutumn)));
                }
            }
            LocalDate firstCovid = LocalDate.of(2021, 1, 15).plusDays(random.nextInt(120));
            if (random.nextInt(10) < 8) {
                given.add(new Vaccination(Vaccine.COVID_19_MRNA, officeTime(firstCovid)));
                given.add(new Vaccination(
                        Vaccine.COVID_19_MRNA, officeTime(firstCovid.plusWeeks(10 + random.nextInt(3)))));
            }
            given.add(new Vaccination(
                    Vaccine.PNEUMOCOCCAL,
                    officeTime(profile.birthDate().plusYears(65).plusDays(random.nextInt(180)))));
            given.add(new Vaccination(
                    Vaccine.SHINGLES,
                    officeTime(profile.birthDate().plusYears(70).plusDays(random.nextInt(200)))));
            given.removeIf(v -> v.given().toLocalDate().isBefore(historyStart)
                    || !v.given().toLocalDate().isBefore(today));
            return newestKeptOldestFirst(given, Vaccination::given, limit);
        }

        private void addImmunization(Vaccination vaccination) {
            Vaccine vaccine = vaccination.vaccine();
            LocalDateTime when = vaccination.given();
            Immunization immunization = new Immunization();
            immunization.setStatus(Immunization.ImmunizationStatus.COMPLETED);
            immunization.setVaccineCode(Terminology.snomed(vaccine.snomedCode, vaccine.display));
            immunization.setPatient(patient);
            immunization.setOccurrence(LondonTime.dateTime(when));
            immunization.setRecordedElement(LondonTime.dateTime(when.plusMinutes(5)));
            immunization.setPrimarySource(true);
            immunization.setLocation(location(profile.gp().site()));
            immunization.setLotNumber(String.format(
                    "%c%c%04d",
                    (char) ('A' + random.nextInt(26)), (char) ('A' + random.nextInt(26)), random.nextInt(10_000)));
            immunization.setExpirationDateElement(
                    LondonTime.date(when.toLocalDate().plusMonths(3 + random.nextInt(6))));
            immunization.setSite(
                    Terminology.concept("http://terminology.hl7.org/CodeSystem/v3-ActSite", "LA", "left arm"));
            immunization.setRoute(Terminology.concept(
                    "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration",
                    "IM",
                    "Injection, intramuscular"));
            immunization.setDoseQuantity(Terminology.ucum(new BigDecimal("0.5"), "mL", "mL"));
            immunization
                    .addPerformer()
                    .setFunction(Terminology.concept(
                            "http://terminology.hl7.org/CodeSystem/v2-0443", "AP", "Administering Provider"))
                    .setActor(practitioner(profile.gp()));
            tx.create(fullUrl("Immunization"), immunization);
        }

        // --- appointments ---

        /** One or two appointments booked in the GP's own sessions during the coming four weeks. */
        private List<LocalDateTime> upcomingAppointmentTimes() {
            int count = profile.conditions().isEmpty() ? random.nextInt(2) : 1 + random.nextInt(2);
            List<LocalDateTime> times = new ArrayList<>();
            for (int attempt = 0; times.size() < count && attempt < 50; attempt++) {
                LocalDate day = today.plusDays(2 + random.nextInt(CareSettingWriter.SCHEDULE_DAYS - 1));
                if (!EnglandBankHolidays.isWorkingDay(day)) {
                    continue;
                }
                for (Session session : profile.gp().sessions()) {
                    if (session.day() == day.getDayOfWeek()) {
                        long slots = java.time.Duration.between(session.start(), session.end())
                                        .toMinutes()
                                / CareSettingWriter.SLOT_MINUTES;
                        LocalDateTime start = day.atTime(session.start()
                                .plusMinutes(CareSettingWriter.SLOT_MINUTES * (long) random.nextInt((int) slots)));
                        if (!times.contains(start)) {
                            times.add(start);
                        }
                        break;
                    }
                }
            }
            times.sort(Comparator.naturalOrder());
            return times;
        }

        private void addUpcomingAppointment(LocalDateTime start) {
            Appointment appointment = appointment(
                    profile.gp(), profile.gp().site(), start, start.plusMinutes(CareSettingWriter.SLOT_MINUTES));
            appointment.setStatus(Appointment.AppointmentStatus.BOOKED);
            if (profile.conditions().isEmpty()) {
                appointment.setDescription("GP appointment");
            } else {
                ChronicCondition condition =
                        UkNames.pick(random, List.copyOf(profile.conditions().keySet()));
                appointment.addReasonReference(problems.get(condition));
                appointment.setDescription("Review: " + condition.display);
            }
            tx.create(fullUrl("Appointment"), appointment);
        }

        private Appointment appointment(Clinician clinician, Site site, LocalDateTime start, LocalDateTime end) {
            Appointment appointment = new Appointment();
            appointment.addServiceType(CareSettingWriter.serviceType(clinician));
            appointment.addSpecialty(CareSettingWriter.specialty(clinician));
            appointment.setAppointmentType(Terminology.concept(
                    Terminology.V2_0276_APPOINTMENT_REASON, "ROUTINE", "Routine appointment - default if not valued"));
            appointment.setStartElement(LondonTime.instant(start));
            appointment.setEndElement(LondonTime.instant(end));
            appointment.setMinutesDuration(
                    (int) java.time.Duration.between(start, end).toMinutes());
            LocalDate created = start.toLocalDate().minusDays(3 + random.nextInt(25));
            appointment.setCreatedElement(LondonTime.dateTime(officeTime(created.isAfter(today) ? today : created)));
            appointment
                    .addParticipant()
                    .setActor(patient)
                    .setRequired(Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(Appointment.ParticipationStatus.ACCEPTED);
            appointment
                    .addParticipant()
                    .setActor(practitioner(clinician))
                    .setRequired(Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(Appointment.ParticipationStatus.ACCEPTED);
            appointment
                    .addParticipant()
                    .setActor(location(site))
                    .setRequired(Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(Appointment.ParticipationStatus.ACCEPTED);
            return appointment;
        }

        // --- helpers ---

        private static <T> List<T> newestKeptOldestFirst(
                List<T> items, java.util.function.Function<T, LocalDateTime> when, int limit) {
            List<T> sorted = new ArrayList<>(items);
            sorted.sort(Comparator.comparing(when).reversed());
            List<T> kept = new ArrayList<>(sorted.subList(0, Math.min(limit, sorted.size())));
            kept.sort(Comparator.comparing(when));
            return kept;
        }

        private LocalDateTime officeTime(LocalDate day) {
            return day.atTime(9 + random.nextInt(8), random.nextInt(60));
        }

        private LocalDate nextWorkingDay(LocalDate day) {
            LocalDate next = day.plusDays(1);
            while (!EnglandBankHolidays.isWorkingDay(next)) {
                next = next.plusDays(1);
            }
            return next;
        }

        private SimpleQuantity simpleQuantity(BigDecimal value, LabTest test) {
            SimpleQuantity quantity = new SimpleQuantity();
            quantity.setValue(value)
                    .setUnit(test.unit)
                    .setSystem(Terminology.UCUM)
                    .setCode(test.ucum);
            return quantity;
        }
    }
}
