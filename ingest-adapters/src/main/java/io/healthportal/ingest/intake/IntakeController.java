package io.healthportal.ingest.intake;

import io.healthportal.ingest.archive.ArchiveUnavailableException;
import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.hl7v2.MshHeader;
import io.healthportal.ingest.intake.Receipts.Accepted;
import io.healthportal.ingest.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /ingest/{partner}}: any payload of a configured partner, answered 202 with a receipt id once
 * stored. The caller must be that partner: its Backend Services client, registered with hapi-server
 * under the partner's id, with a token from hapi-server (401 without one, 403 for any other caller). A
 * body over {@code portal.ingest.max-payload-size} is 413 and never stored (beyond the limit it is read
 * only to be thrown away); an HL7 v2 payload must start with a usable MSH (400 otherwise).
 */
@RestController
class IntakeController {

    private static final Logger log = LoggerFactory.getLogger(IntakeController.class);
    private static final long DISCARD_AT_MOST = 1L << 30;

    private final IngestProperties properties;
    private final Receipts receipts;

    IntakeController(IngestProperties properties, Receipts receipts) {
        this.properties = properties;
        this.receipts = receipts;
    }

    @PostMapping("/ingest/{partner}")
    ResponseEntity<Map<String, Object>> ingest(
            @PathVariable String partner, HttpServletRequest request, @AuthenticationPrincipal Jwt token)
            throws IOException {
        Caller caller = Caller.of(token);
        if (!caller.isSystem() || !caller.subject().equals(partner)) {
            // Said the same way for an unknown partner, so that the answer does not list partners.
            log.warn("Refused intake on /ingest/{} for caller {}", partner, caller.subject());
            return problem(
                    HttpStatus.FORBIDDEN, "INGEST-WRONG-CALLER", "only the partner's own system may send to this path");
        }
        Optional<PartnerProperties> configured = properties.partner(partner);
        if (configured.isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "INGEST-UNKNOWN-PARTNER", "no partner with this id is configured");
        }
        long limit = properties.maxPayloadSize().toBytes();
        if (request.getContentLengthLong() > limit) {
            return tooLarge(partner, limit, request);
        }
        // Without a declared length (chunked), read one byte past the limit at most.
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (body.length > limit) {
            return tooLarge(partner, limit, request);
        }
        if (body.length == 0) {
            return problem(HttpStatus.BAD_REQUEST, "INGEST-EMPTY", "the request body is empty");
        }
        String messageId = "";
        if (configured.get().format() == PayloadFormat.HL7V2) {
            Optional<MshHeader> header =
                    MshHeader.read(new String(body, configured.get().payloadCharset()));
            if (header.isEmpty()) {
                return problem(
                        HttpStatus.BAD_REQUEST,
                        "INGEST-HL7-NO-MSH",
                        "an HL7 v2 payload must start with an MSH segment carrying MSH-10");
            }
            Optional<MshHeader.Refusal> refusal = header.get().refusal();
            if (refusal.isPresent()) {
                return problem(
                        HttpStatus.BAD_REQUEST,
                        refusal.get().code(),
                        refusal.get().reason());
            }
            messageId = header.get().controlId();
        }
        Accepted accepted;
        try {
            accepted = receipts.accept(partner, configured.get().format().name(), "http", messageId, body);
        } catch (ArchiveUnavailableException e) {
            log.error("INGEST-ARCHIVE-UNAVAILABLE: no archive key for a payload from {}; answered 503", partner, e);
            return problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "INGEST-ARCHIVE-UNAVAILABLE",
                    "the payload could not be stored; send it again later");
        }
        log.info(
                "Accepted {} from {} over HTTP as receipt {}{}",
                configured.get().format(),
                partner,
                accepted.receiptId(),
                accepted.duplicate() ? " (duplicate delivery)" : "");
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(Map.of("receiptId", accepted.receiptId().toString(), "duplicate", accepted.duplicate()));
    }

    /**
     * 413. The rest of the body is read and thrown away first (up to {@value #DISCARD_AT_MOST} bytes):
     * a connection closed with unread input is reset, and the reset can destroy the answer before the
     * partner reads it.
     */
    private static ResponseEntity<Map<String, Object>> tooLarge(String partner, long limit, HttpServletRequest request)
            throws IOException {
        log.warn("INGEST-PAYLOAD-TOO-LARGE: partner {} sent more than {} bytes over HTTP; refused", partner, limit);
        InputStream rest = request.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long discarded = 0;
        for (int read = 0; read >= 0 && discarded < DISCARD_AT_MOST; read = rest.read(buffer)) {
            discarded += read;
        }
        return problem(
                HttpStatus.PAYLOAD_TOO_LARGE,
                "INGEST-PAYLOAD-TOO-LARGE",
                "the payload is over the limit of " + limit + " bytes");
    }

    private static ResponseEntity<Map<String, Object>> problem(HttpStatus status, String code, String reason) {
        return ResponseEntity.status(status).body(Map.of("code", code, "reason", reason));
    }
}
