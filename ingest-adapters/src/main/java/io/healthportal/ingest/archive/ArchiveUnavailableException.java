package io.healthportal.ingest.archive;

/**
 * The archive could not get the key it needs (AWS KMS unreachable or refusing), so nothing can be stored
 * now: the intake answers so that the partner sends again (HL7 AE, HTTP 503), never acknowledges.
 */
public class ArchiveUnavailableException extends RuntimeException {

    public ArchiveUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
