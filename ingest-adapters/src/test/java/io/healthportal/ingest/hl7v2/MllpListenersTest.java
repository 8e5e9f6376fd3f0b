package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.TestPartners;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listeners over real sockets, with the intake behind them replaced. */
class MllpListenersTest {

    private static final String MESSAGE = "MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|C-1|P|2.5.1\r";

    private final Hl7v2Intake intake = mock(Hl7v2Intake.class);
    private MllpListeners listeners;

    @AfterEach
    void stop() {
        listeners.stop();
    }

    @Test
    void answersEachFrameOnTheSameConnectionWithWhatTheIntakeReturns() throws Exception {
        when(intake.receive(any(), any())).thenReturn("MSH|^~\\&|ACK\rMSA|AA|C-1\r");
        listeners = start(partner("open", List.of()));
        try (MllpClient client = new MllpClient(listeners.port("open"))) {
            assertThat(client.send(MESSAGE)).contains("MSA|AA|C-1");
            assertThat(client.send(MESSAGE)).contains("MSA|AA|C-1");
        }
    }

    @Test
    void closesConnectionsFromSourcesOutsideThePartnersAllowlist() throws Exception {
        listeners = start(partner("closed", List.of("10.0.0.0/8")));
        try (MllpClient client = new MllpClient(listeners.port("closed"))) {
            assertThatThrownBy(() -> client.send(MESSAGE)).isInstanceOf(IOException.class);
        }
        verify(intake, never()).receive(any(), any());
    }

    private MllpListeners start(PartnerProperties partner) {
        IngestProperties properties = TestPartners.properties(TestPartners.quickRetry(), List.of(partner));
        MllpListeners started = new MllpListeners(properties, intake, MllpTls.none());
        started.start();
        return started;
    }

    /** A partner with a listener on a free port, as the MLLP tests need it. */
    static PartnerProperties partner(String id, List<String> allowed) {
        return new PartnerProperties(
                id,
                Hl7v2FormatTest.LAB.format(),
                Hl7v2FormatTest.LAB.identifierSystems(),
                Hl7v2FormatTest.LAB.timeZone(),
                0,
                null,
                allowed,
                null,
                null);
    }
}
