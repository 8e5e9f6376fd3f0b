package io.healthportal.server.authserver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Staff members' TOTP secrets as stored: AES-256-GCM under a key from a file (base64), bound to the
 * username, so that a database dump alone yields no second factor and a secret copied onto another
 * account does not open. The stored form is {@code v1:} and base64 of nonce and ciphertext.
 */
final class TotpSecretCipher {

    static final String PREFIX = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    TotpSecretCipher(SecretKey key) {
        this.key = key;
    }

    /** Reads the key file; creates it with a new random key when missing and {@code create} allows it. */
    static TotpSecretCipher fromKeyFile(Path file, boolean create) {
        Path path = file.toAbsolutePath();
        try {
            if (!Files.exists(path)) {
                if (!create) {
                    throw new IllegalStateException(
                            "TOTP key file " + path + " does not exist (portal.auth.totp-key-file)");
                }
                createKeyFile(path);
            }
            byte[] raw = Base64.getDecoder()
                    .decode(Files.readString(path, StandardCharsets.US_ASCII).strip());
            if (raw.length != KEY_BYTES) {
                throw new IllegalStateException("TOTP key file " + path + " must hold a base64 AES-256 key");
            }
            return new TotpSecretCipher(new SecretKeySpec(raw, "AES"));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the TOTP key file " + path, e);
        }
    }

    private static void createKeyFile(Path path) throws IOException {
        byte[] raw = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(raw);
        Files.createDirectories(path.getParent());
        Path temporary = Files.createTempFile(path.getParent(), "totp", ".tmp");
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the directory's own permissions apply.
        }
        Files.writeString(temporary, Base64.getEncoder().encodeToString(raw) + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
    }

    static boolean isSealed(String stored) {
        return stored.startsWith(PREFIX);
    }

    String seal(String username, byte[] secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(username));
            byte[] sealed = cipher.doFinal(secret);
            return PREFIX
                    + Base64.getEncoder()
                            .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                                    .put(nonce)
                                    .put(sealed)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt a TOTP secret", e);
        }
    }

    byte[] open(String username, String stored) {
        if (!isSealed(stored)) {
            throw new IllegalStateException("A TOTP secret is stored unencrypted");
        }
        byte[] blob = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, blob, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(username));
            return cipher.doFinal(blob, NONCE_BYTES, blob.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A stored TOTP secret does not open with the configured key", e);
        }
    }

    private static byte[] associatedData(String username) {
        return ("staff-totp:" + username).getBytes(StandardCharsets.UTF_8);
    }
}
