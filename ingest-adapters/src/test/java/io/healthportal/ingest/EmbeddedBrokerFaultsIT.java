package io.healthportal.ingest;

import io.healthportal.testing.FreePort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link FaultsTestBase}'s refused hapi-server port on the embedded broker (the default profile's, hosted
 * by this ingest-adapters). The embedded broker restarted, with its consumers holding unacknowledged
 * messages, is one SIGKILL of the process that hosts both: {@code EmbeddedBrokerRestartIT}.
 */
@ActiveProfiles("postgres")
class EmbeddedBrokerFaultsIT extends FaultsTestBase {

    @DynamicPropertySource
    static void embeddedBroker(DynamicPropertyRegistry registry) {
        int port = FreePort.find();
        registry.add("portal.ingest.broker.embedded-port", () -> port);
    }
}
