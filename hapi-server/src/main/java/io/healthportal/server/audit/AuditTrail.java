package io.healthportal.server.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Stores AuditEvents off the request thread: requests hand over what happened, one writer thread turns
 * it into AuditEvents and stores each batch in one database transaction through HAPI's DAO as a
 * system request, so audit writes are not themselves audited and bypass SMART enforcement (never over
 * HTTP). A batch is whatever arrived while the previous one was written, so an event is stored well
 * within a second; stopping the application (graceful shutdown) writes everything still queued first.
 *
 * <p>Every local reference an event stores is versioned ({@code Patient/1/_history/2}): HAPI does not
 * count versioned links as delete conflicts, so audit never stops a resource from being deleted. A
 * reference to a resource that does not exist (any more) is kept as an identifier instead, since
 * referential integrity would refuse it.
 */
public class AuditTrail implements SmartLifecycle {

    /** Marks the writer's own requests: the only ones allowed to create AuditEvents. */
    static final String WRITER = AuditTrail.class.getName();

    static final String FHIR_RESOURCE_ID_SYSTEM = "urn:healthportal:fhir-resource";

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final int BATCH = 200;
    private static final Duration TICK = Duration.ofMillis(250);
    private static final int IN_FLIGHT_WAIT_SECONDS = 10;

    private final BlockingQueue<Supplier<List<AuditEvent>>> queue = new LinkedBlockingQueue<>(100_000);
    private final AtomicLong unwritten = new AtomicLong();
    /** FHIR requests whose audit records may still be recorded (their completion hooks have not all run). */
    private final AtomicLong inFlight = new AtomicLong();

