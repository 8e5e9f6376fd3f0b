package io.healthportal.ingest.ccda;

import static io.healthportal.ingest.ccda.CcdaXml.attr;
import static io.healthportal.ingest.ccda.CcdaXml.child;
import static io.healthportal.ingest.ccda.CcdaXml.children;

import io.healthportal.ingest.hl7v2.Hl7Timestamps;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.w3c.dom.Element;

/**
 * CDA R2 data types as FHIR R4 ones: II as Identifier, CD/CE/CO as CodeableConcept (code systems by OID),
 * PQ as Quantity (UCUM units), TS and IVL_TS as dateTime and Period (the partner's zone where a time
 * carries none). Plain Java.
 */
final class CcdaDatatypes {

    static final String UCUM = "http://unitsofmeasure.org";

    /** Code system OIDs partners' documents use, as FHIR system URIs; others become {@code urn:oid:}. */
    private static final Map<String, String> CODE_SYSTEMS = Map.ofEntries(
            Map.entry("2.16.840.1.113883.6.1", "http://loinc.org"),
            Map.entry("2.16.840.1.113883.6.96", "http://snomed.info/sct"),
            Map.entry("2.16.840.1.113883.6.88", "http://www.nlm.nih.gov/research/umls/rxnorm"),
            Map.entry("2.16.840.1.113883.6.90", "http://hl7.org/fhir/sid/icd-10-cm"),
            Map.entry("2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"),
            Map.entry("2.16.840.1.113883.6.103", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("2.16.840.1.113883.6.12", "http://www.ama-assn.org/go/cpt"),
            Map.entry("2.16.840.1.113883.12.292", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("2.16.840.1.113883.6.69", "http://hl7.org/fhir/sid/ndc"),
            Map.entry("2.16.840.1.113883.4.9", "http://fdasis.nlm.nih.gov"),
            Map.entry("2.16.840.1.113883.6.8", UCUM),
            Map.entry("2.16.840.1.113883.5.83", "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"),
            Map.entry("2.16.840.1.113883.5.4", "http://terminology.hl7.org/CodeSystem/v3-ActCode"),
            Map.entry("2.16.840.1.113883.5.112", "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"),
            Map.entry("2.16.840.1.113883.3.26.1.1", "http://ncimeta.nci.nih.gov"),
            Map.entry("1.2.826.0.1285.0.2.0.65", "https://dmd.nhs.uk"));

    private CcdaDatatypes() {}

    static String system(String oid) {
        return oid == null ? null : CODE_SYSTEMS.getOrDefault(oid, "urn:oid:" + oid);
    }

    /**
     * An II as an Identifier: root and extension as {@code urn:oid:root} and the extension; a root alone
     * (a UUID or OID naming the thing itself) as an {@code urn:ietf:rfc:3986} URI. Null for a null flavor.
     */
    static Identifier identifier(Element id) {
        String root = attr(id, "root");
        if (root == null || attr(id, "nullFlavor") != null) {
            return null;
        }
        String extension = attr(id, "extension");
        boolean uuid = root.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
        if (extension == null) {
            return new Identifier()
                    .setSystem("urn:ietf:rfc:3986")
                    .setValue((uuid ? "urn:uuid:" : "urn:oid:") + root.toLowerCase(java.util.Locale.ROOT));
        }
        return new Identifier()
                .setSystem((uuid ? "urn:uuid:" : "urn:oid:") + root)
                .setValue(extension);
    }

    /** The first usable {@code id} child of an entry as an Identifier, or null. */
    static Identifier firstIdentifier(Element entry) {
        for (Element id : children(entry, "id")) {
            Identifier identifier = identifier(id);
            if (identifier != null) {
                return identifier;
            }
        }
        return null;
    }

    /**
     * A CD (CE, CO, CV) as a CodeableConcept: the code and its translations as codings, the original text
     * (when written inline) as text. Null when it holds nothing.
     */
    static CodeableConcept concept(Element cd) {
        if (cd == null) {
            return null;
        }
        CodeableConcept concept = new CodeableConcept();
        addCoding(concept, cd);
        for (Element translation : children(cd, "translation")) {
            addCoding(concept, translation);
        }
        Element original = child(cd, "originalText");
        String text = original == null || child(original, "reference") != null ? null : CcdaXml.text(original);
        if (text != null) {
            concept.setText(text);
        } else if (!concept.hasCoding() && attr(cd, "displayName") != null) {
            concept.setText(attr(cd, "displayName"));
        }
        return concept.hasCoding() || concept.hasText() ? concept : null;
    }

    private static void addCoding(CodeableConcept concept, Element cd) {
        String code = attr(cd, "code");
        String system = attr(cd, "codeSystem");
        if (code == null || system == null || attr(cd, "nullFlavor") != null) {
            return;
        }
        concept.addCoding(new Coding(system(system), code, attr(cd, "displayName")));
    }

    /** A PQ as a Quantity, its unit coded as UCUM when it is UCUM ({@link UcumUnits}). */
    static <Q extends Quantity> Q quantity(Q quantity, Element pq) throws MappingException {
        String value = attr(pq, "value");
        if (value == null) {
            return null;
        }
        try {
            quantity.setValue(new BigDecimal(value));
        } catch (NumberFormatException e) {
            throw new MappingException("INGEST-CCDA-BAD-NUMBER", "a physical quantity's value is not a number");
        }
        String unit = attr(pq, "unit");
        if (unit != null) {
            quantity.setUnit(unit);
            if (UcumUnits.isUcum(unit)) {
                quantity.setSystem(UCUM).setCode(unit);
            }
        }
        return quantity;
    }

    static SimpleQuantity simpleQuantity(Element pq) throws MappingException {
        return quantity(new SimpleQuantity(), pq);
    }

    /** A TS as a dateTime (the partner's zone when it carries none); null when empty or a null flavor. */
    static DateTimeType dateTime(Element ts, ZoneId zone) throws MappingException {
        String value = attr(ts, "value");
        if (value == null) {
            return null;
        }
        try {
            return Hl7Timestamps.dateTime(value, zone);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new MappingException(
                    "INGEST-CCDA-BAD-TIMESTAMP", "a " + ts.getLocalName() + " is not a CDA timestamp");
        }
    }

    /** The start of an {@code effectiveTime}: its value, else its low. */
    static DateTimeType start(Element effectiveTime, ZoneId zone) throws MappingException {
        if (effectiveTime == null) {
            return null;
        }
        DateTimeType value = dateTime(effectiveTime, zone);
        return value != null ? value : dateTime(child(effectiveTime, "low"), zone);
    }

    static DateTimeType end(Element effectiveTime, ZoneId zone) throws MappingException {
        return effectiveTime == null ? null : dateTime(child(effectiveTime, "high"), zone);
    }

    /** An IVL_TS as a Period; null when it has neither bound. */
    static Period period(Element effectiveTime, ZoneId zone) throws MappingException {
        DateTimeType start = start(effectiveTime, zone);
        DateTimeType end = end(effectiveTime, zone);
        if (start == null && end == null) {
            return null;
        }
        Period period = new Period();
        if (start != null) {
            period.setStartElement(start);
        }
        if (end != null) {
            period.setEndElement(end);
        }
        return period;
    }
}
