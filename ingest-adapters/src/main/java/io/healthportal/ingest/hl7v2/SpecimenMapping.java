package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.Specimen;

/**
 * SPM as Specimen, after the IG's {@code segments/SPM[Specimen]} rows: SPM-2 identifiers (placer's, type
 * PGN; filler's, type FGN), SPM-3 parent, SPM-4 type (table 0487 as sent), SPM-6 container additive, SPM-7
 * collection method (table 0488), SPM-8 body site, SPM-12 quantity, SPM-14 note, SPM-17 collected (a
 * period when SPM-17.2 is valued), SPM-18 receivedTime, SPM-20 status ({@code
 * codesystems/YesNoIndicator[AvailabilityStatus]}), SPM-24 condition (table 0493), SPM-27 container type,
 * SPM-30 accessionIdentifier, SPM-31 and SPM-32 (shipment, type SHIP) identifiers. An OBR that describes its specimen (OBR-9, 10, 14 or 15)
 * gives one more, after {@code segments/OBR[Specimen]} (both are in {@code messages/ORU_R01}): OBR-2/3
 * identifiers, OBR-7/8 collected, OBR-9 quantity, OBR-10 collector, OBR-14 receivedTime, OBR-15 type,
 * additive, method and body site, OBR-39 notes,
 * identified by the order's number.
 */
final class SpecimenMapping {

    private SpecimenMapping() {}

    record MappedSpecimen(Specimen specimen, Identifier matchOn) {}

    /**
     * @param orderId the report's identifier, which identifies a specimen that has no SPM-2 of its own
     */
    static MappedSpecimen fromSpm(Fields spm, Identifier orderId, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        Specimen specimen = new Specimen();
        String placer = spm.get(2, 0, 1, 1);
        String filler = spm.get(2, 0, 2, 1);
        if (placer != null) {
            specimen.addIdentifier(new Identifier().setValue(placer).setType(Datatypes.identifierType("PGN")));
        }
        if (filler != null) {
            specimen.addIdentifier(new Identifier().setValue(filler).setType(Datatypes.identifierType("FGN")));
        }
        // The identity: the filler's specimen id, else the placer's, else the order's number and SPM-1.
        Identifier matchOn = new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(
                        filler != null
                                ? "specimen/" + filler
                                : placer != null
                                        ? "specimen/" + placer
                                        : orderId.getValue() + "/specimen/" + (spm.get(1) == null ? "1" : spm.get(1)));
        specimen.getIdentifier().add(0, matchOn);
        if (spm.get(32, 1) != null) {
            specimen.addIdentifier(new Identifier().setValue(spm.get(32, 1)).setType(Datatypes.identifierType("SHIP")));
        }
        for (int rep = 0; rep < spm.repetitions(31); rep++) {
            Identifier other = Datatypes.identifier(spm, 31, rep);
            if (other != null) {
                specimen.addIdentifier(other);
            }
        }
        specimen.setAccessionIdentifier(Datatypes.identifier(spm, 30, 0));
        for (int rep = 0; rep < spm.repetitions(3); rep++) {
            String parent = spm.get(3, rep, 2) != null ? spm.get(3, rep, 2) : spm.get(3, rep, 1);
            if (parent != null) {
                specimen.addParent(
                        new Reference().setType("Specimen").setIdentifier(new Identifier().setValue(parent)));
            }
        }
        specimen.setType(Datatypes.codeableConcept(spm, 4, 0, "0487"));
        for (int rep = 0; rep < spm.repetitions(6); rep++) {
            CodeableConcept additive = Datatypes.codeableConcept(spm, 6, rep, "0371");
            if (additive != null) {
                specimen.addContainer().setAdditive(additive);
            }
        }
        CodeableConcept containerType = Datatypes.codeableConcept(spm, 27, 0);
        if (containerType != null) {
            (specimen.hasContainer() ? specimen.getContainerFirstRep() : specimen.addContainer())
                    .setType(containerType);
        }
        Specimen.SpecimenCollectionComponent collection = specimen.getCollection();
        collection.setMethod(Datatypes.codeableConcept(spm, 7, 0, "0488"));
        collection.setBodySite(Datatypes.codeableConcept(spm, 8, 0));
        collection.setQuantity(quantity(spm, 12));
        DateTimeType start = Datatypes.dateTime(spm, 17, 0, 1, partner.timeZone());
        DateTimeType end = Datatypes.dateTime(spm, 17, 0, 2, partner.timeZone());
        if (end != null) {
            collection.setCollected(new Period().setStartElement(start).setEndElement(end));
        } else if (start != null) {
            collection.setCollected(start);
        }
        DateTimeType received = Datatypes.dateTime(spm, 18, partner.timeZone());
        if (received != null) {
            specimen.setReceivedTimeElement(received);
        }
        Boolean available = PatientMapping.yesNo(spm.get(20));
        if (available != null) {
            specimen.setStatus(available ? Specimen.SpecimenStatus.AVAILABLE : Specimen.SpecimenStatus.UNAVAILABLE);
        }
        for (int rep = 0; rep < spm.repetitions(24); rep++) {
            CodeableConcept condition = Datatypes.codeableConcept(spm, 24, rep, "0493");
            if (condition != null) {
                specimen.addCondition(condition);
            }
        }
        if (spm.get(14) != null) {
            specimen.addNote().setText(spm.get(14));
        }
        if (!collection.hasMethod()
                && !collection.hasBodySite()
                && !collection.hasQuantity()
                && !collection.hasCollected()
                && !collection.hasCollector()) {
            specimen.setCollection(null);
        }
        for (int field : new int[] {5, 9, 10, 11, 13, 15, 16, 19, 21, 22, 23, 25, 26, 28, 29}) {
            if (spm.present(field)) {
                unmapped.add("SPM-" + field);
            }
        }
        return new MappedSpecimen(specimen, matchOn);
    }

