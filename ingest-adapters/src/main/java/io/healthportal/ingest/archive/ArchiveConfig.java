package io.healthportal.ingest.archive;

import io.healthportal.ingest.config.IngestProperties;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ArchiveConfig {

    @Bean
    PayloadCipher payloadCipher(IngestProperties properties) throws IOException {
        return new PayloadCipher(ArchiveKey.readOrCreate(properties.archiveKeyFile()));
    }
}
