package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class MshHeaderTest {

    @Test
    void readsTheFieldsTheIntakeNeedsEvenWithABomAndLfSeparators() {
        MshHeader msh = MshHeader.read("\uFEFFMSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|ABC-1|P|2.3\nPID|1\n")
                .orElseThrow();
        assertThat(msh.controlId()).isEqualTo("ABC-1");
        assertThat(msh.sendingApplication()).isEqualTo("LIS");
        assertThat(msh.component(msh.messageType(), 2)).isEqualTo("R01");
        assertThat(msh.version()).isEqualTo("2.3");
    }

    @Test
    void refusesInputThatDoesNotStartWithMsh() {
        assertThat(MshHeader.read("PID|1||123")).isEmpty();
        assertThat(MshHeader.read("MSHX^~\\&")).isEmpty();
        assertThat(MshHeader.read("")).isEmpty();
    }

    @Test
    void acksAddressTheSenderEchoTheControlIdAndCarryNoPayload() {
        MshHeader msh = MshHeader.read("MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|ABC-1|P|2.5.1\r")
                .orElseThrow();
        ZonedDateTime now = ZonedDateTime.of(2026, 11, 26, 10, 0, 0, 0, ZoneOffset.UTC);

        String accepted = Hl7Ack.build(msh, Hl7Ack.Code.AA, "", "", now);
        assertThat(accepted).startsWith("MSH|^~\\&|PORTAL|NHS|LIS|LAB|20261126100000+0000||ACK^R01^ACK|");
        assertThat(accepted).contains("\rMSA|AA|ABC-1\r").doesNotContain("ERR");

        String error = Hl7Ack.build(msh, Hl7Ack.Code.AE, "INGEST-STORE-FAILED", "could not store | retry", now);
        assertThat(error).contains("MSA|AE|ABC-1|could not store  retry").contains("ERR|||207|E");
    }

    @Test
    void aHeaderIsRefusedForEncodingCharactersThatCannotDelimitOrAControlIdThatIsNotText() {
        assertThat(refusal("MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|ABC-1|P|2.5.1\r"))
                .isNull();
        assertThat(refusal("MSH|^~\\&#|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|ABC-1|P|2.7\r"))
                .as("v2.7's truncation character")
                .isNull();
        assertThat(refusal("MSH|^^\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|ABC-1|P|2.5.1\r"))
                .isEqualTo("INGEST-HL7-BAD-ENCODING-CHARACTERS");
        assertThat(refusal("MSH|ab\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|ABC-1|P|2.5.1\r"))
                .isEqualTo("INGEST-HL7-BAD-ENCODING-CHARACTERS");
        assertThat(refusal("MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01||P|2.5.1\r"))
                .isEqualTo("INGEST-HL7-NO-CONTROL-ID");
        assertThat(refusal("MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|AB\u0000C|P|2.5.1\r"))
                .isEqualTo("INGEST-HL7-BAD-CONTROL-ID");
        assertThat(refusal("MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|AB\uFFFDC|P|2.5.1\r"))
                .isEqualTo("INGEST-HL7-BAD-CONTROL-ID");
        assertThat(MshHeader.read("MSH\u0000^~\\&|LIS"))
                .as("a NUL is no field separator")
                .isEmpty();
    }

    @Test
    void aReplyToAHeaderWithUnusableEncodingCharactersUsesTheStandardOnes() {
        MshHeader msh = MshHeader.read("MSH|ab\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|ABC-1|P|2.5.1\r")
                .orElseThrow();
        String ack = Hl7Ack.build(
                msh.forReply(),
                Hl7Ack.Code.AR,
                "INGEST-HL7-BAD-ENCODING-CHARACTERS",
                "MSH-2",
                ZonedDateTime.of(2026, 11, 26, 10, 0, 0, 0, ZoneOffset.UTC));
        assertThat(ack).startsWith("MSH|^~\\&|PORTAL|NHS|LIS|LAB|").contains("MSA|AR|ABC-1|");
    }

    private static String refusal(String payload) {
        return MshHeader.read(payload)
                .orElseThrow()
                .refusal()
                .map(MshHeader.Refusal::code)
                .orElse(null);
    }
}
