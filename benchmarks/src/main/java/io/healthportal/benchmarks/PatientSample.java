package io.healthportal.benchmarks;

import java.util.List;

/** A patient as stored on the server under test, for the search mix to ask about. */
record PatientSample(String id, String family, List<String> observationCodes) {}
