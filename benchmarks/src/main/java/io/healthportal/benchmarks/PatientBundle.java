package io.healthportal.benchmarks;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.healthportal.demo.DemoDataGenerator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * One patient's transaction, encoded before the clock starts, with what the search mix later asks
 * about that patient: the family name and some of the patient's Observation codes.
 *
 * @param patientEntry the position of the Patient entry, whose response carries the server's id
 */
record PatientBundle(byte[] json, int resources, int patientEntry, String family, List<String> observationCodes) {

    private static final int CODES_KEPT = 8;

    static PatientBundle encode(Bundle bundle) {
        IParser parser = FhirContext.forR4Cached().newJsonParser();
        int patientEntry = -1;
        String family = null;
        Set<String> codes = new LinkedHashSet<>();
        List<BundleEntryComponent> entries = bundle.getEntry();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getResource() instanceof Patient patient && patientEntry < 0) {
                patientEntry = i;
                family = patient.getNameFirstRep().getFamily();
            } else if (entries.get(i).getResource() instanceof Observation observation && codes.size() < CODES_KEPT) {
                Coding coding = observation.getCode().getCodingFirstRep();
                if (coding.hasSystem() && coding.hasCode()) {
                    codes.add(coding.getSystem() + "|" + coding.getCode());
                }
            }
        }
        if (patientEntry < 0 || family == null || codes.isEmpty()) {
            throw new IllegalStateException("A generated patient bundle lacks a named Patient or coded Observations");
        }
        byte[] json = parser.encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
        return new PatientBundle(
                json, DemoDataGenerator.resourceCount(bundle), patientEntry, family, List.copyOf(codes));
    }
}
