package io.healthportal.server.storage;

import io.healthportal.server.authserver.AuthSchema;
import javax.sql.DataSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * {@code --portal.schema.migrate-only=true} (or {@code PORTAL_SCHEMA_MIGRATE_ONLY=true}): apply HAPI's
 * pending migration tasks (and the authorization server's) to the configured database and exit, without starting the FHIR server.
 * Kubernetes runs this as a Job before each rollout; an operator can run it by hand before an
 * upgrade.
 */
public final class SchemaMigrationCommand {

    static final String PROPERTY = "portal.schema.migrate-only";

    private SchemaMigrationCommand() {}

    public static boolean requested(String[] args) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        return environment.getProperty(PROPERTY, Boolean.class, false);
    }

    /** Migrates and returns the process exit code. */
    public static int run(String[] args) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MigrationOnly.class)
                .web(WebApplicationType.NONE)
                .run(args)) {
            FhirSchema.migrate(context.getBean(DataSource.class));
            AuthSchema.migrate(context.getBean(DataSource.class));
            return 0;
        }
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration(DataSourceAutoConfiguration.class)
    @EnableConfigurationProperties(io.healthportal.server.config.PortalProperties.class)
    @Import(EmbeddedPostgresConfig.class)
    static class MigrationOnly {}
}
