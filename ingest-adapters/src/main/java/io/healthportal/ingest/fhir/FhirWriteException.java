package io.healthportal.ingest.fhir;

/** A write hapi-server did not take. {@link #retryable()} says whether the same write may succeed later. */
public class FhirWriteException extends RuntimeException {

    private final int status;
    private final boolean retryable;

    public FhirWriteException(int status, boolean retryable, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
    }

    /** The HTTP status, or 0 when no response arrived (connection refused, timeout). */
    public int status() {
        return status;
    }

    /**
     * 5xx, 429, 409, 412, 401 (the token expired or was revoked: a new one is fetched) and no response
     * at all: hapi-server may take the same write later.
     */
    public boolean retryable() {
        return retryable;
    }

    static boolean retryableStatus(int status) {
        return status == 0 || status >= 500 || status == 429 || status == 409 || status == 412 || status == 401;
    }
}
