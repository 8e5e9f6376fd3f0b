package io.healthportal.ingest.hl7v2;

import ca.uhn.hl7v2.model.Segment;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.MappingException;
import java.util.List;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * ADT^A40 (merge patient, patient identifier list) as Patient links. For each PID/MRG pair the PID is the
 * surviving record and MRG-1 names the one merged into it: the survivor is written from the PID with a
 * {@code link} of type {@code replaces}; the retired record, matched on its own MRG-1 identifier, becomes
 * {@code active=false} with a {@code link} of type {@code replaced-by}. Both are conditional updates on
 * business identifiers, and nothing is deleted: the retired record's earlier versions stay in its history.
 * The IG maps MRG only to Account ({@code segments/MRG[Account]}); the Patient.link reading follows FHIR's
 * own guidance for merged patients.
 */
final class MergeMapping {

    private MergeMapping() {}

    static void map(
            List<Segment> segments, PartnerProperties partner, FhirTransaction transaction, List<String> unmapped)
            throws MappingException {
        Fields pid = null;
        int merges = 0;
        for (Segment segment : segments) {
            switch (segment.getName()) {
                case "PID" -> pid = new Fields(segment);
                case "MRG" -> {
                    if (pid == null) {
                        throw new MappingException("INGEST-HL7-MRG-WITHOUT-PID", "an MRG segment precedes every PID");
                    }
                    merge(pid, new Fields(segment), partner, transaction, unmapped);
                    pid = null;
                    merges++;
                }
                default -> {
                    // other segments were listed as unmapped
                }
            }
        }
        if (merges == 0) {
            throw new MappingException("INGEST-HL7-MISSING-SEGMENT", "the ADT^A40 message has no PID/MRG pair");
        }
    }

    private static void merge(
            Fields pid, Fields mrg, PartnerProperties partner, FhirTransaction transaction, List<String> unmapped)
            throws MappingException {
        PatientMapping.MappedPatient survivor = PatientMapping.map(pid, partner, unmapped);
        PatientMapping.PatientIdentity retiredIdentity = PatientMapping.identity(mrg, 1, partner, unmapped);
        if (retiredIdentity.matchOn().equalsDeep(survivor.matchOn())) {
            throw new MappingException(
                    "INGEST-HL7-MERGE-INTO-ITSELF", "MRG-1 names the same patient as PID-3: nothing to merge");
        }
        String survivorUrl = FhirTransaction.fullUrl(partner.id(), "Patient", survivor.matchOn());
        String retiredUrl = FhirTransaction.fullUrl(partner.id(), "Patient", retiredIdentity.matchOn());

        Patient retired = new Patient();
        retiredIdentity.identifiers().forEach(retired::addIdentifier);
        retired.setActive(false);
        for (int rep = 0; rep < mrg.repetitions(7); rep++) {
            var name = Datatypes.humanName(mrg, 7, rep);
            if (name != null) {
                retired.addName(name);
            }
        }
        retired.addLink().setType(Patient.LinkType.REPLACEDBY).setOther(new Reference(survivorUrl));

        Patient kept = survivor.patient();
        kept.setActive(true);
        kept.addLink().setType(Patient.LinkType.REPLACES).setOther(new Reference(retiredUrl));

        transaction.conditionalUpdate(kept, survivor.matchOn());
        transaction.conditionalUpdate(retired, retiredIdentity.matchOn());
        for (int field : new int[] {2, 3, 4, 5, 6}) {
            if (mrg.present(field)) {
                unmapped.add("MRG-" + field);
            }
        }
    }
}
