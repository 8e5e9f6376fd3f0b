package io.healthportal.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class NhsNumberTest {

    @ParameterizedTest
    @ValueSource(strings = {"9434765919", "4010232137", "9990000018", "9999999999", "0000000000"})
    void acceptsNumbersWhoseCheckDigitMatches(String number) {
        assertThat(NhsNumber.isValid(number)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "9434765918", // wrong check digit
                "4010232138", // wrong check digit
                "0000000060", // weighted sum leaves remainder 1: check digit would be 10
                "943 476 5919", // spaces are presentation, not part of the number
                "943476591", // nine digits
                "94347659190", // eleven digits
                "943476591X",
                "９４３４７６５９１９" // full-width digits are not ASCII digits
            })
    void rejectsNumbersThatAreMalformedOrFailTheCheckDigit(String number) {
        assertThat(NhsNumber.isValid(number)).isFalse();
    }

    @Test
    void completesNineDigitsWithTheirCheckDigitUnlessItWouldBeTen() {
        assertThat(NhsNumber.withCheckDigit("943476591")).contains(new NhsNumber("9434765919"));
        assertThat(NhsNumber.withCheckDigit("000000006")).isEmpty();
    }

    @Test
    void refusesToHoldAnInvalidNumber() {
        assertThatIllegalArgumentException().isThrownBy(() -> new NhsNumber("9434765918"));
    }

    @Test
    void generatesOnlyValidNumbersFromTheTestRange() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            NhsNumber number = NhsNumber.generate(random);
            assertThat(NhsNumber.isValid(number.value())).isTrue();
            assertThat(Long.parseLong(number.value())).isBetween(999_000_0000L, 999_999_9999L);
            assertThat(number.isTestNumber()).isTrue();
        }
    }

    @Test
    void generatesTheSameNumbersFromTheSameSeed() {
        Random first = new Random(7);
        Random second = new Random(7);
        for (int i = 0; i < 100; i++) {
            assertThat(NhsNumber.generate(first)).isEqualTo(NhsNumber.generate(second));
        }
    }

    @Test
    void formatsInThreeThreeFourGroups() {
        assertThat(new NhsNumber("9434765919").formatted()).isEqualTo("943 476 5919");
    }
}
