package io.healthportal.ingest.json;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JsonConfig {

    @Bean
    JsonFeedFormat jsonFeedFormat() {
        return new JsonFeedFormat();
    }
}
