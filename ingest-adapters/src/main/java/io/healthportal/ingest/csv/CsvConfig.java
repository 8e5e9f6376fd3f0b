package io.healthportal.ingest.csv;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CsvConfig {

    @Bean
    CsvFormat csvFormat() {
        return new CsvFormat();
    }
}
