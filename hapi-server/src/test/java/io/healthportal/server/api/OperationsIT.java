package io.healthportal.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** {@code $everything}, {@code $validate}, the {@code $meta} family and Bulk Data {@code $export}. */
class OperationsIT extends FhirApiTestBase {

    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(90);

    private final ObjectMapper json = new ObjectMapper();

    /** Drives batch2 jobs forward on demand, so an export finishes without waiting for the scheduler. */
    @Autowired
    private IJobMaintenanceService jobMaintenance;

    @Test
    void everythingReturnsThePatientsOwnRecordAndNoOneElses() {
        Chart chart = chart();
        Chart other = chart();

        Bundle everything = everything(chart.patient, new Parameters());

        assertThat(ids(everything)).containsExactlyInAnyOrderElementsOf(chart.ids());
        assertThat(ids(everything)).doesNotContainAnyElementsOf(other.ids());
    }

    @Test
    void everythingWithTypeLeavesOutTheTypesNotAskedFor() {
        Chart chart = chart();
        Condition condition = new Condition().setSubject(reference(chart.patient));
        condition.getCode().setText(unique("condition"));
        condition = create(condition);
        Parameters parameters = new Parameters();
        parameters.addParameter("_type", new StringType("Observation"));

        Bundle observations = everything(chart.patient, parameters);
        Bundle all = everything(chart.patient, new Parameters());

        // HAPI applies _type to what links to the patient; the patient itself and what the matches refer to
        // (here the observations' encounter) come along, as the operation's definition asks for.
        assertThat(ids(observations))
                .containsExactlyInAnyOrderElementsOf(chart.ids())
                .doesNotContain(typeAndId(condition));
        assertThat(ids(all)).contains(typeAndId(condition));
    }

    @Test
    void everythingWithCountPagesThroughTheWholeRecordOnce() {
        Chart chart = chart();
        Parameters parameters = new Parameters();
        parameters.addParameter("_count", new IntegerType(2));

        List<Bundle> pages = allPages(everything(chart.patient, parameters));

        assertThat(pages)
                .hasSize(2)
                .allSatisfy(page -> assertThat(page.getEntry()).hasSize(2));
        List<String> seen = pages.stream().flatMap(page -> ids(page).stream()).toList();
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(chart.ids());
    }

    @Test
    void everythingSinceReturnsOnlyWhatChangedAfterwards() {
        Chart chart = chart();
        Observation changed = chart.observations.get(1);
        changed.setId(changed.getIdElement().toUnqualifiedVersionless());
        changed.setStatus(Observation.ObservationStatus.AMENDED);
        client().update().resource(changed).execute();
        Observation stored = client().read()
                .resource(Observation.class)
                .withId(changed.getIdElement())
                .execute();
        Parameters parameters = new Parameters();
        parameters.addParameter("_since", new InstantType(stored.getMeta().getLastUpdated()));

        Bundle since = everything(chart.patient, parameters);

        assertThat(ids(since)).containsExactly(typeAndId(changed));
    }

    @Test
    void everythingSinceAppliesToEveryPage() throws InterruptedException {
        Chart chart = chart();
        Thread.sleep(20); // lastUpdated has millisecond precision
        Date since = new Date();
        List<String> changed = new ArrayList<>();
        for (Observation observation : chart.observations) {
            observation.setId(observation.getIdElement().toUnqualifiedVersionless());
            observation.setStatus(Observation.ObservationStatus.AMENDED);
            client().update().resource(observation).execute();
            changed.add(typeAndId(observation));
        }
        Parameters parameters = new Parameters();
        parameters.addParameter("_since", new InstantType(since));
        parameters.addParameter("_count", new IntegerType(1));

        List<String> found = new ArrayList<>();
        Bundle page = everything(chart.patient, parameters);
        for (int pages = 0; page != null && pages < 20; pages++) {
            found.addAll(ids(page));
            page = page.getLink(Bundle.LINK_NEXT) == null
                    ? null
                    : client().loadPage().next(page).execute();
        }

        assertThat(found).containsExactlyInAnyOrderElementsOf(changed);
    }

    @Test
    void validateFindsNoErrorsInAValidResource() {
        Observation valid = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        valid.getCode().addCoding(new Coding("http://loinc.org", "29463-7", "Body weight"));
        valid.getText()
                .setStatus(Narrative.NarrativeStatus.GENERATED)
                .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Body weight</div>");

        HttpResponse<String> response = postJson("/Observation/$validate", json(valid));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(parse(OperationOutcome.class, response.body()).getIssue())
                .extracting(OperationOutcome.OperationOutcomeIssueComponent::getSeverity)
                .doesNotContain(IssueSeverity.ERROR, IssueSeverity.FATAL);
    }

