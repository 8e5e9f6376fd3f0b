package io.healthportal.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SearchQueryTest {

    private final PatientSample patient = new PatientSample("42", "O'Brien", List.of("http://loinc.org|8867-4"));
    private final LocalDate today = LocalDate.of(2026, 11, 26);

    @Test
    void pathsNameThePatientAndEncodeValues() {
        assertThat(SearchQuery.READ_PATIENT.path(patient, today, new Random(1))).isEqualTo("/Patient/42");
        assertThat(SearchQuery.OBSERVATION_BY_CODE.path(patient, today, new Random(1)))
                .isEqualTo("/Observation?patient=Patient/42&code=http%3A%2F%2Floinc.org%7C8867-4");
        assertThat(SearchQuery.OBSERVATION_LATEST.path(patient, today, new Random(1)))
                .isEqualTo("/Observation?patient=Patient/42&_sort=-date&_count=50");
        assertThat(SearchQuery.PATIENT_BY_NAME.path(patient, today, new Random(1)))
                .isEqualTo("/Patient?name=O%27Brien");
        assertThat(SearchQuery.ENCOUNTER_WITH_PATIENT.path(patient, today, new Random(1)))
                .isEqualTo("/Encounter?patient=Patient/42&_include=Encounter:patient");
        assertThat(SearchQuery.APPOINTMENT_BOOKED.path(patient, today, new Random(1)))
                .isEqualTo("/Appointment?date=ge2026-11-26&status=booked");
    }
}
