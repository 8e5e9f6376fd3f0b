package io.healthportal.ingest.poller;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.poller.PollerPositions.Position;
import java.time.Duration;
import java.util.Optional;

/**
 * One run of a partner's poller while it holds the lease: where it resumes, each pulled payload handed to
 * the durable intake (receipt, archive, outbox in one transaction, deduplicated on partner, message id
 * and hash), and its progress recorded after each payload. A crash between the two re-pulls one payload
 * on the next run, which the intake recognises as a duplicate.
 */
final class PollRun {

    static final String CHANNEL = "poll";

    private final PartnerProperties partner;
    private final String holder;
    private final PollerPositions positions;
    private final Receipts receipts;
    private final Duration lease;
    private int accepted;
    private int duplicates;

    PollRun(PartnerProperties partner, String holder, PollerPositions positions, Receipts receipts, Duration lease) {
        this.partner = partner;
        this.holder = holder;
        this.positions = positions;
        this.receipts = receipts;
        this.lease = lease;
    }

    PartnerProperties partner() {
        return partner;
    }

    Optional<Position> resumeFrom() {
        return positions.position(partner.id());
    }

    /** Stores the payload as the partner's, like a pushed one. */
    void hand(String messageId, byte[] payload) throws PollFailure {
        if (payload.length == 0) {
            throw new PollFailure("INGEST-POLL-EMPTY", "the partner answered " + messageId + " with nothing");
        }
        Receipts.Accepted result =
                receipts.accept(partner.id(), partner.format().name(), CHANNEL, messageId, payload);
        if (result.duplicate()) {
            duplicates++;
        } else {
            accepted++;
        }
    }

    /** Records where the next run starts; stops this run if another replica has taken over the lease. */
    void advance(Position position) throws PollFailure {
        if (!positions.advance(partner.id(), holder, position) || !positions.renew(partner.id(), holder, lease)) {
            throw new PollFailure("INGEST-POLL-LEASE-LOST", "the lease expired and another runner took it");
        }
    }

    int accepted() {
        return accepted;
    }

    int duplicates() {
        return duplicates;
    }
}