    @Test
    void validateReportsEachMissingRequiredElementAsAnError() {
        Observation invalid = new Observation();
        invalid.setSubject(new Reference().setDisplay("someone"));

        HttpResponse<String> response = postJson("/Observation/$validate", json(invalid));

        List<String> errors = parse(OperationOutcome.class, response.body()).getIssue().stream()
                .filter(issue -> issue.getSeverity() == IssueSeverity.ERROR)
                .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .toList();
        assertThat(errors).hasSize(2);
        assertThat(errors)
                .anySatisfy(error -> assertThat(error).startsWith("Observation.status: minimum required = 1"));
        assertThat(errors).anySatisfy(error -> assertThat(error).startsWith("Observation.code: minimum required = 1"));
    }

    @Test
    void metaAddAndMetaDeleteChangeTagsWithoutANewVersion() {
        String tag = unique("tag");
        Patient patient = create(patient(unique("Meta")));
        var id = patient.getIdElement().toUnqualifiedVersionless();
        Meta toAdd = new Meta();
        toAdd.addTag(TEST_SYSTEM, tag, "test tag");

        Meta afterAdd = client().meta().add().onResource(id).meta(toAdd).execute();
        Meta onType = client().meta().get(Meta.class).fromType("Patient").execute();
        Patient tagged = client().read().resource(Patient.class).withId(id).execute();
        Meta afterDelete = client().meta().delete().onResource(id).meta(toAdd).execute();
        Meta current = client().meta().get(Meta.class).fromResource(id).execute();

        assertThat(afterAdd.getTag()).extracting(Coding::getCode).containsExactly(tag);
        assertThat(onType.getTag()).extracting(Coding::getCode).contains(tag);
        assertThat(tagged.getMeta().getTag()).extracting(Coding::getCode).containsExactly(tag);
        assertThat(tagged.getMeta().getVersionId()).isEqualTo("1");
        assertThat(afterDelete.getTag()).isEmpty();
        assertThat(current.getTag()).isEmpty();
        assertThat(current.getVersionId()).isEqualTo("1");
    }

