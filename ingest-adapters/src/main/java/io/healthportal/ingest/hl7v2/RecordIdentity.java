package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.FhirTransaction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Identifier;

/**
 * The identity of what a message records about a patient that carries no number of its own from the
 * partner: an allergy (AL1), a diagnosis (DG1), a procedure (PR1), an observation outside an order (OBX in
 * ADT, ORU or VXU). The identifier is in the partner's portal system for the kind of record ({@code
 * https://healthportal.io/Id/partner/{partner}/{kind}}); its value is the patient's (the name-based id of
 * the message's Patient entry, so no PHI) followed by what the record is about, e.g. the allergen's code. A
 * replay, or a later message about the same record, so updates it. A value repeated within one message
 * gets an ordinal ({@code #2}), as order observations do.
 */
final class RecordIdentity {

    /** What goes into a value as is; other text (a description with commas, say) goes in name-based. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._\\-:+]+");

    private final String system;
    private final String patientKey;
    private final Map<String, Integer> seen = new HashMap<>();

    /**
     * @param kind the kind of record, a path segment ({@code allergy-intolerance}, {@code condition}, ...)
     * @param patientUrl the fullUrl of the message's Patient entry ({@code urn:uuid:...})
     */
    RecordIdentity(PartnerProperties partner, String kind, String patientUrl) {
        this.system = FhirTransaction.PARTNER_SYSTEM + "/" + partner.id() + "/" + kind;
        this.patientKey = patientUrl.substring(patientUrl.lastIndexOf(':') + 1);
    }

    /** The next record's identifier, from the parts (codes, times) that tell it apart; nulls are skipped. */
    Identifier identifier(String... parts) {
        StringBuilder value = new StringBuilder(patientKey);
        for (String part : parts) {
            if (part != null) {
                value.append('/').append(token(part));
            }
        }
        int ordinal = seen.merge(value.toString(), 1, Integer::sum);
        if (ordinal > 1) {
            value.append('#').append(ordinal);
        }
        return new Identifier().setSystem(system).setValue(value.toString());
    }

    private static String token(String part) {
        return TOKEN.matcher(part).matches()
                ? part
                : UUID.nameUUIDFromBytes(part.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
