package io.healthportal.ingest.hl7v2;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class Hl7v2Config {

    @Bean
    Hl7v2Format hl7v2Format() {
        return new Hl7v2Format();
    }
}
