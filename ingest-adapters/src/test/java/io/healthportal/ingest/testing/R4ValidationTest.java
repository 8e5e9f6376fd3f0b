package io.healthportal.ingest.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

/** The validator the mapping tests rely on does find errors: their empty error lists mean something. */
class R4ValidationTest {

    @Test
    void reportsAnObservationWithoutStatusAndWithAnInvalidUcumUnit() {
        Observation observation = new Observation();
        observation.setCode(new CodeableConcept().setText("haemoglobin"));
        observation.setValue(new Quantity()
                .setValue(135)
                .setSystem("http://unitsofmeasure.org")
                .setCode("grams/litre"));
        assertThat(R4Validation.errors(observation))
                .anyMatch(e -> e.contains("status"))
                .anyMatch(e -> e.contains("grams/litre"));
    }
}
