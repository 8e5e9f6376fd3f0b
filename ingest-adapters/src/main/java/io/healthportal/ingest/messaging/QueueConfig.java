package io.healthportal.ingest.messaging;

import io.healthportal.ingest.config.IngestProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class QueueConfig {

    /** Durable; a quorum queue on RabbitMQ (replicated, survives a node loss). */
    @Bean
    Queue receiptQueue(IngestProperties properties) {
        QueueBuilder queue = QueueBuilder.durable(properties.broker().queue());
        if (properties.broker().quorumQueues()) {
            queue.quorum();
        }
        return queue.build();
    }
}
