package io.healthportal.ingest.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.testing.LocalKms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;

/** What the {@code aws-kms} profile wires: KMS-backed keys, a client on the configured endpoint and region. */
class AwsKmsProfileTest {

    private static LocalKms kms;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(context -> context.getEnvironment().setActiveProfiles("aws-kms"))
            .withUserConfiguration(Properties.class, ArchiveConfig.class)
            // Never queried here: the keys reach the database only when a payload is sealed.
            .withBean(JdbcTemplate.class, () -> new JdbcTemplate(new SimpleDriverDataSource()));

    @BeforeAll
    static void startKms() {
        kms = new LocalKms();
        // The SDK's default credentials chain reads these first, as a deployment's environment would be read.
        System.setProperty("aws.accessKeyId", LocalKms.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalKms.SECRET_ACCESS_KEY);
    }

    @AfterAll
    static void stopKms() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        kms.close();
    }

    @Test
    void theProfileUsesKmsKeysThroughTheConfiguredEndpointWithTheDefaultCredentials() {
        runner.withPropertyValues(
                        "portal.ingest.aws-kms.key-id=" + LocalKms.ALIAS,
                        "portal.ingest.aws-kms.region=" + LocalKms.REGION,
                        "portal.ingest.aws-kms.endpoint=" + kms.endpoint(),
                        "portal.ingest.aws-kms.data-key-lifetime=PT24H")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ArchiveKeys.class)).isInstanceOf(KmsArchiveKeys.class);
                    var key = context.getBean(KmsClient.class)
                            .generateDataKey(r -> r.keyId(LocalKms.ALIAS).keySpec(DataKeySpec.AES_256));
                    assertThat(key.keyId()).isEqualTo(LocalKms.KEY_ARN);
                    assertThat(key.plaintext().asByteArray()).hasSize(32);
                });
    }

    @Test
    void withoutAKeyIdTheProfileRefusesToStartAndSaysWhatIsMissing() {
        runner.withPropertyValues("portal.ingest.aws-kms.region=" + LocalKms.REGION)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("INGEST-ARCHIVE-KMS")
                        .hasMessageContaining("INGEST_KMS_KEY_ID"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AwsKmsProperties.class)
    static class Properties {}
}
