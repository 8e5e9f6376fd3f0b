package io.healthportal.ingest.archive;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** The default: one AES-256 key from a local file ({@link ArchiveKey}), and a pseudonym key derived from it. */
public final class LocalArchiveKeys implements ArchiveKeys {

    private final DataKey key;
    private final SecretKey pseudonymKey;

    public LocalArchiveKeys(ArchiveKey key) {
        this.key = new DataKey(key.id(), key.key());
        this.pseudonymKey = derivePseudonymKey(key.key());
    }

    @Override
    public DataKey current() {
        return key;
    }

    @Override
    public SecretKey byId(String keyId) {
        if (!keyId.equals(key.id())) {
            throw new IllegalStateException("INGEST-ARCHIVE-KEY-ID: payload was sealed with key " + keyId
                    + ", the configured key is " + key.id());
        }
        return key.key();
    }

    @Override
    public SecretKey pseudonymKey() {
        return pseudonymKey;
    }

    /** A subkey, so that the pseudonym HMAC never uses the encryption key itself. */
    private static SecretKey derivePseudonymKey(SecretKey archiveKey) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(archiveKey.getEncoded(), "HmacSHA256"));
            byte[] subkey = derive.doFinal("ingest-pseudonym-v1".getBytes(StandardCharsets.US_ASCII));
            return new SecretKeySpec(subkey, "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("INGEST-ARCHIVE-PSEUDONYM: HMAC failed", e);
        }
    }
}
