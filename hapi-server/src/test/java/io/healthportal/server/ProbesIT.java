package io.healthportal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/** Probes on the main port, metrics on the management port, and nothing else exposed. */
class ProbesIT extends FhirServerTestBase {

    @LocalManagementPort
    int managementPort;

    @Test
    void livenessAndReadinessAnswerOnTheMainPort() {
        assertThat(get(port, "/livez").statusCode()).isEqualTo(200);
        var ready = get(port, "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("UP");
    }

    @Test
    void prometheusMetricsAnswerOnlyOnTheManagementPort() {
        var metrics = get(managementPort, "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        assertThat(get(port, "/actuator/prometheus").statusCode()).isEqualTo(404);
    }

    @Test
    void noOtherActuatorEndpointIsExposed() {
        for (String endpoint : new String[] {"env", "beans", "configprops", "heapdump", "loggers", "mappings"}) {
            assertThat(get(managementPort, "/actuator/" + endpoint).statusCode())
                    .as(endpoint)
                    .isEqualTo(404);
        }
    }

    @Test
    void noUnsecuredAdminOperationIsRegistered() {
        String capabilities = get(port, "/fhir/metadata").body();
        assertThat(capabilities)
                .doesNotContain("upload-external-code-system")
                .doesNotContain("$trigger-subscription")
                .doesNotContain("\"$expunge\"");
    }

    private java.net.http.HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)));
    }
}
