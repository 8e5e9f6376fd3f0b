package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NhsNumberTest {

    @Test
    void acceptsValidCheckDigitsWithOrWithoutSpaces() {
        assertThat(NhsNumber.normalise("943 476 5919")).isEqualTo("9434765919");
        assertThat(NhsNumber.isValid("9990000018")).isTrue();
    }

    @Test
    void refusesAWrongCheckDigitTheWrongLengthAndACheckDigitOfTen() {
        assertThat(NhsNumber.isValid("9434765918")).isFalse();
        assertThat(NhsNumber.isValid("943476591")).isFalse();
        assertThat(NhsNumber.isValid("94347659190")).isFalse();
        // 100000006x: weighted sum 1*10 + 6*2 = 22, remainder 0, check digit 11 which is written 0;
        // 100000001x: sum 10 + 1*2 = 12, 11 - 1 = 10, which no number may have.
        assertThat(NhsNumber.isValid("1000000060")).isTrue();
        assertThat(NhsNumber.isValid("1000000065")).isFalse();
        assertThat(NhsNumber.isValid("1000000010")).isFalse();
        assertThat(NhsNumber.normalise(null)).isNull();
    }
}
