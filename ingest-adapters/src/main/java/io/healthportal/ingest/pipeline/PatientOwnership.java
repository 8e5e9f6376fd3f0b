package io.healthportal.ingest.pipeline;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Patient;

/**
 * Who may change what on a Patient that several partners send data about (the ownership contract,
 * which hapi-server's partner system role enforces as well). Every resource ingest writes carries the
 * partner tag ({@value #PARTNER_TAG_SYSTEM}, code the partner id). A Patient carries the
 * demographics-owner tag ({@value #OWNER_TAG_SYSTEM}) of the partner that created it, never changed
 * afterwards: only that partner may change the demographics ({@link #DEMOGRAPHICS}); any other partner
 * may only add its own identifiers and its partner tag. A Patient the portal itself created (demo data,
 * a receptionist) has no owner tag, so no partner changes its demographics. A Patient ingest created
 * because a message matched no one carries the tag {@value #VERIFICATION_SYSTEM}|{@value #UNVERIFIED}
 * until an operator confirms who it is: a tag, not a security label, because it marks a step of work,
 * not a restriction on who may read it. Plain Java.
 */
public final class PatientOwnership {

    public static final String PARTNER_TAG_SYSTEM = "https://healthportal.io/CodeSystem/partner";
    public static final String OWNER_TAG_SYSTEM = "https://healthportal.io/CodeSystem/demographics-owner";
    public static final String VERIFICATION_SYSTEM = "https://healthportal.io/CodeSystem/patient-verification";
    public static final String UNVERIFIED = "unverified";

    /** The Patient elements only the demographics owner may change. */
    public static final List<String> DEMOGRAPHICS = List.of(
            "name",
            "telecom",
            "gender",
            "birthDate",
            "address",
            "deceased",
            "maritalStatus",
            "contact",
            "communication",
            "generalPractitioner");

    private PatientOwnership() {}

    /** The tag that marks a Patient as not yet confirmed by an operator. */
    public static Coding unverifiedTag() {
        return new Coding(VERIFICATION_SYSTEM, UNVERIFIED, "Unverified patient");
    }

    /** The partner that owns the Patient's demographics, or empty for a Patient the portal created. */
    public static Optional<String> owner(Patient patient) {
        return patient.getMeta().getTag().stream()
                .filter(tag -> OWNER_TAG_SYSTEM.equals(tag.getSystem()))
                .map(Coding::getCode)
                .findFirst();
    }

    public static boolean isUnverified(Patient patient) {
        return patient.getMeta().getTag().stream()
                .anyMatch(tag -> VERIFICATION_SYSTEM.equals(tag.getSystem()) && UNVERIFIED.equals(tag.getCode()));
    }

    /** Adds the partner tag of every resource ingest writes; a second call adds nothing. */
    public static void tagPartner(Meta meta, String partnerId) {
        addTag(meta, new Coding(PARTNER_TAG_SYSTEM, partnerId, null));
    }

    /**
     * A Patient that matched no one, as it is created: the message's Patient, owned by its partner and
     * unverified.
     */
    static Patient created(Patient mapped, String partnerId) {
        Patient patient = mapped.copy();
        tagPartner(patient.getMeta(), partnerId);
        addTag(patient.getMeta(), new Coding(OWNER_TAG_SYSTEM, partnerId, null));
        addTag(patient.getMeta(), unverifiedTag());
        return patient;
    }

