package io.healthportal.ingest.pipeline;

import io.healthportal.ingest.archive.PayloadCipher;
import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The patient key of a payload, by which the intake routes it to a partition queue: a keyed pseudonym of
 * the business identity of the Patient its mapping writes ({@code identifier=system|value}: the NHS number
 * where the message has one, else the partner's MRN with the partner's system). It is read from the
 * mapped bundle, so every format gets it the same way. A payload naming several patients (a CSV dispense
 * file) takes the first identity in sort order; one that cannot be mapped, or names none, has no key.
 */
@Component
public class PatientKeys {

    private static final Logger log = LoggerFactory.getLogger(PatientKeys.class);

    private final IngestProperties properties;
    private final PayloadCipher cipher;
    private final Map<PayloadFormat, FormatMapper> mappers = new EnumMap<>(PayloadFormat.class);

    PatientKeys(IngestProperties properties, PayloadCipher cipher, List<FormatMapper> mappers) {
        this.properties = properties;
        this.cipher = cipher;
        mappers.forEach(m -> this.mappers.put(m.format(), m));
    }

    /** The key, or empty when the payload cannot be mapped now (the consumer will dead-letter it). */
    public Optional<String> of(String partnerId, String format, UUID receiptId, Instant receivedAt, byte[] payload) {
        Optional<IngestProperties.PartnerProperties> partner = properties.partner(partnerId);
        FormatMapper mapper = partner.map(p -> mappers.get(p.format())).orElse(null);
        if (mapper == null || !mapper.format().name().equals(format)) {
            return Optional.empty();
        }
        try {
            Bundle bundle = mapper.map(payload, new SourceMessage(partner.get(), receiptId, receivedAt));
            return patientIdentity(bundle).map(identity -> HexFormat.of().formatHex(cipher.pseudonym(identity)));
        } catch (MappingException | RuntimeException e) {
            log.debug("No patient key for receipt {}: {}", receiptId, e.toString());
            return Optional.empty();
        }
    }

    /** The first {@code identifier=...} criterion by which the bundle writes a Patient. */
    static Optional<String> patientIdentity(Bundle bundle) {
        return bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof Patient)
                .map(BundleEntryComponent::getRequest)
                .map(request -> {
                    if (request.getMethod() == Bundle.HTTPVerb.PUT
                            && request.getUrl() != null
                            && request.getUrl().startsWith("Patient?")) {
                        return request.getUrl().substring("Patient?".length());
                    }
                    return request.getIfNoneExist();
                })
                .filter(Objects::nonNull)
                .filter(criterion -> criterion.startsWith("identifier="))
                .sorted()
                .findFirst();
    }
}
