package io.healthportal.ingest.poller;

import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.intake.Receipts;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Runs the pollers of the partners configured with one: on their interval (unless {@code scheduled} is
 * false) and on request. A run first takes the partner's lease in the database, so across replicas one
 * runner at a time pulls from a partner; it resumes from the stored position, hands each payload to the
 * durable intake and records its progress, so a restart or a failed run continues where it stopped.
 */
@Component
public class Pollers {

    private static final Logger log = LoggerFactory.getLogger(Pollers.class);
    /** Renewed after each payload; long enough for one slow page, short enough to recover from a crash. */
    private static final Duration LEASE = Duration.ofMinutes(2);

    private final IngestProperties properties;
    private final PollerPositions positions;
    private final Receipts receipts;
    private final MeterRegistry meters;
    private final String holder = holderName();
    private ThreadPoolTaskScheduler scheduler;

    Pollers(IngestProperties properties, PollerPositions positions, Receipts receipts, MeterRegistry meters) {
        this.properties = properties;
        this.positions = positions;
        this.receipts = receipts;
        this.meters = meters;
    }

    /** What a run did. */
    public record PollReport(String partnerId, Outcome outcome, int accepted, int duplicates, String errorCode) {}

    public enum Outcome {
        /** Pulled everything new. */
        COMPLETED,
        /** Stopped early; the next run resumes from the last recorded position. */
        FAILED,
        /** Another runner holds the partner's lease. */
        LEASE_HELD
    }

    @EventListener(ApplicationReadyEvent.class)
    synchronized void schedule() {
        for (PartnerProperties partner : properties.partners()) {
            if (partner.poller() == null || !partner.poller().runsOnSchedule()) {
                continue;
            }
            if (scheduler == null) {
                scheduler = new ThreadPoolTaskScheduler();
                scheduler.setPoolSize(1);
                scheduler.setThreadNamePrefix("poller-");
                scheduler.initialize();
            }
            Duration every = partner.poller().runEvery();
            scheduler.scheduleWithFixedDelay(
                    () -> runOnce(partner.id()), Instant.now().plusSeconds(10), every);
            log.info("Polling partner {} every {}", partner.id(), every);
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdown();
        }
    }

    /** One run for the partner, now, in this thread. */
    public PollReport runOnce(String partnerId) {
        PartnerProperties partner = properties
                .partner(partnerId)
                .filter(p -> p.poller() != null)
                .orElseThrow(() -> new IllegalArgumentException("partner " + partnerId + " has no poller"));
        if (!positions.tryLease(partnerId, holder, LEASE)) {
            log.debug("Partner {}: another runner holds the poller lease", partnerId);
            return new PollReport(partnerId, Outcome.LEASE_HELD, 0, 0, null);
        }
        PollRun run = new PollRun(partner, holder, positions, receipts, LEASE);
        String error = null;
        String code = null;
        try {
            poller(partner).pull(run);
        } catch (PollFailure e) {
            code = e.code();
            error = e.code() + ": " + e.getMessage();
            meters.counter("ingest.poller.failures", "partner", partnerId, "code", code)
                    .increment();
            log.warn("{}: poller of partner {} stopped: {}", code, partnerId, e.getMessage());
        } catch (RuntimeException e) {
            code = "INGEST-POLL-ERROR";
            error = code + ": " + e.getClass().getSimpleName();
            log.warn("{}: poller of partner {} failed", code, partnerId, e);
        } finally {
            positions.release(partnerId, holder, error);
        }
        meters.counter("ingest.poller.payloads", "partner", partnerId).increment(run.accepted());
        log.info(
                "Poller of partner {}: {} payloads accepted, {} already held{}",
                partnerId,
                run.accepted(),
                run.duplicates(),
                code == null ? "" : ", stopped with " + code);
        return new PollReport(
                partnerId, code == null ? Outcome.COMPLETED : Outcome.FAILED, run.accepted(), run.duplicates(), code);
    }

    /** The last failed run's code and reason; empty after a clean run. */
    public Optional<String> lastError(String partnerId) {
        return positions.lastError(partnerId);
    }

    private static PartnerPoller poller(PartnerProperties partner) {
        return partner.poller().portal() != null
                ? new HtmlPortalPoller(partner.poller(), partner.payloadCharset())
                : new RestApiPoller(partner.poller());
    }

    private static String holderName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + UUID.randomUUID();
    }
}
