package io.healthportal.ingest.ccda;

import static io.healthportal.ingest.ccda.CcdaXml.attr;
import static io.healthportal.ingest.ccda.CcdaXml.child;
import static io.healthportal.ingest.ccda.CcdaXml.children;

import io.healthportal.ingest.config.CcdaSettings;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.hl7v2.Hl7Timestamps;
import io.healthportal.ingest.hl7v2.NhsNumber;
import io.healthportal.ingest.pipeline.MappingException;
import java.util.List;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * {@code recordTarget/patientRole} as Patient. The NHS number (id root {@code ccda.nhs-number-root}) must
 * pass its check digit; the partner's MRN is the id with root {@code ccda.mrn-root}, or without that
 * setting the first other id with an extension, written with the partner's MRN system. Other ids are
 * kept as {@code urn:oid:} identifiers. The Patient is matched on the NHS number, else the MRN.
 */
final class CcdaPatientMapping {

    static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private CcdaPatientMapping() {}

    record MappedPatient(Patient patient, Identifier matchOn) {}

    static MappedPatient map(CcdaXml xml, PartnerProperties partner, List<String> unmapped) throws MappingException {
        Element role = xml.first(xml.root(), "cda:recordTarget/cda:patientRole");
        if (role == null) {
            throw new MappingException("INGEST-CCDA-NO-PATIENT", "the document has no recordTarget/patientRole");
        }
        CcdaSettings settings = partner.ccda() != null ? partner.ccda() : new CcdaSettings(null, null);
        Patient patient = new Patient();
        Identifier nhs = null;
        Identifier mrn = null;
        for (Element id : children(role, "id")) {
            String root = attr(id, "root");
            String extension = attr(id, "extension");
            if (root == null || extension == null) {
                continue;
            }
            if (root.equals(settings.nhsRoot())) {
                String digits = NhsNumber.normalise(extension);
                if (digits == null) {
                    throw new MappingException(
                            "INGEST-CCDA-NHS-NUMBER-INVALID",
                            "the patientRole id with the NHS number root fails its check digit");
                }
                nhs = new Identifier().setSystem(NhsNumber.SYSTEM).setValue(digits);
                patient.addIdentifier(nhs);
            } else if (mrn == null && (settings.mrnRoot() == null || root.equals(settings.mrnRoot()))) {
                mrn = new Identifier()
                        .setSystem(partner.identifierSystems().mrn())
                        .setValue(extension)
                        .setType(new CodeableConcept().addCoding(new Coding(V2_0203, "MR", null)));
                mrn.setAssigner(new Reference().setDisplay(partner.id()));
                patient.addIdentifier(mrn);
            } else {
                patient.addIdentifier(
                        new Identifier().setSystem("urn:oid:" + root).setValue(extension));
            }
        }
        Identifier matchOn = nhs != null ? nhs : mrn;
        if (matchOn == null) {
            throw new MappingException(
                    "INGEST-CCDA-NO-PATIENT-ID", "patientRole holds neither an NHS number nor a medical record number");
        }
        Element person = child(role, "patient");
        for (Element name : children(person, "name")) {
            HumanName human = new HumanName();
            children(name, "given").forEach(g -> human.addGiven(CcdaXml.text(g)));
            Element family = child(name, "family");
            if (family != null) {
                human.setFamily(CcdaXml.text(family));
            }
            children(name, "prefix").forEach(p -> human.addPrefix(CcdaXml.text(p)));
            children(name, "suffix").forEach(s -> human.addSuffix(CcdaXml.text(s)));
            if ("L".equals(attr(name, "use"))) {
                human.setUse(HumanName.NameUse.USUAL);
            }
            if (human.hasFamily() || human.hasGiven()) {
                patient.addName(human);
            }
        }
        String gender = attr(child(person, "administrativeGenderCode"), "code");
        if (gender != null) {
            patient.setGender(
                    switch (gender) {
                        case "F" -> AdministrativeGender.FEMALE;
                        case "M" -> AdministrativeGender.MALE;
                        case "UN" -> AdministrativeGender.OTHER;
                        default -> AdministrativeGender.UNKNOWN;
                    });
        }
        String birth = attr(child(person, "birthTime"), "value");
        if (birth != null) {
            try {
                patient.setBirthDateElement(Hl7Timestamps.date(birth));
            } catch (IllegalArgumentException e) {
                throw new MappingException("INGEST-CCDA-BAD-TIMESTAMP", "patient/birthTime is not a CDA date");
            }
        }
        for (Element addr : children(role, "addr")) {
            Address address = new Address();
            children(addr, "streetAddressLine").forEach(line -> address.addLine(CcdaXml.text(line)));
            address.setCity(CcdaXml.text(child(addr, "city")));
            address.setState(CcdaXml.text(child(addr, "state")));
            address.setPostalCode(CcdaXml.text(child(addr, "postalCode")));
            address.setCountry(CcdaXml.text(child(addr, "country")));
            String use = attr(addr, "use");
            if ("HP".equals(use) || "H".equals(use)) {
                address.setUse(Address.AddressUse.HOME);
            } else if ("WP".equals(use)) {
                address.setUse(Address.AddressUse.WORK);
            }
            if (address.hasLine() || address.hasCity() || address.hasPostalCode()) {
                patient.addAddress(address);
            }
        }
        for (Element telecom : children(role, "telecom")) {
            String value = attr(telecom, "value");
            if (value == null) {
                continue;
            }
            ContactPoint contact = new ContactPoint();
            if (value.startsWith("mailto:")) {
                contact.setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(value.substring(7));
            } else if (value.startsWith("fax:")) {
                contact.setSystem(ContactPoint.ContactPointSystem.FAX).setValue(value.substring(4));
            } else {
                contact.setSystem(ContactPoint.ContactPointSystem.PHONE)
                        .setValue(value.startsWith("tel:") ? value.substring(4) : value);
            }
            String use = attr(telecom, "use");
            if ("HP".equals(use) || "H".equals(use)) {
                contact.setUse(ContactPoint.ContactPointUse.HOME);
            } else if ("WP".equals(use)) {
                contact.setUse(ContactPoint.ContactPointUse.WORK);
            } else if ("MC".equals(use)) {
                contact.setUse(ContactPoint.ContactPointUse.MOBILE);
            }
            patient.addTelecom(contact);
        }
        for (String field :
                new String[] {"raceCode", "ethnicGroupCode", "maritalStatusCode", "languageCommunication"}) {
            if (child(person, field) != null) {
                unmapped.add("patient/" + field);
            }
        }
        return new MappedPatient(patient, matchOn);
    }
}
