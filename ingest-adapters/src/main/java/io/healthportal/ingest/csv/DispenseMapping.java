package io.healthportal.ingest.csv;

import io.healthportal.ingest.config.IngestProperties.CsvColumns;
import io.healthportal.ingest.config.IngestProperties.CsvLayout;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.csv.CsvTable.Row;
import io.healthportal.ingest.hl7v2.NhsNumber;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;

/**
 * One row of a partner's dispense file as a MedicationDispense (status completed) and the Patient it is
 * for, through the partner's column layout. The patient is identified by the NHS number when the row
 * has one (it must pass its check digit), else by the partner's patient id. Reasons of errors name the
 * row, the column and the field, never a cell's content.
 */
final class DispenseMapping {

    static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    static final String UCUM = "http://unitsofmeasure.org";

    private final PartnerProperties partner;
    private final CsvLayout layout;
    private final DateTimeFormatter dateFormat;
    private final List<Integer> dispenseId;
    private final int prescriptionId;
    private final int nhsNumber;
    private final int mrn;
    private final int medicationCode;
    private final int medicationDisplay;
    private final int quantity;
    private final int quantityUnit;
    private final int daysSupply;
    private final int whenHandedOver;
    private final List<String> header;

    /** The patient, the identifier it is matched on, and the dispense. */
    record MappedRow(Patient patient, Identifier patientMatchOn, MedicationDispense dispense) {}

