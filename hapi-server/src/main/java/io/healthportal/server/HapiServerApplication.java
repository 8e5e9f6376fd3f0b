package io.healthportal.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The portal's FHIR R4 system of record. HAPI's own migration tasks own the schema, so Spring's
 * Flyway auto-configuration stays off even if a library drags Flyway onto the class path.
 */
@SpringBootApplication(exclude = {FlywayAutoConfiguration.class, ElasticsearchRestClientAutoConfiguration.class})
@ConfigurationPropertiesScan
public class HapiServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(HapiServerApplication.class, args);
    }
}
