package io.healthportal.ingest.csv;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.csv.CsvTable.Row;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.FormatMapper;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;

/**
 * A partner's CSV pharmacy dispense file into one FHIR transaction bundle: a MedicationDispense per row,
 * written by a conditional update on the partner's dispense id (so a replayed or re-sent file updates
 * what the first delivery wrote), the Patients they are for (conditional create on the NHS number, else
 * the partner's patient id: a pharmacy's file does not overwrite a clinic's demographics), and one
 * Provenance for the file. The whole file is one unit: a row that cannot be mapped dead-letters the file
 * with the row's error code, since the dead-letter store and the replay work per receipt and a
 * transaction is applied whole. Plain Java: no Spring.
 */
public final class CsvFormat implements FormatMapper {

    @Override
    public PayloadFormat format() {
        return PayloadFormat.CSV;
    }

    /**
     * {@code meta.source} of a partner's file: the partner and the receipt (a CSV file has no message id
     * of its own). Not {@code uri#id}: HAPI FHIR replaces what follows {@code #} with its request id.
     */
    static String metaSource(String partnerId, SourceMessage source) {
        return "urn:healthportal:partner:" + partnerId + ":receipt:" + source.receiptId();
    }

    @Override
    public Bundle map(byte[] payload, SourceMessage source) throws MappingException {
        PartnerProperties partner = source.partner();
        if (partner.csv() == null) {
            throw new MappingException("INGEST-CSV-UNCONFIGURED", "partner " + partner.id() + " has no csv layout");
        }
        CsvTable table = CsvTable.parse(
                new String(payload, partner.payloadCharset()), partner.csv().delimiterChar());
        DispenseMapping mapping = new DispenseMapping(partner, table.header());
        if (table.rows().isEmpty()) {
            throw new MappingException("INGEST-CSV-NO-ROWS", "the file has a header but no rows");
        }
        FhirTransaction transaction = new FhirTransaction(metaSource(partner.id(), source), partner.id());
        Map<String, String> patients = new HashMap<>();
        Map<String, Integer> dispenses = new HashMap<>();
        for (Row row : table.rows()) {
            if (row.cells().size() > table.header().size()) {
                throw new MappingException(
                        "INGEST-CSV-ROW-SHAPE",
                        row.where() + ": " + row.cells().size() + " cells, but the header has "
                                + table.header().size() + " columns");
            }
            DispenseMapping.MappedRow mapped = mapping.map(row);
            String patientKey = mapped.patientMatchOn().getSystem() + "|"
                    + mapped.patientMatchOn().getValue();
            String patientUrl = patients.get(patientKey);
            if (patientUrl == null) {
                patientUrl = transaction.conditionalCreate(mapped.patient(), mapped.patientMatchOn());
                patients.put(patientKey, patientUrl);
            }
            mapped.dispense().setSubject(new Reference(patientUrl));
            String dispenseId = mapped.dispense().getIdentifierFirstRep().getValue();
            Integer earlier = dispenses.putIfAbsent(dispenseId, row.number());
            if (earlier != null) {
                // Two rows for one dispense would be two updates of one resource in one transaction.
                throw new MappingException(
                        "INGEST-CSV-DUPLICATE-ID", row.where() + ": the same dispense id as row " + earlier);
            }
            transaction.conditionalUpdate(mapped.dispense(), mapped.dispense().getIdentifierFirstRep());
        }
        transaction.addProvenance(source, null, "archived CSV dispense file");
        return transaction.bundle();
    }
}