    /**
     * What the owner writes over the stored Patient. A message that carries the patient's demographics
     * (an ADT, a merge: written by conditional update) replaces them, clearing those it leaves out as
     * before; it sets {@code active} and {@code multipleBirth} when it has them and adds its links. A
     * message that only refers to the patient (a result, a dispense: written by conditional create)
     * changes no demographics. Either way the stored identifiers and tags stay, the message's missing
     * identifiers are added, and {@code meta.source} is the message's.
     */
    static Patient forOwner(Patient stored, Patient mapped, String partnerId, boolean carriesDemographics) {
        Patient updated = stored.copy();
        if (carriesDemographics) {
            updated.setName(mapped.copy().getName());
            updated.setTelecom(mapped.copy().getTelecom());
            updated.setGender(mapped.getGender());
            updated.setBirthDateElement(
                    mapped.hasBirthDate() ? mapped.getBirthDateElement().copy() : null);
            updated.setAddress(mapped.copy().getAddress());
            updated.setDeceased(mapped.hasDeceased() ? mapped.getDeceased().copy() : null);
            updated.setMaritalStatus(
                    mapped.hasMaritalStatus() ? mapped.getMaritalStatus().copy() : null);
            updated.setContact(mapped.copy().getContact());
            updated.setCommunication(mapped.copy().getCommunication());
            updated.setGeneralPractitioner(mapped.copy().getGeneralPractitioner());
            if (mapped.hasActive()) {
                updated.setActiveElement(mapped.getActiveElement().copy());
            }
            if (mapped.hasMultipleBirth()) {
                updated.setMultipleBirth(mapped.getMultipleBirth().copy());
            }
            for (Patient.PatientLinkComponent link : mapped.getLink()) {
                if (updated.getLink().stream().noneMatch(link::equalsDeep)) {
                    updated.addLink(link.copy());
                }
            }
        }
        addMissingIdentifiers(updated, mapped, identifier -> true);
        return withMessageMeta(updated, mapped, partnerId);
    }

    /**
     * What any other partner writes over the stored Patient: its own identifiers (its MRN system) that
     * are missing, and its partner tag; everything else as stored.
     */
    static Patient forOtherPartner(Patient stored, Patient mapped, String partnerId, String partnerMrnSystem) {
        Patient updated = stored.copy();
        addMissingIdentifiers(updated, mapped, identifier -> partnerMrnSystem.equals(identifier.getSystem()));
        return withMessageMeta(updated, mapped, partnerId);
    }

    /** Whether writing {@code updated} over {@code stored} would change anything but bookkeeping. */
    static boolean changes(Patient stored, Patient updated) {
        return !withoutBookkeeping(stored).equalsDeep(withoutBookkeeping(updated));
    }

    private static Patient withoutBookkeeping(Patient patient) {
        Patient copy = patient.copy();
        Meta meta = new Meta();
        meta.setTag(copy.getMeta().getTag());
        meta.setSecurity(copy.getMeta().getSecurity());
        copy.setMeta(meta);
        copy.setText(null);
        return copy;
    }

    private static void addMissingIdentifiers(Patient updated, Patient mapped, Predicate<Identifier> allowed) {
        for (Identifier identifier : mapped.getIdentifier()) {
            if (allowed.test(identifier)
                    && updated.getIdentifier().stream().noneMatch(stored -> same(stored, identifier))) {
                updated.addIdentifier(identifier.copy());
            }
        }
    }

    /** One identifier: the same system and value; one without a system only when equal in full. */
    private static boolean same(Identifier stored, Identifier sent) {
        if (!sent.hasSystem()) {
            return stored.equalsDeep(sent);
        }
        return sent.getSystem().equals(stored.getSystem()) && Objects.equals(sent.getValue(), stored.getValue());
    }

    private static Patient withMessageMeta(Patient updated, Patient mapped, String partnerId) {
        Meta meta = updated.getMeta();
        meta.setVersionId(null);
        meta.setLastUpdated(null);
        meta.setSource(mapped.getMeta().getSource());
        tagPartner(meta, partnerId);
        return updated;
    }

    private static void addTag(Meta meta, Coding tag) {
        if (meta.getTag().stream()
                .noneMatch(t ->
                        tag.getSystem().equals(t.getSystem()) && tag.getCode().equals(t.getCode()))) {
            meta.addTag(tag);
        }
    }
}
