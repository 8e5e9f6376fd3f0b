package io.healthportal.ingest.archive;

import io.healthportal.ingest.config.IngestProperties;
import java.io.IOException;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

@Configuration(proxyBeanMethods = false)
class ArchiveConfig {

    @Bean
    PayloadCipher payloadCipher(ArchiveKeys keys) {
        return new PayloadCipher(keys);
    }

    @Bean
    @Profile("!aws-kms")
    ArchiveKeys localArchiveKeys(IngestProperties properties) throws IOException {
        return new LocalArchiveKeys(ArchiveKey.readOrCreate(properties.archiveKeyFile()));
    }

    @Configuration(proxyBeanMethods = false)
    @Profile("aws-kms")
    static class AwsKms {

        @Bean(destroyMethod = "close")
        KmsClient kmsClient(AwsKmsProperties properties) {
            properties.requireComplete();
            KmsClientBuilder builder = KmsClient.builder()
                    .region(Region.of(properties.region()))
                    .httpClientBuilder(UrlConnectionHttpClient.builder());
            if (properties.endpoint() != null
                    && !properties.endpoint().toString().isEmpty()) {
                builder.endpointOverride(properties.endpoint());
            }
            return builder.build();
        }

        @Bean
        ArchiveKeys kmsArchiveKeys(KmsClient kms, AwsKmsProperties properties, JdbcTemplate jdbc) {
            properties.requireComplete();
            return new KmsArchiveKeys(kms, properties.keyId(), jdbc, properties.dataKeyLifetime(), Clock.systemUTC());
        }
    }
}
