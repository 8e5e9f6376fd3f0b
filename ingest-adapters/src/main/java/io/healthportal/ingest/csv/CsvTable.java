package io.healthportal.ingest.csv;

import io.healthportal.ingest.pipeline.MappingException;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file as text cells (RFC 4180: quoted cells may hold the delimiter, line breaks and doubled
 * quotes; records end with CRLF, LF or CR): a header row, then the data rows, each with the line it
 * starts on. Nothing is converted here, so codes keep their leading zeros. Empty lines are skipped.
 */
record CsvTable(List<String> header, List<Row> rows) {

    /** One data row: its number among the data rows (from 1), the line it starts on, and its cells. */
    record Row(int number, int line, List<String> cells) {

        /** The cell at {@code index}, trimmed; null when blank or when the row is shorter. */
        String value(int index) {
            if (index >= cells.size()) {
                return null;
            }
            String text = cells.get(index).strip();
            return text.isEmpty() ? null : text;
        }

        String where() {
            return "row " + number + " (line " + line + ")";
        }
    }

    static CsvTable parse(String text, char delimiter) throws MappingException {
        List<List<String>> records = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean cellWasQuoted = false;
        int line = 1;
        int recordLine = 1;
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n' || (c == '\r' && !(i + 1 < text.length() && text.charAt(i + 1) == '\n'))) {
                        line++;
                    }
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty() && !cellWasQuoted) {
                quoted = true;
                cellWasQuoted = true;
            } else if (c == delimiter) {
                cells.add(cell.toString());
                cell.setLength(0);
                cellWasQuoted = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                cells.add(cell.toString());
                addRecord(records, lines, cells, recordLine);
                cells = new ArrayList<>();
                cell.setLength(0);
                cellWasQuoted = false;
                line++;
                recordLine = line;
            } else {
                cell.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new MappingException(
                    "INGEST-CSV-PARSE",
                    "the quoted cell opened in the record at line " + recordLine + " is not closed");
        }
        if (!cell.isEmpty() || !cells.isEmpty() || cellWasQuoted) {
            cells.add(cell.toString());
            addRecord(records, lines, cells, recordLine);
        }
        if (records.isEmpty()) {
            throw new MappingException("INGEST-CSV-NO-HEADER", "the file has no header row");
        }
        List<String> header = records.get(0).stream().map(String::strip).toList();
        List<Row> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            rows.add(new Row(r, lines.get(r), List.copyOf(records.get(r))));
        }
        return new CsvTable(header, List.copyOf(rows));
    }

    private static void addRecord(List<List<String>> records, List<Integer> lines, List<String> cells, int line) {
        boolean empty = cells.size() == 1 && cells.get(0).isEmpty();
        if (!empty) {
            records.add(cells);
            lines.add(line);
        }
    }
}
