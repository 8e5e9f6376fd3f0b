package io.healthportal.ingest.ccda;

import static io.healthportal.ingest.ccda.CcdaXml.child;
import static io.healthportal.ingest.ccda.CcdaXml.children;
import static io.healthportal.ingest.ccda.CcdaXml.hasTemplate;

import io.healthportal.ingest.ccda.ClinicalStatementMapping.Mapped;
import io.healthportal.ingest.ccda.ClinicalStatementMapping.MappedReport;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.FormatMapper;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * A C-CDA CCD (or any C-CDA document with these sections) into one transaction: the Patient of
 * {@code recordTarget} (conditional create on the NHS number, else the partner's MRN), and the entries of
 * the Problems, Allergies, Medications, Results and Vital Signs sections (see {@link
 * ClinicalStatementMapping}), each written by a conditional update on its entry id, so a later document
 * repeating an entry updates it. The document's {@code effectiveTime} is the source event time. Other
 * sections are reported as unmapped. Parsed with the JDK's DOM, closed to XXE ({@link CcdaXml}). Plain Java.
 */
public final class CcdaFormat implements FormatMapper {

    private static final Logger log = LoggerFactory.getLogger(CcdaFormat.class);
    private static final String SECTION = "2.16.840.1.113883.10.20.22.2.";
    private static final String PROBLEMS = SECTION + "5";
    private static final String ALLERGIES = SECTION + "6";
    private static final String MEDICATIONS = SECTION + "1";
    private static final String RESULTS = SECTION + "3";
    private static final String VITAL_SIGNS = SECTION + "4";

    @Override
    public PayloadFormat format() {
        return PayloadFormat.CCDA;
    }

    @Override
    public Bundle map(byte[] payload, SourceMessage source) throws MappingException {
        Conversion conversion = convert(payload, source);
        if (log.isDebugEnabled() && !conversion.unmapped().isEmpty()) {
            log.debug("Receipt {} left unmapped: {}", source.receiptId(), conversion.unmapped());
        }
        return conversion.bundle();
    }

    /** The bundle, and what the document held that was not mapped (section and entry kinds only). */
    public record Conversion(Bundle bundle, List<String> unmapped) {}

    public Conversion convert(byte[] payload, SourceMessage source) throws MappingException {
        CcdaXml xml = CcdaXml.parse(payload);
        PartnerProperties partner = source.partner();
        List<String> unmapped = new ArrayList<>();
        CcdaPatientMapping.MappedPatient patient = CcdaPatientMapping.map(xml, partner, unmapped);
        FhirTransaction transaction = new FhirTransaction(
                "urn:healthportal:partner:" + partner.id() + ":receipt:" + source.receiptId(), partner.id());
        // A document's demographics do not overwrite what a clinic's ADT feed keeps up to date.
        Reference subject = new Reference(transaction.conditionalCreate(patient.patient(), patient.matchOn()));
        Entries entries = new Entries(transaction, subject, unmapped);
        ClinicalStatementMapping statements = new ClinicalStatementMapping(partner.timeZone(), unmapped);

        for (Element section : xml.all(xml.root(), "cda:component/cda:structuredBody/cda:component/cda:section")) {
            if (hasTemplate(section, PROBLEMS, PROBLEMS + ".1")) {
                for (Element concern : entryActs(section, "act")) {
                    for (Element observation : relatedObservations(concern)) {
                        entries.add(statements.problem(concern, observation));
                    }
                }
            } else if (hasTemplate(section, ALLERGIES, ALLERGIES + ".1")) {
                for (Element concern : entryActs(section, "act")) {
                    for (Element observation : relatedObservations(concern)) {
                        entries.add(statements.allergy(concern, observation));
                    }
                }
            } else if (hasTemplate(section, MEDICATIONS, MEDICATIONS + ".1")) {
                for (Element activity : entryActs(section, "substanceAdministration")) {
                    entries.add(statements.medication(activity));
                }
            } else if (hasTemplate(section, RESULTS, RESULTS + ".1")) {
                for (Element organizer : entryActs(section, "organizer")) {
                    MappedReport report = statements.resultOrganizer(organizer);
                    List<Reference> results = new ArrayList<>();
                    for (Mapped observation : report.observations()) {
                        String url = entries.add(observation);
                        if (url != null) {
                            results.add(new Reference(url));
                        }
                    }
                    if (report.report() != null) {
                        ((DiagnosticReport) report.report().resource()).setResult(results);
                        entries.add(report.report());
                    }
                }
                for (Element observation : entryActs(section, "observation")) {
                    entries.add(statements.observation(observation, "laboratory", "Laboratory"));
                }
            } else if (hasTemplate(section, VITAL_SIGNS, VITAL_SIGNS + ".1")) {
                for (Element organizer : entryActs(section, "organizer")) {
                    for (Element component : children(organizer, "component")) {
                        Element observation = child(component, "observation");
                        if (observation != null) {
                            entries.add(statements.observation(observation, "vital-signs", "Vital Signs"));
                        }
                    }
                }
                for (Element observation : entryActs(section, "observation")) {
                    entries.add(statements.observation(observation, "vital-signs", "Vital Signs"));
                }
            } else {
                unmapped.add("section " + sectionName(section));
            }
        }
        DateTimeType documentTime = CcdaDatatypes.dateTime(child(xml.root(), "effectiveTime"), partner.timeZone());
        transaction.addProvenance(source, documentTime, "archived C-CDA document");
        return new Conversion(transaction.bundle(), List.copyOf(unmapped));
    }

    /** The clinical statements of a section's entries with this element name. */
    private static List<Element> entryActs(Element section, String name) {
        List<Element> found = new ArrayList<>();
        for (Element entry : children(section, "entry")) {
            found.addAll(children(entry, name));
        }
        return found;
    }

    private static List<Element> relatedObservations(Element act) {
        List<Element> found = new ArrayList<>();
        for (Element relationship : children(act, "entryRelationship")) {
            found.addAll(children(relationship, "observation"));
        }
        return found;
    }

    private static String sectionName(Element section) {
        Element code = child(section, "code");
        String loinc = code == null ? null : CcdaXml.attr(code, "code");
        return loinc != null ? "LOINC " + loinc : "without a code";
    }

    /** Adds mapped entries to the transaction once per identity, with the patient as their subject. */
    private static final class Entries {
        private final FhirTransaction transaction;
        private final Reference subject;
        private final List<String> unmapped;
        private final Set<String> written = new HashSet<>();

        Entries(FhirTransaction transaction, Reference subject, List<String> unmapped) {
            this.transaction = transaction;
            this.subject = subject;
            this.unmapped = unmapped;
        }

        /** The entry's fullUrl, or null when nothing was mapped or its identity was written already. */
        String add(Mapped mapped) {
            if (mapped == null) {
                return null;
            }
            Resource resource = mapped.resource();
            Identifier identity = mapped.identity();
            if (!written.add(key(resource, identity))) {
                // Some documents give several entries one id (each vital sign of an organizer, say): the
                // entry's code tells them apart. Two updates of one resource would fail the transaction.
                String code = code(resource);
                Identifier distinct = identity.copy().setValue(identity.getValue() + "/" + code);
                if (code == null || !written.add(key(resource, distinct))) {
                    unmapped.add(resource.fhirType() + " repeating an id already in the document");
                    return null;
                }
                List<Identifier> identifiers = identifierList(resource);
                identifiers.set(identifiers.indexOf(identity), distinct);
                identity = distinct;
            }
            Reference patient = subject.copy();
            if (resource instanceof Condition condition) {
                condition.setSubject(patient);
            } else if (resource instanceof AllergyIntolerance allergy) {
                allergy.setPatient(patient);
            } else if (resource instanceof MedicationStatement statement) {
                statement.setSubject(patient);
            } else if (resource instanceof Observation observation) {
                observation.setSubject(patient);
            } else if (resource instanceof DiagnosticReport report) {
                report.setSubject(patient);
            }
            return transaction.conditionalUpdate(resource, identity);
        }

        private static String key(Resource resource, Identifier identity) {
            return resource.fhirType() + "|" + identity.getSystem() + "|" + identity.getValue();
        }

        private static String code(Resource resource) {
            CodeableConcept concept = null;
            if (resource instanceof Condition condition) {
                concept = condition.getCode();
            } else if (resource instanceof AllergyIntolerance allergy) {
                concept = allergy.getCode();
            } else if (resource instanceof MedicationStatement statement && statement.hasMedicationCodeableConcept()) {
                concept = statement.getMedicationCodeableConcept();
            } else if (resource instanceof Observation observation) {
                concept = observation.getCode();
            } else if (resource instanceof DiagnosticReport report) {
                concept = report.getCode();
            }
            return concept == null || !concept.hasCoding()
                    ? null
                    : concept.getCodingFirstRep().getCode();
        }

        private static List<Identifier> identifierList(Resource resource) {
            if (resource instanceof Condition condition) {
                return condition.getIdentifier();
            } else if (resource instanceof AllergyIntolerance allergy) {
                return allergy.getIdentifier();
            } else if (resource instanceof MedicationStatement statement) {
                return statement.getIdentifier();
            } else if (resource instanceof Observation observation) {
                return observation.getIdentifier();
            } else if (resource instanceof DiagnosticReport report) {
                return report.getIdentifier();
            }
            return new ArrayList<>();
        }
    }
}
