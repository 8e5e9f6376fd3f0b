package io.healthportal.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.config.IngestProperties.Broker;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BrokerPartitionsTest {

    private final Broker broker = new Broker(0, true, "ingest.receipts", 4);

    @Test
    void everyReceiptOfOnePatientGoesToOneQueueWhateverItsId() {
        String key = "9f" + "0".repeat(62);
        Set<String> queues = IntStream.range(0, 50)
                .mapToObj(i -> broker.queueFor(key, UUID.randomUUID()))
                .collect(Collectors.toSet());

        assertThat(queues).containsExactly("ingest.receipts." + Integer.parseUnsignedInt("9f000000", 16) % 4);
    }

    @Test
    void patientsSpreadOverAllPartitionsAndReceiptsWithoutAPatientToo() {
        HexFormat hex = HexFormat.of();
        Set<String> byPatient = IntStream.range(0, 200)
                .mapToObj(i -> broker.queueFor(
                        hex.formatHex(UUID.randomUUID().toString().getBytes()), null))
                .collect(Collectors.toSet());
        Set<String> byReceipt = IntStream.range(0, 200)
                .mapToObj(i -> broker.queueFor(null, UUID.randomUUID()))
                .collect(Collectors.toSet());

        Set<String> all = Set.of("ingest.receipts.0", "ingest.receipts.1", "ingest.receipts.2", "ingest.receipts.3");
        assertThat(byPatient).isEqualTo(all);
        assertThat(byReceipt).isEqualTo(all);
    }
}
