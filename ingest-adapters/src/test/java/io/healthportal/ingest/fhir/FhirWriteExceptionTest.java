package io.healthportal.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FhirWriteExceptionTest {

    @Test
    void aConcurrentWritersVersionConflictIsRetriedAndARefusalIsNot() {
        // 412: ifMatch names a version that is no longer current; 409: HAPI's version conflict.
        assertThat(FhirWriteException.retryableStatus(412)).isTrue();
        assertThat(FhirWriteException.retryableStatus(409)).isTrue();
        assertThat(FhirWriteException.retryableStatus(0)).isTrue();
        assertThat(FhirWriteException.retryableStatus(503)).isTrue();
        assertThat(FhirWriteException.retryableStatus(400)).isFalse();
        assertThat(FhirWriteException.retryableStatus(403)).isFalse();
        assertThat(FhirWriteException.retryableStatus(422)).isFalse();
    }
}
