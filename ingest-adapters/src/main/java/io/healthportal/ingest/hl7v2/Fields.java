package io.healthportal.ingest.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.util.Terser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads values of a parsed segment by position (field, repetition, component, subcomponent), whatever
 * datatype the canonical model gives the field. Empty values and the HL7 null {@code ""} both read as
 * null: a conditional update replaces the stored resource, so an element left out is cleared, which is
 * what {@code ""} asks for.
 */
final class Fields {

    private static final Pattern HEX = Pattern.compile("\\\\X((?:[0-9A-Fa-f]{2})+)\\\\");

    private final Segment segment;

    Fields(Segment segment) {
        this.segment = segment;
    }

    String name() {
        return segment.getName();
    }

    String get(int field) {
        return get(field, 0, 1, 1);
    }

    String get(int field, int component) {
        return get(field, 0, component, 1);
    }

    String get(int field, int rep, int component) {
        return get(field, rep, component, 1);
    }

    String get(int field, int rep, int component, int subcomponent) {
        if (field > segment.numFields()) {
            return null;
        }
        try {
            if (rep >= segment.getField(field).length) {
                return null;
            }
            String value = Terser.get(segment, field, rep, component, subcomponent);
            if (value == null) {
                return null;
            }
            String stripped = value.strip();
            return stripped.isEmpty() || stripped.equals("\"\"") ? null : decodeHex(stripped);
        } catch (HL7Exception e) {
            return null;
        }
    }

    /**
     * HAPI decodes the delimiter escapes ({@code \\F\\ \\S\\ \\T\\ \\R\\ \\E\\}) but leaves hexadecimal data
     * ({@code \\Xhh..\\}) as sent: it is decoded here, as UTF-8 when the bytes are valid UTF-8, else
     * as ISO-8859-1.
     */
    static String decodeHex(String value) {
        if (value.indexOf("\\X") < 0) {
            return value;
        }
        Matcher m = HEX.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            byte[] bytes = HexFormat.of().parseHex(m.group(1));
            String text;
            try {
                text = StandardCharsets.UTF_8
                        .newDecoder()
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException notUtf8) {
                text = new String(bytes, StandardCharsets.ISO_8859_1);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    int repetitions(int field) {
        if (field > segment.numFields()) {
            return 0;
        }
        try {
            return segment.getField(field).length;
        } catch (HL7Exception e) {
            return 0;
        }
    }

    /**
     * True when the field holds anything in any repetition, in any component (the HL7 null included): an
     * XCN sent without its id ({@code ^SMITH^JO}) is present.
     */
    boolean present(int field) {
        for (int rep = 0; rep < repetitions(field); rep++) {
            try {
                if (!segment.getField(field, rep).isEmpty()) {
                    return true;
                }
            } catch (HL7Exception e) {
                return false;
            }
        }
        return false;
    }
}
