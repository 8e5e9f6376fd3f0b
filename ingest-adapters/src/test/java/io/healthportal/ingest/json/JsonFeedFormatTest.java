package io.healthportal.ingest.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.TestPartners;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class JsonFeedFormatTest {

    private static final UUID RECEIPT = UUID.fromString("00000000-0000-4000-8000-0000000050a1");
    private static final String PAGE = """
            {"appointments": [
              {"ref": "A-100", "state": "CONFIRMED", "patient": {"nhsNumber": "943 476 5919", "hospitalNumber": "H1"},
               "slot": {"start": "2026-11-30T09:30:00", "end": "2026-11-30T09:45:00+00:00"},
               "lastModified": "2026-11-20T12:00:00Z", "notes": "Diabetes review", "clinic": "Diabetes clinic",
               "clinician": {"name": "Dr A Khan"}, "site": "Riverside Health Centre"},
              {"ref": "A-101", "state": "CANCELLED", "patient": {"hospitalNumber": "H2"},
               "lastModified": "2026-11-19T08:00:00Z"},
              {"ref": "A-102", "state": "DNA", "patient": {"nhsNumber": "9434765919"},
               "slot": {"start": "2026-11-18T14:00:00Z", "end": "2026-11-18T14:20:00Z"},
               "lastModified": "2026-11-21T08:00:00Z"}
            ]}
            """;

    private final JsonFeedFormat format = new JsonFeedFormat();

    @Test
    void mapsAPageOfAppointmentsWithThePartnersStatusWordsAndOnePatientPerIdentity() throws Exception {
        Bundle bundle = map(TestPartners.JSON_CLINIC, PAGE);

        List<Appointment> appointments = resources(bundle, Appointment.class);
        assertThat(appointments)
                .extracting(a -> a.getIdentifierFirstRep().getValue())
                .containsExactly("A-100", "A-101", "A-102");
        assertThat(appointments)
                .extracting(a -> a.getStatus().toCode())
                .containsExactly("booked", "cancelled", "noshow");
        Appointment first = appointments.get(0);
        // A time without an offset is in the partner's zone (GMT in late November).
        assertThat(first.getStartElement().getValueAsString()).isEqualTo("2026-11-30T09:30:00.000+00:00");
        assertThat(first.getDescription()).isEqualTo("Diabetes review");
        assertThat(first.getServiceTypeFirstRep().getText()).isEqualTo("Diabetes clinic");
        assertThat(first.getParticipant())
                .extracting(p -> p.getActor().getDisplay())
                .containsExactly(null, "Dr A Khan", "Riverside Health Centre");
        assertThat(appointments.get(1).hasStart()).isFalse();
        assertThat(entry(bundle, first).getRequest().getUrl())
                .isEqualTo("Appointment?identifier=https%3A%2F%2Fclinic-json.example%2FId%2Fappointment|A-100");

        // Two items for one NHS number share one Patient; the third item's patient is matched on its MRN.
        List<Patient> patients = resources(bundle, Patient.class);
        assertThat(patients).hasSize(2);
        assertThat(appointments.get(2).getParticipantFirstRep().getActor().getReference())
                .isEqualTo(first.getParticipantFirstRep().getActor().getReference());
        // The earliest change orders the page.
        assertThat(resources(bundle, Provenance.class)
                        .get(0)
                        .getOccurredDateTimeType()
                        .getValue())
                .isEqualTo(java.util.Date.from(Instant.parse("2026-11-19T08:00:00Z")));
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void mapsOneEncounterAPayload() throws Exception {
        Bundle bundle = map(TestPartners.JSON_ENCOUNTERS, """
                {"id": "V-9", "nhs": "9434765919", "status": "finished", "class": "IMP",
                 "started": "2026-10-25T01:30:00", "ended": "2026-10-27T11:00:00+00:00", "updated": "2026-10-27T11:05:00Z",
                 "reason": "Chest pain", "service": "Cardiology", "ward": "Ward 7"}
                """);

        Encounter encounter = resources(bundle, Encounter.class).get(0);
        assertThat(encounter.getIdentifierFirstRep().getValue()).isEqualTo("V-9");
        assertThat(encounter.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(encounter.getClass_().getCode()).isEqualTo("IMP");
        // 01:30 on the night clocks go back is ambiguous: the earlier, summer-time offset.
        assertThat(encounter.getPeriod().getStartElement().getValueAsString()).isEqualTo("2026-10-25T01:30:00+01:00");
        assertThat(encounter.getLocationFirstRep().getLocation().getDisplay()).isEqualTo("Ward 7");
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void refusesWhatCannotBeMappedWithItsCodeAndWithoutQuotingValues() {
        assertThatThrownBy(() -> map(TestPartners.JSON_CLINIC, "{\"items\": []}"))
                .isInstanceOfSatisfying(MappingException.class, e -> {
                    assertThat(e.code()).isEqualTo("INGEST-JSON-LAYOUT-CHANGED");
                    assertThat(e.reason()).startsWith("layout-changed:");
                });
        assertThatThrownBy(() -> map(
                        TestPartners.JSON_CLINIC,
                        "{\"appointments\": [{\"ref\": \"A-1\", \"state\": \"CONFIRMED\","
                                + " \"patient\": {\"nhsNumber\": \"9434765918\"}}]}"))
                .isInstanceOfSatisfying(MappingException.class, e -> {
                    assertThat(e.code()).isEqualTo("INGEST-JSON-NHS-NUMBER-INVALID");
                    assertThat(e.reason()).contains("item 1").doesNotContain("9434765918");
                });
        assertThatThrownBy(() -> map(
                        TestPartners.JSON_CLINIC,
                        "{\"appointments\": [{\"ref\": \"A-1\", \"state\": \"CONFIRMED\","
                                + " \"patient\": {\"hospitalNumber\": \"H1\"}}]}"))
                .isInstanceOfSatisfying(
                        MappingException.class, e -> assertThat(e.code()).isEqualTo("INGEST-JSON-MISSING-VALUE"));
        assertThatThrownBy(() -> map(
                        TestPartners.JSON_CLINIC,
                        "{\"appointments\": [{\"ref\": \"A-1\", \"state\": \"PENCILLED\","
                                + " \"patient\": {\"hospitalNumber\": \"H1\"}}]}"))
                .isInstanceOfSatisfying(
                        MappingException.class, e -> assertThat(e.code()).isEqualTo("INGEST-JSON-BAD-STATUS"));
        assertThatThrownBy(() -> map(
                        TestPartners.JSON_ENCOUNTERS,
                        "{\"id\": \"V-1\", \"nhs\": \"9434765919\", \"started\": \"yesterday\"}"))
                .isInstanceOfSatisfying(
                        MappingException.class, e -> assertThat(e.code()).isEqualTo("INGEST-JSON-BAD-DATE"));
        assertThatThrownBy(() -> map(TestPartners.JSON_ENCOUNTERS, "{not json"))
                .isInstanceOfSatisfying(
                        MappingException.class, e -> assertThat(e.code()).isEqualTo("INGEST-JSON-PARSE"));
    }

    private Bundle map(PartnerProperties partner, String json) throws MappingException {
        return format.map(
                json.getBytes(StandardCharsets.UTF_8),
                new SourceMessage(partner, RECEIPT, Instant.parse("2026-11-26T10:00:00Z")));
    }

    private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    private static Bundle.BundleEntryComponent entry(Bundle bundle, Resource resource) {
        return bundle.getEntry().stream()
                .filter(e -> e.getResource() == resource)
                .findFirst()
                .orElseThrow();
    }
}
