package io.healthportal.ingest.messaging;

import io.healthportal.ingest.config.IngestProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.annotation.RabbitListenerConfigurer;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerEndpoint;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistrar;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Per-patient ordering on the broker. Receipts are routed by their patient key ({@link
 * io.healthportal.ingest.pipeline.PatientKeys}, a keyed pseudonym stored on the receipt, never sent to the
 * broker) to one of {@code portal.ingest.broker.partitions} durable queues, which the application
 * declares. Each queue has exactly one consumer at a time, taking one message at a time (prefetch 1)
 * and acknowledging it only when it is finished; the consumer retries a failing write in place, so while
 * one message for a patient waits for hapi-server, later messages for that patient wait behind it in its
 * queue, and a message returned to the queue (consumer gone, retries given up for now) is delivered
 * again before them. Partitions are processed in parallel.
 *
 * <p>On RabbitMQ (the {@code rabbitmq} profile, several replicas) the queues are quorum queues with
 * {@code x-single-active-consumer}: every replica subscribes to every partition, the broker delivers
 * to one of them and fails over to another when it goes away. So at most {@code partitions} messages
 * are processed at once however many replicas run (often all on the replica that subscribed first):
 * scale by raising the partitions, not only the replicas. The embedded broker is in one process,
 * which subscribes once per queue. The relay publishes in receipt order, one replica at a time ({@link
 * OutboxRelay}). What the broker order cannot cover (a publish retried after a later one for the same
 * patient was confirmed, a payload naming several patients) the database still orders: {@code
 * EventOrder} skips a message older than what is stored.
 */
@Configuration(proxyBeanMethods = false)
class QueueConfig {

    @Bean
    Declarables receiptQueues(IngestProperties properties) {
        IngestProperties.Broker broker = properties.broker();
        List<Declarable> queues = new ArrayList<>();
        for (int p = 0; p < broker.partitions(); p++) {
            QueueBuilder queue = QueueBuilder.durable(broker.partitionQueue(p));
            if (broker.quorumQueues()) {
                queue.quorum().singleActiveConsumer();
            }
            queues.add(queue.build());
        }
        return new Declarables(queues);
    }

    /** One listener container per partition queue, each with a single consumer. */
    @Bean
    RabbitListenerConfigurer receiptListeners(IngestProperties properties, ReceiptListener listener) {
        return (RabbitListenerEndpointRegistrar registrar) -> {
            for (int p = 0; p < properties.broker().partitions(); p++) {
                SimpleRabbitListenerEndpoint endpoint = new SimpleRabbitListenerEndpoint();
                endpoint.setId("receipts-" + p);
                endpoint.setQueueNames(properties.broker().partitionQueue(p));
                endpoint.setConcurrency("1");
                endpoint.setAckMode(AcknowledgeMode.MANUAL);
                endpoint.setMessageListener(listener);
                registrar.registerEndpoint(endpoint);
            }
        };
    }
}
