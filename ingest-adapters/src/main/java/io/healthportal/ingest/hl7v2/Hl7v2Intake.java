package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.archive.ArchiveUnavailableException;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.intake.Receipts.Accepted;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/** One HL7 v2 message from a partner's MLLP connection: stored, then acknowledged. */
@Component
class Hl7v2Intake {

    private static final Logger log = LoggerFactory.getLogger(Hl7v2Intake.class);

    private final Receipts receipts;
    private final Clock clock;

    Hl7v2Intake(Receipts receipts, Optional<Clock> clock) {
        this.receipts = receipts;
        this.clock = clock.orElse(Clock.systemDefaultZone());
    }

    /**
     * The ACK to a frame over the size limit, which was read and thrown away: {@code AR}, addressed from
     * the frame's first bytes when they hold a usable MSH.
     */
    String tooLarge(PartnerProperties partner, byte[] head, long size, long limit) {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(partner.timeZone()));
        log.warn(
                "INGEST-PAYLOAD-TOO-LARGE: partner {} sent an MLLP frame of {} bytes, over the limit of {}; rejected",
                partner.id(),
                size,
                limit);
        String reason = "the message is " + size + " bytes, over the limit of " + limit + " bytes";
        return MshHeader.read(new String(head, partner.payloadCharset()))
                .map(msh -> Hl7Ack.build(msh.forReply(), Hl7Ack.Code.AR, "INGEST-PAYLOAD-TOO-LARGE", reason, now))
                .orElseGet(() -> Hl7Ack.rejectWithoutHeader("INGEST-PAYLOAD-TOO-LARGE", reason, now));
    }

    /** Returns the ACK to send; {@code AA} only once the payload is committed to the database. */
    String receive(PartnerProperties partner, byte[] payload) {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(partner.timeZone()));
        Optional<MshHeader> header = MshHeader.read(new String(payload, partner.payloadCharset()));
        if (header.isEmpty()) {
            log.warn(
                    "INGEST-HL7-NO-MSH: partner {} sent {} bytes without a usable MSH segment; rejected",
                    partner.id(),
                    payload.length);
            return Hl7Ack.rejectWithoutHeader("INGEST-HL7-NO-MSH", "message does not start with an MSH segment", now);
        }
        MshHeader msh = header.get();
        Optional<MshHeader.Refusal> refusal = msh.refusal();
        if (refusal.isPresent()) {
            log.warn(
                    "{}: partner {} sent a message with an unusable MSH; rejected",
                    refusal.get().code(),
                    partner.id());
            return Hl7Ack.build(
                    msh.forReply(),
                    Hl7Ack.Code.AR,
                    refusal.get().code(),
                    refusal.get().reason(),
                    now);
        }
        try {
            Accepted accepted =
                    receipts.accept(partner.id(), PayloadFormat.HL7V2.name(), "mllp", msh.controlId(), payload);
            log.info(
                    "Accepted HL7 v2 from {} over MLLP as receipt {}{}",
                    partner.id(),
                    accepted.receiptId(),
                    accepted.duplicate() ? " (duplicate delivery)" : "");
            return Hl7Ack.build(msh, Hl7Ack.Code.AA, "", "", now);
        } catch (DataAccessException e) {
            log.error("INGEST-STORE-FAILED: could not store a message from {}; answered AE", partner.id(), e);
            return Hl7Ack.build(
                    msh, Hl7Ack.Code.AE, "INGEST-STORE-FAILED", "message could not be stored; send it again", now);
        } catch (ArchiveUnavailableException e) {
            log.error("INGEST-ARCHIVE-UNAVAILABLE: no archive key for a message from {}; answered AE", partner.id(), e);
            return Hl7Ack.build(
                    msh,
                    Hl7Ack.Code.AE,
                    "INGEST-ARCHIVE-UNAVAILABLE",
                    "message could not be stored; send it again",
                    now);
        }
    }
}
