package io.healthportal.demo;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic stream of HL7 v2.5.1 ORU^R01 messages as a hospital laboratory sends them: one
 * renal profile with CRP per message (six OBX, LOINC codes, UCUM units, reference ranges and flags
 * computed from the value), for a fixed pool of patients identified by NHS number (test range) and
 * the laboratory's MRN. Each message has its own control id and filler order number, so every one is a
 * new report. For the ingest benchmark and tests that need many realistic messages; same seed, same
 * messages.
 */
public final class LabResultMessages {

    /** The tests of every message, in OBX order: U&E and CRP, six results. */
    static final List<LabTest> TESTS =
            List.of(LabTest.SODIUM, LabTest.POTASSIUM, LabTest.UREA, LabTest.CREATININE, LabTest.EGFR, LabTest.CRP);

    private static final DateTimeFormatter HL7_TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");

    /** One message, with what a test needs to find its results again. */
    public record Message(String controlId, String fillerOrder, String nhsNumber, String mrn, String text) {

        /** The number of OBX segments, and so of Observations the message should become. */
        public int observationCount() {
            return TESTS.size();
        }
    }

    private record Person(String nhsNumber, String mrn, String family, String given, boolean female) {}

    private final Random random;
    private final List<Person> patients;
    private final String prefix;
    private final Instant firstCollection;
    private int sent;

    /**
     * @param seed the random seed: values, patients and times follow from it
     * @param patientCount how many different patients the messages are about
     * @param prefix starts every control id and filler order number, so runs on one database do not meet
     * @param firstCollection the first specimen collection time; later messages follow a minute apart
     */
    public LabResultMessages(long seed, int patientCount, String prefix, Instant firstCollection) {
        if (patientCount < 1) {
            throw new IllegalArgumentException("patientCount must be at least 1");
        }
        this.random = new Random(seed);
        this.prefix = prefix;
        this.firstCollection = firstCollection;
        this.patients = new ArrayList<>(patientCount);
        for (int i = 0; i < patientCount; i++) {
            boolean female = random.nextBoolean();
            String nhsNumber = NhsNumber.generate(random).value();
            patients.add(new Person(
                    nhsNumber,
                    // The lab's number for the same person whatever the seed: one MRN never names two people.
                    "L" + nhsNumber.substring(3),
                    UkNames.surname(random).toUpperCase(),
                    UkNames.given(random, female).toUpperCase(),
                    female));
        }
    }

    /** The next message. */
    public Message next() {
        int index = sent++;
        Person patient = patients.get(random.nextInt(patients.size()));
        String controlId = prefix + "M" + index;
        String filler = prefix + "F" + index;
        ZonedDateTime collected = firstCollection.plusSeconds(60L * index).atZone(LondonTime.LONDON);
        String collectedAt = HL7_TIMESTAMP.format(collected);
        String reportedAt = HL7_TIMESTAMP.format(collected.plusHours(3));

        StringBuilder text = new StringBuilder();
        text.append("MSH|^~\\&|WINPATH|RFH-LAB|PORTAL|NHS|")
                .append(reportedAt)
                .append("||ORU^R01^ORU_R01|")
                .append(controlId)
                .append("|P|2.5.1\r");
        text.append("PID|1||")
                .append(patient.nhsNumber())
                .append("^^^NHS^NH~")
                .append(patient.mrn())
                .append("^^^RFH^MR||")
                .append(patient.family())
                .append('^')
                .append(patient.given())
                .append("||||")
                .append(patient.female() ? 'F' : 'M')
                .append('\r');
        text.append("OBR|1||")
                .append(filler)
                .append("|24362-6^Renal function 2000 panel - Serum or Plasma^LN|||")
                .append(collectedAt)
                .append("|||||||||||||||")
                .append(reportedAt)
                .append("||CH|F\r");
        int setId = 1;
        for (LabTest test : TESTS) {
            LabTest.Range range = test.range(patient.female());
            BigDecimal value = test.reported(plausibleValue(range));
            text.append("OBX|")
                    .append(setId++)
                    .append("|NM|")
                    .append(test.loinc)
                    .append('^')
                    .append(test.display)
                    .append("^LN||")
                    .append(value.toPlainString())
                    .append('|')
                    .append(test.ucum)
                    .append("^^UCUM|")
                    .append(rangeText(range))
                    .append('|')
                    .append(LabTest.interpretation(value, range))
                    .append("|||F|||")
                    .append(collectedAt)
                    .append('\r');
        }
        return new Message(controlId, filler, patient.nhsNumber(), patient.mrn(), text.toString());
    }

    /** Mostly within the range, about one value in eight outside it. */
    private double plausibleValue(LabTest.Range range) {
        double low = range.low() == null
                ? range.high().doubleValue() * 0.3
                : range.low().doubleValue();
        double high = range.high() == null
                ? range.low().doubleValue() * 1.6
                : range.high().doubleValue();
        double middle = (low + high) / 2;
        double value = middle + random.nextGaussian() * (high - low) / 3.2;
        return Math.max(value, low * 0.2);
    }

    private static String rangeText(LabTest.Range range) {
        if (range.low() == null) {
            return "<" + range.high().toPlainString();
        }
        if (range.high() == null) {
            return ">" + range.low().toPlainString();
        }
        return range.low().toPlainString() + "-" + range.high().toPlainString();
    }
}
