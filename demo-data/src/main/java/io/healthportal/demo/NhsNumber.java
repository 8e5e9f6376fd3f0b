package io.healthportal.demo;

import java.util.Optional;
import java.util.Random;

/**
 * A ten-digit NHS number whose last digit is a valid Modulus 11 check digit (NHS Data Dictionary:
 * the first nine digits are weighted 10 down to 2, the check digit is {@code 11 - (sum mod 11)}, 11
 * becomes 0 and 10 means the number can never be issued).
 *
 * <p>{@link #generate(Random)} only produces numbers from the range 999 000 0000 to 999 999 9999,
 * which NHS England reserves for testing and never issues to a person.
 */
public record NhsNumber(String value) {

    /** The FHIR identifier system of NHS numbers. */
    public static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    private static final long TEST_RANGE_FIRST_NINE_DIGITS = 999_000_000L;
    private static final int TEST_RANGE_SIZE = 1_000_000;

    /** @throws IllegalArgumentException unless {@code value} is ten digits with a valid check digit */
    public NhsNumber {
        if (!isValid(value)) {
            throw new IllegalArgumentException("Not a valid NHS number: " + value);
        }
    }

    /** Whether {@code candidate} is exactly ten ASCII digits ending in a valid check digit. */
    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.length() != 10 || !candidate.chars().allMatch(NhsNumber::isAsciiDigit)) {
            return false;
        }
        return checkDigit(candidate.substring(0, 9)).orElse(-1) == candidate.charAt(9) - '0';
    }

    /**
     * Completes nine digits with their check digit; empty when the check digit would be 10, which the
     * NHS never issues.
     */
    public static Optional<NhsNumber> withCheckDigit(String firstNineDigits) {
        if (firstNineDigits == null
                || firstNineDigits.length() != 9
                || !firstNineDigits.chars().allMatch(NhsNumber::isAsciiDigit)) {
            throw new IllegalArgumentException("Expected nine digits: " + firstNineDigits);
        }
        return checkDigit(firstNineDigits).map(check -> new NhsNumber(firstNineDigits + check));
    }

    /** A random valid NHS number from the test range 999 000 0000 to 999 999 9999. */
    public static NhsNumber generate(Random random) {
        while (true) {
            String firstNine = Long.toString(TEST_RANGE_FIRST_NINE_DIGITS + random.nextInt(TEST_RANGE_SIZE));
            Optional<NhsNumber> number = withCheckDigit(firstNine);
            if (number.isPresent()) {
                return number.get();
            }
        }
    }

    /** Whether this number lies in the range reserved for testing. */
    public boolean isTestNumber() {
        return value.startsWith("999");
    }

    /** The 3-3-4 grouping people read and write, e.g. {@code 999 123 4560}. */
    public String formatted() {
        return value.substring(0, 3) + " " + value.substring(3, 6) + " " + value.substring(6);
    }

    @Override
    public String toString() {
        return value;
    }

    private static Optional<Integer> checkDigit(String firstNineDigits) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (firstNineDigits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            return Optional.of(0);
        }
        return check == 10 ? Optional.empty() : Optional.of(check);
    }

    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
