package io.healthportal.ingest.hl7v2;

/**
 * The NHS number: ten digits, the last a modulus 11 check digit over the first nine (weights 10 down
 * to 2; a remainder giving 10 makes the number invalid). Partners often send it with spaces.
 */
public final class NhsNumber {

    public static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    private NhsNumber() {}

    /** The ten digits without separators, or null when the text is not a valid NHS number. */
    public static String normalise(String text) {
        if (text == null) {
            return null;
        }
        String digits = text.replace(" ", "").replace("-", "");
        return isValid(digits) ? digits : null;
    }

    public static boolean isValid(String digits) {
        if (digits == null || !digits.matches("\\d{10}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (digits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == digits.charAt(9) - '0';
    }
}
