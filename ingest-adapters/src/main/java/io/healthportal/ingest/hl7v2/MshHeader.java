package io.healthportal.ingest.hl7v2;

import java.util.Optional;

/**
 * The few MSH fields the intake needs before the payload is stored (message control id for dedup and
 * the ACK, sender and receiver to address the ACK), read without a full parse so that a message HAPI
 * cannot parse is still stored and dead-lettered with its reason rather than lost.
 */
public record MshHeader(
        char fieldSeparator,
        String encodingCharacters,
        String sendingApplication,
        String sendingFacility,
        String receivingApplication,
        String receivingFacility,
        String messageType,
        String controlId,
        String processingId,
        String version) {

    /** The header of a payload, or empty when it does not start with a usable MSH segment. */
    public static Optional<MshHeader> read(String payload) {
        String text = Hl7v2Text.normalise(payload);
        if (text.length() < 8 || !text.startsWith("MSH")) {
            return Optional.empty();
        }
        char separator = text.charAt(3);
        if (!isDelimiter(separator)) {
            return Optional.empty();
        }
        int end = text.indexOf('\r');
        String segment = end < 0 ? text : text.substring(0, end);
        // MSH-1 is the separator itself, so MSH-n is element n-1 of the split.
        String[] fields = segment.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1);
        if (fields.length < 2 || fields[1].length() < 3) {
            return Optional.empty();
        }
        return Optional.of(new MshHeader(
                separator,
                fields[1],
                field(fields, 3),
                field(fields, 4),
                field(fields, 5),
                field(fields, 6),
                field(fields, 9),
                field(fields, 10),
                field(fields, 11),
                field(fields, 12)));
    }

    /** Why the intake refuses a message with this header before storing it: a stable code and a reason. */
    public record Refusal(String code, String reason) {}

    /**
     * The refusal of a header that cannot be stored or parsed as sent, or empty: MSH-10 empty, or holding
     * control characters (a NUL) or bytes that are not text in the partner's character set; MSH-2 not
     * four (or, from v2.7, five) distinct delimiters other than the field separator.
     */
    public Optional<Refusal> refusal() {
        if (!validEncodingCharacters()) {
            return Optional.of(new Refusal(
                    "INGEST-HL7-BAD-ENCODING-CHARACTERS",
                    "MSH-2 must hold four (or five) distinct delimiter characters, none of them the field"
                            + " separator, a letter, a digit or a space"));
        }
        if (controlId.isBlank()) {
            return Optional.of(new Refusal("INGEST-HL7-NO-CONTROL-ID", "MSH-10 is empty"));
        }
        if (controlId.chars().anyMatch(c -> Character.isISOControl(c) || c == '\uFFFD')) {
            return Optional.of(new Refusal(
                    "INGEST-HL7-BAD-CONTROL-ID",
                    "MSH-10 holds control characters or bytes that are not text in the partner's character set"));
        }
        return Optional.empty();
    }

    private boolean validEncodingCharacters() {
        int length = encodingCharacters.length();
        if (length < 4 || length > 5) {
            return false;
        }
        if (encodingCharacters.chars().distinct().count() != length) {
            return false;
        }
        return encodingCharacters.chars().allMatch(c -> c != fieldSeparator && isDelimiter((char) c));
    }

    /**
     * The header to address a reply with: this one, or, when its encoding characters are unusable, this one
     * with the standard ones.
     */
    public MshHeader forReply() {
        if (validEncodingCharacters()) {
            return this;
        }
        return new MshHeader(
                fieldSeparator,
                "^~\\&",
                sendingApplication,
                sendingFacility,
                receivingApplication,
                receivingFacility,
                messageType,
                controlId,
                processingId,
                version);
    }

    /** A printable ASCII character that is neither a letter nor a digit. */
    private static boolean isDelimiter(char c) {
        return c > ' ' && c < 0x7F && !Character.isLetterOrDigit(c);
    }

    private static String field(String[] fields, int mshNumber) {
        int index = mshNumber - 1;
        return index < fields.length ? fields[index] : "";
    }

    /** The first component of a field, e.g. {@code ORU} of {@code ORU^R01^ORU_R01}. */
    public String component(String field, int number) {
        char componentSeparator = encodingCharacters.charAt(0);
        String[] parts = field.split(java.util.regex.Pattern.quote(String.valueOf(componentSeparator)), -1);
        return number <= parts.length ? parts[number - 1] : "";
    }
}
