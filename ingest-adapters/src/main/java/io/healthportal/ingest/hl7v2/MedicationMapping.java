package io.healthportal.ingest.hl7v2;

import ca.uhn.hl7v2.model.Segment;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;

/**
 * Pharmacy orders and dispenses, one resource per ORDER group. RDE^O11 gives a MedicationRequest from ORC
 * (placer and filler order numbers ORC-2/3, ORC-9 authoredOn, ORC-12 requester) and RXE (RXE-2 give code,
 * RXE-3/4/5 dose range, RXE-7 instructions, RXE-10/11 dispense quantity, RXE-12 repeats), with RXR-1 route,
 * RXR-2 site and RXR-4 method, after the IG's {@code segments/RXO[MedicationRequest]} and
 * {@code segments/RXR[MedicationRequest]} rows (the IG has no RXE or RXD table; RXE's fields are read as
 * their RXO counterparts). RDS^O13 gives a MedicationDispense from RXD (RXD-2 product, RXD-3
 * whenHandedOver, RXD-4/5 quantity, RXD-9 note, RXD-10 performer), pointing at its order by identifier.
 * Product codes keep the system their coding-system name gives: dm+d ({@code DMD}), NDC, RxNorm, SNOMED.
 */
final class MedicationMapping {

    private MedicationMapping() {}

    static void requests(
            List<Segment> segments, PartnerProperties partner, FhirTransaction transaction, List<String> unmapped)
            throws MappingException {
        String patientUrl = Hl7v2Format.referencedPatient(segments, partner, transaction, unmapped);
        Map<String, Integer> seen = new HashMap<>();
        List<List<Fields>> orders = Hl7v2Format.runs(segments, "ORC");
        for (List<Fields> order : orders) {
            Fields orc = order.get(0);
            Fields rxe = find(order, "RXE", null);
            if (rxe == null) {
                throw new MappingException("INGEST-HL7-MISSING-SEGMENT", "an RDE^O11 order has no RXE segment");
            }
            MedicationRequest request = request(orc, rxe, routeOf(order, "RXE"), partner, unmapped);
            Identifier identity = orderNumber(orc, seen, partner);
            request.getIdentifier().addAll(0, List.of(identity));
            request.setSubject(new Reference(patientUrl));
            transaction.conditionalUpdate(request, identity);
        }
        if (orders.isEmpty()) {
            throw new MappingException("INGEST-HL7-MISSING-SEGMENT", "the RDE^O11 message has no ORC segment");
        }
    }

    static void dispenses(
            List<Segment> segments, PartnerProperties partner, FhirTransaction transaction, List<String> unmapped)
            throws MappingException {
        String patientUrl = Hl7v2Format.referencedPatient(segments, partner, transaction, unmapped);
        Map<String, Integer> seen = new HashMap<>();
        List<List<Fields>> orders = Hl7v2Format.runs(segments, "ORC");
        for (List<Fields> order : orders) {
            Fields orc = order.get(0);
            Fields rxd = find(order, "RXD", null);
            if (rxd == null) {
                throw new MappingException("INGEST-HL7-MISSING-SEGMENT", "an RDS^O13 order has no RXD segment");
            }
            Identifier ordered = orderNumber(orc, new HashMap<>(), partner);
            MedicationDispense dispense = dispense(rxd, routeOf(order, "RXD"), partner, unmapped);
            // A dispense is one fill of an order: the order number with RXD-1, the dispense sub-id counter.
            String dispenseId = ordered.getValue() + "/" + (rxd.get(1) == null ? "1" : rxd.get(1));
            int ordinal = seen.merge(dispenseId, 1, Integer::sum);
            Identifier identity = new Identifier()
                    .setSystem(partner.identifierSystems().order())
                    .setValue(ordinal > 1 ? dispenseId + "#" + ordinal : dispenseId);
            dispense.addIdentifier(identity);
            if (rxd.get(7) != null) {
                dispense.addIdentifier(new Identifier()
                        .setSystem(partner.identifierSystems().order())
                        .setValue(rxd.get(7))
                        .setType(new CodeableConcept().setText("prescription number (RXD-7)")));
            }
            dispense.addAuthorizingPrescription(
                    new Reference().setType("MedicationRequest").setIdentifier(ordered));
            dispense.setSubject(new Reference(patientUrl));
            transaction.conditionalUpdate(dispense, identity);
        }
        if (orders.isEmpty()) {
            throw new MappingException("INGEST-HL7-MISSING-SEGMENT", "the RDS^O13 message has no ORC segment");
        }
    }

