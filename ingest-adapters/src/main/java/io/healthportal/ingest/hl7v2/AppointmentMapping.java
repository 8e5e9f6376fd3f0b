package io.healthportal.ingest.hl7v2;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.hl7v2.model.Segment;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * SIU^S12/S13/S14/S15/S26 as Appointment, after the IG's {@code messages/SIU_S12}, {@code
 * segments/SCH[Appointment]}, {@code segments/AIS[Appointment]}, {@code segments/AIP[Appointment]} and
 * {@code segments/AIL[Appointment]} rows: SCH-1/SCH-2 placer and filler appointment ids, SCH-7 reasonCode,
 * SCH-8 appointmentType, SCH-9/10 minutesDuration, SCH-11 (or TQ1-7/8, or AIS-4 with AIS-7/8) start and
 * end, SCH-25 status by {@code codesystems/FillerStatusCodes[Appointment]} (the trigger decides for S15
 * cancelled and S26 noshow), AIS-3 serviceType, PID, AIP-3 and AIL-3 as participants. When the message
 * names a resource (a person in AIP-3, else a place in AIL-3) and a time, the booking is also written as
 * a busy Slot (free once cancelled) on that resource's Schedule.
 */
final class AppointmentMapping {

    private static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private AppointmentMapping() {}

    static void map(
            List<Segment> segments,
            String trigger,
            PartnerProperties partner,
            FhirTransaction transaction,
            List<String> unmapped)
            throws MappingException {
        Fields sch = Hl7v2Format.required(segments, "SCH");
        String patientUrl = Hl7v2Format.referencedPatient(segments, partner, transaction, unmapped);
        Appointment appointment = new Appointment();
        Identifier identity = identifiers(sch, appointment, partner);
        appointment.setStatus(status(trigger, sch.get(25, 1)));

        Fields ais = segment(segments, "AIS");
        Fields tq1 = segment(segments, "TQ1");
        // The first time precise to the second (an instant) of TQ1-7/8 (v2.7+), SCH-11.4/5, AIS-4: a date
        // alone cannot be an appointment's start.
        DateTimeType start = null;
        DateTimeType end = null;
        if (tq1 != null && precise(Datatypes.dateTime(tq1, 7, partner.timeZone()))) {
            start = Datatypes.dateTime(tq1, 7, partner.timeZone());
            end = Datatypes.dateTime(tq1, 8, partner.timeZone());
        } else if (precise(Datatypes.dateTime(sch, 11, 0, 4, partner.timeZone()))) {
            start = Datatypes.dateTime(sch, 11, 0, 4, partner.timeZone());
            end = Datatypes.dateTime(sch, 11, 0, 5, partner.timeZone());
        } else if (ais != null && precise(Datatypes.dateTime(ais, 4, partner.timeZone()))) {
            start = Datatypes.dateTime(ais, 4, partner.timeZone());
        }
        if (!precise(end)) {
            end = null;
        }
        Integer minutes = minutes(sch.get(9), sch.get(10, 1));
        if (minutes == null && ais != null) {
            minutes = minutes(ais.get(7), ais.get(8, 1));
        }
        if (start != null && end == null && minutes != null) {
            end = new DateTimeType(
                    Date.from(start.getValue().toInstant().plus(Duration.ofMinutes(minutes))),
                    start.getPrecision(),
                    start.getTimeZone());
        }
        if (start != null && end != null && end.getValue().before(start.getValue())) {
            throw new MappingException("INGEST-HL7-BAD-PERIOD", "the appointment ends before it starts");
        }
        if (start != null && end != null) {
            appointment.setStartElement(new InstantType(start.getValue(), start.getPrecision(), start.getTimeZone()));
            appointment.setEndElement(new InstantType(end.getValue(), end.getPrecision(), end.getTimeZone()));
        } else if (appointment.getStatus() != Appointment.AppointmentStatus.CANCELLED) {
            // FHIR allows an appointment without a time only while proposed, cancelled or waitlisted.
            throw new MappingException(
                    "INGEST-HL7-NO-APPOINTMENT-TIME", "neither TQ1-7/8, SCH-11 nor AIS-4 gives the appointment's time");
        }
        if (minutes != null && minutes > 0) {
            appointment.setMinutesDuration(minutes);
        }
        CodeableConcept reason = Datatypes.codeableConcept(sch, 7, 0);
        if (reason != null) {
            appointment.addReasonCode(reason);
        }
        appointment.setAppointmentType(Datatypes.codeableConcept(sch, 8, 0));
        if (ais != null) {
            CodeableConcept service = Datatypes.codeableConcept(ais, 3, 0);
            if (service != null) {
                appointment.addServiceType(service);
            }
        }

        appointment
                .addParticipant()
                .setActor(new Reference(patientUrl))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        Reference scheduled = null;
        for (Segment segment : segments) {
            if (segment.getName().equals("AIP")) {
                Fields aip = new Fields(segment);
                Reference person = Datatypes.practitioner(aip, 3, 0);
                CodeableConcept role = Datatypes.codeableConcept(aip, 4, 0);
                if (person == null && role == null) {
                    continue;
                }
                var participant = appointment.addParticipant().setActor(person);
                if (role != null) {
                    participant.addType(role);
                } else {
                    participant.addType(new CodeableConcept()
                            .addCoding(new Coding(PARTICIPATION_TYPE, "PPRF", "primary performer")));
                }
                participant.setStatus(participantStatus(aip.get(12, 1)));
                if (scheduled == null && person != null && person.hasIdentifier()) {
                    scheduled = person;
                }
            } else if (segment.getName().equals("AIL")) {
                Fields ail = new Fields(segment);
                Reference place = location(ail);
                if (place != null) {
                    appointment.addParticipant().setActor(place).setStatus(participantStatus(ail.get(12, 1)));
                }
            }
        }
        if (scheduled == null) {
            for (var participant : appointment.getParticipant()) {
                Reference actor = participant.getActor();
                if ("Location".equals(actor.getType()) && actor.hasIdentifier()) {
                    scheduled = actor;
                    break;
                }
            }
        }
        if (scheduled != null && appointment.hasStart()) {
            String slotUrl = slot(appointment, identity, scheduled, partner, transaction);
            appointment.addSlot(new Reference(slotUrl));
        }
        transaction.conditionalUpdate(appointment, identity);
        for (int field : new int[] {5, 6, 12, 16, 20, 26, 27}) {
            if (sch.present(field)) {
                unmapped.add("SCH-" + field);
            }
        }
        if (segment(segments, "AIG") != null) {
            unmapped.add("AIG (general resources)");
        }
    }

