package io.healthportal.ingest.testing;

import io.healthportal.ingest.config.HtmlReportLayout;
import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.CsvColumns;
import io.healthportal.ingest.config.IngestProperties.CsvLayout;
import io.healthportal.ingest.config.IngestProperties.IdentifierSystems;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.config.JsonFeedLayout;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.springframework.util.unit.DataSize;

/** Partner configuration for tests that build their objects without Spring. */
public final class TestPartners {

    /** Where {@link LabReportPages} puts things: the demo partner {@code demo-portal}'s layout too. */
    public static final HtmlReportLayout HTML_LAYOUT = new HtmlReportLayout(
            "#patient .nhs-number",
            "#patient .mrn",
            ".accession",
            ".report-name",
            "time.collected",
            "time.reported",
            "dd/MM/yyyy HH:mm",
            "table.results",
            "http://loinc.org",
            new HtmlReportLayout.Columns("Test", "Code", "Result", "Units", "Reference range", "Flag"));

    /** A UK lab sending HL7 v2 in UTF-8, times in Europe/London. */
    public static final PartnerProperties LAB = new PartnerProperties(
            "lab-b",
            PayloadFormat.HL7V2,
            new IdentifierSystems(
                    "https://lab-b.example/Id/mrn", "https://lab-b.example/Id/order", "https://lab-b.example/Id/visit"),
            ZoneId.of("Europe/London"),
            null,
            null,
            null,
            null,
            null);

    /**
     * A US pharmacy-claims feed laid out like the corpus file {@code csv/tuva-health-demo/pharmacy_claim.csv}:
     * NDC codes, claim id and line number as the dispense id, the partner's patient id only.
     */
    public static final PartnerProperties NDC_PHARMACY = new PartnerProperties(
            "pharmacy-us",
            PayloadFormat.CSV,
            new IdentifierSystems(
                    "https://pharmacy-us.example/Id/patient",
                    "https://pharmacy-us.example/Id/prescription",
                    "https://pharmacy-us.example/Id/visit"),
            ZoneId.of("America/New_York"),
            null,
            null,
            null,
            null,
            new CsvLayout(
                    null,
                    null,
                    "http://hl7.org/fhir/sid/ndc",
                    "https://pharmacy-us.example/Id/claim-line",
                    new CsvColumns(
                            List.of("claim_id", "claim_line_number"),
                            null,
                            null,
                            "patient_id",
                            "ndc_code",
                            null,
                            "quantity",
                            null,
                            "days_supply",
                            "dispensing_date")));

    /** A UK community pharmacy: dm+d codes, NHS numbers, semicolons, dates as dd/MM/yyyy. */
    public static final PartnerProperties UK_PHARMACY = new PartnerProperties(
            "pharmacy-c",
            PayloadFormat.CSV,
            new IdentifierSystems(
                    "https://pharmacy-c.example/Id/patient",
                    "https://pharmacy-c.example/Id/prescription",
                    "https://pharmacy-c.example/Id/visit"),
            ZoneId.of("Europe/London"),
            null,
            null,
            null,
            null,
            new CsvLayout(
                    ";",
                    "dd/MM/yyyy",
                    "https://dmd.nhs.uk",
                    "https://pharmacy-c.example/Id/dispense",
                    new CsvColumns(
                            List.of("Dispense ID"),
                            "Rx ID",
                            "NHS Number",
                            "Local ID",
                            "dm+d",
                            "Medicine",
                            "Qty",
                            "Unit",
                            "Days",
                            "Dispensed")));

    /** A lab publishing HTML result pages laid out as {@link LabReportPages} renders them. */
    public static final PartnerProperties HTML_LAB = new PartnerProperties(
            "lab-portal",
            PayloadFormat.HTML,
            new IdentifierSystems(
                    "https://lab-portal.example/Id/mrn",
                    "https://lab-portal.example/Id/accession",
                    "https://lab-portal.example/Id/visit"),
            ZoneId.of("Europe/London"),
            null,
            null,
            null,
            null,
            null,
            HTML_LAYOUT,
            null,
            null,
            null);

    /** A clinic system's appointment feed: pages of items under {@code /appointments}, its own status words. */
    public static final PartnerProperties JSON_CLINIC = new PartnerProperties(
            "clinic-json",
            PayloadFormat.JSON,
            new IdentifierSystems(
                    "https://clinic-json.example/Id/patient",
                    "https://clinic-json.example/Id/order",
                    "https://clinic-json.example/Id/visit"),
            ZoneId.of("Europe/London"),
            null,
            null,
            null,
            null,
            null,
            null,
            new JsonFeedLayout(
                    JsonFeedLayout.FeedResource.APPOINTMENT,
                    "/appointments",
                    "https://clinic-json.example/Id/appointment",
                    java.util.Map.of("booked", "CONFIRMED", "cancelled", "CANCELLED", "noshow", "DNA"),
                    new JsonFeedLayout.Fields(
                            "/ref",
                            "/patient/nhsNumber",
                            "/patient/hospitalNumber",
                            "/state",
                            "/slot/start",
                            "/slot/end",
                            "/lastModified",
                            "/notes",
                            "/clinic",
                            "/clinician/name",
                            "/site",
                            null)),
            null,
            null);

    /** A clinic system's encounter feed: one encounter a payload. */
    public static final PartnerProperties JSON_ENCOUNTERS = new PartnerProperties(
            "clinic-encounters",
            PayloadFormat.JSON,
            new IdentifierSystems(
                    "https://clinic-json.example/Id/patient",
                    "https://clinic-json.example/Id/order",
                    "https://clinic-json.example/Id/visit"),
            ZoneId.of("Europe/London"),
            null,
            null,
            null,
            null,
            null,
            null,
            new JsonFeedLayout(
                    JsonFeedLayout.FeedResource.ENCOUNTER,
                    null,
                    "https://clinic-json.example/Id/visit",
                    null,
                    new JsonFeedLayout.Fields(
                            "/id",
                            "/nhs",
                            null,
                            "/status",
                            "/started",
                            "/ended",
                            "/updated",
                            "/reason",
                            "/service",
                            null,
                            "/ward",
                            "/class")),
            null,
            null);

    private TestPartners() {}

    public static IngestProperties properties(IngestProperties.Retry retry, List<PartnerProperties> partners) {
        return new IngestProperties(
                Path.of("unused"),
                Path.of("unused.key"),
                URI.create("http://localhost/fhir"),
                new IngestProperties.BackendAuth(
                        Map.of(), Path.of("unused.json"), false, "system/Patient.crus", "ingest-patient-verifier"),
                retry,
                new IngestProperties.Broker(0, false, "unused"),
                DataSize.ofMegabytes(10),
                partners);
    }

    public static IngestProperties.Retry quickRetry() {
        return new IngestProperties.Retry(
                Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMinutes(1), Duration.ofHours(24));
    }
}
