package io.healthportal.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.healthportal.demo.LabResultMessages;
import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.hl7v2.MllpListeners;
import io.healthportal.ingest.operator.PatientWorkItems;
import io.healthportal.ingest.pipeline.PatientOwnership;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.HapiServerProcess;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.healthportal.ingest.testing.RequiresEndToEndServices;
import io.healthportal.ingest.testing.TestRabbitMq;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * MLLP in, through the real RabbitMQ (the {@code rabbitmq} profile, a quorum queue of this run) into a
 * real hapi-server (its jar, started once as a child process on a fresh PostgreSQL database), and FHIR
 * search finds the Observation and its Provenance; three partners ({@code e2e-partners} profile) meet on
 * one Patient by its NHS number. The slow scenario of the module: keep it to one server start.
 */
@RequiresCorpus
@RequiresEndToEndServices
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"postgres", "rabbitmq", "e2e-partners"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndIT {

    private static final String QUEUE = "ingest.receipts.e2e-" + UUID.randomUUID();
    private static final String ORDER_SYSTEM = "https://demo-lab.example.nhs.uk/Id/filler-order";
    private static final String NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PatientWorkItems workItems;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        TestPostgres postgres = TestPostgres.instance();
        String url = postgres.newDatabase("e2e_ingest");
        String dataDir = Files.createTempDirectory("ingest-e2e").toString();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", postgres::user);
        registry.add("spring.datasource.password", postgres::password);
        registry.add("portal.data-dir", () -> dataDir);
        registry.add("INGEST_DEMO_LAB_MLLP_PORT", () -> 0);
        registry.add("RABBITMQ_HOST", () -> TestRabbitMq.HOST);
        registry.add("RABBITMQ_PORT", () -> TestRabbitMq.PORT);
        registry.add("portal.ingest.broker.queue", () -> QUEUE);
        registry.add(
                "portal.ingest.fhir-base-url", () -> HapiServerProcess.start().fhirBaseUrl());
        registry.add(
                "portal.ingest.auth.key-file", () -> HapiServerProcess.start().clientKeyFile());
        registry.add("management.server.port", () -> 0);
    }

    /**
     * The listeners are stopped first: a running container sees its consumer cancelled and declares the
     * queue again.
     */
    @AfterAll
    void deleteTheRunsQueues(
            @Autowired RabbitListenerEndpointRegistry listeners, @Autowired IngestProperties properties)
            throws Exception {
        listeners.stop();
        try (Connection connection = rabbitConnection();
                Channel channel = connection.createChannel()) {
            for (int p = 0; p < properties.broker().partitions(); p++) {
                channel.queueDelete(properties.broker().partitionQueue(p));
            }
        }
    }

    @Test
    void anOruSentOverMllpIsFoundInHapiServerWithItsProvenanceAndAReplayUpdatesIt() throws Exception {
        String filler = "E2E" + UUID.randomUUID().toString().substring(0, 8);
        String mrn = "M" + UUID.randomUUID().toString().substring(0, 8);
        String first = message("C1-" + filler, filler, mrn);
        send(first);
        awaitWritten("C1-" + filler);

        IGenericClient fhir = hapiServer();
        Bundle found = fhir.search()
                .forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(ORDER_SYSTEM, filler + "/11273-0"))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(found.getEntry()).hasSize(1);
        Observation observation = (Observation) found.getEntryFirstRep().getResource();
        assertThat(observation.getValueQuantity().getValue()).isEqualByComparingTo("4.06");
        assertThat(observation.getMeta().getSource())
                .startsWith("urn:healthportal:partner:demo-lab:message:C1-" + filler);
        assertThat(observation.getSubject().getReference()).startsWith("Patient/");

        Bundle provenances = fhir.search()
                .forResource(Provenance.class)
                .where(Provenance.TARGET.hasId(observation.getIdElement().toUnqualifiedVersionless()))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(provenances.getEntry()).hasSize(1);
        Provenance provenance = (Provenance) provenances.getEntryFirstRep().getResource();
        UUID receipt = jdbc.queryForObject("SELECT id FROM receipt WHERE message_id = ?", UUID.class, "C1-" + filler);
        assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getValue())
                .isEqualTo(receipt.toString());

        // The partner sends the same result again under a new control id: updated, not duplicated.
        send(message("C2-" + filler, filler, mrn));
        awaitWritten("C2-" + filler);
        Bundle again = fhir.search()
                .forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(ORDER_SYSTEM, filler + "/11273-0"))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(again.getEntry()).hasSize(1);
        assertThat(again.getEntryFirstRep().getResource().getIdElement().getIdPart())
                .isEqualTo(observation.getIdElement().getIdPart());
        Bundle patients = fhir.search()
                .byUrl("Patient?identifier=https://demo-lab.example.nhs.uk/Id/mrn|" + mrn)
                .returnBundle(Bundle.class)
                .execute();
        assertThat(patients.getEntry()).hasSize(1);

        // The rabbitmq profile declared quorum queues with a single active consumer: declaring one again
        // so is accepted (RabbitMQ refuses a declaration whose arguments differ from the existing queue's).
        try (Connection connection = rabbitConnection();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(
                    QUEUE + ".0",
                    true,
                    false,
                    false,
                    java.util.Map.of("x-queue-type", "quorum", "x-single-active-consumer", true));
        }
    }

    /**
     * A token hapi-server really issued is authentic to the HTTP intake (not 401), and the caller it
     * names is the client it was issued to: ingest-adapters' own client is not partner demo-lab.
     */
    @Test
    void theHttpIntakeReadsTheCallerFromAHapiServerToken(@LocalServerPort int port) throws Exception {
        String token = HapiServerProcess.start().client().accessToken();
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ingest/demo-lab"))
                                .header("Authorization", "Bearer " + token)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "MSH|^~\\&|X|Y|Z|W|20261126||ORU^R01|T1|P|2.5.1\r"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("INGEST-WRONG-CALLER");
    }

    /**
     * Clinic A's ADT, lab B's ORU and pharmacy C's RDS (and an ADT of C's) for one NHS number: one
     * Patient, A's demographics (B and C send other names and addresses), each partner's MRN once, and the lab result, the
     * dispense and the visit all the Patient's own. A replay of B's result adds no second MRN.
     */
    @Test
    void anAdtAnOruAndAnRdsFromThreePartnersForOneNhsNumberAllLandOnOnePatient() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        LabResultMessages.Message result =
                new LabResultMessages(run.hashCode(), 1, "ID" + run, Instant.parse("2026-04-02T08:00:00Z")).next();
        String nhs = result.nhsNumber();
        send(
                "clinic-a",
                "MSH|^~\\&|PAS|CLINIC-A|PORTAL|NHS|20260401090000||ADT^A01^ADT_A01|A1-" + run + "|P|2.5.1\r"
                        + "EVN|A01|20260401090000\r"
                        + "PID|1||" + nhs + "^^^NHS^NH~CA" + run + "^^^CLINIC-A^MR||SMITH^JANE^^^MRS||19800101|F|||"
                        + "1 High Street^^Leeds^^LS1 1AA^GBR\r"
                        + "PV1|1|O|CLINIC1||||||||||||||||V" + run + "\r");
        awaitWritten("A1-" + run);
        send("demo-lab", labB(result, run));
        send(
                "pharmacy-c",
                "MSH|^~\\&|RX|PHARMACY-C|PORTAL|NHS|20260403110000||RDS^O13^RDS_O13|C1-" + run + "|P|2.5.1\r"
                        + "PID|1||" + nhs + "^^^NHS^NH~PC" + run + "^^^PHARMACY-C^MR||SMYTHE^J||19800202|F|||"
                        + "9 Station Road^^York^^YO1 6AA^GBR\r"
                        + "ORC|RE|RX" + run + "|RX" + run + "\r"
                        + "RXD|1|39720311000001101^Paracetamol 500mg tablets^DMD|20260403|32|{tbl}^tablet^UCUM\r");
        awaitWritten(result.controlId());
        awaitWritten("C1-" + run);
        // Demographics of pharmacy C's own (an ADT, newer than A's) change none of A's: C owns only its MRN.
        send(
                "pharmacy-c",
                "MSH|^~\\&|RX|PHARMACY-C|PORTAL|NHS|20260404090000||ADT^A08^ADT_A01|C2-" + run + "|P|2.5.1\r"
                        + "EVN|A08|20260404090000\r"
                        + "PID|1||" + nhs + "^^^NHS^NH~PC" + run + "^^^PHARMACY-C^MR||JONES^JANET||19800303|F\r");
        awaitWritten("C2-" + run);

        IGenericClient fhir = hapiServer();
        Patient patient = onlyPatientWith(fhir, NHS_SYSTEM, nhs);
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("SMITH");
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1980-01-01");
        assertThat(patient.getAddress())
                .singleElement()
                .satisfies(a -> assertThat(a.getCity()).isEqualTo("Leeds"));
        assertThat(identifierValues(patient)).containsExactlyInAnyOrder(nhs, "CA" + run, "LB" + run, "PC" + run);
        assertThat(tags(patient, PatientOwnership.OWNER_TAG_SYSTEM)).containsExactly("clinic-a");
        assertThat(tags(patient, PatientOwnership.PARTNER_TAG_SYSTEM))
                .containsExactlyInAnyOrder("clinic-a", "demo-lab", "pharmacy-c");

        // The Patient's own view: its compartment, as $everything (what a patient's token reaches) shows it,
        // of the types the test's client reads (the compartment holds the access AuditEvents too).
        String subject = "Patient/" + patient.getIdElement().getIdPart();
        Bundle everything = fhir.search()
                .byUrl(HapiServerProcess.start().fhirBaseUrl() + "/" + subject
                        + "/$everything?_type=Patient,Observation,DiagnosticReport,MedicationDispense,Encounter")
                .returnBundle(Bundle.class)
                .execute();
        List<Resource> own = everything.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .toList();
        assertThat(own).filteredOn(Observation.class::isInstance).hasSize(result.observationCount());
        assertThat(own)
                .filteredOn(Observation.class::isInstance)
                .allSatisfy(o ->
                        assertThat(tags(o, PatientOwnership.PARTNER_TAG_SYSTEM)).containsExactly("demo-lab"));
        assertThat(own).filteredOn(DiagnosticReport.class::isInstance).hasSize(1);
        assertThat(own).filteredOn(MedicationDispense.class::isInstance).hasSize(1);
        assertThat(own)
                .filteredOn(Encounter.class::isInstance)
                .singleElement()
                .satisfies(e ->
                        assertThat(tags(e, PatientOwnership.PARTNER_TAG_SYSTEM)).containsExactly("clinic-a"));
        assertThat(own)
                .filteredOn(Patient.class::isInstance)
                .extracting(r -> r.getIdElement().getIdPart())
                .containsExactly(patient.getIdElement().getIdPart());

        // Lab B sends the result again under a new control id: nothing new on the Patient.
        String version = patient.getMeta().getVersionId();
        send("demo-lab", labB(result, run).replace(result.controlId(), result.controlId() + "R"));
        awaitWritten(result.controlId() + "R");
        Patient again = onlyPatientWith(fhir, NHS_SYSTEM, nhs);
        assertThat(identifierValues(again)).containsExactlyInAnyOrder(nhs, "CA" + run, "LB" + run, "PC" + run);
        assertThat(again.getMeta().getVersionId()).isEqualTo(version);
    }

    /**
     * A message whose NHS number nobody has: a new Patient, owned by its partner and unverified, and one
     * work item; the same result again (new control id) adds neither. Verifying the item takes the mark
     * off the Patient on hapi-server, as the patient verifier (no partner may).
     */
    @Test
    void anUnknownNhsNumberMakesOneUnverifiedPatientAndOneWorkItemHoweverOftenItIsSent() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        LabResultMessages.Message result =
                new LabResultMessages(run.hashCode(), 1, "UN" + run, Instant.parse("2026-05-02T08:00:00Z")).next();
        send("demo-lab", labB(result, run));
        awaitWritten(result.controlId());
        send("demo-lab", labB(result, run).replace(result.controlId(), result.controlId() + "R"));
        awaitWritten(result.controlId() + "R");

        IGenericClient fhir = hapiServer();
        Patient patient = onlyPatientWith(fhir, NHS_SYSTEM, result.nhsNumber());
        assertThat(tags(patient, PatientOwnership.VERIFICATION_SYSTEM)).containsExactly(PatientOwnership.UNVERIFIED);
        assertThat(tags(patient, PatientOwnership.OWNER_TAG_SYSTEM)).containsExactly("demo-lab");
        String reference = "Patient/" + patient.getIdElement().getIdPart();
        List<Map<String, Object>> items = jdbc.queryForList(
                "SELECT id, partner_id, identifier_system, identifier_masked, state FROM patient_work_item"
                        + " WHERE patient_reference = ?",
                reference);
        assertThat(items).hasSize(1);
        Map<String, Object> item = items.get(0);
        assertThat(item).containsEntry("partner_id", "demo-lab").containsEntry("identifier_system", NHS_SYSTEM);
        assertThat((String) item.get("identifier_masked"))
                .endsWith(result.nhsNumber().substring(7))
                .doesNotContain(result.nhsNumber().substring(0, 7));

        // An operator verifies it (the operator API's service; its HTTP side is PatientWorkItemApiIT's):
        // through the patient verifier's client, the tag goes and nothing else changes.
        long itemId = ((Number) item.get("id")).longValue();
        assertThat(workItems.verify(itemId, "e2e-operator")).isTrue();
        Patient verified = onlyPatientWith(fhir, NHS_SYSTEM, result.nhsNumber());
        assertThat(tags(verified, PatientOwnership.VERIFICATION_SYSTEM)).isEmpty();
        assertThat(tags(verified, PatientOwnership.OWNER_TAG_SYSTEM)).containsExactly("demo-lab");
        assertThat(identifierValues(verified)).isEqualTo(identifierValues(patient));
        assertThat(workItems.find(itemId).orElseThrow().state()).isEqualTo("VERIFIED");
    }

    /** The generated result as lab B sends it, with a MRN of this run (the generator's repeat across runs). */
    private static String labB(LabResultMessages.Message result, String run) {
        return result.text().replace(result.mrn() + "^^^RFH^MR", "LB" + run + "^^^RFH^MR");
    }

    private static Patient onlyPatientWith(IGenericClient fhir, String system, String value) {
        Bundle patients = fhir.search()
                .byUrl("Patient?identifier=" + system + "|" + value)
                .returnBundle(Bundle.class)
                .execute();
        assertThat(patients.getEntry()).hasSize(1);
        return (Patient) patients.getEntryFirstRep().getResource();
    }

    private static List<String> identifierValues(Patient patient) {
        return patient.getIdentifier().stream().map(Identifier::getValue).toList();
    }

    private static List<String> tags(org.hl7.fhir.r4.model.Resource resource, String system) {
        return resource.getMeta().getTag().stream()
                .filter(t -> system.equals(t.getSystem()))
                .map(Coding::getCode)
                .toList();
    }

    private static IGenericClient hapiServer() {
        FhirContext context = FhirContext.forR4Cached();
        // The test reads what it needs; hapi-server's first CapabilityStatement can take longer than a read.
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        context.getRestfulClientFactory().setSocketTimeout(60_000);
        IGenericClient fhir =
                context.newRestfulGenericClient(HapiServerProcess.start().fhirBaseUrl());
        BackendServicesClient reader = HapiServerProcess.start().client();
        fhir.registerInterceptor(new IClientInterceptor() {
            @Override
            public void interceptRequest(IHttpRequest request) {
                request.addHeader("Authorization", "Bearer " + reader.accessToken());
            }

            @Override
            public void interceptResponse(IHttpResponse response) {
                // nothing to inspect
            }
        });
        return fhir;
    }

    private static Connection rabbitConnection() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(TestRabbitMq.HOST);
        factory.setPort(TestRabbitMq.PORT);
        return factory.newConnection();
    }

    private void send(String message) throws IOException {
        send("demo-lab", message);
    }

    private void send(String partner, String message) throws IOException {
        try (MllpClient client = new MllpClient(mllp.port(partner))) {
            assertThat(client.send(message)).contains("MSA|AA|");
        }
    }

    private void awaitWritten(String controlId) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "WRITTEN"
                        .equals(jdbc
                                .query(
                                        "SELECT status FROM receipt WHERE message_id = ?",
                                        (rs, n) -> rs.getString(1),
                                        controlId)
                                .stream()
                                .findFirst()
                                .orElse("")));
    }

    /** The corpus lab result with this run's control id, filler order numbers and MRN. */
    private static String message(String controlId, String filler, String mrn) {
        return Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7")
                .replaceFirst("\\|ORU\\^R01\\|[^|]*\\|", "|ORU^R01|" + controlId + "|")
                .replace("10006579", mrn)
                .replace("82503246", filler)
                .replace("890775544", filler + "B");
    }
}
