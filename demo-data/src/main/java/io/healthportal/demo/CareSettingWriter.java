package io.healthportal.demo;

import io.healthportal.demo.CareSetting.Clinician;
import io.healthportal.demo.CareSetting.Session;
import io.healthportal.demo.CareSetting.Site;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.PractitionerRole.DaysOfWeek;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * Writes the care setting as one transaction: the organisation, its sites, its doctors with their
 * roles, and a schedule per role with 15-minute slots on working days of the four weeks after
 * {@code today}. Every entry is a conditional create on an identifier, so loading it twice adds
 * nothing.
 */
final class CareSettingWriter {

    static final String DEMO_ID_SYSTEM = "https://portal.example.org.uk/Id/demo";
    static final int SLOT_MINUTES = 15;
    static final int SCHEDULE_DAYS = 28;

    private static final DateTimeFormatter SLOT_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm");

    private final NameBasedIds ids;
    private final LocalDate today;
    private final Random random;

    CareSettingWriter(long seed, LocalDate today) {
        this.ids = new NameBasedIds(seed);
        this.today = today;
        this.random = new Random(Seeds.mix(seed, -1));
    }

    Bundle write() {
        TransactionBuilder tx = new TransactionBuilder();
        Reference organization = tx.createIfNoneExist(
                ids.fullUrl("Organization", CareSetting.ORGANIZATION_ODS_CODE),
                organization(),
                CareSetting.organizationQuery());
        Map<Site, Reference> sites = new HashMap<>();
        for (Site site : CareSetting.SITES) {
            sites.put(
                    site,
                    tx.createIfNoneExist(
                            ids.fullUrl("Location", site.odsSiteCode()),
                            location(site, organization),
                            CareSetting.siteQuery(site)));
        }
        for (Clinician clinician : CareSetting.CLINICIANS) {
            Reference practitioner = tx.createIfNoneExist(
                    ids.fullUrl("Practitioner", clinician.gmcNumber()),
                    practitioner(clinician),
                    CareSetting.practitionerQuery(clinician));
            Reference site = sites.get(clinician.site());
            Identifier roleId = demoIdentifier("practitioner-role/" + clinician.gmcNumber());
            Reference role = tx.createIfNoneExist(
                    ids.fullUrl("PractitionerRole", clinician.gmcNumber()),
                    practitionerRole(clinician, roleId, practitioner, organization, site),
                    query(roleId));
            Identifier scheduleId = demoIdentifier("schedule/" + clinician.gmcNumber());
            Reference schedule = tx.createIfNoneExist(
                    ids.fullUrl("Schedule", clinician.gmcNumber()),
                    schedule(clinician, scheduleId, role, site),
                    query(scheduleId));
            addSlots(tx, clinician, schedule);
        }
        return tx.build();
    }

    private Organization organization() {
        Organization organization = new Organization();
        organization
                .addIdentifier()
                .setSystem(CareSetting.ODS_ORGANIZATION_SYSTEM)
                .setValue(CareSetting.ORGANIZATION_ODS_CODE);
        organization.setActive(true);
        organization.addType(Terminology.concept(
                "http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider"));
        organization.setName(CareSetting.ORGANIZATION_NAME);
        organization.addTelecom(phone(CareSetting.ORGANIZATION_PHONE));
        organization.addAddress(address(CareSetting.KIRKGATE));
        return organization;
    }

