package io.healthportal.benchmarks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Random;

/** The reads and searches of the mix, in the order the issue lists them; each is one GET. */
enum SearchQuery {
    READ_PATIENT("read Patient") {
        @Override
        String path(PatientSample patient, LocalDate today, Random random) {
            return "/Patient/" + patient.id();
        }
    },
    OBSERVATION_BY_CODE("Observation?patient=&code=") {
        @Override
        String path(PatientSample patient, LocalDate today, Random random) {
            String code = patient.observationCodes()
                    .get(random.nextInt(patient.observationCodes().size()));
            return "/Observation?patient=Patient/" + patient.id() + "&code=" + encode(code);
        }
    },
    OBSERVATION_LATEST("Observation?patient=&_sort=-date&_count=50") {
        @Override
        String path(PatientSample patient, LocalDate today, Random random) {
            return "/Observation?patient=Patient/" + patient.id() + "&_sort=-date&_count=50";
        }
    },
    PATIENT_BY_NAME("Patient?name=") {
        @Override
        String path(PatientSample patient, LocalDate today, Random random) {
            return "/Patient?name=" + encode(patient.family());
        }
    },
    ENCOUNTER_WITH_PATIENT("Encounter?patient=&_include=Encounter:patient") {
        @Override
        String path(PatientSample patient, LocalDate today, Random random) {
            return "/Encounter?patient=Patient/" + patient.id() + "&_include=Encounter:patient";
        }
    },
    APPOINTMENT_BOOKED("Appointment?date=ge..&status=booked") {
        @Override
        String path(PatientSample patient, LocalDate today, Random random) {
            return "/Appointment?date=ge" + today + "&status=booked";
        }
    };

    private final String label;

    SearchQuery(String label) {
        this.label = label;
    }

    /** How the report names the query. */
    String label() {
        return label;
    }

    abstract String path(PatientSample patient, LocalDate today, Random random);

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
