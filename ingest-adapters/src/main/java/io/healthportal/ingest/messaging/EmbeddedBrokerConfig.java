package io.healthportal.ingest.messaging;

import io.healthportal.ingest.config.IngestProperties;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.amqp.RabbitProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The default profile's AMQP 0-9-1 broker (Apache Qpid Broker-J, in this process) on a fixed port other
 * than 5672, so a new user installs nothing and other parts connect to it as clients. It keeps messages
 * in memory; the outbox makes that safe, because every receipt not yet written is published again when
 * ingest-adapters (and so the broker) restarts ({@link OutboxRelay}).
 */
@Configuration(proxyBeanMethods = false)
@Profile("!rabbitmq")
class EmbeddedBrokerConfig {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBrokerConfig.class);

    @Bean(destroyMethod = "shutdown")
    SystemLauncher embeddedBroker(IngestProperties properties, RabbitProperties rabbit) throws Exception {
        if (!properties.broker().embedded()) {
            throw new IllegalStateException(
                    "INGEST-BROKER-PORT: portal.ingest.broker.embedded-port must be set without the rabbitmq profile");
        }
        Path workDir = properties.dataDir().resolve("ingest-broker").toAbsolutePath();
        Files.createDirectories(workDir);
        URL initialConfiguration = EmbeddedBrokerConfig.class.getResource("/broker/qpid-embedded.json");
        if (initialConfiguration == null) {
            throw new IOException("broker/qpid-embedded.json is missing from the classpath");
        }
        Map<String, String> context = new HashMap<>();
        context.put("ingest.broker.port", Integer.toString(properties.broker().embeddedPort()));
        context.put("ingest.broker.username", rabbit.getUsername());
        context.put("ingest.broker.password", rabbit.getPassword());
        context.put("qpid.work_dir", workDir.toString());
        context.put("qpid.broker.defaultPreferenceStoreAttributes", "{\"type\": \"Noop\"}");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(SystemConfig.TYPE, "Memory");
        attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, initialConfiguration.toExternalForm());
        attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
        attributes.put(SystemConfig.CONTEXT, context);
        SystemLauncher launcher = new SystemLauncher();
        launcher.startup(attributes);
        log.warn(
                "Embedded AMQP broker on 127.0.0.1:{} (messages in memory): for trying the portal out",
                properties.broker().embeddedPort());
        return launcher;
    }
}
