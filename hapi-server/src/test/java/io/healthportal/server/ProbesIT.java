package io.healthportal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
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
        CapabilityStatement statement =
                client().capabilities().ofType(CapabilityStatement.class).execute();
        List<String> operations = new ArrayList<>();
        statement.getRestFirstRep().getOperation().forEach(o -> operations.add(o.getName()));
        statement
                .getRestFirstRep()
                .getResource()
                .forEach(r -> r.getOperation().forEach(o -> operations.add(r.getType() + "/" + o.getName())));

        assertThat(operations)
                .contains("export", "Patient/everything", "Patient/validate")
                .noneMatch(name -> name.contains("upload-external-code-system")
                        || name.contains("trigger-subscription")
                        || name.endsWith("expunge")
                        || name.contains("reindex"));
    }

    private java.net.http.HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)));
    }
}
