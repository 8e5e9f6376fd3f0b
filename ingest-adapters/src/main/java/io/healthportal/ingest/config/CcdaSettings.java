package io.healthportal.ingest.config;

/**
 * How a partner's C-CDA documents name their patients: the OID roots of {@code recordTarget/patientRole/id}.
 *
 * @param nhsNumberRoot the root of NHS numbers (default {@code 2.16.840.1.113883.2.1.4.1}, the NHS number's OID)
 * @param mrnRoot the root of the partner's medical record numbers (system {@code identifier-systems.mrn})
 */
public record CcdaSettings(String nhsNumberRoot, String mrnRoot) {

    public static final String NHS_NUMBER_OID = "2.16.840.1.113883.2.1.4.1";

    public String nhsRoot() {
        return nhsNumberRoot == null || nhsNumberRoot.isBlank() ? NHS_NUMBER_OID : nhsNumberRoot;
    }
}