    @Test
    void systemExportWritesExactlyTheResourcesChangedSinceTheGivenInstant() {
        Chart first = chart();
        Chart second = chart();
        String since = first.patient.getMeta().getLastUpdatedElement().getValueAsString();

        Map<String, List<String>> exported =
                exportAndDownload("/$export?_type=Patient,Observation,Encounter&_since=" + encode(since));

        assertThat(exported.keySet()).containsExactlyInAnyOrder("Patient", "Observation", "Encounter");
        List<String> expected = new ArrayList<>(first.ids());
        expected.addAll(second.ids());
        assertThat(exported.values().stream().flatMap(List::stream).toList())
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void patientExportWritesTheCompartmentsOfThePatientsNamed() {
        Chart named = chart();
        Chart unnamed = chart();
        Parameters parameters = new Parameters();
        parameters.addParameter("_type", new StringType("Patient,Observation"));
        parameters.addParameter("patient", reference(named.patient));

        Map<String, List<String>> exported = exportAndDownload(request("/Patient/$export")
                .header("Content-Type", FHIR_JSON)
                .POST(BodyPublishers.ofString(json(parameters))));

        assertThat(exported.get("Patient")).containsExactly(typeAndId(named.patient));
        assertThat(exported.get("Observation")).containsExactlyInAnyOrderElementsOf(observationIds(named));
        assertThat(exported.keySet()).containsExactlyInAnyOrder("Patient", "Observation");
        assertThat(exported.get("Observation")).doesNotContainAnyElementsOf(observationIds(unnamed));
    }

    @Test
    void patientExportLeavesOutResourcesInNoPatientsCompartment() {
        Chart chart = chart();
        Observation unattached = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        unattached.getCode().setText(unique("unattached"));
        unattached = create(unattached);

        Map<String, List<String>> exported = exportAndDownload("/Patient/$export?_type=Observation");

        assertThat(exported.keySet()).containsExactly("Observation");
        assertThat(exported.get("Observation"))
                .containsAll(observationIds(chart))
                .doesNotContain(typeAndId(unattached));
    }

    @Test
    void patientExportSinceWritesOnlyWhatChangedAfterwards() {
        Chart first = chart();
        Chart second = chart();
        String since = second.patient.getMeta().getLastUpdatedElement().getValueAsString();

        Map<String, List<String>> exported =
                exportAndDownload("/Patient/$export?_type=Patient,Observation&_since=" + encode(since));

        assertThat(exported.get("Patient")).containsExactly(typeAndId(second.patient));
        assertThat(exported.get("Observation"))
                .containsExactlyInAnyOrderElementsOf(observationIds(second))
                .doesNotContainAnyElementsOf(observationIds(first));
    }

    @Test
    void groupExportWritesOnlyTheMembersData() {
        Chart member = chart();
        Chart outsider = chart();
        Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
        group.addMember().setEntity(new Reference(member.patient.getIdElement().toUnqualifiedVersionless()));
        group = create(group);

        Map<String, List<String>> exported = exportAndDownload(
                "/Group/" + group.getIdElement().getIdPart() + "/$export?_type=Patient,Observation,Encounter");

        assertThat(exported.values().stream().flatMap(List::stream).toList())
                .containsExactlyInAnyOrderElementsOf(member.ids())
                .doesNotContainAnyElementsOf(outsider.ids());
    }

    @Test
    void deletingTheStatusUrlCancelsTheExport() {
        Patient marker = create(patient(unique("Cancelled")));
        String since = marker.getMeta().getLastUpdatedElement().getValueAsString();
        String status = kickOff(request("/$export?_type=Patient&_since=" + encode(since)));

        HttpResponse<String> cancelled = send(requestTo(status).DELETE());
        HttpResponse<String> afterwards = send(requestTo(status));

        assertThat(cancelled.statusCode()).isEqualTo(202);
        assertThat(afterwards.statusCode()).isEqualTo(404);
        assertThat(parse(OperationOutcome.class, afterwards.body())
                        .getIssueFirstRep()
                        .getDiagnostics())
                .contains("cancelled");
    }

    private Map<String, List<String>> exportAndDownload(String kickOffPath) {
        return exportAndDownload(request(kickOffPath));
    }

    /** Kicks off an export, checks the status answers "in progress", drives it to the end, downloads it. */
    private Map<String, List<String>> exportAndDownload(HttpRequest.Builder kickOffRequest) {
        String status = kickOff(kickOffRequest);
        HttpResponse<String> inProgress = send(requestTo(status));
        assertThat(inProgress.statusCode()).isEqualTo(202);
        assertThat(inProgress.headers().firstValue("X-Progress")).isPresent();

        JsonNode manifest = awaitManifest(status);
        assertThat(manifest.get("error")).isEmpty();
        Map<String, List<String>> idsByType = new TreeMap<>();
        for (JsonNode output : manifest.get("output")) {
            String type = output.get("type").asText();
            for (String line : download(output.get("url").asText())) {
                IBaseResource resource = fhirContext.newJsonParser().parseResource(line);
                assertThat(resource.fhirType()).isEqualTo(type);
                idsByType.computeIfAbsent(type, t -> new ArrayList<>()).add(typeAndId(resource));
            }
        }
        return idsByType;
    }

    private String kickOff(HttpRequest.Builder request) {
        HttpResponse<String> response =
                send(request.header("Prefer", "respond-async").header("Accept", FHIR_JSON));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String status = response.headers().firstValue("Content-Location").orElseThrow();
        assertThat(status).startsWith(fhirBase() + "/");
        return status;
    }

    private JsonNode awaitManifest(String status) {
        long deadline = System.nanoTime() + EXPORT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            jobMaintenance.runMaintenancePass();
            HttpResponse<String> response = send(requestTo(status));
            if (response.statusCode() == 200) {
                assertThat(response.headers().firstValue("Content-Type").orElseThrow())
                        .startsWith("application/json");
                try {
                    return json.readTree(response.body());
                } catch (JsonProcessingException e) {
                    throw new AssertionError("Manifest is not JSON: " + response.body(), e);
                }
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            pause();
        }
        throw new AssertionError("Export not complete after " + EXPORT_TIMEOUT + ": " + status);
    }

    private List<String> download(String url) {
        assertThat(url).startsWith(fhirBase() + "/Binary/");
        HttpResponse<String> file = send(requestTo(url).header("Accept", "application/fhir+ndjson"));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+ndjson");
        return file.body().lines().filter(line -> !line.isBlank()).toList();
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Bundle everything(Patient patient, Parameters parameters) {
        return client().operation()
                .onInstance(patient.getIdElement().toUnqualifiedVersionless())
                .named("$everything")
                .withParameters(parameters)
                .useHttpGet()
                .returnResourceType(Bundle.class)
                .execute();
    }

    /** One patient's record: the patient, an encounter and two observations made in it. */
    private Chart chart() {
        Patient patient = create(patient(unique("Chart")));
        Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
        encounter
                .getClass_()
                .setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode")
                .setCode("AMB");
        encounter.setSubject(reference(patient));
        encounter = create(encounter);
        List<Observation> observations = new ArrayList<>();
        for (String text : List.of("pulse", "weight")) {
            Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
            observation.getCode().setText(text);
            observation.setSubject(reference(patient));
            observation.setEncounter(reference(encounter));
            observations.add(create(observation));
        }
        return new Chart(patient, encounter, observations);
    }

    private static List<String> observationIds(Chart... charts) {
        List<String> ids = new ArrayList<>();
        for (Chart chart : charts) {
            chart.observations.forEach(observation -> ids.add(typeAndId(observation)));
        }
        return ids;
    }

    private record Chart(Patient patient, Encounter encounter, List<Observation> observations) {
        List<String> ids() {
            List<String> ids = new ArrayList<>(List.of(typeAndId(patient), typeAndId(encounter)));
            observations.forEach(observation -> ids.add(typeAndId(observation)));
            return ids;
        }
    }
}