    /** SCH-1 placer and SCH-2 filler appointment ids; the filler's is the identity, else the placer's. */
    private static Identifier identifiers(Fields sch, Appointment appointment, PartnerProperties partner)
            throws MappingException {
        Identifier identity = null;
        for (int[] field : new int[][] {{2, 0}, {1, 1}}) {
            String value = sch.get(field[0], 1);
            if (value == null) {
                continue;
            }
            Identifier identifier = new Identifier()
                    .setSystem(partner.identifierSystems().order())
                    .setValue(value)
                    .setType(Datatypes.identifierType(field[1] == 0 ? "FILL" : "PLAC"));
            appointment.addIdentifier(identifier);
            if (identity == null) {
                identity = identifier;
            }
        }
        if (identity == null) {
            throw new MappingException(
                    "INGEST-HL7-NO-APPOINTMENT-ID",
                    "SCH-1 and SCH-2 are empty: the appointment has no id to identify it by");
        }
        return identity;
    }

    /** AIL-3 (PL): the location's id from its point of care and facility, its name as the display. */
    private static Reference location(Fields ail) {
        String pointOfCare = ail.get(3, 1);
        String room = ail.get(3, 2);
        String facility = ail.get(3, 4, 1);
        String description = ail.get(3, 9);
        String id = pointOfCare != null ? pointOfCare : room;
        if (id == null && facility == null && description == null) {
            return null;
        }
        Reference reference = new Reference().setType("Location");
        if (id != null) {
            reference.setIdentifier(new Identifier().setValue(facility == null ? id : facility + "/" + id));
        }
        String display = String.join(
                        " ",
                        Stream.of(description, pointOfCare, room, facility)
                                .filter(Objects::nonNull)
                                .distinct()
                                .toList())
                .strip();
        return reference.setDisplay(display.isEmpty() ? null : display);
    }