    private final Object progress = new Object();
    private final UnauthenticatedWindows unauthenticated = new UnauthenticatedWindows();
    private final Cache<String, Optional<String>> currentVersions = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(10))
            .maximumSize(50_000)
            .build();

    private final IHapiTransactionService transactions;
    private final EntityManager entityManager;
    private final DaoRegistry daos;
    private final AuditEvents events;
    private final Clock clock;
    private volatile boolean running;
    private Thread writer;

    AuditTrail(
            IHapiTransactionService transactions,
            EntityManager entityManager,
            DaoRegistry daos,
            AuditEvents events,
            Clock clock) {
        this.transactions = transactions;
        this.entityManager = entityManager;
        this.daos = daos;
        this.events = events;
        this.clock = clock;
    }

    /** Queues {@code event} for storage. */
    public void record(AuditEvent event) {
        record(() -> List.of(event));
    }

    /** Queues events that the writer thread builds, so the request thread pays only for the hand-over. */
    void record(Supplier<List<AuditEvent>> pending) {
        unwritten.incrementAndGet();
        try {
            if (!queue.offer(pending, 5, TimeUnit.SECONDS)) {
                unwritten.decrementAndGet();
                log.error("PORTAL-AUDIT-503: the audit queue stayed full for 5 s; an audit record was dropped");
            }
        } catch (InterruptedException e) {
            unwritten.decrementAndGet();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues one break-glass event per patient a clinician reached outside their care relationships in
     * the current request, naming the caller from its access token; call it on the request thread.
     */
    public void breakGlass(String address, java.util.Collection<String> patientIds, String reason) {
        AuditActor actor = RequestActors.current(address);
        Instant now = clock.instant();
        patientIds.forEach(patientId -> record(events.breakGlass(now, actor, patientId, reason)));
    }

    /** Counts one 401 to {@code address}; stored as one event per address per minute. */
    void unauthenticated(String address) {
        Instant now = clock.instant();
        unauthenticated.count(address, now).forEach(this::recordWindow);
    }

    /** A FHIR request began; its audit records follow when it completes ({@link #requestCompleted()}). */
    void requestStarted() {
        inFlight.incrementAndGet();
    }

    /** A FHIR request's completion hooks have all run: whatever it records is recorded. */
    void requestCompleted() {
        inFlight.decrementAndGet();
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * Returns once everything recorded so far is stored, closing the open 401 windows first. It first
     * waits (up to {@value #IN_FLIGHT_WAIT_SECONDS} s) for requests still completing: HAPI runs their
     * completion hooks, which record their events, after the answer has gone to the client. Shutdown
     * calls it; so do the tests, instead of sleeping.
     */
    public void flush() {
        flush(Duration.ofSeconds(30));
    }

    private void flush(Duration wait) {
        long inFlightDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(IN_FLIGHT_WAIT_SECONDS);
        synchronized (progress) {
            while (inFlight.get() > 0 && System.nanoTime() < inFlightDeadline) {
                try {
                    progress.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        unauthenticated.close(clock.instant(), true).forEach(this::recordWindow);
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (progress) {
            while (unwritten.get() > 0 && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("PORTAL-AUDIT-504: {} audit records still unwritten after {}", unwritten.get(), wait);
                    return;
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 100_000_000))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void recordWindow(UnauthenticatedWindows.Window window) {
        record(events.unauthenticated(window.first(), window.last(), window.address(), window.count()));
    }

    private void writeLoop() {
        while (running || !queue.isEmpty()) {
            try {
                unauthenticated.close(clock.instant(), false).forEach(this::recordWindow);
                Supplier<List<AuditEvent>> first = queue.poll(TICK.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Supplier<List<AuditEvent>>> batch = new ArrayList<>(BATCH);
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                try {
                    write(batch);
                } finally {
                    unwritten.addAndGet(-batch.size());
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("PORTAL-AUDIT-500: writing audit records failed", e);
            }
        }
    }

    private void write(List<Supplier<List<AuditEvent>>> batch) {
        List<AuditEvent> built = new ArrayList<>();
        for (Supplier<List<AuditEvent>> pending : batch) {
            try {
                built.addAll(pending.get());
            } catch (RuntimeException e) {
                // A malformed response must not cost the rest of the batch; no PHI in the log.
                log.error(
                        "PORTAL-AUDIT-501: an audit record could not be built ({})",
                        e.getClass().getName());
            }
        }
        if (built.isEmpty()) {
            return;
        }
        built.forEach(this::versionReferences);
        try {
            // One database transaction of plain creates: a FHIR transaction Bundle would make HAPI store
            // each event twice over (a placeholder, then the indexed version) and check the batch for
            // duplicate conditional URLs it cannot have. Audit was a third of the server's CPU that way.
            RequestDetails request = writerRequest();
            IFhirResourceDao<AuditEvent> dao = daos.getResourceDao(AuditEvent.class);
            transactions.withRequest(request).execute(() -> {
                // Flushed once at the end, as HAPI's own transactions do: every create runs queries,
                // and flushing the growing session before each one would cost the square of the batch.
                FlushModeType flushMode = entityManager.getFlushMode();
                entityManager.setFlushMode(FlushModeType.COMMIT);
                try {
                    built.forEach(event -> dao.create(event, request));
                    entityManager.flush();
                } finally {
                    entityManager.setFlushMode(flushMode);
                }
                return null;
            });
        } catch (RuntimeException e) {
            if (!running) {
                throw e; // shutting down: the database may be gone, so no retries one by one
            }
            // Usually a resource deleted since it was cached: store the events one by one so only that
            // event loses its references.
            log.debug("Audit batch failed, writing one by one", e);
            built.forEach(this::writeAlone);
        }
    }

    private void writeAlone(AuditEvent event) {
        try {
            daos.getResourceDao(AuditEvent.class).create(event, writerRequest());
        } catch (RuntimeException first) {
            referencesOf(event).forEach(AuditTrail::keepAsIdentifier);
            try {
                daos.getResourceDao(AuditEvent.class).create(event, writerRequest());
            } catch (RuntimeException e) {
                log.error(
                        "PORTAL-AUDIT-502: an audit event could not be stored ({})",
                        e.getClass().getName());
            }
        }
    }

    private static RequestDetails writerRequest() {
        SystemRequestDetails request = new SystemRequestDetails();
        request.getUserData().put(WRITER, Boolean.TRUE);
        return request;
    }

    private static Stream<Reference> referencesOf(AuditEvent event) {
        return Stream.concat(
                        event.getAgent().stream().map(AuditEvent.AuditEventAgentComponent::getWho),
                        event.getEntity().stream().map(AuditEvent.AuditEventEntityComponent::getWhat))
                .filter(reference -> reference != null && reference.hasReference());
    }

    /** Gives each unversioned local reference the target's current version, or keeps it as an identifier. */
    private void versionReferences(AuditEvent event) {
        referencesOf(event).forEach(reference -> {
            IdType id = new IdType(reference.getReference());
            if (id.hasVersionIdPart() || !id.hasResourceType() || !id.hasIdPart() || id.isAbsolute()) {
                return;
            }
            String key = id.getResourceType() + "/" + id.getIdPart();
            Optional<String> version = currentVersions.get(key, unused -> currentVersion(id));
            if (version.isPresent()) {
                reference.setReference(key + "/_history/" + version.get());
            } else {
                keepAsIdentifier(reference);
            }
        });
    }

    private Optional<String> currentVersion(IdType id) {
        try {
            IBaseResource found = daos.getResourceDao(id.getResourceType()).read(id, writerRequest());
            return Optional.ofNullable(found.getIdElement().getVersionIdPart());
        } catch (RuntimeException e) {
            return Optional.empty(); // not found, deleted, or not a resource type
        }
    }

    /** A reference HAPI would refuse, kept as text so the event still says what it concerned. */
    private static void keepAsIdentifier(Reference reference) {
        IdType id = new IdType(reference.getReference());
        if (id.hasResourceType()) {
            reference.setType(id.getResourceType());
        }
        if (!reference.hasIdentifier()) {
            reference.setIdentifier(new Identifier()
                    .setSystem(FHIR_RESOURCE_ID_SYSTEM)
                    .setValue(id.toUnqualified().getValue()));
        }
        reference.setDisplay(id.toUnqualified().getValue());
        reference.setReference(null);
    }

    @Override
    public void start() {
        running = true;
        writer = new Thread(this::writeLoop, "audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() {
        // Bounded: with the database already unreachable, shutdown must not hang on audit.
        flush(Duration.ofSeconds(10));
        running = false;
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (unwritten.get() > 0) {
            log.error("PORTAL-AUDIT-504: {} audit records were not written before shutdown", unwritten.get());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server (which stops taking requests first) and before the database goes. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
