package io.healthportal.server.security;

/**
 * The typed reason a clinician gives to reach a patient outside their care relationships: at least
 * {@value #MIN_LENGTH} characters after trimming, kept up to {@value #MAX_LENGTH}. One rule for the
 * {@code X-Break-Glass-Reason} header on {@code /fhir} and for the clinician's patient choosers.
 */
public final class BreakGlassReason {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 500;

    private BreakGlassReason() {}

    /** The reason as recorded (trimmed, cut to the maximum), or null when missing or too short. */
    public static String valid(String typed) {
        if (typed == null) {
            return null;
        }
        String trimmed = typed.strip();
        if (trimmed.length() < MIN_LENGTH) {
            return null;
        }
        return trimmed.length() > MAX_LENGTH ? trimmed.substring(0, MAX_LENGTH) : trimmed;
    }
}
