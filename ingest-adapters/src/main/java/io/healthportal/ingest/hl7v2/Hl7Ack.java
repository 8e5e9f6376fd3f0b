package io.healthportal.ingest.hl7v2;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * An original-mode acknowledgement: {@code AA} once the message is stored, {@code AR} when it cannot be
 * accepted as sent (no usable MSH, unknown partner: do not resend unchanged), {@code AE} when it could
 * not be stored now (resend later). The reason goes to MSA-3 and ERR, and never quotes the payload.
 */
public final class Hl7Ack {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");

    private Hl7Ack() {}

    public enum Code {
        AA,
        AE,
        AR
    }

    public static String build(MshHeader request, Code code, String errorCode, String reason, ZonedDateTime now) {
        char f = request.fieldSeparator();
        String enc = request.encodingCharacters();
        char componentSeparator = enc.charAt(0);
        String trigger = request.component(request.messageType(), 2);
        StringBuilder ack = new StringBuilder()
                .append("MSH")
                .append(f)
                .append(enc)
                .append(f)
                .append(escape(request.receivingApplication(), f))
                .append(f)
                .append(escape(request.receivingFacility(), f))
                .append(f)
                .append(escape(request.sendingApplication(), f))
                .append(f)
                .append(escape(request.sendingFacility(), f))
                .append(f)
                .append(TIMESTAMP.format(now))
                .append(f)
                .append(f)
                .append("ACK")
                .append(componentSeparator)
                .append(trigger)
                .append(componentSeparator)
                .append("ACK")
                .append(f)
                .append(UUID.randomUUID().toString().replace("-", "").substring(0, 20))
                .append(f)
                .append(request.processingId().isEmpty() ? "P" : request.processingId())
                .append(f)
                .append(request.version().isEmpty() ? "2.5.1" : request.version())
                .append('\r')
                .append("MSA")
                .append(f)
                .append(code)
                .append(f)
                .append(request.controlId());
        if (code != Code.AA) {
            ack.append(f).append(plain(reason, f, enc)).append('\r');
            // ERR-3 error code (HL7 table 0357: 207 application internal error), ERR-4 severity E,
            // ERR-8 user message with our stable error code.
            ack.append("ERR")
                    .append(f)
                    .append(f)
                    .append(f)
                    .append(code == Code.AE ? "207" : "200")
                    .append(f)
                    .append('E')
                    .append(f)
                    .append(f)
                    .append(f)
                    .append(f)
                    .append(plain(errorCode + ": " + reason, f, enc));
        }
        return ack.append('\r').toString();
    }

    /** A reply for input without a usable MSH: a minimal ACK with standard delimiters. */
    public static String rejectWithoutHeader(String errorCode, String reason, ZonedDateTime now) {
        MshHeader fallback = new MshHeader('|', "^~\\&", "", "", "", "", "ACK", "", "P", "2.5.1");
        return build(fallback, Code.AR, errorCode, reason, now);
    }

    private static String escape(String value, char fieldSeparator) {
        return value.indexOf(fieldSeparator) < 0 ? value : "";
    }

    /** Reason text with every delimiter removed, so it cannot break the ACK's structure. */
    private static String plain(String text, char f, String enc) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c != f && enc.indexOf(c) < 0 && c != '\r' && c != '\n') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
