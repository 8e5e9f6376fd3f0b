package io.healthportal.ingest.messaging;

import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.intake.Receipts.ReceiptAccepted;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes pending outbox rows to the broker, each message carrying only its receipt id (no PHI on the
 * broker), to the partition queue of its receipt's patient key ({@link QueueConfig}), and marks a row
 * published once the broker confirms it. One replica relays at a time (a transaction-scoped advisory
 * lock) and publishes rows in the order they were accepted, so each partition queue holds a patient's
 * messages in arrival order. A row whose publish is not confirmed stays pending and is tried again;
 * consumers skip receipts already finished, so a second copy is harmless.
 */
@Component
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    // pg advisory lock id of the relay: "outbox" in ASCII.
    private static final long RELAY_LOCK = 0x6f7574626f78L;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RabbitTemplate rabbit;
    private final IngestProperties properties;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "outbox-relay");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean ready;

    OutboxRelay(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            RabbitTemplate rabbit,
            IngestProperties properties,
            Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.rabbit = rabbit;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * The embedded broker lost whatever it held when this process stopped: every receipt still waiting
     * to be written is made pending again before relaying starts. A durable RabbitMQ queue keeps its
     * messages, so there nothing is republished.
     */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (properties.broker().embedded()) {
            int again = jdbc.update("UPDATE outbox o SET status = 'PENDING' FROM receipt r"
                    + " WHERE o.receipt_id = r.id AND o.status = 'PUBLISHED' AND r.status = 'ACCEPTED'");
            if (again > 0) {
                log.info("Publishing {} unfinished receipts again: the embedded broker starts empty", again);
            }
        }
        ready = true;
        nudge();
    }

    @EventListener
    void onAccepted(ReceiptAccepted accepted) {
        nudge();
    }

    /** Backstop for rows whose publish failed, and for rows written by another replica's intake. */
    @Scheduled(fixedDelayString = "${portal.ingest.outbox.poll-interval:2s}")
    void poll() {
        nudge();
    }

    private void nudge() {
        if (ready && queued.compareAndSet(false, true)) {
            worker.execute(() -> {
                queued.set(false);
                try {
                    while (publishBatch() == BATCH) {
                        // drain
                    }
                } catch (RuntimeException e) {
                    log.warn("INGEST-OUTBOX-RELAY: publishing failed, will retry: {}", e.toString());
                }
            });
        }
    }

    /** Publishes up to one batch of pending rows; returns how many rows it claimed. */
    int publishBatch() {
        Integer claimed = transactions.execute(status -> {
            // Two replicas relaying side by side could publish a patient's later message first.
            if (!Boolean.TRUE.equals(
                    jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, RELAY_LOCK))) {
                return 0;
            }
            List<Row> rows = jdbc.query(
                    "SELECT o.id, o.receipt_id, r.patient_key FROM outbox o JOIN receipt r ON r.id = o.receipt_id"
                            + " WHERE o.status = 'PENDING' ORDER BY o.id LIMIT ? FOR UPDATE OF o SKIP LOCKED",
                    (rs, n) -> new Row(
                            rs.getLong("id"), rs.getObject("receipt_id", UUID.class), rs.getString("patient_key")),
                    BATCH);
            List<CorrelationData> confirmations = new ArrayList<>();
            for (Row row : rows) {
                CorrelationData correlation = new CorrelationData(Long.toString(row.id()));
                rabbit.convertAndSend(
                        "",
                        properties.broker().queueFor(row.patientKey(), row.receiptId()),
                        row.receiptId().toString(),
                        message -> {
                            message.getMessageProperties().setDeliveryMode(MessageDeliveryMode.PERSISTENT);
                            message.getMessageProperties()
                                    .setMessageId(row.receiptId().toString());
                            return message;
                        },
                        correlation);
                confirmations.add(correlation);
            }
            Timestamp now = Timestamp.from(clock.instant());
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                if (confirmed(confirmations.get(i))) {
                    jdbc.update(
                            "UPDATE outbox SET status = 'PUBLISHED', published_at = ?,"
                                    + " publish_attempts = publish_attempts + 1 WHERE id = ?",
                            now,
                            row.id());
                } else {
                    jdbc.update("UPDATE outbox SET publish_attempts = publish_attempts + 1 WHERE id = ?", row.id());
                    log.warn(
                            "INGEST-OUTBOX-UNCONFIRMED: receipt {} was not confirmed by the broker; stays pending",
                            row.receiptId());
                }
            }
            return rows.size();
        });
        return claimed == null ? 0 : claimed;
    }

    private static boolean confirmed(CorrelationData correlation) {
        try {
            CorrelationData.Confirm confirm =
                    correlation.getFuture().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return confirm.isAck() && correlation.getReturned() == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    void shutdown() {
        worker.shutdownNow();
    }

    private record Row(long id, UUID receiptId, String patientKey) {}
}
