package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * A result's order (ORC and OBR of an ORU^R01) as the ServiceRequest its DiagnosticReport is based on,
 * after the IG's {@code segments/ORC[ServiceRequest]} and {@code segments/OBR[ServiceRequest]} rows: ORC-2
 * / OBR-2 (PLAC), ORC-3 / OBR-3 (FILL), OBR-53 (PLAC) and ORC-4 (PGN) identifiers, status by ORC-5 ({@code
 * codesystems/OrderStatus}) else ORC-1 ({@code codesystems/OrderControlCode[ServiceRequest.status]}),
 * intent order, OBR-4 code, OBR-5 priority (S stat, A asap, R routine), OBR-6 occurrenceDateTime, ORC-9
 * authoredOn, ORC-12 requester (else OBR-16, the ordering provider), OBR-31 reasonCode, OBR-46/47
 * orderDetail. It is identified by the report's number and written by a conditional create: the order is
 * the placer's, so a lab's result does not overwrite it.
 */
final class OrderMapping {

    private OrderMapping() {}

    record MappedOrder(ServiceRequest order, Identifier matchOn) {}

    static MappedOrder map(
            Fields obr, Fields orc, Identifier reportId, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        ServiceRequest order = new ServiceRequest();
        Identifier matchOn = reportId.copy();
        order.addIdentifier(matchOn);
        String placer = orc != null && orc.get(2, 1) != null ? orc.get(2, 1) : obr.get(2, 1);
        String filler = orc != null && orc.get(3, 1) != null ? orc.get(3, 1) : obr.get(3, 1);
        for (String[] number : new String[][] {{placer, "PLAC"}, {filler, "FILL"}}) {
            if (number[0] != null && !number[0].equals(matchOn.getValue())) {
                order.addIdentifier(new Identifier()
                        .setSystem(partner.identifierSystems().order())
                        .setValue(number[0])
                        .setType(Datatypes.identifierType(number[1])));
            }
        }
        for (int rep = 0; rep < obr.repetitions(53); rep++) {
            // OBR-53 (alternate placer order number, a CX)
            Identifier alternate = Datatypes.identifier(obr, 53, rep);
            if (alternate != null) {
                order.addIdentifier(alternate.setType(Datatypes.identifierType("PLAC")));
            }
        }
        if (orc != null && orc.get(4, 1) != null) {
            order.addIdentifier(new Identifier().setValue(orc.get(4, 1)).setType(Datatypes.identifierType("PGN")));
        }
        order.setStatus(status(orc));
        order.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        order.setCode(Datatypes.codeableConcept(obr, 4, 0));
        String priority = obr.get(5);
        if ("S".equals(priority)) {
            order.setPriority(ServiceRequest.ServiceRequestPriority.STAT);
        } else if ("A".equals(priority)) {
            order.setPriority(ServiceRequest.ServiceRequestPriority.ASAP);
        } else if ("R".equals(priority)) {
            order.setPriority(ServiceRequest.ServiceRequestPriority.ROUTINE);
        }
        DateTimeType requested = Datatypes.dateTime(obr, 6, partner.timeZone());
        if (requested != null) {
            order.setOccurrence(requested);
        }
        if (orc != null) {
            DateTimeType authored = Datatypes.dateTime(orc, 9, partner.timeZone());
            if (authored != null) {
                order.setAuthoredOnElement(authored);
            }
        }
        Reference requester = orc == null ? null : Datatypes.practitioner(orc, 12, 0);
        order.setRequester(requester != null ? requester : Datatypes.practitioner(obr, 16, 0));
        for (int rep = 0; rep < obr.repetitions(31); rep++) {
            CodeableConcept reason = Datatypes.codeableConcept(obr, 31, rep);
            if (reason != null) {
                order.addReasonCode(reason);
            }
        }
        for (int field : new int[] {46, 47}) {
            for (int rep = 0; rep < obr.repetitions(field); rep++) {
                CodeableConcept detail = Datatypes.codeableConcept(obr, field, rep);
                if (detail != null) {
                    order.addOrderDetail(detail);
                }
            }
        }
        return new MappedOrder(order, matchOn);
    }

    /**
     * ORC-5 by {@code codesystems/OrderStatus} (CA, DC, RP revoked; CM completed; ER entered-in-error; HD
     * on-hold; IP, SC active), else ORC-1 by {@code codesystems/OrderControlCode[ServiceRequest.status]}
     * (its revoked, on-hold and active rows), else unknown.
     */
    private static ServiceRequest.ServiceRequestStatus status(Fields orc) {
        if (orc == null) {
            return ServiceRequest.ServiceRequestStatus.UNKNOWN;
        }
        String status = orc.get(5);
        if (status != null) {
            switch (status) {
                case "CA", "DC", "RP" -> {
                    return ServiceRequest.ServiceRequestStatus.REVOKED;
                }
                case "CM" -> {
                    return ServiceRequest.ServiceRequestStatus.COMPLETED;
                }
                case "ER" -> {
                    return ServiceRequest.ServiceRequestStatus.ENTEREDINERROR;
                }
                case "HD" -> {
                    return ServiceRequest.ServiceRequestStatus.ONHOLD;
                }
                case "IP", "SC" -> {
                    return ServiceRequest.ServiceRequestStatus.ACTIVE;
                }
                default -> {
                    // not in the map: the order control code says what it can
                }
            }
        }
        String control = orc.get(1);
        if (control == null) {
            return ServiceRequest.ServiceRequestStatus.UNKNOWN;
        }
        return switch (control) {
            case "CR", "DC", "DF", "DR", "OC", "OD" -> ServiceRequest.ServiceRequestStatus.REVOKED;
            case "HR", "OH" -> ServiceRequest.ServiceRequestStatus.ONHOLD;
            case "AF", "CA", "HD", "NW", "OK", "PR", "PY", "RL", "RO", "RQ" ->
                ServiceRequest.ServiceRequestStatus.ACTIVE;
            default -> ServiceRequest.ServiceRequestStatus.UNKNOWN;
        };
    }
}
