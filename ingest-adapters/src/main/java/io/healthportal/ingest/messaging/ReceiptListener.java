package io.healthportal.ingest.messaging;

import com.rabbitmq.client.Channel;
import io.healthportal.ingest.pipeline.ReceiptProcessor;
import io.healthportal.ingest.pipeline.ReceiptProcessor.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.stereotype.Component;

/**
 * Consumes receipt ids. The message is acknowledged only after the receipt is finished (written to
 * hapi-server, or dead-lettered); while hapi-server fails transiently the processor retries with
 * backoff inside this call, so the consumer pauses instead of taking more work. If it gives up for
 * now, the message goes back to the queue; if this process dies, the broker redelivers it. It listens on
 * every partition queue, one container each ({@link QueueConfig}).
 */
@Component
class ReceiptListener implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(ReceiptListener.class);

    private final ReceiptProcessor processor;

    ReceiptListener(ReceiptProcessor processor) {
        this.processor = processor;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        UUID receiptId;
        try {
            receiptId = UUID.fromString(new String(message.getBody(), StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            log.error("INGEST-QUEUE-BAD-MESSAGE: a queued message is not a receipt id; discarded");
            channel.basicReject(tag, false);
            return;
        }
        Outcome outcome;
        try {
            outcome = processor.process(receiptId);
        } catch (RuntimeException e) {
            log.error("INGEST-PROCESS-FAILED: receipt {} failed unexpectedly; returned to the queue", receiptId, e);
            pauseBeforeRequeue();
            outcome = Outcome.RETRY_LATER;
        }
        if (outcome == Outcome.FINISHED) {
            channel.basicAck(tag, false);
        } else {
            channel.basicNack(tag, false, true);
        }
    }

    /** Without a pause an unexpected failure (the database gone, say) would spin on redelivery. */
    private static void pauseBeforeRequeue() {
        try {
            Thread.sleep(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
