package io.healthportal.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.testing.RequiresPostgres;
import io.healthportal.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * HAPI's migrator on an empty PostgreSQL database, beside the Flyway that Spring Boot manages (HAPI's
 * task list compares versions with Flyway's types).
 */
@RequiresPostgres
class FhirSchemaMigrationIT {

    @Test
    void migratesAnEmptyDatabaseAndThenHasNothingLeftToDo() throws SQLException {
        PGSimpleDataSource database =
                TestPostgres.instance().dataSourceFor(TestPostgres.instance().newDatabase("migrate_twice"));

        assertThat(FhirSchema.migrate(database)).isPositive();
        assertThat(FhirSchema.migrate(database)).isZero();

        assertThat(count(database, "SELECT count(*) FROM hfj_resource")).isZero();
        assertThat(count(database, "SELECT count(*) FROM \"FLY_HFJ_MIGRATION\" WHERE \"success\""))
                .isPositive();
    }

    @Test
    void runsWithTheFlywayVersionSpringBootManages() throws IOException {
        Properties flyway = new Properties();
        try (InputStream in =
                MigrationVersion.class.getResourceAsStream("/META-INF/maven/org.flywaydb/flyway-core/pom.properties")) {
            flyway.load(in);
        }
        assertThat(flyway.getProperty("version"))
                .as("Flyway on the class path")
                .isEqualTo(System.getProperty("spring-boot.managed.flyway.version"));
    }

    @Test
    void migrateOnlyCommandMigratesTheConfiguredDatabaseAndExits() throws SQLException {
        String url = TestPostgres.instance().newDatabase("migrate_command");
        String[] args = {
            "--spring.profiles.active=postgres",
            "--spring.datasource.url=" + url,
            "--spring.datasource.username=" + TestPostgres.instance().user(),
            "--spring.datasource.password=" + TestPostgres.instance().password(),
            "--portal.schema.migrate-only=true"
        };

        assertThat(SchemaMigrationCommand.requested(args)).isTrue();
        assertThat(SchemaMigrationCommand.run(args)).isZero();
        assertThat(count(
                        TestPostgres.instance().dataSourceFor(url),
                        "SELECT count(*) FROM \"FLY_HFJ_MIGRATION\" WHERE \"success\""))
                .isPositive();
    }

    private static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