    private Location location(Site site, Reference organization) {
        Location location = new Location();
        location.addIdentifier().setSystem(CareSetting.ODS_SITE_SYSTEM).setValue(site.odsSiteCode());
        location.setStatus(Location.LocationStatus.ACTIVE);
        location.setName(site.name());
        location.setMode(Location.LocationMode.INSTANCE);
        String roleCodes = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
        String physicalTypes = "http://terminology.hl7.org/CodeSystem/location-physical-type";
        switch (site.kind()) {
            case GP_SURGERY -> {
                location.addType(Terminology.concept(roleCodes, "FMC", "Family medicine clinic"));
                location.setPhysicalType(Terminology.concept(physicalTypes, "bu", "Building"));
            }
            case OUTPATIENT_CLINIC -> {
                location.addType(Terminology.concept(roleCodes, "OF", "Outpatient facility"));
                location.setPhysicalType(Terminology.concept(physicalTypes, "bu", "Building"));
            }
            case HOSPITAL_WARD -> {
                location.addType(Terminology.concept(roleCodes, "HU", "Hospital unit"));
                location.setPhysicalType(Terminology.concept(physicalTypes, "wa", "Ward"));
            }
        }
        location.addTelecom(phone(site.phone()));
        location.setAddress(address(site));
        location.setManagingOrganization(organization);
        return location;
    }