    /** The order's number: the filler's (ORC-3), else the placer's (ORC-2); a repeat gets its ordinal. */
    private static Identifier orderNumber(Fields orc, Map<String, Integer> seen, PartnerProperties partner)
            throws MappingException {
        String filler = orc.get(3, 1);
        String value = filler != null ? filler : orc.get(2, 1);
        if (value == null) {
            throw new MappingException(
                    "INGEST-HL7-NO-ORDER-NUMBER",
                    "ORC-2 and ORC-3 are empty: the order has no number to identify it by");
        }
        int ordinal = seen.merge(value, 1, Integer::sum);
        return new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(ordinal > 1 ? value + "#" + ordinal : value)
                .setType(Datatypes.identifierType(filler != null ? "FILL" : "PLAC"));
    }

    private static MedicationRequest request(
            Fields orc, Fields rxe, Fields rxr, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        MedicationRequest request = new MedicationRequest();
        if (orc.get(3, 1) != null && orc.get(2, 1) != null) {
            // Both numbers are kept; the filler's is the identity, added first by the caller.
            request.addIdentifier(new Identifier()
                    .setSystem(partner.identifierSystems().order())
                    .setValue(orc.get(2, 1))
                    .setType(Datatypes.identifierType("PLAC")));
        }
        request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        request.setStatus(requestStatus(orc.get(1), orc.get(5)));
        CodeableConcept product = Datatypes.codeableConcept(rxe, 2, 0);
        if (product == null) {
            throw new MappingException("INGEST-HL7-NO-MEDICATION-CODE", "RXE-2 (give code) is empty");
        }
        request.setMedication(product);
        DateTimeType authored = Datatypes.dateTime(orc, 9, partner.timeZone());
        if (authored != null) {
            request.setAuthoredOnElement(authored);
        }
        Reference requester = Datatypes.practitioner(orc, 12, 0);
        if (requester == null) {
            requester = Datatypes.practitioner(rxe, 13, 0);
        }
        request.setRequester(requester);

        Dosage dosage = new Dosage();
        List<String> instructions = new ArrayList<>();
        for (int rep = 0; rep < rxe.repetitions(7); rep++) {
            String text = rxe.get(7, rep, 2) != null ? rxe.get(7, rep, 2) : rxe.get(7, rep, 1);
            if (text != null) {
                instructions.add(text);
            }
        }
        if (!instructions.isEmpty()) {
            dosage.setText(String.join("\n", instructions));
        }
        BigDecimal minimum = Datatypes.decimal(rxe.get(3));
        BigDecimal maximum = Datatypes.decimal(rxe.get(4));
        if (minimum != null) {
            SimpleQuantity low = quantity(minimum, rxe, 5);
            if (maximum != null && maximum.compareTo(minimum) != 0) {
                dosage.addDoseAndRate().setDose(new Range().setLow(low).setHigh(quantity(maximum, rxe, 5)));
            } else {
                dosage.addDoseAndRate().setDose(low);
            }
        }
        route(rxr, dosage);
        if (!dosage.isEmpty()) {
            request.addDosageInstruction(dosage);
        }
        BigDecimal dispenseAmount = Datatypes.decimal(rxe.get(10));
        if (dispenseAmount != null) {
            request.getDispenseRequest().setQuantity(quantity(dispenseAmount, rxe, 11));
        }
        BigDecimal refills = Datatypes.decimal(rxe.get(12));
        if (refills != null && refills.signum() >= 0) {
            request.getDispenseRequest().setNumberOfRepeatsAllowed(refills.intValue());
        }
        for (int field : new int[] {1, 6, 9, 14, 21, 22, 23, 24, 25, 26}) {
            if (rxe.present(field)) {
                unmapped.add("RXE-" + field);
            }
        }
        return request;
    }

