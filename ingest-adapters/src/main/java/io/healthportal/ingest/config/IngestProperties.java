package io.healthportal.ingest.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of ingest-adapters ({@code portal.ingest.*}).
 *
 * @param dataDir where the embedded defaults keep the database and the archive key
 * @param archiveKeyFile the AES key of the payload archive; created on first start when missing
 * @param fhirBaseUrl hapi-server's FHIR base, e.g. {@code http://localhost:8080/fhir}
 * @param auth how ingest-adapters authenticates to hapi-server
 * @param retry how transient hapi-server failures are retried
 * @param broker the AMQP broker the receipts are queued on
 * @param maxPayloadSize the largest payload accepted, over MLLP and HTTP alike (default 10MB): a larger
 *     one is refused before it is stored ({@code AR}, or 413) with {@code INGEST-PAYLOAD-TOO-LARGE}
 * @param partners every partner that may send data; a partner not listed here is refused
 */
@Validated
@ConfigurationProperties("portal.ingest")
public record IngestProperties(
        @NotNull Path dataDir,
        @NotNull Path archiveKeyFile,
        @NotNull URI fhirBaseUrl,
        @NotNull @Valid BackendAuth auth,
        @NotNull @Valid Retry retry,
        @NotNull @Valid Broker broker,
        @NotNull DataSize maxPayloadSize,
        @NotNull @Valid List<PartnerProperties> partners) {

    /**
     * @param embeddedPort the port of the embedded AMQP broker (default profile); 0 with a real broker
     * @param quorumQueues declare RabbitMQ quorum queues (the {@code rabbitmq} profile)
     * @param queue the name stem of the partition queues: receipts go to {@code queue.0} ... {@code
     *     queue.(partitions-1)} by their patient key
     * @param partitions how many partition queues there are, and so how many messages are processed in
     *     parallel (each queue has one active consumer, so its messages are processed in order). Every
     *     replica must use the same number; change it only with the queues drained, since it moves keys
     *     between queues. Defaults to {@code spring.rabbitmq.listener.simple.concurrency}
     */
    public record Broker(
            int embeddedPort,
            boolean quorumQueues,
            @NotBlank String queue,
            @Min(1) @Max(256) int partitions) {

        @ConstructorBinding
        public Broker {}

        /** One partition: for code that never consumes. */
        public Broker(int embeddedPort, boolean quorumQueues, String queue) {
            this(embeddedPort, quorumQueues, queue, 1);
        }

        /** The partition queue a receipt goes to: by its patient key, else (no patient) by its id. */
        public String queueFor(String patientKey, java.util.UUID receiptId) {
            int hash = patientKey != null && patientKey.length() >= 8
                    ? Integer.parseUnsignedInt(patientKey.substring(0, 8), 16)
                    : receiptId.hashCode();
            return partitionQueue(Math.floorMod(hash, partitions));
        }

        public String partitionQueue(int partition) {
            return queue + "." + partition;
        }

        /** The embedded broker keeps messages in memory: a restart loses what it held. */
        public boolean embedded() {
            return embeddedPort > 0;
        }
    }

    /**
     * ingest-adapters as SMART Backend Services clients of hapi-server: one per partner, registered there
     * with the partner role, so that hapi-server limits each partner's writes to that partner's data
     * (issue 4, item 18), and one more with hapi-server's patient-verifier role, through which the operator
     * API marks an unverified Patient verified (no partner may do that for itself). All of them prove
     * themselves with the one key, whose public half ingest-adapters publishes at {@code
     * /.well-known/jwks.json}.
     *
     * @param clientIds a partner's client id where it is not {@value #CLIENT_ID_PREFIX}{@code <partner id>}
     *     (partner id to client id)
     * @param keyFile the private EC P-384 key as a JWK (the public half is registered with hapi-server)
     * @param createKeyIfMissing create the key on first start (embedded default only)
     * @param scope the {@code system/} scopes each partner's client asks for: what the mappings write
     * @param verifierClientId the patient verifier's client id
     */
    public record BackendAuth(
            Map<String, String> clientIds,
            @NotNull Path keyFile,
            boolean createKeyIfMissing,
            @NotBlank String scope,
            @NotBlank String verifierClientId) {

        /** A partner's client id unless {@code client-ids} names another. */
        public static final String CLIENT_ID_PREFIX = "ingest-";

        /** The patient verifier removes a Patient's verification tag, which takes a Patient update scope. */
        public static final String VERIFIER_SCOPE = "system/Patient.u";

        public BackendAuth {
            clientIds = clientIds == null ? Map.of() : Map.copyOf(clientIds);
        }

        /** The client id ingest-adapters writes {@code partnerId}'s data as. */
        public String clientIdFor(String partnerId) {
            return clientIds.getOrDefault(partnerId, CLIENT_ID_PREFIX + partnerId);
        }
    }

    /**
     * @param initialBackoff the first wait after a transient failure; it doubles up to {@code maxBackoff}
     * @param giveUpAfter after this long the message is returned to the queue for a later attempt
     * @param deadLetterAfter a receipt still failing transiently this long after it arrived is
     *     dead-lettered (for an operator to replay), so a write hapi-server keeps refusing with a
     *     "transient" status (a 412 for a conditional update that matches two resources, say) does not
     *     circle for ever
     */
    public record Retry(
            @NotNull Duration initialBackoff,
            @NotNull Duration maxBackoff,
            @NotNull Duration giveUpAfter,
            @NotNull Duration deadLetterAfter) {}

    public Optional<PartnerProperties> partner(String id) {
        return partners.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /**
     * @param id the partner's id as it appears in URLs, receipts and {@code meta.source}
     * @param timeZone the zone of the partner's timestamps that carry none
     * @param mllpPort the partner's MLLP listener port (none without it; 0 picks a free port)
     * @param mllpBindAddress the address the listener binds to (default 127.0.0.1)
     * @param mllpAllowedSources addresses or CIDR blocks the partner connects from; empty allows any
     * @param charset the character set of the partner's payloads (default UTF-8; many labs send ISO-8859-1)
     * @param csv how the partner's CSV files are read (format {@code CSV} only)
     * @param html where the partner's HTML lab report pages hold what is mapped (format {@code HTML})
     * @param json where the partner's JSON appointment or encounter items hold what is mapped ({@code JSON})
     * @param ccda the OID roots of the partner's C-CDA patient identifiers ({@code CCDA})
     * @param poller a scheduled pull from the partner's portal or API; none when the partner pushes
     */
    public record PartnerProperties(
            @NotBlank String id,
            @NotNull PayloadFormat format,
            @NotNull @Valid IdentifierSystems identifierSystems,
            @NotNull ZoneId timeZone,
            Integer mllpPort,
            String mllpBindAddress,
            List<String> mllpAllowedSources,
            Charset charset,
            @Valid CsvLayout csv,
            @Valid HtmlReportLayout html,
            @Valid JsonFeedLayout json,
            @Valid CcdaSettings ccda,
            @Valid PollerProperties poller) {

        @ConstructorBinding
        public PartnerProperties {}

        /** A partner of the first formats (HL7 v2, CSV), without the settings the later formats added. */
        public PartnerProperties(
                String id,
                PayloadFormat format,
                IdentifierSystems identifierSystems,
                ZoneId timeZone,
                Integer mllpPort,
                String mllpBindAddress,
                List<String> mllpAllowedSources,
                Charset charset,
                CsvLayout csv) {
            this(
                    id,
                    format,
                    identifierSystems,
                    timeZone,
                    mllpPort,
                    mllpBindAddress,
                    mllpAllowedSources,
                    charset,
                    csv,
                    null,
                    null,
                    null,
                    null);
        }

        public Charset payloadCharset() {
            return charset == null ? StandardCharsets.UTF_8 : charset;
        }

        /** A CSV partner cannot be read without its column layout. */
        @AssertTrue(message = "a partner of format CSV needs its csv layout")
        public boolean isCsvLayoutGiven() {
            return format != PayloadFormat.CSV || csv != null;
        }

        @AssertTrue(message = "a partner of format HTML needs its html layout, and one of format JSON its json layout")
        public boolean isPageLayoutGiven() {
            return (format != PayloadFormat.HTML || html != null) && (format != PayloadFormat.JSON || json != null);
        }

        public String bindAddress() {
            return mllpBindAddress == null || mllpBindAddress.isBlank() ? "127.0.0.1" : mllpBindAddress;
        }
    }

    /**
     * The FHIR identifier systems a partner's local identifiers are written with.
     *
     * @param mrn the partner's medical record numbers (PID-3 with type MR, or the first PID-3)
     * @param order the partner's filler order numbers and accessions (OBR-3, ORC-3)
     * @param visit the partner's visit numbers (PV1-19)
     */
    public record IdentifierSystems(
            @NotBlank String mrn,
            @NotBlank String order,
            @NotBlank String visit) {}

    /**
     * A partner's CSV pharmacy dispense file: one dispense a row, a header row naming the columns. Every
     * cell is read as text (codes keep their leading zeros); a blank cell is an absent value.
     *
     * @param delimiter the cell separator (default {@code ,})
     * @param dateFormat the {@link java.time.format.DateTimeFormatter} pattern of the date column
     *     (default {@code yyyy-MM-dd})
     * @param codeSystem the system of the medication codes: {@code https://dmd.nhs.uk} (dm+d, the SNOMED CT
     *     UK drug extension) for UK feeds, {@code http://hl7.org/fhir/sid/ndc} for NDCs
     * @param dispenseIdSystem the identifier system of the partner's dispense ids
     * @param columns which header names hold which field
     */
    public record CsvLayout(
            String delimiter,
            String dateFormat,
            @NotBlank String codeSystem,
            @NotBlank String dispenseIdSystem,
            @NotNull @Valid CsvColumns columns) {

        public char delimiterChar() {
            return delimiter == null || delimiter.isEmpty() ? ',' : delimiter.charAt(0);
        }

        public String datePattern() {
            return dateFormat == null || dateFormat.isBlank() ? "yyyy-MM-dd" : dateFormat;
        }
    }

    /**
     * Header names of a partner's CSV columns, by the field they hold; unset fields are not read.
     *
     * @param dispenseId the column(s) whose values, joined by {@code -}, are the partner's dispense id (the
     *     business identifier a replayed file updates by), e.g. claim id and line number
     * @param prescriptionId the partner's prescription id, written as the authorizing prescription's
     *     identifier (system {@code identifier-systems.order})
     * @param nhsNumber the NHS number; when present it identifies the patient and must pass its check digit
     * @param mrn the partner's patient id (system {@code identifier-systems.mrn}), used without an NHS number
     * @param medicationCode the medication code (dm+d, NDC, ... as {@code code-system} says)
     * @param medicationDisplay the medication's name as the partner wrote it
     * @param quantity the quantity dispensed (a decimal number)
     * @param quantityUnit the unit of the quantity, e.g. {@code tablet}
     * @param daysSupply the days of supply (a decimal number)
     * @param whenHandedOver the date the medication was handed over ({@code date-format})
     */
    public record CsvColumns(
            @NotEmpty List<String> dispenseId,
            String prescriptionId,
            String nhsNumber,
            String mrn,
            @NotBlank String medicationCode,
            String medicationDisplay,
            String quantity,
            String quantityUnit,
            String daysSupply,
            String whenHandedOver) {}

    /** The payload formats ingest-adapters accepts. */
    public enum PayloadFormat {
        HL7V2,
        CSV,
        HTML,
        JSON,
        CCDA
    }
}
