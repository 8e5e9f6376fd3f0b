package io.healthportal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * {@code :missing} is part of the search API the portal promises, whichever way the storage settings
 * index absent values: each search parameter type answers {@code :missing=true} and {@code
 * :missing=false} with exactly the resources that lack or have a value.
 */
class MissingModifierIT extends FhirServerTestBase {

    private static final String CODE_SYSTEM = "https://portal.example/missing-modifier-it";

    @Test
    void stringTokenAndDateParametersFindPatientsWithAndWithoutAValue() {
        String family = "Missingmod" + System.nanoTime();
        IIdType complete = create(new Patient()
                .addName(new HumanName().setFamily(family).addGiven("Ada"))
                .setGender(AdministrativeGender.FEMALE)
                .setBirthDateElement(new DateType("1970-01-01")));
        IIdType sparse = create(new Patient().addName(new HumanName().setFamily(family)));

        assertThat(ids("Patient?family=" + family + "&birthdate:missing=true")).containsExactly(sparse.getIdPart());
        assertThat(ids("Patient?family=" + family + "&birthdate:missing=false")).containsExactly(complete.getIdPart());
        assertThat(ids("Patient?family=" + family + "&gender:missing=true")).containsExactly(sparse.getIdPart());
        assertThat(ids("Patient?family=" + family + "&given:missing=true")).containsExactly(sparse.getIdPart());
        assertThat(ids("Patient?family=" + family + "&given:missing=false")).containsExactly(complete.getIdPart());
    }

    @Test
    void referenceAndQuantityParametersFindObservationsWithAndWithoutAValue() {
        String code = "m" + System.nanoTime();
        IIdType patient = create(new Patient().addName(new HumanName().setFamily("Missingsubject")));
        IIdType complete = create(observation(code)
                .setSubject(new Reference(patient.toUnqualifiedVersionless()))
                .setValue(new Quantity().setValue(72).setUnit("/min")));
        IIdType sparse = create(observation(code));
        String byCode = "Observation?code=" + CODE_SYSTEM + "|" + code;

        assertThat(ids(byCode + "&subject:missing=true")).containsExactly(sparse.getIdPart());
        assertThat(ids(byCode + "&subject:missing=false")).containsExactly(complete.getIdPart());
        assertThat(ids(byCode + "&value-quantity:missing=true")).containsExactly(sparse.getIdPart());
        assertThat(ids(byCode + "&value-quantity:missing=false")).containsExactly(complete.getIdPart());
    }

    private static Observation observation(String code) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding(CODE_SYSTEM, code, null)));
        return observation;
    }

    private IIdType create(org.hl7.fhir.r4.model.Resource resource) {
        return client().create().resource(resource).execute().getId().toUnqualifiedVersionless();
    }

    private List<String> ids(String search) {
        Bundle found = client().search()
                .byUrl(search)
                .returnBundle(Bundle.class)
                .cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true))
                .execute();
        return found.getEntry().stream()
                .map(entry -> entry.getResource().getIdElement().getIdPart())
                .toList();
    }
}
