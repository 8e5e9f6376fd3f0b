package io.healthportal.ingest.hl7v2;

/** Partner HL7 v2 text as it arrives, brought to the standard form HAPI's pipe parser expects. */
public final class Hl7v2Text {

    private Hl7v2Text() {}

    /**
     * Strips a byte-order mark and surrounding blank lines, and turns every segment separator a partner
     * uses (CR, LF or CRLF) into CR, the only one the standard allows.
     */
    public static String normalise(String payload) {
        String text = payload;
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        text = text.replace("\r\n", "\r").replace('\n', '\r');
        int start = 0;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        int end = text.length();
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        // Blank lines between segments are not segments.
        return text.substring(start, end).replaceAll("\r{2,}", "\r");
    }
}
