package io.healthportal.server.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 6238 codes, the window around now, and the enrolment link. */
class TotpTest {

    /** RFC 6238 Appendix B's SHA-1 key. */
    private static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void matchesRfc6238sSha1TestVectorsCutToSixDigits() {
        // Appendix B gives eight digits; six are the same value modulo 10^6.
        assertThat(Totp.code(RFC_KEY, Totp.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
        assertThat(Totp.code(RFC_KEY, Totp.step(Instant.ofEpochSecond(1111111109L))))
                .isEqualTo("081804");
        assertThat(Totp.code(RFC_KEY, Totp.step(Instant.ofEpochSecond(1111111111L))))
                .isEqualTo("050471");
        assertThat(Totp.code(RFC_KEY, Totp.step(Instant.ofEpochSecond(1234567890L))))
                .isEqualTo("005924");
        assertThat(Totp.code(RFC_KEY, Totp.step(Instant.ofEpochSecond(2000000000L))))
                .isEqualTo("279037");
        assertThat(Totp.code(RFC_KEY, Totp.step(Instant.ofEpochSecond(20000000000L))))
                .isEqualTo("353130");
    }

    @Test
    void acceptsOneStepEitherSideAndNoFurther() {
        Instant now = Instant.ofEpochSecond(1234567890L);
        long step = Totp.step(now);

        assertThat(Totp.matchingStep(RFC_KEY, Totp.code(RFC_KEY, step), now)).hasValue(step);
        assertThat(Totp.matchingStep(RFC_KEY, Totp.code(RFC_KEY, step - 1), now))
                .hasValue(step - 1);
        assertThat(Totp.matchingStep(RFC_KEY, Totp.code(RFC_KEY, step + 1), now))
                .hasValue(step + 1);
        assertThat(Totp.matchingStep(RFC_KEY, Totp.code(RFC_KEY, step - 2), now))
                .isEmpty();
        assertThat(Totp.matchingStep(RFC_KEY, Totp.code(RFC_KEY, step + 2), now))
                .isEmpty();
        assertThat(Totp.matchingStep(RFC_KEY, "12345", now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_KEY, "abcdef", now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_KEY, null, now)).isEmpty();
    }

    @Test
    void base32RoundTripsAndMatchesRfc4648() {
        // RFC 4648 §10: BASE32("foobar") = "MZXW6YTBOI======".
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        byte[] secret = Totp.newSecret();
        assertThat(Totp.fromBase32(Totp.base32(secret))).isEqualTo(secret);
        assertThat(Totp.fromBase32("mzxw 6ytb oi======")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theEnrolmentLinkNamesTheAccountAndEveryParameter() {
        String uri = Totp.otpauthUri("Patient health portal", "clinician", RFC_KEY);

        assertThat(uri)
                .startsWith("otpauth://totp/Patient%20health%20portal:clinician?secret=")
                .contains("secret=" + Totp.base32(RFC_KEY))
                .contains("issuer=Patient%20health%20portal")
                .contains("algorithm=SHA1", "digits=6", "period=30");
    }
}
