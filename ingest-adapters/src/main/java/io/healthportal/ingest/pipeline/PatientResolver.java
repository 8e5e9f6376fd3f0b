package io.healthportal.ingest.pipeline;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import ca.uhn.fhir.util.UrlUtil;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.fhir.FhirWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds the stored Patient of each Patient a mapped message names, before its transaction is written,
 * and rewrites the transaction by {@link PatientOwnership}'s rules. The lookup is a token search on the
 * identifier the mapping matched on (the NHS number, else the partner's MRN); a message with an NHS
 * number that matches no one is also looked up by the partner's MRN, so a patient the partner sent
 * before without an NHS number is not created twice. Then:
 *
 * <ul>
 *   <li>none found: a conditional create ({@code If-None-Exist} on that identifier, so two workers racing
 *       do not create two), owned by the partner and unverified; after the write an operator work item
 *       is recorded ({@link UnverifiedPatients});
 *   <li>found: an update of the version read ({@code ifMatch}), as the owner or as another partner may
 *       write it, or no Patient entry at all when it would change nothing (a replay adds no identifier
 *       twice). Every reference of the message to the Patient points at the stored one.
 * </ul>
 *
 * <p>Two Patients carrying the identifier ({@code INGEST-IDENTITY-AMBIGUOUS}), or the partner's MRN on a
 * Patient with another NHS number ({@code INGEST-IDENTITY-CONFLICT}), are dead-lettered: no automatic
 * merge, an operator decides. Resolution is repeated on every write attempt, so a write refused because
 * another writer changed the Patient meanwhile (412, 409: retried) reads it again.
 */
@Component
public class PatientResolver {

    private static final Logger log = LoggerFactory.getLogger(PatientResolver.class);

    private final FhirWriter fhir;
    private final UnverifiedPatients unverified;
    private final FhirTerser terser;

    PatientResolver(FhirWriter fhir, UnverifiedPatients unverified, FhirContext context) {
        this.fhir = fhir;
        this.unverified = unverified;
        this.terser = context.newTerser();
    }

    /** The transaction to write, and the unverified Patients it creates or touches. */
    record Resolution(Bundle bundle, List<UnverifiedPatient> unverified) {}

    /**
     * An unverified Patient of the message: already stored ({@code reference}), or created by the entry
     * {@code created} (its reference is in the transaction-response).
     */
    record UnverifiedPatient(String reference, BundleEntryComponent created, Identifier matchedOn) {}

    /** The mapped bundle, rewritten; the mapped bundle itself is left as it was. */
    Resolution resolve(Bundle mapped, PartnerProperties partner) throws MappingException {
        Bundle bundle = mapped.copy();
        List<Found> patients = new ArrayList<>();
        Map<String, String> storedByFullUrl = new HashMap<>();
        for (BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Patient patient) {
                Identifier matchOn = matchedOn(entry);
                Optional<Patient> stored = find(patient, matchOn, partner);
                stored.ifPresent(s -> storedByFullUrl.put(entry.getFullUrl(), reference(s)));
                patients.add(new Found(entry, matchOn, stored));
            }
        }
        pointAtStoredPatients(bundle, storedByFullUrl);

        List<UnverifiedPatient> unverifiedPatients = new ArrayList<>();
        List<BundleEntryComponent> unchanged = new ArrayList<>();
        for (Found found : patients) {
            BundleEntryComponent entry = found.entry();
            Patient patient = (Patient) entry.getResource();
            if (found.stored().isEmpty()) {
                entry.setResource(PatientOwnership.created(patient, partner.id()));
                entry.getRequest()
                        .setMethod(HTTPVerb.POST)
                        .setUrl("Patient")
                        .setIfNoneExist("identifier=" + FhirTransaction.token(found.matchOn()));
                unverifiedPatients.add(new UnverifiedPatient(null, entry, found.matchOn()));
                continue;
            }
            Patient stored = found.stored().get();
            boolean carriesDemographics = entry.getRequest().getMethod() == HTTPVerb.PUT;
            Patient updated =
                    PatientOwnership.owner(stored).filter(partner.id()::equals).isPresent()
                            ? PatientOwnership.forOwner(stored, patient, partner.id(), carriesDemographics)
                            : PatientOwnership.forOtherPartner(
                                    stored,
                                    patient,
                                    partner.id(),
                                    partner.identifierSystems().mrn());
            String reference = reference(stored);
            if (PatientOwnership.isUnverified(stored)) {
                unverifiedPatients.add(new UnverifiedPatient(reference, null, found.matchOn()));
            }
            if (!PatientOwnership.changes(stored, updated)) {
                unchanged.add(entry);
                continue;
            }
            updated.setId(reference);
            entry.setResource(updated);
            entry.getRequest().setMethod(HTTPVerb.PUT).setUrl(reference).setIfNoneExist(null);
            if (stored.getMeta().hasVersionId()) {
                // A concurrent writer's change makes this write fail (412/409, retried) instead of being lost.
                entry.getRequest().setIfMatch("W/\"" + stored.getMeta().getVersionId() + "\"");
            }
        }
        for (BundleEntryComponent entry : unchanged) {
            bundle.getEntry().remove(entry);
            String reference = storedByFullUrl.get(entry.getFullUrl());
            // The Provenance names what the message wrote; this Patient it only pointed at.
            bundle.getEntry().stream()
                    .map(BundleEntryComponent::getResource)
                    .filter(Provenance.class::isInstance)
                    .map(Provenance.class::cast)
                    .forEach(provenance -> provenance.getTarget().removeIf(t -> reference.equals(t.getReference())));
        }
        return new Resolution(bundle, unverifiedPatients);
    }

    /**
     * After the write: an open work item for every unverified Patient the message created or touched,
     * unless one exists (so a replay, a lost race or a crash before this point adds none and loses none).
     */
    void recordWorkItems(Resolution resolution, Bundle response, String partnerId, UUID receiptId) {
        for (UnverifiedPatient patient : resolution.unverified()) {
            String reference = patient.reference() != null
                    ? patient.reference()
                    : createdReference(resolution.bundle(), patient.created(), response);
            if (reference == null) {
                log.warn(
                        "INGEST-IDENTITY-NO-LOCATION: hapi-server's answer to receipt {} does not say where it"
                                + " stored a new Patient; no work item recorded",
                        receiptId);
                continue;
            }
            unverified.record(reference, partnerId, receiptId, patient.matchedOn());
        }
    }

    /**
     * Whether another writer created a Patient this message meant to create, between the lookup and the
     * write: its {@code If-None-Exist} matched (200, not 201), so the message's identifiers are not on
     * that Patient yet. The message is then resolved and written again, and the lookup finds it.
     */
    boolean metAPatientCreatedMeanwhile(Resolution resolution, Bundle response) {
        return resolution.unverified().stream()
                .filter(patient -> patient.created() != null)
                .map(patient -> responseTo(resolution.bundle(), patient.created(), response))
                .anyMatch(answer -> answer != null
                        && answer.hasStatus()
                        && answer.getStatus().startsWith("200"));
    }

    private static Bundle.BundleEntryResponseComponent responseTo(
            Bundle written, BundleEntryComponent entry, Bundle response) {
        int index = written.getEntry().indexOf(entry);
        if (response == null || index < 0 || index >= response.getEntry().size()) {
            return null;
        }
        return response.getEntry().get(index).getResponse();
    }

    private static String createdReference(Bundle written, BundleEntryComponent created, Bundle response) {
        Bundle.BundleEntryResponseComponent answer = responseTo(written, created, response);
        if (answer == null) {
            return null;
        }
        String location = answer.getLocation();
        if (location == null || location.isBlank()) {
            return null;
        }
        return new IdType(location).toUnqualifiedVersionless().getValue();
    }

    private record Found(BundleEntryComponent entry, Identifier matchOn, Optional<Patient> stored) {}

    private Optional<Patient> find(Patient patient, Identifier matchOn, PartnerProperties partner)
            throws MappingException {
        Optional<Patient> found = single(partner.id(), matchOn);
        String mrnSystem = partner.identifierSystems().mrn();
        if (found.isPresent() || mrnSystem.equals(matchOn.getSystem())) {
            return found;
        }
        // Matched on the NHS number: the partner may have sent this patient before under its MRN alone.
        Optional<Identifier> mrn = patient.getIdentifier().stream()
                .filter(i -> mrnSystem.equals(i.getSystem()) && i.hasValue())
                .findFirst();
        if (mrn.isEmpty()) {
            return Optional.empty();
        }
        Optional<Patient> byMrn = single(partner.id(), mrn.get());
        if (byMrn.isPresent()
                && byMrn.get().getIdentifier().stream()
                        .anyMatch(i -> matchOn.getSystem().equals(i.getSystem()))) {
            throw new MappingException(
                    "INGEST-IDENTITY-CONFLICT",
                    "the partner's MRN is on " + reference(byMrn.get()) + ", which has another identifier of system "
                            + matchOn.getSystem() + " than the message; an operator must decide");
        }
        return byMrn;
    }

    private Optional<Patient> single(String partnerId, Identifier identifier) throws MappingException {
        List<Patient> found = fhir.patientsWithIdentifier(partnerId, identifier.getSystem(), identifier.getValue());
        if (found.size() > 1) {
            throw new MappingException(
                    "INGEST-IDENTITY-AMBIGUOUS",
                    found.size() + " Patients carry the message's identifier of system " + identifier.getSystem()
                            + "; an operator must merge or correct them");
        }
        return found.stream().findFirst();
    }

    /** The identifier a Patient entry's conditional request names ({@code identifier=system|value}). */
    private static Identifier matchedOn(BundleEntryComponent entry) throws MappingException {
        String url = entry.getRequest().getUrl();
        String criterion = entry.getRequest().getMethod() == HTTPVerb.PUT && url != null && url.startsWith("Patient?")
                ? url.substring("Patient?".length())
                : entry.getRequest().getIfNoneExist();
        if (criterion == null || !criterion.startsWith("identifier=") || !criterion.contains("|")) {
            // A mapping bug, not the partner's: every format writes its Patient on an identifier.
            throw new MappingException(
                    "INGEST-IDENTITY-NO-IDENTIFIER", "the mapped Patient is not written on an identifier");
        }
        String token = criterion.substring("identifier=".length());
        int bar = token.indexOf('|');
        return new Identifier()
                .setSystem(UrlUtil.unescape(token.substring(0, bar)))
                .setValue(UrlUtil.unescape(token.substring(bar + 1)));
    }

    private void pointAtStoredPatients(Bundle bundle, Map<String, String> storedByFullUrl) {
        if (storedByFullUrl.isEmpty()) {
            return;
        }
        for (BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                String stored = storedByFullUrl.get(reference.getReference());
                if (stored != null) {
                    reference.setReference(stored);
                }
            }
        }
    }

    private static String reference(Patient stored) {
        return "Patient/" + stored.getIdElement().getIdPart();
    }
}
