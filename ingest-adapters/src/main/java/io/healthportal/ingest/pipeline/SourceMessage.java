package io.healthportal.ingest.pipeline;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import java.time.Instant;
import java.util.UUID;

/** What a mapper knows about a payload besides its bytes: who sent it, and its receipt. */
public record SourceMessage(PartnerProperties partner, UUID receiptId, Instant receivedAt) {}
