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
        if (msh.controlId().isBlank()) {
            log.warn("INGEST-HL7-NO-CONTROL-ID: partner {} sent a message without MSH-10; rejected", partner.id());
            return Hl7Ack.build(msh, Hl7Ack.Code.AR, "INGEST-HL7-NO-CONTROL-ID", "MSH-10 is empty", now);
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
