package io.healthportal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabResultMessagesTest {

    private static final Instant FIRST = Instant.parse("2026-10-25T00:30:00Z");

    @Test
    void eachMessageIsOneReportWithSixResultsForAPatientOfThePool() {
        LabResultMessages messages = new LabResultMessages(7, 3, "T", FIRST);
        Set<String> patients = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            LabResultMessages.Message message = messages.next();
            List<String> segments = Arrays.asList(message.text().split("\r"));
            assertThat(segments)
                    .first()
                    .asString()
                    .startsWith("MSH|^~\\&|")
                    .contains("|ORU^R01^ORU_R01|" + message.controlId() + "|P|2.5.1");
            assertThat(segments.get(1))
                    .startsWith("PID|1||" + message.nhsNumber() + "^^^NHS^NH~" + message.mrn() + "^^^RFH^MR||");
            assertThat(segments.get(2)).startsWith("OBR|1||" + message.fillerOrder() + "|24362-6^");
            assertThat(segments.subList(3, segments.size()))
                    .hasSize(message.observationCount())
                    .allMatch(s -> s.startsWith("OBX|"));
            assertThat(NhsNumber.isValid(message.nhsNumber())).isTrue();
            patients.add(message.nhsNumber());
        }
        assertThat(patients).hasSize(3);
    }

    @Test
    void flagsFollowTheValueAgainstTheRange() {
        LabResultMessages messages = new LabResultMessages(11, 5, "T", FIRST);
        int flagged = 0;
        for (int i = 0; i < 200; i++) {
            for (String segment : messages.next().text().split("\r")) {
                if (!segment.startsWith("OBX|")) {
                    continue;
                }
                String[] fields = segment.split("\\|", -1);
                double value = Double.parseDouble(fields[5]);
                String range = fields[7];
                String flag = fields[8];
                String expected;
                if (range.startsWith("<")) {
                    expected = value > Double.parseDouble(range.substring(1)) ? "H" : "N";
                } else if (range.startsWith(">")) {
                    expected = value < Double.parseDouble(range.substring(1)) ? "L" : "N";
                } else {
                    String[] bounds = range.split("-");
                    expected = value < Double.parseDouble(bounds[0])
                            ? "L"
                            : value > Double.parseDouble(bounds[1]) ? "H" : "N";
                }
                assertThat(flag).as(segment).isEqualTo(expected);
                flagged += flag.equals("N") ? 0 : 1;
            }
        }
        // Realistic: most results are normal, some are not.
        assertThat(flagged).isBetween(30, 600);
    }

    @Test
    void timesAreLondonLocalWithTheirOffsetAcrossTheClockChange() {
        LabResultMessages messages = new LabResultMessages(3, 1, "T", Instant.parse("2026-10-25T00:59:00Z"));
        // 00:59 UTC is 01:59 BST; a minute later clocks have gone back: 01:00 GMT.
        assertThat(messages.next().text()).contains("|20261025015900+0100|");
        assertThat(messages.next().text()).contains("|20261025010000+0000|");
    }

    @Test
    void theSameSeedGivesTheSameMessages() {
        LabResultMessages first = new LabResultMessages(42, 10, "T", FIRST);
        LabResultMessages second = new LabResultMessages(42, 10, "T", FIRST);
        for (int i = 0; i < 5; i++) {
            assertThat(first.next()).isEqualTo(second.next());
        }
    }

    @Test
    void anMrnNamesOnePersonWhateverTheSeed() {
        java.util.Map<String, String> nhsByMrn = new java.util.HashMap<>();
        for (long seed : List.of(1L, 2L, 3L)) {
            LabResultMessages messages = new LabResultMessages(seed, 50, "T", FIRST);
            for (int i = 0; i < 200; i++) {
                LabResultMessages.Message message = messages.next();
                assertThat(nhsByMrn.putIfAbsent(message.mrn(), message.nhsNumber()))
                        .as("the person of MRN " + message.mrn())
                        .isIn(null, message.nhsNumber());
            }
        }
        assertThat(nhsByMrn).hasSizeGreaterThan(100);
    }
}