    /**
     * The booking on its resource's calendar: a Schedule for the resource (identified by partner and
     * resource id) and a Slot for the appointment (identified by the appointment's id), busy while booked.
     */
    private static String slot(
            Appointment appointment,
            Identifier appointmentId,
            Reference resource,
            PartnerProperties partner,
            FhirTransaction transaction) {
        String system = FhirTransaction.PARTNER_SYSTEM + "/" + partner.id() + "/schedule";
        Identifier scheduleId = new Identifier()
                .setSystem(system)
                .setValue(resource.getType() + "/" + resource.getIdentifier().getValue());
        Schedule schedule = new Schedule();
        schedule.addIdentifier(scheduleId);
        schedule.addActor(resource.copy());
        schedule.setActive(true);
        // A conditional create: the Schedule is shared by every booking on the resource, and an update
        // would make it an identity that orders (and so could skip) other patients' bookings.
        String scheduleUrl = transaction.conditionalCreate(schedule, scheduleId);

        Identifier slotId = new Identifier().setSystem(system).setValue("slot/" + appointmentId.getValue());
        Slot slot = new Slot();
        slot.addIdentifier(slotId);
        slot.setSchedule(new Reference(scheduleUrl));
        slot.setStartElement(appointment.getStartElement().copy());
        slot.setEndElement(appointment.getEndElement().copy());
        slot.setStatus(
                appointment.getStatus() == Appointment.AppointmentStatus.CANCELLED
                                || appointment.getStatus() == Appointment.AppointmentStatus.ENTEREDINERROR
                        ? Slot.SlotStatus.FREE
                        : Slot.SlotStatus.BUSY);
        appointment.getServiceType().forEach(service -> slot.addServiceType(service.copy()));
        return transaction.conditionalUpdate(slot, slotId);
    }

    /** Minutes from a duration and its units (SCH-9/10, AIS-7/8): minutes by default, hours, seconds. */
    private static Integer minutes(String amount, String units) {
        BigDecimal value = Datatypes.decimal(amount);
        if (value == null) {
            return null;
        }
        String unit = units == null ? "min" : units.toLowerCase(Locale.ROOT);
        BigDecimal minutes;
        if (unit.startsWith("h")) {
            minutes = value.multiply(BigDecimal.valueOf(60));
        } else if (unit.equals("s") || unit.startsWith("sec")) {
            minutes = value.divide(BigDecimal.valueOf(60), 0, RoundingMode.HALF_UP);
        } else {
            minutes = value;
        }
        return minutes.intValue();
    }

    /**
     * S15 (cancellation) is cancelled and S26 (no-show) noshow whatever SCH-25 says; otherwise SCH-25 by
     * {@code codesystems/FillerStatusCodes[Appointment]} (Pending, Waitlist, Booked, Started checked-in,
     * Complete fulfilled, Cancelled, Deleted entered-in-error, Noshow); codes without a map (Blocked,
     * Overbook, Discontinued) and an empty SCH-25 are booked, which is what a notification of a new or
     * changed booking means.
     */
    static Appointment.AppointmentStatus status(String trigger, String fillerStatus) {
        if ("S15".equals(trigger)) {
            return Appointment.AppointmentStatus.CANCELLED;
        }
        if ("S26".equals(trigger)) {
            return Appointment.AppointmentStatus.NOSHOW;
        }
        if (fillerStatus == null) {
            return Appointment.AppointmentStatus.BOOKED;
        }
        return switch (fillerStatus.toLowerCase(Locale.ROOT)) {
            case "pending" -> Appointment.AppointmentStatus.PENDING;
            case "waitlist" -> Appointment.AppointmentStatus.WAITLIST;
            case "started" -> Appointment.AppointmentStatus.CHECKEDIN;
            case "complete" -> Appointment.AppointmentStatus.FULFILLED;
            case "cancelled" -> Appointment.AppointmentStatus.CANCELLED;
            case "deleted" -> Appointment.AppointmentStatus.ENTEREDINERROR;
            case "noshow" -> Appointment.AppointmentStatus.NOSHOW;
            default -> Appointment.AppointmentStatus.BOOKED;
        };
    }

    private static Appointment.ParticipationStatus participantStatus(String fillerStatus) {
        if (fillerStatus == null) {
            return Appointment.ParticipationStatus.ACCEPTED;
        }
        return switch (fillerStatus.toLowerCase(Locale.ROOT)) {
            case "pending", "waitlist" -> Appointment.ParticipationStatus.TENTATIVE;
            case "cancelled", "deleted" -> Appointment.ParticipationStatus.DECLINED;
            default -> Appointment.ParticipationStatus.ACCEPTED;
        };
    }

    private static boolean precise(DateTimeType time) {
        return time != null && time.getPrecision().ordinal() >= TemporalPrecisionEnum.SECOND.ordinal();
    }

    private static Fields segment(List<Segment> segments, String name) {
        Segment segment = Hl7v2Format.first(segments, name);
        return segment == null ? null : new Fields(segment);
    }
}