    private static MedicationDispense dispense(Fields rxd, Fields rxr, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        MedicationDispense dispense = new MedicationDispense();
        dispense.setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED);
        CodeableConcept product = Datatypes.codeableConcept(rxd, 2, 0);
        if (product == null) {
            throw new MappingException("INGEST-HL7-NO-MEDICATION-CODE", "RXD-2 (dispense/give code) is empty");
        }
        dispense.setMedication(product);
        DateTimeType handedOver = Datatypes.dateTime(rxd, 3, partner.timeZone());
        if (handedOver != null) {
            dispense.setWhenHandedOverElement(handedOver);
        }
        BigDecimal amount = Datatypes.decimal(rxd.get(4));
        if (amount != null) {
            dispense.setQuantity(quantity(amount, rxd, 5));
        }
        for (int rep = 0; rep < rxd.repetitions(9); rep++) {
            String note = rxd.get(9, rep, 2) != null ? rxd.get(9, rep, 2) : rxd.get(9, rep, 1);
            if (note != null) {
                dispense.addNote().setText(note);
            }
        }
        Reference dispenser = Datatypes.practitioner(rxd, 10, 0);
        if (dispenser != null) {
            dispense.addPerformer().setActor(dispenser);
        }
        Dosage dosage = new Dosage();
        route(rxr, dosage);
        if (!dosage.isEmpty()) {
            dispense.addDosageInstruction(dosage);
        }
        for (int field : new int[] {6, 12, 13, 15, 16, 18, 19, 21, 25, 26, 27, 28, 29, 30, 31, 32, 33}) {
            if (rxd.present(field)) {
                unmapped.add("RXD-" + field);
            }
        }
        return dispense;
    }

    /** RXR-1 route, RXR-2 site, RXR-4 method ({@code segments/RXR[MedicationRequest]}). */
    private static void route(Fields rxr, Dosage dosage) {
        if (rxr == null) {
            return;
        }
        dosage.setRoute(Datatypes.codeableConcept(rxr, 1, 0));
        dosage.setSite(Datatypes.codeableConcept(rxr, 2, 0));
        dosage.setMethod(Datatypes.codeableConcept(rxr, 4, 0));
    }

    /** A CWE unit field (code, text, system) on an amount. */
    private static SimpleQuantity quantity(BigDecimal value, Fields segment, int unitField) {
        SimpleQuantity quantity = new SimpleQuantity();
        quantity.setValue(value);
        Datatypes.applyUnit(quantity, segment.get(unitField, 1), segment.get(unitField, 2), segment.get(unitField, 3));
        return quantity;
    }

    /** The first segment of that name in the run after {@code after} (or anywhere when null). */
    private static Fields find(List<Fields> run, String name, String after) {
        boolean past = after == null;
        for (Fields segment : run) {
            if (past && segment.name().equals(name)) {
                return segment;
            }
            if (!past && segment.name().equals(after)) {
                past = true;
            }
        }
        return null;
    }

    /** The RXR that belongs to the encoded order or dispense (after RXE or RXD), else the ordered one. */
    private static Fields routeOf(List<Fields> order, String owner) {
        Fields after = find(order, "RXR", owner);
        return after != null ? after : find(order, "RXR", null);
    }

    /**
     * ORC-5 order status (the IG's {@code codesystems/OrderStatus}) where sent, else ORC-1 order control:
     * new, re-issued and replacement orders are active, cancelled ones cancelled, discontinued stopped,
     * held on-hold.
     */
    private static MedicationRequest.MedicationRequestStatus requestStatus(String control, String status) {
        if (status != null) {
            switch (status) {
                case "CA":
                    return MedicationRequest.MedicationRequestStatus.CANCELLED;
                case "CM":
                    return MedicationRequest.MedicationRequestStatus.COMPLETED;
                case "DC":
                    return MedicationRequest.MedicationRequestStatus.STOPPED;
                case "ER":
                    return MedicationRequest.MedicationRequestStatus.ENTEREDINERROR;
                case "HD":
                    return MedicationRequest.MedicationRequestStatus.ONHOLD;
                case "A", "IP", "SC":
                    return MedicationRequest.MedicationRequestStatus.ACTIVE;
                default:
                    break;
            }
        }
        if (control == null) {
            return MedicationRequest.MedicationRequestStatus.ACTIVE;
        }
        return switch (control) {
            case "CA", "OC", "CR" -> MedicationRequest.MedicationRequestStatus.CANCELLED;
            case "DC", "OD", "DR" -> MedicationRequest.MedicationRequestStatus.STOPPED;
            case "HD", "OH" -> MedicationRequest.MedicationRequestStatus.ONHOLD;
            default -> MedicationRequest.MedicationRequestStatus.ACTIVE;
        };
    }
}
