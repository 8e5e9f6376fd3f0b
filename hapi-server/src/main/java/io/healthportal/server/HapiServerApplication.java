package io.healthportal.server;

import io.healthportal.server.storage.SchemaMigrationCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The portal's FHIR R4 system of record. HAPI's own migration tasks own the schema, so Spring's
 * Flyway auto-configuration stays off (Flyway is on the class path only because HAPI's migrator uses
 * its version types).
 */
@SpringBootApplication(exclude = {FlywayAutoConfiguration.class, ElasticsearchRestClientAutoConfiguration.class})
@ConfigurationPropertiesScan
public class HapiServerApplication {

    public static void main(String[] args) {
        if (SchemaMigrationCommand.requested(args)) {
            System.exit(SchemaMigrationCommand.run(args));
        }
        SpringApplication.run(HapiServerApplication.class, args);
    }
}