    /** Resolves the layout's header names against the file's header row. */
    DispenseMapping(PartnerProperties partner, List<String> header) throws MappingException {
        this.partner = partner;
        this.layout = partner.csv();
        this.header = header;
        try {
            this.dateFormat = DateTimeFormatter.ofPattern(layout.datePattern(), Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new MappingException("INGEST-CSV-UNCONFIGURED", "the partner's date-format is not a date pattern");
        }
        CsvColumns columns = layout.columns();
        List<Integer> idColumns = new ArrayList<>();
        for (String name : columns.dispenseId()) {
            idColumns.add(column(name, "dispense-id", true));
        }
        this.dispenseId = List.copyOf(idColumns);
        this.prescriptionId = column(columns.prescriptionId(), "prescription-id", false);
        this.nhsNumber = column(columns.nhsNumber(), "nhs-number", false);
        this.mrn = column(columns.mrn(), "mrn", false);
        if (columns.nhsNumber() == null && columns.mrn() == null) {
            throw new MappingException(
                    "INGEST-CSV-UNCONFIGURED", "the partner's layout names neither an nhs-number nor an mrn column");
        }
        this.medicationCode = column(columns.medicationCode(), "medication-code", true);
        this.medicationDisplay = column(columns.medicationDisplay(), "medication-display", false);
        this.quantity = column(columns.quantity(), "quantity", false);
        this.quantityUnit = column(columns.quantityUnit(), "quantity-unit", false);
        this.daysSupply = column(columns.daysSupply(), "days-supply", false);
        this.whenHandedOver = column(columns.whenHandedOver(), "when-handed-over", false);
    }

    /**
     * The index of a configured column in the header; -1 when the field is not configured. A configured
     * column the file lacks is an error: the partner changed its layout.
     */
    private int column(String name, String field, boolean required) throws MappingException {
        if (name == null || name.isBlank()) {
            if (required) {
                throw new MappingException(
                        "INGEST-CSV-UNCONFIGURED", "the partner's layout names no column for " + field);
            }
            return -1;
        }
        int index = header.indexOf(name.strip());
        if (index < 0) {
            throw new MappingException(
                    "INGEST-CSV-MISSING-COLUMN",
                    "the header has no column " + name.strip() + " (configured for " + field + ")");
        }
        return index;
    }

    MappedRow map(Row row) throws MappingException {
        List<String> idParts = new ArrayList<>();
        for (int index : dispenseId) {
            idParts.add(required(row, index, "dispense-id"));
        }
        MedicationDispense dispense = new MedicationDispense();
        dispense.addIdentifier().setSystem(layout.dispenseIdSystem()).setValue(String.join("-", idParts));
        dispense.setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED);

        String code = required(row, medicationCode, "medication-code");
        String display = optional(row, medicationDisplay);
        CodeableConcept medication = new CodeableConcept().addCoding(new Coding(layout.codeSystem(), code, display));
        if (display != null) {
            medication.setText(display);
        }
        dispense.setMedication(medication);

        String prescription = optional(row, prescriptionId);
        if (prescription != null) {
            dispense.addAuthorizingPrescription(new Reference()
                    .setIdentifier(new Identifier()
                            .setSystem(partner.identifierSystems().order())
                            .setValue(prescription)));
        }
        BigDecimal amount = number(row, quantity, "quantity");
        if (amount != null) {
            SimpleQuantity dispensed = new SimpleQuantity();
            dispensed.setValue(amount);
            String unit = optional(row, quantityUnit);
            if (unit != null) {
                dispensed.setUnit(unit);
            }
            dispense.setQuantity(dispensed);
        }
        BigDecimal days = number(row, daysSupply, "days-supply");
        if (days != null) {
            SimpleQuantity supply = new SimpleQuantity();
            supply.setValue(days).setUnit("day").setSystem(UCUM).setCode("d");
            dispense.setDaysSupply(supply);
        }
        String handedOver = optional(row, whenHandedOver);
        if (handedOver != null) {
            try {
                dispense.setWhenHandedOverElement(
                        new DateTimeType(LocalDate.parse(handedOver, dateFormat).toString()));
            } catch (DateTimeParseException e) {
                throw new MappingException(
                        "INGEST-CSV-BAD-DATE",
                        row.where() + ", column " + header.get(whenHandedOver)
                                + " (when-handed-over): not a date of the format " + layout.datePattern());
            }
        }

        Patient patient = new Patient();
        Identifier nhs = null;
        String nhsText = optional(row, nhsNumber);
        if (nhsText != null) {
            String digits = NhsNumber.normalise(nhsText);
            if (digits == null) {
                throw new MappingException(
                        "INGEST-CSV-NHS-NUMBER-INVALID",
                        row.where() + ", column " + header.get(nhsNumber)
                                + " (nhs-number): not an NHS number (ten digits passing the check digit)");
            }
            nhs = new Identifier().setSystem(NhsNumber.SYSTEM).setValue(digits);
            patient.addIdentifier(nhs);
        }
        Identifier local = null;
        String mrnText = optional(row, mrn);
        if (mrnText != null) {
            local = new Identifier()
                    .setSystem(partner.identifierSystems().mrn())
                    .setValue(mrnText)
                    .setType(new CodeableConcept().addCoding(new Coding(V2_0203, "MR", null)));
            local.setAssigner(new Reference().setDisplay(partner.id()));
            patient.addIdentifier(local);
        }
        Identifier matchOn = nhs != null ? nhs : local;
        if (matchOn == null) {
            throw new MappingException(
                    "INGEST-CSV-NO-PATIENT-ID", row.where() + ": neither an NHS number nor a patient id (mrn)");
        }
        return new MappedRow(patient, matchOn, dispense);
    }

    private String required(Row row, int index, String field) throws MappingException {
        String value = row.value(index);
        if (value == null) {
            throw new MappingException(
                    "INGEST-CSV-MISSING-VALUE",
                    row.where() + ", column " + header.get(index) + " (" + field + "): blank, but required");
        }
        return value;
    }

    private static String optional(Row row, int index) {
        return index < 0 ? null : row.value(index);
    }

    private BigDecimal number(Row row, int index, String field) throws MappingException {
        String text = optional(row, index);
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new MappingException(
                    "INGEST-CSV-BAD-NUMBER",
                    row.where() + ", column " + header.get(index) + " (" + field + "): not a number");
        }
    }
}
