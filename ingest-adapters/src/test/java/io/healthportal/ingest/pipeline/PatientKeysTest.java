package io.healthportal.ingest.pipeline;

import static io.healthportal.ingest.testing.TestPartners.LAB;
import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.archive.ArchiveKey;
import io.healthportal.ingest.archive.LocalArchiveKeys;
import io.healthportal.ingest.archive.PayloadCipher;
import io.healthportal.ingest.config.IngestProperties.IdentifierSystems;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.hl7v2.Hl7v2Format;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class PatientKeysTest {

    private static final PartnerProperties CLINIC = new PartnerProperties(
            "clinic-a",
            PayloadFormat.HL7V2,
            new IdentifierSystems(
                    "https://clinic-a.example/Id/mrn",
                    "https://clinic-a.example/Id/order",
                    "https://clinic-a.example/Id/visit"),
            ZoneId.of("Europe/London"),
            null,
            null,
            null,
            null,
            null);

    private final Hl7v2Format format = new Hl7v2Format();

    @Test
    void anAdmissionAndALabResultForOneNhsNumberFromTwoPartnersShareTheirIdentity() throws Exception {
        String admission = identity(CLINIC, adt("PID|1||9434765919^^^NHS^NH~C77^^^CLINIC^MR||SMITH^JO||19800101|F"));
        String result = identity(LAB, oru("PID|1||9434765919^^^NHS^NH~A123^^^LABB^MR||SMITH^JO||19800101|F"));

        assertThat(admission).isEqualTo(result).contains("nhs-number");
    }

    @Test
    void withoutAnNhsNumberThePartnersMrnIsTheIdentity() throws Exception {
        String clinic = identity(CLINIC, adt("PID|1||A123^^^CLINIC^MR||SMITH^JO||19800101|F"));
        String lab = identity(LAB, oru("PID|1||A123^^^LABB^MR||SMITH^JO||19800101|F"));

        assertThat(clinic).contains("clinic-a.example").endsWith("|A123");
        assertThat(lab).contains("lab-b.example").isNotEqualTo(clinic);
    }

    @Test
    void theKeyIsAPseudonymUnderTheArchiveKeyNotAHashOfTheIdentifier() throws Exception {
        String identity = identity(CLINIC, adt("PID|1||9434765919^^^NHS^NH||SMITH^JO||19800101|F"));
        PayloadCipher one = cipher((byte) 1);

        String key = HexFormat.of().formatHex(one.pseudonym(identity));
        assertThat(key).hasSize(64).doesNotContain("9434765919");
        assertThat(HexFormat.of().formatHex(one.pseudonym(identity))).isEqualTo(key);
        assertThat(HexFormat.of().formatHex(cipher((byte) 2).pseudonym(identity)))
                .isNotEqualTo(key);
    }

    private String identity(PartnerProperties partner, String message) throws MappingException {
        Bundle bundle = format.map(
                message.getBytes(StandardCharsets.UTF_8),
                new SourceMessage(partner, UUID.randomUUID(), Instant.parse("2026-11-26T10:00:00Z")));
        return PatientKeys.patientIdentity(bundle).orElseThrow();
    }

    private static PayloadCipher cipher(byte fill) {
        byte[] raw = new byte[32];
        java.util.Arrays.fill(raw, fill);
        return new PayloadCipher(new LocalArchiveKeys(new ArchiveKey("k" + fill, new SecretKeySpec(raw, "AES"))));
    }

    private static String adt(String pid) {
        return "MSH|^~\\&|PAS|CLINIC|PORTAL|NHS|20260301090000||ADT^A08^ADT_A01|C1|P|2.5.1\r"
                + "EVN|A08|20260301090000\r"
                + pid + "\r"
                + "PV1|1|I|WARD1||||||||||||||||V1\r";
    }

    private static String oru(String pid) {
        return "MSH|^~\\&|LAB|LABB|PORTAL|NHS|20260701101500||ORU^R01|M1|P|2.5.1\r"
                + pid + "\r"
                + "OBR|1|P1|F1|24317-0^Hemogram^LN|||20260701090000|||||||||||||||20260701100000|||F\r"
                + "OBX|1|NM|718-7^Haemoglobin^LN||135|g/L|130-170|N|||F\r";
    }
}
