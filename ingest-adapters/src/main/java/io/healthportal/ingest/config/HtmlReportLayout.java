package io.healthportal.ingest.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Where a partner's HTML lab report page holds what is mapped: CSS selectors (jsoup syntax) for the
 * single values, and header names for the columns of the results table. A selector that matches nothing,
 * or a header the table lacks, means the partner changed its page: the report is dead-lettered
 * ({@code layout-changed}) instead of being read wrongly.
 *
 * @param nhsNumber the element holding the patient's NHS number
 * @param mrn the element holding the partner's patient id (system {@code identifier-systems.mrn})
 * @param accession the element holding the report's accession number (system {@code identifier-systems.order})
 * @param reportName the element holding the report's name (the DiagnosticReport's code text)
 * @param collected the element holding when the specimen was collected (effective time)
 * @param reported the element holding when the report was issued (the source event time)
 * @param dateFormat the {@link java.time.format.DateTimeFormatter} pattern of both dates, in the partner's
 *     time zone (default {@code dd/MM/yyyy HH:mm})
 * @param resultsTable the results table
 * @param testCodeSystem the system of the test codes (e.g. {@code http://loinc.org}); codes are kept only
 *     with a system
 * @param columns which header names hold which field
 */
public record HtmlReportLayout(
        String nhsNumber,
        String mrn,
        @NotBlank String accession,
        String reportName,
        String collected,
        String reported,
        String dateFormat,
        @NotBlank String resultsTable,
        String testCodeSystem,
        @NotNull @Valid Columns columns) {

    public String datePattern() {
        return dateFormat == null || dateFormat.isBlank() ? "dd/MM/yyyy HH:mm" : dateFormat;
    }

    /**
     * Header names of the results table (compared ignoring case and surrounding space).
     *
     * @param testName the test's name (required)
     * @param testCode the test's code in {@code test-code-system}
     * @param value the result (required)
     * @param unit the unit of a numeric result
     * @param referenceRange the reference range as shown, e.g. {@code 3.5 - 5.0}, {@code <5}
     * @param flag the abnormal flag, e.g. {@code H}, {@code L}, {@code HH}, {@code High}
     */
    public record Columns(
            @NotBlank String testName,
            String testCode,
            @NotBlank String value,
            String unit,
            String referenceRange,
            String flag) {}
}
