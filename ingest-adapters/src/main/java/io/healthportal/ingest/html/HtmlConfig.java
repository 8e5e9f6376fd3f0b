package io.healthportal.ingest.html;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class HtmlConfig {

    @Bean
    HtmlReportFormat htmlReportFormat() {
        return new HtmlReportFormat();
    }
}
