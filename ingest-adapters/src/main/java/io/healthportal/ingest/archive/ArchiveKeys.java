package io.healthportal.ingest.archive;

import javax.crypto.SecretKey;

/**
 * Where the payload archive's keys come from: a local key file on the default, AWS KMS envelope keys in
 * the {@code aws-kms} profile. Ids are stored beside each ciphertext, so a payload sealed under an
 * earlier key still opens after the current one has changed.
 */
public interface ArchiveKeys {

    /** The key new payloads are sealed with. */
    DataKey current();

    /** The key a stored payload was sealed with; fails with a clear error when the id is unknown. */
    SecretKey byId(String keyId);

    /**
     * The key of the keyed pseudonyms ({@link PayloadCipher#pseudonym}). It never changes for the life of
     * an archive: routing by patient key relies on the same identifier always giving the same pseudonym.
     */
    SecretKey pseudonymKey();

    /** An AES-256 data key and the id stored beside what it seals. */
    record DataKey(String id, SecretKey key) {}
}
