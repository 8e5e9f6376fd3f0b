package io.healthportal.ingest.pipeline;

/**
 * A payload that cannot become FHIR as it stands: it goes to the dead-letter store at once, with a
 * stable error code an operator can grep for and a reason that names fields, never their content.
 */
public class MappingException extends Exception {

    private final String code;

    public MappingException(String code, String reason) {
        super(reason);
        this.code = code;
    }

    public MappingException(String code, String reason, Throwable cause) {
        super(reason, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public String reason() {
        return getMessage();
    }
}
