package io.healthportal.ingest.pipeline;

import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import org.hl7.fhir.r4.model.Bundle;

/** Parses and maps one payload format into a FHIR transaction bundle. Implementations are plain Java. */
public interface FormatMapper {

    PayloadFormat format();

    Bundle map(byte[] payload, SourceMessage source) throws MappingException;
}
