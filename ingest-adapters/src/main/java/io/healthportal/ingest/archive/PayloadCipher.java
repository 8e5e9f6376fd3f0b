package io.healthportal.ingest.archive;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM encryption of archived payloads. Each payload gets a fresh 96-bit nonce; the receipt id is
 * bound in as additional authenticated data, so a ciphertext moved to another receipt fails to open.
 * The keys come from {@link ArchiveKeys}.
 */
public final class PayloadCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final ArchiveKeys keys;
    private final SecureRandom random = new SecureRandom();

    public PayloadCipher(ArchiveKeys keys) {
        this.keys = keys;
    }

    public Sealed seal(byte[] payload, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        ArchiveKeys.DataKey key = keys.current();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            return new Sealed(key.id(), nonce, cipher.doFinal(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("INGEST-ARCHIVE-SEAL: encryption failed", e);
        }
    }

    public byte[] open(Sealed sealed, byte[] associatedData) {
        SecretKey key = keys.byId(sealed.keyId());
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed.ciphertext());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("INGEST-ARCHIVE-OPEN: the archived payload failed authentication", e);
        }
    }

    /**
     * A keyed pseudonym of {@code value} (HMAC-SHA256 under {@link ArchiveKeys#pseudonymKey()}), for
     * grouping by an identifier without storing it. Keyed because a plain hash of an NHS number is
     * reversed by hashing all of them.
     */
    public byte[] pseudonym(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(keys.pseudonymKey());
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("INGEST-ARCHIVE-PSEUDONYM: HMAC failed", e);
        }
    }

    /** A ciphertext (GCM tag included) with the nonce and key id needed to open it. */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {}
}
