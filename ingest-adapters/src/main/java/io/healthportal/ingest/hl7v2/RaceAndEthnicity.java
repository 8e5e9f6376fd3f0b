package io.healthportal.ingest.hl7v2;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;

/**
 * PID-10 (race) and PID-22 (ethnic group). The IG maps both to "the local extension" of the realm whose
 * codes they are; the codes partners send here are the CDC's race and ethnicity codes (table 0005, CDCREC)
 * and table 0189, whose local extensions are US Core's race and ethnicity: OMB categories as {@code
 * ombCategory}, other CDC codes as {@code detailed}, and the required {@code text}. Codes from elsewhere
 * have no extension to go to here and are reported unmapped by the caller.
 */
final class RaceAndEthnicity {

    static final String US_CORE_RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
    static final String US_CORE_ETHNICITY = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";

    /** The five OMB race categories. */
    private static final Map<String, String> OMB_RACES = Map.of(
            "1002-5", "American Indian or Alaska Native",
            "2028-9", "Asian",
            "2054-5", "Black or African American",
            "2076-8", "Native Hawaiian or Other Pacific Islander",
            "2106-3", "White");

    /** The two OMB ethnicity categories, by CDC code and by their table 0189 codes. */
    private static final Map<String, String> OMB_ETHNICITIES =
            Map.of("2135-2", "Hispanic or Latino", "2186-5", "Not Hispanic or Latino");

    private static final Map<String, String> TABLE_0189 = Map.of("H", "2135-2", "N", "2186-5");

    private static final Pattern CDC_CODE = Pattern.compile("\\d{4}-\\d");

    private RaceAndEthnicity() {}

    /** The US Core race extension for a PID-10 of CDC race codes, or null when it holds none. */
    static Extension race(Fields pid, int field) {
        return extension(pid, field, US_CORE_RACE, OMB_RACES, Map.of());
    }

    /** The US Core ethnicity extension for a PID-22 of table 0189 or CDC ethnicity codes, or null. */
    static Extension ethnicity(Fields pid, int field) {
        return extension(pid, field, US_CORE_ETHNICITY, OMB_ETHNICITIES, TABLE_0189);
    }

    private static Extension extension(
            Fields pid, int field, String url, Map<String, String> omb, Map<String, String> fromTable) {
        Extension extension = new Extension(url);
        List<String> texts = new ArrayList<>();
        for (int rep = 0; rep < pid.repetitions(field); rep++) {
            String code = pid.get(field, rep, 1);
            if (code != null && fromTable.containsKey(code)) {
                code = fromTable.get(code);
            }
            if (code == null || !CDC_CODE.matcher(code).matches() || !cdcSystem(pid.get(field, rep, 3))) {
                continue;
            }
            String display = omb.containsKey(code) ? omb.get(code) : pid.get(field, rep, 2);
            extension.addExtension(
                    omb.containsKey(code) ? "ombCategory" : "detailed",
                    new Coding(Datatypes.CDC_RACE_ETHNICITY, code, display).setVersion(pid.get(field, rep, 7)));
            texts.add(display != null ? display : code);
        }
        if (texts.isEmpty()) {
            return null;
        }
        extension.addExtension("text", new StringType(String.join(", ", texts)));
        return extension;
    }

    /** Sent without a coding system, or under a name for the CDC codes or tables 0005 and 0189. */
    private static boolean cdcSystem(String name) {
        return name == null
                || name.equalsIgnoreCase("CDCREC")
                || name.equalsIgnoreCase("HL70005")
                || name.equalsIgnoreCase("HL70189")
                || name.equals("2.16.840.1.113883.6.238");
    }
}
