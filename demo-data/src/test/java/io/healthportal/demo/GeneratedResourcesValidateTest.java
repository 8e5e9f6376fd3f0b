package io.healthportal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validates generated resources offline against the FHIR R4 base specification and the core
 * vital-signs profiles. SNOMED CT, LOINC and dm+d cannot be checked without a terminology server,
 * so warnings about their codes are expected; errors are not.
 */
class GeneratedResourcesValidateTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    // Built once: the validator is expensive to create and holds no per-test state.
    private static FhirValidator validator;

    private final DemoDataGenerator generator = new DemoDataGenerator(20250317L, LocalDate.of(2025, 3, 17));

    @BeforeAll
    static void createValidator() {
        ValidationSupportChain support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(FHIR),
                new InMemoryTerminologyServerValidationSupport(FHIR),
                new CommonCodeSystemsTerminologyService(FHIR));
        validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(support));
    }

    @Test
    void everySharedResourceValidatesWithoutErrors() {
        assertThat(errors(generator.sharedResources())).isEmpty();
    }

    @Test
    void everyResourceInSeveralPatientBundlesValidatesWithoutErrors() {
        generator
                .patientBundles(0, 4, 300)
                .forEach(bundle -> assertThat(errors(bundle)).isEmpty());
    }

    @Test
    void aPatientBundleValidatesAsATransaction() {
        Bundle bundle = generator.patientBundle(7, 60);
        List<String> errors = new ArrayList<>();
        for (SingleValidationMessage message :
                validator.validateWithResult(bundle).getMessages()) {
            if (message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
                errors.add(message.getLocationString() + ": " + message.getMessage());
            }
        }
        assertThat(errors).isEmpty();
    }

    private static List<String> errors(Bundle bundle) {
        List<String> errors = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            for (SingleValidationMessage message :
                    validator.validateWithResult(resource).getMessages()) {
                if (message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
                    errors.add(resource.fhirType() + " " + entry.getFullUrl() + " " + message.getLocationString() + ": "
                            + message.getMessage());
                }
            }
        }
        return errors.stream().distinct().limit(40).toList();
    }
}
