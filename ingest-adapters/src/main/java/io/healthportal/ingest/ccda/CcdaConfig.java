package io.healthportal.ingest.ccda;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CcdaConfig {

    @Bean
    CcdaFormat ccdaFormat() {
        return new CcdaFormat();
    }
}
