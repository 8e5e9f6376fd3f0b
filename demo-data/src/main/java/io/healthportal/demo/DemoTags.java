package io.healthportal.demo;

import org.hl7.fhir.r4.model.Resource;

/**
 * Marks every generated resource as test data with HL7's {@code HTEST} (test health data) code, so
 * demo data can be found with {@code _tag} and never mistaken for a real record.
 */
final class DemoTags {

    static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    static final String CODE = "HTEST";

    private DemoTags() {}

    static void mark(Resource resource) {
        if (resource.getMeta().getTag(SYSTEM, CODE) == null) {
            resource.getMeta().addTag(SYSTEM, CODE, "test health data");
        }
    }
}
