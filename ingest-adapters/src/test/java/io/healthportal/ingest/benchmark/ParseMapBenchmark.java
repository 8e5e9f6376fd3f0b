package io.healthportal.ingest.benchmark;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.healthportal.demo.LabResultMessages;
import io.healthportal.ingest.hl7v2.Hl7v2Format;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.TestPartners;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parse+map throughput of one worker thread: an ORU^R01 with six OBX (a renal profile with CRP, as
 * {@link LabResultMessages} writes it) from its bytes to the FHIR transaction bundle ingest-adapters
 * sends, and the same again with the bundle serialised to JSON, as it goes on the wire. Run by
 * {@code ./benchmark ingest}; one thread, so the figure is messages per second per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParseMapBenchmark {

    /** Enough different messages that no JIT or cache effect depends on one payload. */
    private static final int MESSAGES = 1024;

    private final Hl7v2Format format = new Hl7v2Format();
    private final IParser json = FhirContext.forR4Cached().newJsonParser();
    private byte[][] payloads;
    private SourceMessage source;
    private int next;

    @Setup
    public void generateMessages() {
        LabResultMessages messages =
                new LabResultMessages(20261126L, 200, "BENCH", Instant.parse("2026-11-01T08:00:00Z"));
        payloads = new byte[MESSAGES][];
        for (int i = 0; i < MESSAGES; i++) {
            payloads[i] = messages.next().text().getBytes(StandardCharsets.UTF_8);
        }
        source = new SourceMessage(TestPartners.LAB, UUID.randomUUID(), Instant.now());
    }

    @Benchmark
    public Bundle parseAndMap() throws MappingException {
        return format.map(nextPayload(), source);
    }

    @Benchmark
    public String parseMapAndSerialise() throws MappingException {
        return json.encodeResourceToString(format.map(nextPayload(), source));
    }

    private byte[] nextPayload() {
        next = (next + 1) % MESSAGES;
        return payloads[next];
    }
}
