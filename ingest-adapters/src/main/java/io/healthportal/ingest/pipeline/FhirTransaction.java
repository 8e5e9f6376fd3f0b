package io.healthportal.ingest.pipeline;

import ca.uhn.fhir.util.UrlUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A transaction bundle being built by a format: every resource is written by a conditional request on
 * its business identifier, with a deterministic fullUrl (name-based from partner, type and identifier),
 * {@code meta.source} and the partner tag ({@link PatientOwnership#PARTNER_TAG_SYSTEM}); one Provenance
 * per payload, id {@code receipt-{receipt id}}, targets every
 * written resource and names the archived payload as its source entity. Shared by the formats so that
 * identity and provenance are built one way. Plain Java.
 */
public final class FhirTransaction {

    public static final String PARTNER_SYSTEM = "https://healthportal.io/Id/partner";
    public static final String RECEIPT_SYSTEM = "https://healthportal.io/Id/ingest-receipt";

    /** Every resource a partner's data is written as carries this tag, its code the partner id. */
    public static final String PARTNER_TAG_SYSTEM = "https://healthportal.io/CodeSystem/partner";

    /** The tag naming the partner that owns a Patient's demographics: the one that created it. */
    public static final String OWNER_TAG_SYSTEM = "https://healthportal.io/CodeSystem/demographics-owner";

    private final Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    private final String metaSource;
    private final String partnerId;
    private final List<Reference> targets = new ArrayList<>();

    public FhirTransaction(String metaSource, String partnerId) {
        this.metaSource = metaSource;
        this.partnerId = partnerId;
    }

    public Bundle bundle() {
        return bundle;
    }

    /** A conditional update ({@code PUT Type?identifier=system|value}); returns the entry's fullUrl. */
    public String conditionalUpdate(Resource resource, Identifier identifier) {
        String url = add(resource, identifier);
        bundle.getEntry()
                .get(bundle.getEntry().size() - 1)
                .getRequest()
                .setMethod(HTTPVerb.PUT)
                .setUrl(resource.fhirType() + "?identifier=" + token(identifier));
        return url;
    }

    /** A conditional create ({@code POST} with {@code ifNoneExist}); returns the entry's fullUrl. */
    public String conditionalCreate(Resource resource, Identifier identifier) {
        String url = add(resource, identifier);
        bundle.getEntry()
                .get(bundle.getEntry().size() - 1)
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl(resource.fhirType())
                .setIfNoneExist("identifier=" + token(identifier));
        return url;
    }

    private String add(Resource resource, Identifier identifier) {
        String fullUrl = fullUrl(partnerId, resource.fhirType(), identifier);
        resource.getMeta().setSource(metaSource);
        PatientOwnership.tagPartner(resource.getMeta(), partnerId);
        bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
        targets.add(new Reference(fullUrl));
        return fullUrl;
    }

    /** The name-based fullUrl of a partner's resource with this business identifier. */
    public static String fullUrl(String partnerId, String resourceType, Identifier identifier) {
        return "urn:uuid:"
                + UUID.nameUUIDFromBytes(
                        (partnerId + "|" + resourceType + "|" + identifier.getSystem() + "|" + identifier.getValue())
                                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The payload's Provenance, written by a plain update on its receipt-based id.
     *
     * @param occurred the source event time, or null when the payload carries none (the receipt time
     *     then orders it)
     * @param payloadDescription what the archived payload is, e.g. "archived HL7 v2 message"
     */
    public void addProvenance(SourceMessage source, DateTimeType occurred, String payloadDescription) {
        Provenance provenance = new Provenance();
        provenance.setId("receipt-" + source.receiptId());
        provenance.getMeta().setSource(metaSource);
        PatientOwnership.tagPartner(provenance.getMeta(), partnerId);
        provenance.setTarget(targets);
        provenance.setRecorded(Date.from(source.receivedAt()));
        if (occurred != null) {
            provenance.setOccurred(occurred);
        }
        provenance.setActivity(new CodeableConcept()
                .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "UPDATE", null)));
        provenance
                .addAgent()
                .setType(new CodeableConcept()
                        .addCoding(new Coding(
                                "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                                "author",
                                "Author")))
                .setWho(new Reference()
                        .setIdentifier(
                                new Identifier().setSystem(PARTNER_SYSTEM).setValue(partnerId))
                        .setDisplay(partnerId));
        provenance
                .addEntity()
                .setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference()
                        .setIdentifier(new Identifier()
                                .setSystem(RECEIPT_SYSTEM)
                                .setValue(source.receiptId().toString()))
                        .setDisplay(payloadDescription));
        bundle.addEntry()
                .setFullUrl("urn:uuid:" + source.receiptId())
                .setResource(provenance)
                .getRequest()
                .setMethod(HTTPVerb.PUT)
                .setUrl("Provenance/" + provenance.getIdElement().getIdPart());
    }

    static String token(Identifier identifier) {
        return UrlUtil.escapeUrlParam(identifier.getSystem()) + "|" + UrlUtil.escapeUrlParam(identifier.getValue());
    }
}
