package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.healthportal.ingest.archive.ArchiveUnavailableException;
import io.healthportal.ingest.intake.Receipts;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

class Hl7v2IntakeTest {

    private static final byte[] MESSAGE =
            "MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|C-7|P|2.5.1\rPID|1||A1^^^LAB^MR\r"
                    .getBytes(StandardCharsets.UTF_8);

    private final Receipts receipts = mock(Receipts.class);
    private final Hl7v2Intake intake = new Hl7v2Intake(receipts, Optional.empty());

    @Test
    void answersAaOnceTheReceiptIsStored() {
        when(receipts.accept(anyString(), anyString(), anyString(), anyString(), any()))
                .thenReturn(new Receipts.Accepted(UUID.randomUUID(), false));
        assertThat(intake.receive(Hl7v2FormatTest.LAB, MESSAGE)).contains("MSA|AA|C-7");
        verify(receipts).accept("lab-b", "HL7V2", "mllp", "C-7", MESSAGE);
    }

    @Test
    void answersAeWithItsReasonWhenTheDatabaseCannotStoreIt() {
        when(receipts.accept(anyString(), anyString(), anyString(), anyString(), any()))
                .thenThrow(new DataAccessResourceFailureException("connection refused"));
        String ack = intake.receive(Hl7v2FormatTest.LAB, MESSAGE);
        assertThat(ack).contains("MSA|AE|C-7|").contains("INGEST-STORE-FAILED").doesNotContain("MSA|AA");
    }

    @Test
    void answersAeWhenTheArchiveHasNoKeyBecauseKmsIsUnavailable() {
        when(receipts.accept(anyString(), anyString(), anyString(), anyString(), any()))
                .thenThrow(new ArchiveUnavailableException("INGEST-ARCHIVE-KMS: unreachable", null));
        String ack = intake.receive(Hl7v2FormatTest.LAB, MESSAGE);
        assertThat(ack)
                .contains("MSA|AE|C-7|")
                .contains("INGEST-ARCHIVE-UNAVAILABLE")
                .doesNotContain("MSA|AA");
    }

    @Test
    void answersArWithoutStoringWhenMsh10IsMissing() {
        byte[] noControlId =
                "MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01||P|2.5.1\r".getBytes(StandardCharsets.UTF_8);
        assertThat(intake.receive(Hl7v2FormatTest.LAB, noControlId))
                .contains("MSA|AR|")
                .contains("INGEST-HL7-NO-CONTROL-ID");
        verify(receipts, never()).accept(anyString(), anyString(), anyString(), anyString(), any());
    }
}