    /** The order's Specimen from its OBR alone, or null when the OBR says nothing about its specimen. */
    static MappedSpecimen fromObr(Fields obr, Identifier orderId, PartnerProperties partner) throws MappingException {
        if (!obr.present(9) && !obr.present(10) && !obr.present(14) && !obr.present(15) && !obr.present(39)) {
            return null;
        }
        Specimen specimen = new Specimen();
        Identifier matchOn = new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(orderId.getValue() + "/specimen");
        specimen.addIdentifier(matchOn);
        if (obr.get(2, 1) != null) {
            specimen.addIdentifier(new Identifier().setValue(obr.get(2, 1)).setType(Datatypes.identifierType("PLAC")));
        }
        if (obr.get(3, 1) != null) {
            specimen.addIdentifier(new Identifier().setValue(obr.get(3, 1)).setType(Datatypes.identifierType("FILL")));
        }
        DateTimeType start = Datatypes.dateTime(obr, 7, partner.timeZone());
        DateTimeType end = Datatypes.dateTime(obr, 8, partner.timeZone());
        if (end != null) {
            specimen.getCollection()
                    .setCollected(new Period().setStartElement(start).setEndElement(end));
        } else if (start != null) {
            specimen.getCollection().setCollected(start);
        }
        // OBR-15 (specimen source, SPS until v2.6): the source (15.1) is the type, then the additive (15.2),
        // the collection method (15.3, text) and the body site (15.4), each a CWE in subcomponents.
        specimen.setType(Datatypes.codeableConceptIn(obr, 15, 1));
        CodeableConcept additive = Datatypes.codeableConceptIn(obr, 15, 2);
        if (additive != null) {
            specimen.addContainer().setAdditive(additive);
        }
        if (obr.get(15, 0, 3) != null) {
            specimen.getCollection().setMethod(new CodeableConcept().setText(obr.get(15, 0, 3)));
        }
        specimen.getCollection().setBodySite(Datatypes.codeableConceptIn(obr, 15, 4));
        specimen.getCollection().setCollector(Datatypes.practitioner(obr, 10, 0));
        specimen.getCollection().setQuantity(quantity(obr, 9));
        DateTimeType received = Datatypes.dateTime(obr, 14, partner.timeZone());
        if (received != null) {
            specimen.setReceivedTimeElement(received);
        }
        for (int rep = 0; rep < obr.repetitions(39); rep++) {
            CodeableConcept comment = Datatypes.codeableConcept(obr, 39, rep);
            if (comment != null) {
                specimen.addNote()
                        .setText(
                                comment.hasText()
                                        ? comment.getText()
                                        : comment.getCodingFirstRep().getDisplay());
            }
        }
        return new MappedSpecimen(specimen, matchOn);
    }

    /** CQ[Quantity]: the amount (CQ-1) and its unit (CQ-2, a CWE). */
    private static SimpleQuantity quantity(Fields f, int field) {
        BigDecimal amount = Datatypes.decimal(f.get(field, 0, 1));
        if (amount == null) {
            return null;
        }
        SimpleQuantity quantity = new SimpleQuantity();
        quantity.setValue(amount);
        Datatypes.applyUnit(quantity, f.get(field, 0, 2, 1), f.get(field, 0, 2, 2), f.get(field, 0, 2, 3));
        return quantity;
    }
}
