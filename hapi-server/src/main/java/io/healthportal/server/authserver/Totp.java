package io.healthportal.server.authserver;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords as authenticator apps make them: HMAC-SHA-1 (RFC 4226's
 * dynamic truncation), 6 digits, 30-second steps, and a code accepted one step either side of now for
 * clock drift. Refusing a code used before is the caller's part: {@link #matchingStep} says which step a
 * code belongs to, and a step at or before the last one used must be refused.
 */
public final class Totp {

    static final int DIGITS = 6;
    static final long STEP_SECONDS = 30;
    static final int WINDOW_STEPS = 1;
    /** 160 bits, the HMAC-SHA-1 output length RFC 4226 recommends for shared secrets. */
    static final int SECRET_BYTES = 20;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Totp() {}

    /**
     * Prints the current code of a base32 key: {@code ./portal code} runs it with the demo staff's
     * published key, for a new user without an authenticator app.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("Usage: Totp BASE32-KEY");
            System.exit(2);
        }
        System.out.println(code(fromBase32(args[0]), step(Instant.now())));
    }

    static byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The code for one time step. */
    public static String code(byte[] secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] hash =
                    mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24)
                    | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8)
                    | (hash[offset + 3] & 0xff);
            return String.format("%0" + DIGITS + "d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /**
     * The time step within the window around {@code now} whose code {@code code} is, the latest if
     * several match; empty when none does or the input is not six digits.
     */
    static OptionalLong matchingStep(byte[] secret, String code, Instant now) {
        if (code == null || !code.matches("[0-9]{" + DIGITS + "}")) {
            return OptionalLong.empty();
        }
        long current = step(now);
        OptionalLong match = OptionalLong.empty();
        for (long step = current - WINDOW_STEPS; step <= current + WINDOW_STEPS; step++) {
            // Every step compared in constant time, so the timing does not tell which one matched.
            if (java.security.MessageDigest.isEqual(
                    code(secret, step).getBytes(StandardCharsets.US_ASCII), code.getBytes(StandardCharsets.US_ASCII))) {
                match = OptionalLong.of(step);
            }
        }
        return match;
    }

    /**
     * The enrolment link an authenticator app reads (the Key URI format of Google Authenticator, which
     * the others follow): {@code otpauth://totp/Issuer:account?secret=...&issuer=...}, with the algorithm,
     * digits and period spelled out.
     */
    static String otpauthUri(String issuer, String account, byte[] secret) {
        String label = encode(issuer) + ":" + encode(account);
        return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    /** RFC 4648 base32 without padding, as authenticator apps expect the secret. */
    static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 0x1f));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 0x1f));
        }
        return out.toString();
    }

    /** Reads base32 (case and spaces ignored, padding optional). */
    public static byte[] fromBase32(String text) {
        String clean = text.replace(" ", "").replace("=", "").toUpperCase(java.util.Locale.ROOT);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            int value = BASE32.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("Not base32");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
