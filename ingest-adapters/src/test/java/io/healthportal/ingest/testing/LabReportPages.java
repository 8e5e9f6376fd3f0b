package io.healthportal.ingest.testing;

import java.util.List;

/**
 * Result pages of a made-up partner lab portal, laid out as {@link TestPartners#HTML_LAB} and the demo
 * partner {@code demo-portal} expect, for the HTML format's tests and the fake portal the poller test
 * logs in to. {@link #changedLayout} is the same report after the partner renamed its value column.
 */
public final class LabReportPages {

    /** One row of the results table. */
    public record Result(String name, String code, String value, String unit, String range, String flag) {}

    public static final List<Result> RENAL_PANEL = List.of(
            new Result("Sodium", "2951-2", "139", "mmol/L", "133 - 146", ""),
            new Result("Potassium", "2823-3", "5.9", "mmol/L", "3.5 - 5.3", "H"),
            new Result("Creatinine", "2160-0", "48", "umol/L", "59 - 104", "L"),
            new Result("eGFR", "33914-3", ">90", "mL/min/1.73m2", ">60", ""),
            new Result("Comment", "", "Sample slightly haemolysed", "", "", ""));

    private LabReportPages() {}

    public static String report(String nhsNumber, String mrn, String accession, List<Result> results) {
        return page(nhsNumber, mrn, accession, results, "Result");
    }

    /** The same page after the partner renamed its value column: a configured header is gone. */
    public static String changedLayout(String nhsNumber, String mrn, String accession, List<Result> results) {
        return page(nhsNumber, mrn, accession, results, "Your result");
    }

    private static String page(
            String nhsNumber, String mrn, String accession, List<Result> results, String valueHeader) {
        StringBuilder rows = new StringBuilder();
        for (Result r : results) {
            rows.append("<tr><td>")
                    .append(r.name())
                    .append("</td><td>")
                    .append(r.code())
                    .append("</td><td>")
                    .append(r.value())
                    .append("</td><td>")
                    .append(r.unit())
                    .append("</td><td>")
                    .append(r.range())
                    .append("</td><td class=\"flag\">")
                    .append(r.flag())
                    .append("</td></tr>\n");
        }
        return """
                <!DOCTYPE html>
                <html lang="en"><head><title>Result %s</title></head>
                <body>
                <nav><a href="/results">Back to results</a></nav>
                <section id="patient">
                  <dl>
                    <dt>NHS number</dt><dd class="nhs-number">%s</dd>
                    <dt>Hospital number</dt><dd class="mrn">%s</dd>
                  </dl>
                </section>
                <section id="report">
                  <h1 class="report-name">Urea and electrolytes</h1>
                  <p>Accession <span class="accession">%s</span></p>
                  <p>Collected <time class="collected">26/10/2026 01:30</time>,
                     reported <time class="reported">27/10/2026 09:15</time></p>
                  <table class="results">
                    <thead><tr><th>Test</th><th>Code</th><th>%s</th><th>Units</th><th>Reference range</th><th>Flag</th></tr></thead>
                    <tbody>
                    <tr><td colspan="6">Renal function</td></tr>
                    %s
                    </tbody>
                  </table>
                </section>
                </body></html>
                """.formatted(accession, nhsNumber, mrn, accession, valueHeader, rows);
    }
}
