package io.healthportal.ingest.html;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import io.healthportal.ingest.config.HtmlReportLayout;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.hl7v2.NhsNumber;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.FormatMapper;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Selector;

/**
 * A partner's HTML lab report page (jsoup) into one transaction: the Patient (conditional create on the
 * NHS number, else the partner's patient id: a lab's page does not overwrite demographics), a
 * DiagnosticReport identified by the accession number and an Observation per row of the results table
 * (value as a UCUM Quantity where it is a number, reference range, interpretation from the flag). Where
 * things are on the page is the partner's configuration ({@link HtmlReportLayout}); a page where a
 * configured element or column is missing has changed its layout and is dead-lettered with {@value
 * #LAYOUT_CHANGED} rather than read wrongly. The report's issue time is the source event time. Plain Java.
 */
public final class HtmlReportFormat implements FormatMapper {

    /** The dead-letter code of a page that no longer matches the partner's configured layout. */
    public static final String LAYOUT_CHANGED = "INGEST-HTML-LAYOUT-CHANGED";

    static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";
    static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason";

    @Override
    public PayloadFormat format() {
        return PayloadFormat.HTML;
    }

    /** {@code meta.source} of a partner's page: the partner and the receipt (a page has no message id). */
    static String metaSource(String partnerId, SourceMessage source) {
        return "urn:healthportal:partner:" + partnerId + ":receipt:" + source.receiptId();
    }

    @Override
    public Bundle map(byte[] payload, SourceMessage source) throws MappingException {
        PartnerProperties partner = source.partner();
        HtmlReportLayout layout = partner.html();
        if (layout == null) {
            throw new MappingException("INGEST-HTML-UNCONFIGURED", "partner " + partner.id() + " has no html layout");
        }
        Document page = Jsoup.parse(new String(payload, partner.payloadCharset()));

        String accession = text(page, layout.accession(), "accession");
        if (accession == null) {
            throw new MappingException("INGEST-HTML-NO-ACCESSION", "the accession element is empty");
        }
        Patient patient = new Patient();
        Identifier matchOn = patientIdentity(page, layout, partner, patient);
        DateTimeType collected = dateTime(page, layout.collected(), "collected", layout, partner);
        DateTimeType reported = dateTime(page, layout.reported(), "reported", layout, partner);
        String reportName = text(page, layout.reportName(), "report-name");
        ResultTable table = ResultTable.read(page, layout);

        FhirTransaction transaction = new FhirTransaction(metaSource(partner.id(), source), partner.id());
        String patientUrl = transaction.conditionalCreate(patient, matchOn);

        Identifier reportId = new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(accession)
                .setType(new CodeableConcept().addCoding(new Coding(V2_0203, "ACSN", "Accession ID")));
        DiagnosticReport report = new DiagnosticReport();
        report.addIdentifier(reportId);
        report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        report.addCategory(new CodeableConcept().addCoding(new Coding(V2_0074, "LAB", "Laboratory")));
        report.setCode(new CodeableConcept().setText(reportName != null ? reportName : "Laboratory report"));
        report.setSubject(new Reference(patientUrl));
        if (collected != null) {
            report.setEffective(collected.copy());
        }
        if (reported != null) {
            report.setIssued(reported.getValue());
        }

        Map<String, Integer> seen = new HashMap<>();
        for (ResultTable.Row row : table.rows()) {
            Observation observation = observation(row, layout, accession, seen, partner);
            observation.setSubject(new Reference(patientUrl));
            if (collected != null) {
                observation.setEffective(collected.copy());
            }
            if (reported != null) {
                observation.setIssued(reported.getValue());
            }
            String url = transaction.conditionalUpdate(observation, observation.getIdentifierFirstRep());
            report.addResult(new Reference(url));
        }
        transaction.conditionalUpdate(report, reportId);
        transaction.addProvenance(source, reported, "archived HTML lab report page");
        return transaction.bundle();
    }

