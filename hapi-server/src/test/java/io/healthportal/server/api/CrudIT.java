package io.healthportal.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** Create, read, update, patch, delete and history, with the HTTP details the spec attaches to them. */
class CrudIT extends FhirApiTestBase {

    @Test
    void readReturnsTheStoredResourceAsVersionOne() {
        String family = unique("Read");
        Patient created = create(patient(family).setBirthDateElement(new DateType("1980-05-01")));

        Patient read = client().read()
                .resource(Patient.class)
                .withId(created.getIdElement().getIdPart())
                .execute();

        assertThat(read.getNameFirstRep().getFamily()).isEqualTo(family);
        assertThat(read.getBirthDateElement().getValueAsString()).isEqualTo("1980-05-01");
        assertThat(read.getMeta().getVersionId()).isEqualTo("1");
        assertThat(read.getMeta().getLastUpdated()).isNotNull();
    }

    @Test
    void vreadReturnsEachVersionAsItWasStored() {
        String before = unique("Before");
        String after = unique("After");
        Patient created = create(patient(before));
        created.getNameFirstRep().setFamily(after);
        client().update().resource(created).execute();

        IdType id = created.getIdElement().toUnqualifiedVersionless();
        Patient first = client().read()
                .resource(Patient.class)
                .withIdAndVersion(id.getIdPart(), "1")
                .execute();
        Patient second = client().read()
                .resource(Patient.class)
                .withIdAndVersion(id.getIdPart(), "2")
                .execute();

        assertThat(first.getNameFirstRep().getFamily()).isEqualTo(before);
        assertThat(second.getNameFirstRep().getFamily()).isEqualTo(after);
        assertThat(second.getMeta().getVersionId()).isEqualTo("2");
    }

    @Test
    void createAnswers201WithLocationAndETagOfTheFirstVersion() {
        HttpResponse<String> response = postJson("/Patient", json(patient(unique("Create"))));

        assertThat(response.statusCode()).isEqualTo(201);
        String id = parse(Patient.class, response.body()).getIdElement().getIdPart();
        assertThat(response.headers().firstValue("Location")).hasValue(fhirBase() + "/Patient/" + id + "/_history/1");
        assertThat(response.headers().firstValue("ETag")).hasValue("W/\"1\"");
    }

    @Test
    void conditionalCreateReturnsTheExistingResourceTheSecondTime() {
        String identifier = unique("mrn");
        String body = json(patient(unique("Conditional"))
                .addIdentifier(new Identifier().setSystem(TEST_SYSTEM).setValue(identifier)));
        String ifNoneExist = "identifier=" + encode(TEST_SYSTEM + "|" + identifier);

        HttpResponse<String> first = postJson("/Patient", body, "If-None-Exist", ifNoneExist);
        HttpResponse<String> second = postJson("/Patient", body, "If-None-Exist", ifNoneExist);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        Bundle found = search("Patient?identifier=" + TEST_SYSTEM + "|" + identifier);
        assertThat(found.getTotal()).isEqualTo(1);
    }

    @Test
    void updateStoresANewVersionThatReadReturns() {
        Patient created = create(patient(unique("Update")).setGender(AdministrativeGender.FEMALE));
        created.setGender(AdministrativeGender.OTHER);

        MethodOutcome outcome = client().update().resource(created).execute();

        assertThat(outcome.getId().getVersionIdPart()).isEqualTo("2");
        Patient read = client().read()
                .resource(Patient.class)
                .withId(created.getIdElement().getIdPart())
                .execute();
        assertThat(read.getGender()).isEqualTo(AdministrativeGender.OTHER);
    }

