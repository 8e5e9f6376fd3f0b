package io.healthportal.server.storage;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.MigrationResult;
import ca.uhn.fhir.jpa.migrate.SchemaMigrator;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR schema as HAPI's own migration tasks define it. Running them (never Hibernate's
 * {@code ddl-auto}) creates an empty database and upgrades an existing one in place, so that data
 * survives a HAPI upgrade. Applied tasks are recorded in HAPI's migration table; a second run is a
 * no-op.
 */
public final class FhirSchema {

    private static final Logger log = LoggerFactory.getLogger(FhirSchema.class);

    private FhirSchema() {}

    /** Applies every pending HAPI migration task and returns how many ran. */
    public static int migrate(DataSource dataSource) {
        long started = System.nanoTime();
        HapiMigrator migrator =
                new HapiMigrator(SchemaMigrator.HAPI_FHIR_MIGRATION_TABLENAME, dataSource, DriverTypeEnum.POSTGRES_9_4);
        migrator.createMigrationTableIfRequired();
        migrator.addTasks(new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
        MigrationResult result = migrator.migrate();
        if (!result.failedTasks.isEmpty()) {
            throw new IllegalStateException("FHIR schema migration failed: " + result.summary());
        }
        log.info(
                "FHIR schema up to date: {} migration tasks applied in {} ms",
                result.succeededTasks.size(),
                (System.nanoTime() - started) / 1_000_000);
        return result.succeededTasks.size();
    }
}
