package io.healthportal.ingest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layout rules of STYLE.md that this module can break. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.healthportal.ingest");

    @Test
    void onlyTheMessagingPackageUsesSpringAmqpOrTheBroker() {
        noClasses()
                .that()
                .resideOutsideOfPackage("..ingest.messaging..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework.amqp..", "com.rabbitmq..", "org.apache.qpid..")
                .check(CLASSES);
    }

    @Test
    void parsersAndMappersArePlainJava() {
        noClasses()
                .that()
                .haveSimpleNameEndingWith("Mapping")
                .or()
                .haveSimpleNameEndingWith("Format")
                .or()
                .haveSimpleName("Datatypes")
                .or()
                .haveSimpleName("Fields")
                .or()
                .haveSimpleName("Hl7Timestamps")
                .or()
                .haveSimpleName("NhsNumber")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework..")
                .check(CLASSES);
    }

    @Test
    void onlyTheFhirPackageTalksToHapiServer() {
        noClasses()
                .that()
                .resideOutsideOfPackage("..ingest.fhir..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("ca.uhn.fhir.rest.client..")
                .check(CLASSES);
    }
}