    private static Observation observation(
            ResultTable.Row row,
            HtmlReportLayout layout,
            String accession,
            Map<String, Integer> seen,
            PartnerProperties partner)
            throws MappingException {
        String name = row.value("test-name");
        if (name == null) {
            throw new MappingException(
                    "INGEST-HTML-MISSING-VALUE",
                    row.where() + ", column " + layout.columns().testName() + ": blank");
        }
        String code = row.value("test-code");
        CodeableConcept concept = new CodeableConcept().setText(name);
        if (code != null && layout.testCodeSystem() != null) {
            concept.addCoding(new Coding(layout.testCodeSystem(), code, name));
        }
        // Identity within the report: the test's code (else its name), with an ordinal if repeated.
        String key = code != null ? code : name.toLowerCase(Locale.ROOT);
        int ordinal = seen.merge(key, 1, Integer::sum);
        Observation observation = new Observation();
        observation.addIdentifier(new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(accession + "/" + key + (ordinal > 1 ? "#" + ordinal : "")));
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.addCategory(new CodeableConcept().addCoding(new Coding(CATEGORY, "laboratory", "Laboratory")));
        observation.setCode(concept);
        String unit = row.value("unit");
        String value = row.value("value");
        if (value != null) {
            observation.setValue(LabValues.value(value, unit));
        } else {
            observation.setDataAbsentReason(
                    new CodeableConcept().addCoding(new Coding(DATA_ABSENT, "unknown", "Unknown")));
        }
        String range = row.value("reference-range");
        if (range != null) {
            LabValues.referenceRange(range, unit, observation.addReferenceRange());
        }
        String flag = row.value("flag");
        if (flag != null) {
            observation.addInterpretation(LabValues.interpretation(flag));
        }
        return observation;
    }

    /** The NHS number (check digit verified) or else the partner's patient id, added to {@code patient}. */
    private static Identifier patientIdentity(
            Document page, HtmlReportLayout layout, PartnerProperties partner, Patient patient)
            throws MappingException {
        Identifier nhs = null;
        String nhsText = text(page, layout.nhsNumber(), "nhs-number");
        if (nhsText != null) {
            // Pages label and space the number ("NHS No: 943 476 5919"): only its digits count.
            String digits = NhsNumber.normalise(nhsText.replaceAll("\\D", ""));
            if (digits == null) {
                throw new MappingException(
                        "INGEST-HTML-NHS-NUMBER-INVALID",
                        "the nhs-number element holds no NHS number (ten digits passing the check digit)");
            }
            nhs = new Identifier().setSystem(NhsNumber.SYSTEM).setValue(digits);
            patient.addIdentifier(nhs);
        }
        Identifier mrn = null;
        String mrnText = text(page, layout.mrn(), "mrn");
        if (mrnText != null) {
            mrn = new Identifier()
                    .setSystem(partner.identifierSystems().mrn())
                    .setValue(mrnText)
                    .setType(new CodeableConcept().addCoding(new Coding(V2_0203, "MR", null)));
            mrn.setAssigner(new Reference().setDisplay(partner.id()));
            patient.addIdentifier(mrn);
        }
        if (nhs == null && mrn == null) {
            throw new MappingException(
                    "INGEST-HTML-NO-PATIENT-ID", "the page shows neither an NHS number nor a patient id (mrn)");
        }
        return nhs != null ? nhs : mrn;
    }

    /**
     * The trimmed text of the configured element; null when not configured or blank. A configured selector
     * matching nothing is a changed layout.
     */
    static String text(Document page, String selector, String field) throws MappingException {
        if (selector == null || selector.isBlank()) {
            return null;
        }
        Element element;
        try {
            element = page.selectFirst(selector);
        } catch (Selector.SelectorParseException e) {
            throw new MappingException(
                    "INGEST-HTML-UNCONFIGURED", "the partner's selector for " + field + " is not a CSS selector");
        }
        if (element == null) {
            throw new MappingException(
                    LAYOUT_CHANGED,
                    "layout-changed: no element matches the selector configured for " + field + " (" + selector + ")");
        }
        String text = element.text().strip();
        return text.isEmpty() ? null : text;
    }