    @Test
    void conditionalUpdateByIdentifierCreatesWhenAbsentAndUpdatesWhenPresent() {
        String identifier = unique("nhs");
        String match = "Patient?identifier=" + TEST_SYSTEM + "|" + identifier;
        Patient patient = patient(unique("Upsert")).setGender(AdministrativeGender.MALE);
        patient.addIdentifier().setSystem(TEST_SYSTEM).setValue(identifier);

        MethodOutcome created =
                client().update().resource(patient).conditionalByUrl(match).execute();
        patient.setGender(AdministrativeGender.FEMALE);
        MethodOutcome updated =
                client().update().resource(patient).conditionalByUrl(match).execute();

        assertThat(created.getCreated()).isTrue();
        assertThat(updated.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(updated.getId().getIdPart()).isEqualTo(created.getId().getIdPart());
        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
        Bundle found = search(match);
        assertThat(found.getTotal()).isEqualTo(1);
        assertThat(((Patient) found.getEntryFirstRep().getResource()).getGender())
                .isEqualTo(AdministrativeGender.FEMALE);
    }

    @Test
    void jsonPatchChangesOnlyTheElementItNames() {
        String family = unique("JsonPatch");
        Patient created = create(patient(family).setGender(AdministrativeGender.MALE));
        String id = created.getIdElement().getIdPart();
        String patch = "[{\"op\":\"add\",\"path\":\"/birthDate\",\"value\":\"1975-03-04\"},"
                + "{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"female\"}]";

        HttpResponse<String> response = send(request("/Patient/" + id)
                .header("Content-Type", "application/json-patch+json")
                .method("PATCH", BodyPublishers.ofString(patch)));

        assertThat(response.statusCode()).isEqualTo(200);
        Patient read = client().read().resource(Patient.class).withId(id).execute();
        assertThat(read.getBirthDateElement().getValueAsString()).isEqualTo("1975-03-04");
        assertThat(read.getGender()).isEqualTo(AdministrativeGender.FEMALE);
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo(family);
        assertThat(read.getMeta().getVersionId()).isEqualTo("2");
    }

    @Test
    void fhirPathPatchChangesOnlyTheElementItNames() {
        String family = unique("FhirPathPatch");
        String given = unique("Given");
        Patient created = create(patient(family).setBirthDateElement(new DateType("2000-01-01")));
        Parameters patch = new Parameters();
        var replace = patch.addParameter().setName("operation");
        replace.addPart().setName("type").setValue(new CodeType("replace"));
        replace.addPart().setName("path").setValue(new StringType("Patient.birthDate"));
        replace.addPart().setName("value").setValue(new DateType("2001-02-03"));
        var add = patch.addParameter().setName("operation");
        add.addPart().setName("type").setValue(new CodeType("add"));
        add.addPart().setName("path").setValue(new StringType("Patient.name[0]"));
        add.addPart().setName("name").setValue(new StringType("given"));
        add.addPart().setName("value").setValue(new StringType(given));

        client().patch()
                .withFhirPatch(patch)
                .withId(created.getIdElement().toUnqualifiedVersionless())
                .execute();

        Patient read = client().read()
                .resource(Patient.class)
                .withId(created.getIdElement().getIdPart())
                .execute();
        assertThat(read.getBirthDateElement().getValueAsString()).isEqualTo("2001-02-03");
        assertThat(read.getNameFirstRep().getGivenAsSingleString()).isEqualTo(given);
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo(family);
    }

    @Test
    void deletedResourceAnswers410AndLeavesSearches() {
        String family = unique("Deleted");
        Patient created = create(patient(family));
        String id = created.getIdElement().getIdPart();

        client().delete().resourceById("Patient", id).execute();

        assertThat(send(request("/Patient/" + id)).statusCode()).isEqualTo(410);
        assertThat(search("Patient?family=" + family).getTotal()).isZero();
    }

    @Test
    void conditionalDeleteRemovesTheOneMatchingResource() {
        String identifier = unique("del");
        Patient keep = create(patient(unique("Kept")));
        Patient doomed = patient(unique("Doomed"));
        doomed.addIdentifier().setSystem(TEST_SYSTEM).setValue(identifier);
        String doomedId = create(doomed).getIdElement().getIdPart();

        client().delete()
                .resourceConditionalByUrl("Patient?identifier=" + TEST_SYSTEM + "|" + identifier)
                .execute();

        assertThat(send(request("/Patient/" + doomedId)).statusCode()).isEqualTo(410);
        assertThat(send(request("/Patient/" + keep.getIdElement().getIdPart())).statusCode())
                .isEqualTo(200);
    }

    @Test
    void instanceHistoryListsEveryVersionNewestFirst() {
        Patient created = create(patient(unique("History")));
        // Without its version the id is a plain update each time, not an If-Match on version 1.
        created.setId(created.getIdElement().toUnqualifiedVersionless());
        created.setGender(AdministrativeGender.MALE);
        client().update().resource(created).execute();
        created.setGender(AdministrativeGender.FEMALE);
        client().update().resource(created).execute();

        Bundle history = client().history()
                .onInstance(created.getIdElement().toUnqualifiedVersionless())
                .returnBundle(Bundle.class)
                .execute();

        assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
        assertThat(history.getEntry())
                .extracting(entry -> entry.getResource().getMeta().getVersionId())
                .containsExactly("3", "2", "1");
        assertThat(history.getEntry())
                .extracting(entry -> entry.getRequest().getMethod())
                .containsExactly(HTTPVerb.PUT, HTTPVerb.PUT, HTTPVerb.POST);
    }

    @Test
    void typeAndSystemHistorySinceAnInstantHoldOnlyLaterChanges() {
        Patient early = create(patient(unique("Early")));
        Patient later = create(patient(unique("Later")));
        early.setGender(AdministrativeGender.UNKNOWN);
        client().update().resource(early).execute();
        Observation observation = create(observation(later, unique("history")));

        Bundle typeHistory = client().history()
                .onType(Patient.class)
                .returnBundle(Bundle.class)
                .since(later.getMeta().getLastUpdated())
                .execute();
        Bundle systemHistory = client().history()
                .onServer()
                .returnBundle(Bundle.class)
                .since(later.getMeta().getLastUpdated())
                .execute();

        String earlyId = typeAndId(early);
        String laterId = typeAndId(later);
        assertThat(typeHistory.getEntry())
                .extracting(entry -> typeAndId(entry.getResource()) + "/"
                        + entry.getResource().getMeta().getVersionId())
                .containsExactly(earlyId + "/2", laterId + "/1");
        // The server's audit trail of these very requests is in the system's history too.
        assertThat(ids(systemHistory).stream().filter(id -> !id.startsWith("AuditEvent/")))
                .containsExactly(typeAndId(observation), earlyId, laterId);
    }

    @Test
    void readCarriesTheVersionAsAWeakETag() {
        Patient created = create(patient(unique("ETag")));
        created.setGender(AdministrativeGender.MALE);
        client().update().resource(created).execute();

        HttpResponse<String> response =
                send(request("/Patient/" + created.getIdElement().getIdPart()));

        assertThat(response.headers().firstValue("ETag")).hasValue("W/\"2\"");
    }

    @Test
    void updateWithMatchingIfMatchSucceeds() {
        Patient created = create(patient(unique("IfMatch")));
        String id = created.getIdElement().getIdPart();
        created.setGender(AdministrativeGender.FEMALE);

        HttpResponse<String> response = send(request("/Patient/" + id)
                .header("Content-Type", FHIR_JSON)
                .header("If-Match", "W/\"1\"")
                .PUT(BodyPublishers.ofString(json(created))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("ETag")).hasValue("W/\"2\"");
    }

    @Test
    void updateWithStaleIfMatchIs412WithAnOperationOutcome() {
        Patient created = create(patient(unique("Stale")));
        String id = created.getIdElement().getIdPart();
        created.setGender(AdministrativeGender.FEMALE);
        client().update().resource(created).execute();
        created.setGender(AdministrativeGender.MALE);

        HttpResponse<String> response = send(request("/Patient/" + id)
                .header("Content-Type", FHIR_JSON)
                .header("If-Match", "W/\"1\"")
                .PUT(BodyPublishers.ofString(json(created))));

        assertThat(response.statusCode()).isEqualTo(412);
        OperationOutcome outcome = parse(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        Patient read = client().read().resource(Patient.class).withId(id).execute();
        assertThat(read.getMeta().getVersionId()).isEqualTo("2");
        assertThat(read.getGender()).isEqualTo(AdministrativeGender.FEMALE);
    }

    @Test
    void preferReturnChoosesBetweenNothingTheResourceAndAnOutcome() {
        HttpResponse<String> minimal =
                postJson("/Patient", json(patient(unique("Minimal"))), "Prefer", "return=minimal");
        HttpResponse<String> representation =
                postJson("/Patient", json(patient(unique("Representation"))), "Prefer", "return=representation");
        HttpResponse<String> outcome =
                postJson("/Patient", json(patient(unique("Outcome"))), "Prefer", "return=OperationOutcome");

        assertThat(minimal.statusCode()).isEqualTo(201);
        assertThat(minimal.body()).isEmpty();
        assertThat(minimal.headers().firstValue("Location")).isPresent();
        assertThat(representation.statusCode()).isEqualTo(201);
        Patient returned = parse(Patient.class, representation.body());
        assertThat(representation.headers().firstValue("Location").orElseThrow())
                .contains("/Patient/" + returned.getIdElement().getIdPart() + "/");
        assertThat(outcome.statusCode()).isEqualTo(201);
        assertThat(parse(OperationOutcome.class, outcome.body()).getIssue()).isNotEmpty();
    }

    @Test
    void acceptHeaderAndFormatParameterChooseJsonOrXml() {
        String family = unique("Format");
        String path = "/Patient/" + create(patient(family)).getIdElement().getIdPart();

        HttpResponse<String> xmlByAccept = send(request(path).header("Accept", "application/fhir+xml"));
        HttpResponse<String> jsonByAccept = send(request(path).header("Accept", "application/fhir+json"));
        HttpResponse<String> xmlByFormat =
                send(request(path + "?_format=xml").header("Accept", "application/fhir+json"));
        HttpResponse<String> jsonByFormat =
                send(request(path + "?_format=json").header("Accept", "application/fhir+xml"));

        assertThat(xmlByAccept.headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/fhir+xml");
        assertThat(fhirContext
                        .newXmlParser()
                        .parseResource(Patient.class, xmlByAccept.body())
                        .getNameFirstRep()
                        .getFamily())
                .isEqualTo(family);
        assertThat(jsonByAccept.headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/fhir+json");
        assertThat(parse(Patient.class, jsonByAccept.body()).getNameFirstRep().getFamily())
                .isEqualTo(family);
        assertThat(xmlByFormat.headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/fhir+xml");
        assertThat(xmlByFormat.body()).startsWith("<Patient xmlns=\"http://hl7.org/fhir\">");
        assertThat(jsonByFormat.headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/fhir+json");
        assertThat(parse(Patient.class, jsonByFormat.body()).getNameFirstRep().getFamily())
                .isEqualTo(family);
    }

    @Test
    void responseIsGzippedWhenTheClientAcceptsGzip() throws IOException {
        String family = unique("Gzip");
        String id = create(patient(family)).getIdElement().getIdPart();

        HttpResponse<byte[]> response = sendForBytes(request("/Patient/" + id).header("Accept-Encoding", "gzip"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String body;
        try (var in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(parse(Patient.class, body).getNameFirstRep().getFamily()).isEqualTo(family);
    }

    @Test
    void gzipCompressedRequestBodyIsAccepted() {
        String family = unique("Gzipped");
        byte[] body = gzip(json(patient(family)));

        HttpResponse<String> response = send(request("/Patient")
                .header("Content-Type", FHIR_JSON)
                .header("Content-Encoding", "gzip")
                .POST(BodyPublishers.ofByteArray(body)));

        assertThat(response.statusCode()).isEqualTo(201);
        String id = parse(Patient.class, response.body()).getIdElement().getIdPart();
        Patient read = client().read().resource(Patient.class).withId(id).execute();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo(family);
    }

    @Test
    void transactionResolvesUrnUuidReferencesToTheNewIds() {
        String family = unique("Txn");
        String patientUrn = "urn:uuid:" + UUID.randomUUID();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction
                .addEntry()
                .setFullUrl(patientUrn)
                .setResource(patient(family))
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Patient");
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText(unique("txn"));
        observation.setSubject(new Reference(patientUrn));
        transaction
                .addEntry()
                .setResource(observation)
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Observation");

        Bundle response = client().transaction().withBundle(transaction).execute();

        assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(response.getEntry())
                .extracting(entry -> entry.getResponse().getStatus())
                .allSatisfy(status -> assertThat(status).startsWith("201"));
        IdType patientId = new IdType(response.getEntry().get(0).getResponse().getLocation());
        IdType observationId =
                new IdType(response.getEntry().get(1).getResponse().getLocation());
        Observation stored = client().read()
                .resource(Observation.class)
                .withId(observationId.getIdPart())
                .execute();
        assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patientId.getIdPart());
        Patient storedPatient = client().read()
                .resource(Patient.class)
                .withId(patientId.getIdPart())
                .execute();
        assertThat(storedPatient.getNameFirstRep().getFamily()).isEqualTo(family);
    }

    @Test
    void batchAnswersEachEntryOnItsOwnWhenOneFails() {
        String family = unique("Batch");
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry()
                .setResource(patient(family))
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Patient");
        batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/" + unique("missing"));
        batch.addEntry()
                .setResource(patient(family))
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Patient");

        Bundle response = client().transaction().withBundle(batch).execute();

        assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
        List<BundleEntryComponent> entries = response.getEntry();
        assertThat(entries).hasSize(3);
        assertThat(entries.get(0).getResponse().getStatus()).startsWith("201");
        assertThat(entries.get(1).getResponse().getStatus()).startsWith("404");
        assertThat(entries.get(1).getResponse().getOutcome()).isInstanceOf(OperationOutcome.class);
        assertThat(entries.get(2).getResponse().getStatus()).startsWith("201");
        assertThat(search("Patient?family=" + family).getTotal()).isEqualTo(2);
    }

    private static Observation observation(Patient subject, String text) {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText(text);
        observation.setSubject(reference(subject));
        return observation;
    }

    private HttpResponse<byte[]> sendForBytes(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
