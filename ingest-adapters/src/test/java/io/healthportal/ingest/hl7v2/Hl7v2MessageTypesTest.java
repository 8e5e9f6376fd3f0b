package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.healthportal.ingest.testing.TestPartners;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ADT^A03 and A40, VXU^V04, RDE^O11, RDS^O13 and SIU^S12-S15/S26, on corpus messages and small ones. */
@RequiresCorpus
class Hl7v2MessageTypesTest {

    private static final String MS = "gold/microsoft-FHIR-Converter/Hl7v2/";
    private static final String MSH = "MSH|^~\\&|CLINIC|CLINA|PORTAL|NHS|20261025013000||";

    private final Hl7v2Format format = new Hl7v2Format();
    private final UUID receiptId = UUID.fromString("00000000-0000-4000-8000-000000000002");

    @Test
    void aDischargeFinishesTheEncounterWithPv145AsItsEnd() throws Exception {
        Bundle bundle = convert(Corpus.read(MS + "ADT_A03/ADT-A03-01.hl7"));
        Encounter encounter = one(bundle, Encounter.class);
        assertThat(encounter.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(encounter.getPeriod().getEndElement().getValueAsString()).isEqualTo("2015-02-09T11:34:19+01:10");
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void aDischargeWithoutPv145EndsTheEncounterWhenTheEventOccurred() throws Exception {
        Bundle bundle = convert(MSH + "ADT^A03^ADT_A03|A3|P|2.5.1\r"
                + "EVN|A03|20260701120000||||20260701113000\r"
                + "PID|1||A123^^^CLINA^MR||SMITH^JO||19800101|F\r"
                + "PV1|1|I|||||||||||||||||V77|||||||||||||||||||||||||20260630090000\r");
        Encounter encounter = one(bundle, Encounter.class);
        assertThat(encounter.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(encounter.getPeriod().getStartElement().getValueAsString()).isEqualTo("2026-06-30T09:00:00+01:00");
        assertThat(encounter.getPeriod().getEndElement().getValueAsString()).isEqualTo("2026-07-01T11:30:00+01:00");
    }

    @Test
    void aMergeLinksTheSurvivorAndRetiresTheMergedPatientWithoutDeletingIt() throws Exception {
        Bundle bundle = convert(Corpus.read(MS + "ADT_A40/ADT-A40-01.hl7"));
        List<BundleEntryComponent> patients = entries(bundle, Patient.class);
        assertThat(patients).hasSize(2);
        BundleEntryComponent survivor = patients.get(0);
        BundleEntryComponent retired = patients.get(1);
        assertThat(survivor.getRequest().getUrl()).endsWith("mrn|12345");
        assertThat(retired.getRequest().getUrl()).endsWith("mrn|56789");
        for (BundleEntryComponent entry : bundle.getEntry()) {
            assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        }

        Patient kept = (Patient) survivor.getResource();
        assertThat(kept.getActive()).isTrue();
        assertThat(kept.getNameFirstRep().getFamily()).isEqualTo("Test");
        assertThat(kept.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACES);
        assertThat(kept.getLinkFirstRep().getOther().getReference()).isEqualTo(retired.getFullUrl());

        Patient old = (Patient) retired.getResource();
        assertThat(old.getActive()).isFalse();
        assertThat(old.getIdentifierFirstRep().getValue()).isEqualTo("56789");
        assertThat(old.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
        assertThat(old.getLinkFirstRep().getOther().getReference()).isEqualTo(survivor.getFullUrl());
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void nextOfKinBecomePatientContactsAndOtherIdentifiersAreKeptWithoutASystem() throws Exception {
        Bundle bundle = convert(Corpus.read(MS + "VXU_V04/IZ_1_1.1_Admin_Child_Max_Message.hl7"));
        Patient patient = (Patient) entries(bundle, Patient.class).get(0).getResource();
        Patient.ContactComponent mother = patient.getContactFirstRep();
        assertThat(mother.getName().getFamily()).isEqualTo("Lam");
        assertThat(mother.getRelationshipFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("MTH");
        assertThat(mother.getAddress().getCity()).isEqualTo("Warwick");
        assertThat(mother.getTelecomFirstRep().getValue()).isEqualTo("657 5558563");

        Patient adt = one(convert(Corpus.read(MS + "ADT_A01/ADT-A01-02.hl7")), Patient.class);
        var ssn = adt.getIdentifier().stream()
                .filter(i -> i.getValue().equals("123456789"))
                .findFirst()
                .orElseThrow();
        assertThat(ssn.hasSystem()).isFalse();
        assertThat(ssn.getType().getCodingFirstRep().getCode()).isEqualTo("SS");
    }

    @Test
    void aMergeMessageMayMergeSeveralPairs() throws Exception {
        Bundle bundle = convert(Corpus.read(MS + "ADT_A40/ADT-A40-02.hl7"));
        assertThat(entries(bundle, Patient.class).stream()
                        .map(e -> e.getRequest()
                                .getUrl()
                                .substring(e.getRequest().getUrl().lastIndexOf('|') + 1))
                        .toList())
                .containsExactly("12345", "56789", "145", "569");
    }

    @Test
    void aMergeOfAPatientIntoItselfOrWithoutMrgIsRefused() {
        String merge = MSH + "ADT^A40^ADT_A39|M40|P|2.5.1\rEVN|A40|20260701120000\r"
                + "PID|1||A123^^^CLINA^MR||SMITH^JO||19800101|F\r";
        assertThat(code(() -> convert(merge + "MRG|A123^^^CLINA^MR\r"))).isEqualTo("INGEST-HL7-MERGE-INTO-ITSELF");
        assertThat(code(() -> convert(merge))).isEqualTo("INGEST-HL7-MISSING-SEGMENT");
    }

    @Test
    void vaccinationsBecomeImmunizationsIdentifiedByTheirFillerOrderNumbers() throws Exception {
        Bundle bundle = convert(Corpus.read(MS + "VXU_V04/VXU.hl7"));
        List<Immunization> immunizations = all(bundle, Immunization.class);
        assertThat(immunizations).hasSize(3);
        Immunization tenivac = immunizations.get(0);
        assertThat(tenivac.getIdentifierFirstRep().getValue()).isEqualTo("13696");
        assertThat(tenivac.getIdentifier().get(1).getValue()).isEqualTo("4422");
        assertThat(tenivac.getStatus()).isEqualTo(Immunization.ImmunizationStatus.COMPLETED);
        assertThat(tenivac.getVaccineCode().getCodingFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/sid/ndc");
        assertThat(tenivac.getVaccineCode().getCodingFirstRep().getCode()).isEqualTo("49281-0215-88");
        assertThat(tenivac.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2015-06-24");
        assertThat(tenivac.getLotNumber()).isEqualTo("315841");
        assertThat(tenivac.getExpirationDateElement().getValueAsString()).isEqualTo("2015-12-16");
        assertThat(tenivac.getDoseQuantity().getValue()).isEqualByComparingTo("0.5");
        assertThat(tenivac.getDoseQuantity().getCode()).isEqualTo("mL");
        assertThat(tenivac.getRoute().getCodingFirstRep().getCode()).isEqualTo("C28161");
        assertThat(tenivac.getSite().getCodingFirstRep().getCode()).isEqualTo("RD");
        assertThat(tenivac.getManufacturer().getIdentifier().getValue()).isEqualTo("PMC");
        assertThat(tenivac.getPrimarySource()).isTrue();
        assertThat(tenivac.getPerformer())
                .extracting(p -> p.getFunction().getCodingFirstRep().getCode())
                .containsExactly("AP", "OP");
        assertThat(tenivac.getPerformerFirstRep().getActor().getIdentifier().getValue())
                .isEqualTo("7824");

        // The order's OBX (funding source and eligibility, VIS document and date) are part of it.
        List<org.hl7.fhir.r4.model.Observation> observations = all(bundle, org.hl7.fhir.r4.model.Observation.class);
        assertThat(observations).hasSize(4);
        assertThat(observations.get(0).getPartOfFirstRep().getReference())
                .isEqualTo(entries(bundle, Immunization.class).get(0).getFullUrl());
        assertThat(observations.get(0).getIdentifierFirstRep().getValue()).isEqualTo("13696/30963-3/1");
        assertThat(observations
                        .get(0)
                        .getValueCodeableConcept()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("PHC70");
        assertThat(observations.get(0).hasCategory()).isFalse();

        Immunization historical = immunizations.get(1);
        assertThat(historical.getVaccineCode().getCodingFirstRep().getSystem())
                .isEqualTo("http://hl7.org/fhir/sid/cvx");
        // 999 is CDC's "amount unknown": no dose is stated.
        assertThat(historical.hasDoseQuantity()).isFalse();
        assertThat(historical.getPrimarySource()).isFalse();
        assertThat(historical.getPatient().getReference())
                .isEqualTo(entries(bundle, Patient.class).get(0).getFullUrl());
        assertThat(entries(bundle, Patient.class).get(0).getRequest().getMethod())
                .isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void aFillerOrderNumberRepeatedInOneMessageGetsItsOrdinal() throws Exception {
        Bundle bundle = convert(Corpus.read("hl7v2/HL7-v2-to-fhir-IG/test_conversions_VXU_V04.hl7"));
        assertThat(all(bundle, Immunization.class).stream()
                        .map(i -> i.getIdentifierFirstRep().getValue())
                        .toList())
                .containsExactly("13696", "13696#2", "13696#3");
    }

    @Test
    void refusedAndDeletedVaccinationsAndOnesWithoutAnOrderNumber() throws Exception {
        String vxu = MSH + "VXU^V04^VXU_V04|V1|P|2.5.1\rPID|1||A123^^^CLINA^MR||SMITH^JO||20200101|F\r";
        Bundle refused = convert(
                vxu + "ORC|RE||F1\rRXA|0|1|20260701||08^HepB^CVX|999||||||||||||00^Parental decision^NIP002||RE\r");
        Immunization notGiven = one(refused, Immunization.class);
        assertThat(notGiven.getStatus()).isEqualTo(Immunization.ImmunizationStatus.NOTDONE);
        assertThat(notGiven.getStatusReason().getCodingFirstRep().getCode()).isEqualTo("00");
        assertThat(R4Validation.errors(refused)).isEmpty();

        Bundle deleted = convert(vxu + "ORC|RE||F1\rRXA|0|1|20260701||08^HepB^CVX|0.5|mL^^UCUM|||||||||||||CP|D\r");
        assertThat(one(deleted, Immunization.class).getStatus())
                .isEqualTo(Immunization.ImmunizationStatus.ENTEREDINERROR);

        Bundle unnumbered = convert(vxu + "ORC|RE\rRXA|0|1|20260701||08^HepB^CVX|0.5|mL^^UCUM\r");
        assertThat(one(unnumbered, Immunization.class).getIdentifierFirstRep().getValue())
                .isEqualTo("RXA/08/20260701");

        assertThat(code(() -> convert(vxu + "ORC|RE||F1\rRXA|0|1|20260701||\r")))
                .isEqualTo("INGEST-HL7-NO-VACCINE-CODE");
        assertThat(code(() -> convert(vxu + "ORC|RE||F1\rRXA|0|1|||08^HepB^CVX\r")))
                .isEqualTo("INGEST-HL7-NO-OCCURRENCE");
    }

    @Test
    void pharmacyOrdersBecomeMedicationRequestsIdentifiedByTheirOrderNumbers() throws Exception {
        Bundle bundle = convert(Corpus.read(MS + "RDE_O11/RDE-O11-02.hl7"));
        List<BundleEntryComponent> requests = entries(bundle, MedicationRequest.class);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).getRequest().getUrl()).endsWith("order|1163422591");
        assertThat(requests.get(1).getRequest().getUrl()).endsWith("order|1422591");
        MedicationRequest first = (MedicationRequest) requests.get(0).getResource();
        assertThat(first.getIdentifierFirstRep().getType().getCodingFirstRep().getCode())
                .isEqualTo("PLAC");
        assertThat(first.getStatus()).isEqualTo(MedicationRequest.MedicationRequestStatus.ACTIVE);
        assertThat(first.getIntent()).isEqualTo(MedicationRequest.MedicationRequestIntent.ORDER);
        assertThat(first.getMedicationCodeableConcept().getCodingFirstRep().getCode())
                .isEqualTo("0143963401");
        assertThat(first.getMedicationCodeableConcept().getCodingFirstRep().getSystem())
                .isEqualTo("http://hl7.org/fhir/sid/ndc");
        assertThat(first.getAuthoredOnElement().getValueAsString()).isEqualTo("2019-11-04T06:27:26+02:15");
        assertThat(first.getDosageInstructionFirstRep()
                        .getRoute()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("IV");
        assertThat(first.getDosageInstructionFirstRep().getText()).startsWith("Titrate to BP less than 180");
        assertThat(first.getDispenseRequest().getQuantity().getValue()).isEqualByComparingTo("3");
        assertThat(first.getDispenseRequest().getNumberOfRepeatsAllowed()).isEqualTo(12);
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void ukMedicinesKeepTheirDmdCodesAndAnOrderWithoutANumberIsRefused() throws Exception {
        String rde = MSH + "RDE^O11^RDE_O11|R1|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^JO||19800101|F\r";
        Bundle bundle = convert(rde + "ORC|NW|P55|F55||||||20260701101500|||G123^WHO^ANNA\r"
                + "RXE|^^^20260701|39720311000001101^Paracetamol 500mg tablets^DMD|1|2|{tbl}^tablet^UCUM|||||32|{tbl}^tablet^UCUM|0\r"
                + "RXR|PO^Oral\r");
        MedicationRequest request = one(bundle, MedicationRequest.class);
        assertThat(request.getMedicationCodeableConcept().getCodingFirstRep().getSystem())
                .isEqualTo("https://dmd.nhs.uk");
        assertThat(request.getIdentifier()).extracting(i -> i.getValue()).containsExactly("F55", "P55");
        assertThat(request.getRequester().getDisplay()).isEqualTo("ANNA WHO");
        assertThat(request.getDosageInstructionFirstRep()
                        .getDoseAndRateFirstRep()
                        .getDoseRange()
                        .getHigh()
                        .getValue())
                .isEqualByComparingTo("2");
        assertThat(R4Validation.errors(bundle)).isEmpty();

        assertThat(code(() -> convert(rde + "ORC|NW\rRXE||39720311000001101^Paracetamol^DMD\r")))
                .isEqualTo("INGEST-HL7-NO-ORDER-NUMBER");
    }

    @Test
    void dispensesBecomeMedicationDispensesIdentifiedByOrderAndDispenseCounter() throws Exception {
        Bundle bundle = convert(Corpus.read(MS + "RDS_O13/RDS-O13-01.hl7"));
        BundleEntryComponent entry = entries(bundle, MedicationDispense.class).get(0);
        assertThat(entry.getRequest().getUrl()).endsWith("order|1163422591%2F1");
        MedicationDispense dispense = (MedicationDispense) entry.getResource();
        assertThat(dispense.getStatus()).isEqualTo(MedicationDispense.MedicationDispenseStatus.COMPLETED);
        assertThat(dispense.getMedicationCodeableConcept().getCodingFirstRep().getCode())
                .isEqualTo("01151327");
        assertThat(dispense.getWhenHandedOverElement().getValueAsString()).isEqualTo("2020-12-12");
        assertThat(dispense.getQuantity().getValue()).isEqualByComparingTo("10");
        assertThat(dispense.getNoteFirstRep().getText()).isEqualTo("After Food");
        assertThat(dispense.getAuthorizingPrescriptionFirstRep().getIdentifier().getValue())
                .isEqualTo("1163422591");
        assertThat(dispense.getDosageInstructionFirstRep()
                        .getRoute()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("PO");
        assertThat(all(bundle, MedicationRequest.class)).isEmpty();
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void aBookingBecomesABookedAppointmentWithABusySlotOnItsPractitionersSchedule() throws Exception {
        Bundle bundle = convert(Corpus.read(MS + "SIU_S12/SIU-S12-01.hl7"));
        BundleEntryComponent entry = entries(bundle, Appointment.class).get(0);
        assertThat(entry.getRequest().getUrl()).endsWith("order|36996");
        Appointment appointment = (Appointment) entry.getResource();
        assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(appointment.getIdentifier()).extracting(i -> i.getValue()).containsExactly("36996", "12345");
        // TQ1-7/8 (v2.8) rather than the SCH-11 range.
        assertThat(appointment.getStartElement().getValueAsString()).isEqualTo("2021-09-24T09:30:00+02:15");
        assertThat(appointment.getEndElement().getValueAsString()).isEqualTo("2021-09-24T10:20:00+02:15");
        assertThat(appointment.getServiceTypeFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("76164006");
        assertThat(appointment.getParticipant()).hasSize(3);
        assertThat(appointment.getParticipant().get(0).getActor().getReference())
                .isEqualTo(entries(bundle, Patient.class).get(0).getFullUrl());
        // AIL before AIP, as the message sends them.
        Reference place = appointment.getParticipant().get(1).getActor();
        assertThat(place.getType()).isEqualTo("Location");
        Reference person = appointment.getParticipant().get(2).getActor();
        assertThat(person.getIdentifier().getValue()).isEqualTo("1210");

        Slot slot = one(bundle, Slot.class);
        assertThat(slot.getStatus()).isEqualTo(Slot.SlotStatus.BUSY);
        assertThat(slot.getStartElement().getValueAsString()).isEqualTo("2021-09-24T09:30:00+02:15");
        assertThat(appointment.getSlotFirstRep().getReference())
                .isEqualTo(entries(bundle, Slot.class).get(0).getFullUrl());
        Schedule schedule = one(bundle, Schedule.class);
        assertThat(entries(bundle, Schedule.class).get(0).getRequest().getMethod())
                .isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(entries(bundle, Schedule.class).get(0).getRequest().getIfNoneExist())
                .isEqualTo(
                        "identifier=https%3A%2F%2Fhealthportal.io%2FId%2Fpartner%2Flab-b%2Fschedule|Practitioner%2F1210");
        assertThat(schedule.getActorFirstRep().getIdentifier().getValue()).isEqualTo("1210");
        assertThat(slot.getSchedule().getReference())
                .isEqualTo(entries(bundle, Schedule.class).get(0).getFullUrl());
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void aCancellationFreesTheSlotAndANoShowIsRecorded() throws Exception {
        Bundle cancelled = convert(Corpus.read(MS + "SIU_S15/SIU-S15-01.hl7"));
        assertThat(one(cancelled, Appointment.class).getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        assertThat(one(cancelled, Slot.class).getStatus()).isEqualTo(Slot.SlotStatus.FREE);
        Bundle noShow = convert(Corpus.read(MS + "SIU_S26/SIU-S26-01.hl7"));
        assertThat(one(noShow, Appointment.class).getStatus()).isEqualTo(Appointment.AppointmentStatus.NOSHOW);
        // The same appointment id: a cancellation or no-show updates the booking, it does not add one.
        assertThat(entries(noShow, Appointment.class).get(0).getFullUrl())
                .isEqualTo(entries(cancelled, Appointment.class).get(0).getFullUrl());
        assertThat(R4Validation.errors(cancelled)).isEmpty();
        assertThat(R4Validation.errors(noShow)).isEmpty();
    }

    @Test
    void aRescheduleMovesTheSameAppointmentAndItsSlot() throws Exception {
        String siu = MSH + "SIU^S12^SIU_S12|S1|P|2.5.1\r"
                + "SCH|P1|F1|||||||20|min|^^^20261025013000\r"
                + "PID|1||A123^^^CLINA^MR||SMITH^JO||19800101|F\r"
                + "RGS|1\rAIP|1||D7^DOC^DAVE|D^Doctor\r";
        Bundle booked = convert(siu);
        Bundle moved = convert(siu.replace("SIU^S12", "SIU^S13").replace("20261025013000", "20261026093000"));
        Appointment appointment = one(moved, Appointment.class);
        assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(appointment.getStartElement().getValueAsString()).isEqualTo("2026-10-26T09:30:00+00:00");
        assertThat(appointment.getEndElement().getValueAsString()).isEqualTo("2026-10-26T09:50:00+00:00");
        // The first booking fell in the hour UK clocks go back: the summer-time reading is taken.
        assertThat(one(booked, Appointment.class).getStartElement().getValueAsString())
                .isEqualTo("2026-10-25T01:30:00+01:00");
        for (Class<? extends Resource> type : List.of(Appointment.class, Slot.class, Schedule.class)) {
            assertThat(entries(moved, type).get(0).getFullUrl())
                    .isEqualTo(entries(booked, type).get(0).getFullUrl());
        }
        assertThat(R4Validation.errors(moved)).isEmpty();
    }

    @Test
    void aDateOnlyTimingGivesWayToTheServicesStartAndDuration() throws Exception {
        Bundle bundle = convert(Corpus.read("gold/google-healthcare-data-harmonization/wstl1/siu_s12_ex1.hl7"));
        Appointment appointment = one(bundle, Appointment.class);
        assertThat(appointment.getStartElement().getValueAsString()).isEqualTo("2022-04-29T11:10:00+01:00");
        assertThat(appointment.getEndElement().getValueAsString()).isEqualTo("2022-04-29T12:40:00+01:00");
        assertThat(appointment.getMinutesDuration()).isEqualTo(90);
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void aBookingWithoutAnIdOrATimeIsRefused() {
        String siu = MSH + "SIU^S12^SIU_S12|S1|P|2.5.1\r";
        String pid = "PID|1||A123^^^CLINA^MR||SMITH^JO||19800101|F\r";
        assertThat(code(() -> convert(siu + "SCH|||||||||15|min|^^^20260701100000\r" + pid)))
                .isEqualTo("INGEST-HL7-NO-APPOINTMENT-ID");
        assertThat(code(() -> convert(siu + "SCH|P1|F1\r" + pid))).isEqualTo("INGEST-HL7-NO-APPOINTMENT-TIME");
    }

    @Test
    void aReportWithOnlyThePlacersNumberIsIdentifiedByItAndPatientLevelObxIsAnObservationOutsideTheReport()
            throws Exception {
        String oru = "MSH|^~\\&|LAB|LABB|PORTAL|NHS|20260701101500||ORU^R01|M1|P|2.5.1\r"
                + "PID|1||A123^^^LABB^MR||SMITH^JO||19800101|F\r"
                + "OBX|1|NM|29463-7^Weight^LN||70|kg|||||F\r";
        Hl7v2Format.Conversion conversion = format.convert(
                oru + "OBR|1|P77||24317-0^Hemogram^LN|||20260701090000|||||||||||||||||||F\r"
                        + "OBX|1|NM|718-7^Haemoglobin^LN||135|g/L|||||F\r",
                new SourceMessage(TestPartners.LAB, receiptId, Instant.parse("2026-11-26T10:00:00Z")));
        var report = one(conversion.bundle(), org.hl7.fhir.r4.model.DiagnosticReport.class);
        assertThat(report.getIdentifierFirstRep().getValue()).isEqualTo("P77");
        assertThat(report.getIdentifierFirstRep().getType().getCodingFirstRep().getCode())
                .isEqualTo("PLAC");
        List<org.hl7.fhir.r4.model.Observation> observations =
                all(conversion.bundle(), org.hl7.fhir.r4.model.Observation.class);
        assertThat(observations).hasSize(2);
        // The weight belongs to no order: the patient's, identified by the patient and its code.
        var weight = observations.stream()
                .filter(o -> o.getCode().getCodingFirstRep().getCode().equals("29463-7"))
                .findFirst()
                .orElseThrow();
        assertThat(weight.getIdentifierFirstRep().getSystem())
                .isEqualTo("https://healthportal.io/Id/partner/lab-b/observation");
        assertThat(weight.getIdentifierFirstRep().getValue()).endsWith("/29463-7");
        assertThat(report.getResult()).hasSize(1);
        assertThat(code(() -> convert(oru + "OBR|1|||24317-0^Hemogram^LN\r"))).isEqualTo("INGEST-HL7-NO-ORDER-NUMBER");
    }

    @Test
    void visitDoctorsLocationMaritalStatusMultipleBirthAndComposedPhoneNumbersAreMapped() throws Exception {
        Bundle bundle = convert(MSH + "ADT^A01^ADT_A01|A1|P|2.5.1\rEVN|A01|20260701120000\r"
                + "PID|1||A123^^^CLINA^MR||SMITH^JO^^^DR^MD||19800101|F|||||^PRN^PH^^44^113^4960000~^NET^Internet^jo@example.org"
                + "|||A||||||||Y|2\r"
                + "PV1|1|I|W12^B3^2^LEEDS GEN|E|||G1^HOUSE^GREG^^^DR|R9^REF^RITA||MED|||||||||V77\r");
        Patient patient = one(bundle, Patient.class);
        assertThat(patient.getNameFirstRep().getSuffixAsSingleString()).isEqualTo("MD");
        assertThat(patient.getTelecom().get(0).getValue()).isEqualTo("+44 113 4960000");
        assertThat(patient.getTelecom().get(0).getUse())
                .isEqualTo(org.hl7.fhir.r4.model.ContactPoint.ContactPointUse.HOME);
        assertThat(patient.getTelecom().get(1).getValue()).isEqualTo("jo@example.org");
        assertThat(patient.getMaritalStatus().getCodingFirstRep().getCode()).isEqualTo("L");
        assertThat(patient.getMultipleBirthIntegerType().getValue()).isEqualTo(2);
        Encounter encounter = one(bundle, Encounter.class);
        assertThat(encounter.getParticipant())
                .extracting(p -> p.getTypeFirstRep().getCodingFirstRep().getCode())
                .containsExactly("ATND", "REF");
        assertThat(encounter
                        .getParticipantFirstRep()
                        .getIndividual()
                        .getIdentifier()
                        .getValue())
                .isEqualTo("G1");
        assertThat(encounter.getLocationFirstRep().getLocation().getDisplay()).isEqualTo("W12, B3, 2, LEEDS GEN");
        assertThat(encounter.getLocationFirstRep().getStatus()).isEqualTo(Encounter.EncounterLocationStatus.ACTIVE);
        assertThat(encounter.getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("E");
        assertThat(encounter.getServiceType().getCodingFirstRep().getCode()).isEqualTo("MED");
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                MS + "ADT_A03/ADT-A03-02.hl7",
                MS + "VXU_V04/VXU-V04-01.hl7",
                MS + "VXU_V04/VXU-V04-02.hl7",
                MS + "VXU_V04/IZ_1_1.1_Admin_Child_Max_Message.hl7",
                MS + "RDE_O11/RDE-O11-01.hl7",
                MS + "RDS_O13/RDS-O13-02.hl7",
                MS + "SIU_S12/SIU-S12-02.hl7",
                MS + "SIU_S14/SIU-S14-01.hl7",
                MS + "SIU_S14/SIU-S14-02.hl7",
                MS + "SIU_S15/SIU-S15-02.hl7",
                MS + "SIU_S26/SIU-S26-02.hl7",
                "hl7v2/HL7-v2-to-fhir-IG/test_conversions_SIU_S12.hl7"
            })
    void everyCorpusMessageOfTheseTypesMapsToABundleThatValidates(String file) throws Exception {
        Bundle bundle = convert(Corpus.read(file));
        assertThat(bundle.getEntry()).hasSizeGreaterThan(2);
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    private Bundle convert(String message) throws MappingException {
        return format.convert(
                        message, new SourceMessage(TestPartners.LAB, receiptId, Instant.parse("2026-11-26T10:00:00Z")))
                .bundle();
    }

    private interface Conversion {
        void run() throws Exception;
    }

    private static String code(Conversion conversion) {
        try {
            conversion.run();
        } catch (MappingException e) {
            return e.code();
        } catch (Exception e) {
            throw new AssertionError("not a mapping error", e);
        }
        throw new AssertionError("no mapping error");
    }

    private static List<BundleEntryComponent> entries(Bundle bundle, Class<? extends Resource> type) {
        return bundle.getEntry().stream()
                .filter(e -> type.isInstance(e.getResource()))
                .toList();
    }

    private static <T extends Resource> List<T> all(Bundle bundle, Class<T> type) {
        return entries(bundle, type).stream()
                .map(e -> type.cast(e.getResource()))
                .toList();
    }

    private static <T extends Resource> T one(Bundle bundle, Class<T> type) {
        assertThat(entries(bundle, type)).hasSize(1);
        return all(bundle, type).get(0);
    }
}