    private static DateTimeType dateTime(
            Document page, String selector, String field, HtmlReportLayout layout, PartnerProperties partner)
            throws MappingException {
        String text = text(page, selector, field);
        if (text == null) {
            return null;
        }
        try {
            LocalDateTime local =
                    LocalDateTime.parse(text, DateTimeFormatter.ofPattern(layout.datePattern(), Locale.UK));
            ZonedDateTime zoned = ZonedDateTime.ofLocal(local, partner.timeZone(), null);
            DateTimeType result = new DateTimeType(Date.from(zoned.toInstant()), TemporalPrecisionEnum.SECOND);
            result.setTimeZone(TimeZone.getTimeZone(zoned.getOffset()));
            return result;
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new MappingException(
                    "INGEST-HTML-BAD-DATE",
                    "the " + field + " element is not a date-time of the format " + layout.datePattern());
        }
    }

    /** The table's rows as cells by field, after the configured headers were found. */
    record ResultTable(List<Row> rows) {

        record Row(int number, Map<String, String> cells) {
            String value(String field) {
                return cells.get(field);
            }

            String where() {
                return "results row " + number;
            }
        }

        static ResultTable read(Document page, HtmlReportLayout layout) throws MappingException {
            Element table;
            try {
                table = page.selectFirst(layout.resultsTable());
            } catch (Selector.SelectorParseException e) {
                throw new MappingException(
                        "INGEST-HTML-UNCONFIGURED", "the partner's results-table selector is not a CSS selector");
            }
            if (table == null) {
                throw new MappingException(
                        LAYOUT_CHANGED,
                        "layout-changed: no results table matches the configured selector (" + layout.resultsTable()
                                + ")");
            }
            List<Element> rows = table.select("tr");
            int headerRow = -1;
            for (int i = 0; i < rows.size(); i++) {
                if (!rows.get(i).select("th").isEmpty()) {
                    headerRow = i;
                    break;
                }
            }
            if (headerRow < 0) {
                // A table without th cells: its first row names the columns.
                headerRow = 0;
            }
            if (rows.isEmpty()) {
                throw new MappingException(LAYOUT_CHANGED, "layout-changed: the results table has no rows");
            }
            List<String> header = rows.get(headerRow).children().stream()
                    .map(cell -> normalise(cell.text()))
                    .toList();
            HtmlReportLayout.Columns columns = layout.columns();
            Map<String, Integer> indexes = new HashMap<>();
            column(indexes, header, "test-name", columns.testName());
            column(indexes, header, "test-code", columns.testCode());
            column(indexes, header, "value", columns.value());
            column(indexes, header, "unit", columns.unit());
            column(indexes, header, "reference-range", columns.referenceRange());
            column(indexes, header, "flag", columns.flag());
            List<Row> result = new ArrayList<>();
            for (int i = headerRow + 1; i < rows.size(); i++) {
                List<Element> cells = rows.get(i).select("> td, > th");
                if (cells.size() < header.size()) {
                    // A section heading spanning the table, not a result.
                    continue;
                }
                Map<String, String> values = new HashMap<>();
                for (Map.Entry<String, Integer> column : indexes.entrySet()) {
                    String text = cells.get(column.getValue()).text().strip();
                    if (!text.isEmpty()) {
                        values.put(column.getKey(), text);
                    }
                }
                result.add(new Row(result.size() + 1, values));
            }
            if (result.isEmpty()) {
                throw new MappingException("INGEST-HTML-NO-RESULTS", "the results table has no result rows");
            }
            return new ResultTable(List.copyOf(result));
        }

        private static void column(Map<String, Integer> indexes, List<String> header, String field, String name)
                throws MappingException {
            if (name == null || name.isBlank()) {
                return;
            }
            int index = header.indexOf(normalise(name));
            if (index < 0) {
                throw new MappingException(
                        LAYOUT_CHANGED,
                        "layout-changed: the results table has no column " + name.strip() + " (configured for " + field
                                + ")");
            }
            indexes.put(field, index);
        }

        private static String normalise(String header) {
            return header.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        }
    }
}
