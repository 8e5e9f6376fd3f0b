package io.healthportal.server.authserver;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization server's tables (clients, authorizations, consents, users, assertion replay
 * state), migrated by Flyway from {@code db/auth} with a history table of their own, beside the FHIR
 * schema that HAPI's migrator owns. Idempotent; Flyway's lock keeps replicas from racing.
 */
public final class AuthSchema {

    private static final Logger log = LoggerFactory.getLogger(AuthSchema.class);
    static final String HISTORY_TABLE = "portal_auth_schema_history";

    private AuthSchema() {}

    /** Applies every pending migration and returns how many ran. */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/auth")
                .table(HISTORY_TABLE)
                // The database already holds HAPI's tables when this first runs.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        log.info("Authorization schema up to date: {} migrations applied", result.migrationsExecuted);
        return result.migrationsExecuted;
    }
}