    private Practitioner practitioner(Clinician clinician) {
        Practitioner practitioner = new Practitioner();
        practitioner.addIdentifier().setSystem(CareSetting.GMC_SYSTEM).setValue(clinician.gmcNumber());
        practitioner.setActive(true);
        practitioner.addName(new HumanName()
                .setUse(HumanName.NameUse.OFFICIAL)
                .setFamily(clinician.family())
                .addGiven(clinician.given())
                .addPrefix(clinician.prefix()));
        practitioner.addTelecom(phone(clinician.site().phone()).setUse(ContactPoint.ContactPointUse.WORK));
        practitioner.setGender(clinician.female() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
        return practitioner;
    }

    private PractitionerRole practitionerRole(
            Clinician clinician,
            Identifier identifier,
            Reference practitioner,
            Reference organization,
            Reference site) {
        PractitionerRole role = new PractitionerRole();
        role.addIdentifier(identifier);
        role.setActive(true);
        role.setPractitioner(display(practitioner, clinician.displayName()));
        role.setOrganization(display(organization, CareSetting.ORGANIZATION_NAME));
        role.addCode(
                Terminology.concept("http://terminology.hl7.org/CodeSystem/practitioner-role", "doctor", "Doctor"));
        role.addSpecialty(specialty(clinician));
        role.addLocation(display(site, clinician.site().name()));
        role.addTelecom(phone(clinician.site().phone()).setUse(ContactPoint.ContactPointUse.WORK));
        for (Session session : clinician.sessions()) {
            role.addAvailableTime()
                    .addDaysOfWeek(DaysOfWeek.fromCode(
                            session.day().name().substring(0, 3).toLowerCase()))
                    .setAvailableStartTime(session.start() + ":00")
                    .setAvailableEndTime(session.end() + ":00");
        }
        return role;
    }

    private Schedule schedule(Clinician clinician, Identifier identifier, Reference role, Reference site) {
        Schedule schedule = new Schedule();
        schedule.addIdentifier(identifier);
        schedule.setActive(true);
        schedule.addServiceType(serviceType(clinician));
        schedule.addSpecialty(specialty(clinician));
        schedule.addActor(display(role, clinician.displayName()));
        schedule.addActor(display(site, clinician.site().name()));
        schedule.setPlanningHorizon(new Period()
                .setStartElement(LondonTime.dateTime(firstScheduledDay().atStartOfDay()))
                .setEndElement(LondonTime.dateTime(lastScheduledDay().atTime(LocalTime.of(23, 59, 59)))));
        schedule.setComment(SLOT_MINUTES + "-minute appointments with " + clinician.displayName() + " at "
                + clinician.site().name());
        return schedule;
    }

    /** Slots run from the day after {@code today} for four weeks, on working days only. */
    private void addSlots(TransactionBuilder tx, Clinician clinician, Reference schedule) {
        for (LocalDate day = firstScheduledDay(); !day.isAfter(lastScheduledDay()); day = day.plusDays(1)) {
            if (!EnglandBankHolidays.isWorkingDay(day)) {
                continue;
            }
            for (Session session : clinician.sessions()) {
                if (session.day() != day.getDayOfWeek()) {
                    continue;
                }
                for (LocalTime time = session.start();
                        !time.plusMinutes(SLOT_MINUTES).isAfter(session.end());
                        time = time.plusMinutes(SLOT_MINUTES)) {
                    LocalDateTime start = day.atTime(time);
                    Identifier slotId =
                            demoIdentifier("slot/" + clinician.gmcNumber() + "/" + start.format(SLOT_ID_TIME));
                    tx.createIfNoneExist(
                            ids.fullUrl("Slot", clinician.gmcNumber(), start),
                            slot(clinician, slotId, schedule, start, isBooked(day)),
                            query(slotId));
                }
            }
        }
    }

    private Slot slot(
            Clinician clinician, Identifier identifier, Reference schedule, LocalDateTime start, boolean busy) {
        Slot slot = new Slot();
        slot.addIdentifier(identifier);
        slot.addServiceType(serviceType(clinician));
        slot.addSpecialty(specialty(clinician));
        slot.setAppointmentType(new CodeableConcept(new org.hl7.fhir.r4.model.Coding(
                        Terminology.V2_0276_APPOINTMENT_REASON,
                        "ROUTINE",
                        "Routine appointment - default if not valued"))
                .setText("Routine appointment"));
        slot.setSchedule(schedule);
        slot.setStatus(busy ? Slot.SlotStatus.BUSY : Slot.SlotStatus.FREE);
        slot.setStartElement(LondonTime.instant(start));
        slot.setEndElement(LondonTime.instant(start.plusMinutes(SLOT_MINUTES)));
        return slot;
    }

    /** The nearer the day, the more of its slots are already taken: about 65% tomorrow, 15% in four weeks. */
    private boolean isBooked(LocalDate day) {
        double daysAhead = ChronoUnit.DAYS.between(today, day);
        return random.nextDouble() < 0.65 - 0.5 * (daysAhead / SCHEDULE_DAYS);
    }

    private LocalDate firstScheduledDay() {
        return today.plusDays(1);
    }

    private LocalDate lastScheduledDay() {
        return today.plusDays(SCHEDULE_DAYS);
    }

    static CodeableConcept specialty(Clinician clinician) {
        return Terminology.snomed(clinician.role().specialtyCode, clinician.role().specialtyDisplay);
    }

    static CodeableConcept serviceType(Clinician clinician) {
        return switch (clinician.role()) {
            case GP ->
                Terminology.concept("http://terminology.hl7.org/CodeSystem/service-type", "124", "General Practice");
            case DIABETES ->
                Terminology.concept("http://terminology.hl7.org/CodeSystem/service-type", "318", "Diabetes");
            case CARDIOLOGY ->
                Terminology.concept("http://terminology.hl7.org/CodeSystem/service-type", "165", "Cardiology");
            case RESPIRATORY ->
                Terminology.concept("http://terminology.hl7.org/CodeSystem/service-type", "430", "Respiratory");
        };
    }

    private static Identifier demoIdentifier(String value) {
        return new Identifier().setSystem(DEMO_ID_SYSTEM).setValue(value);
    }

    private static String query(Identifier identifier) {
        return "identifier=" + identifier.getSystem() + "|" + identifier.getValue();
    }

    private static Reference display(Reference reference, String display) {
        return reference.copy().setDisplay(display);
    }

    private static ContactPoint phone(String number) {
        return new ContactPoint()
                .setSystem(ContactPoint.ContactPointSystem.PHONE)
                .setValue(number);
    }

    private static Address address(Site site) {
        return new Address()
                .setUse(Address.AddressUse.WORK)
                .setType(Address.AddressType.BOTH)
                .addLine(site.line())
                .setCity(site.town())
                .setDistrict(site.county())
                .setPostalCode(site.postcode())
                .setCountry("GB");
    }
}
