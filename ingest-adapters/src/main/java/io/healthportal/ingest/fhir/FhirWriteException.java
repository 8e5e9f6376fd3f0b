package io.healthportal.ingest.fhir;

/** A write hapi-server did not take. {@link #retryable()} says whether the same write may succeed later. */
public class FhirWriteException extends RuntimeException {

    /** The dead-letter code of a write hapi-server refused with 403: the partner may not write this. */
    public static final String FORBIDDEN = "INGEST-FHIR-FORBIDDEN";

    /** The dead-letter code of any other write hapi-server refused for good. */
    public static final String REJECTED = "INGEST-FHIR-REJECTED";

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

    /** The code a write refused for good is dead-lettered with: {@link #FORBIDDEN} for a 403. */
    public String deadLetterCode() {
        return status == 403 ? FORBIDDEN : REJECTED;
    }

    /**
     * Why the write was refused, for the dead letter: for a 403, hapi-server's reason (its rule, no patient
     * data); otherwise the status only, as hapi-server's other messages may quote the payload.
     */
    public String deadLetterReason() {
        return status == 403 ? getMessage() : "hapi-server refused the transaction with " + status;
    }

    static boolean retryableStatus(int status) {
        return status == 0 || status >= 500 || status == 429 || status == 409 || status == 412 || status == 401;
    }
}
