package io.healthportal.ingest.archive;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * Envelope keys from AWS KMS (the {@code aws-kms} profile). A replica asks KMS for a fresh AES-256 data
 * key when it starts and again once the key is older than its lifetime, stores only the copy KMS wrapped
 * ({@code archive_data_key}) and keeps the plain key in memory. A stored payload names its data key;
 * opening it asks KMS to unwrap that key once per process. The encryption context binds each wrapped
 * key to its row id and purpose, so a wrapped key copied to another row does not unwrap.
 */
public final class KmsArchiveKeys implements ArchiveKeys {

    private static final String PAYLOAD = "payload";
    private static final String PSEUDONYM = "pseudonym";

    private final KmsClient kms;
    private final String kmsKeyId;
    private final JdbcTemplate jdbc;
    private final Duration lifetime;
    private final Clock clock;
    private final Map<String, SecretKey> unwrapped = new ConcurrentHashMap<>();

    private volatile Current current;
    private volatile SecretKey pseudonymKey;

    public KmsArchiveKeys(KmsClient kms, String kmsKeyId, JdbcTemplate jdbc, Duration lifetime, Clock clock) {
        this.kms = kms;
        this.kmsKeyId = kmsKeyId;
        this.jdbc = jdbc;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    @Override
    public DataKey current() {
        Current key = current;
        if (key == null || !clock.instant().isBefore(key.created().plus(lifetime))) {
            key = rotate();
        }
        return key.key();
    }

    private synchronized Current rotate() {
        Current key = current;
        if (key != null && clock.instant().isBefore(key.created().plus(lifetime))) {
            return key;
        }
        String id = "kms-" + UUID.randomUUID();
        SecretKey plain = generate(id, PAYLOAD);
        current = new Current(new DataKey(id, plain), clock.instant());
        return current;
    }

    @Override
    public SecretKey byId(String keyId) {
        SecretKey key = unwrapped.get(keyId);
        if (key != null) {
            return key;
        }
        List<StoredKey> rows = jdbc.query(
                "SELECT kms_key_id, wrapped FROM archive_data_key WHERE id = ? AND purpose = ?",
                (rs, n) -> new StoredKey(rs.getString(1), rs.getBytes(2)),
                keyId,
                PAYLOAD);
        if (rows.isEmpty()) {
            throw new IllegalStateException("INGEST-ARCHIVE-KEY-ID: no data key " + keyId + " in archive_data_key");
        }
        return unwrapped.computeIfAbsent(keyId, id -> unwrap(id, PAYLOAD, rows.get(0)));
    }

    @Override
    public SecretKey pseudonymKey() {
        SecretKey key = pseudonymKey;
        if (key == null) {
            key = loadOrCreatePseudonymKey();
        }
        return key;
    }

    private synchronized SecretKey loadOrCreatePseudonymKey() {
        if (pseudonymKey != null) {
            return pseudonymKey;
        }
        List<String> ids = storedPseudonymKey();
        if (ids.isEmpty()) {
            // Another replica may insert first: the unique index keeps one, and everyone reads that one.
            generate("kms-pseudonym-" + UUID.randomUUID(), PSEUDONYM);
            ids = storedPseudonymKey();
        }
        String id = ids.get(0);
        StoredKey row = jdbc.queryForObject(
                "SELECT kms_key_id, wrapped FROM archive_data_key WHERE id = ?",
                (rs, n) -> new StoredKey(rs.getString(1), rs.getBytes(2)),
                id);
        SecretKey aes = unwrap(id, PSEUDONYM, row);
        pseudonymKey = new SecretKeySpec(aes.getEncoded(), "HmacSHA256");
        return pseudonymKey;
    }

    private List<String> storedPseudonymKey() {
        return jdbc.queryForList("SELECT id FROM archive_data_key WHERE purpose = ?", String.class, PSEUDONYM);
    }

    private SecretKey generate(String id, String purpose) {
        GenerateDataKeyResponse response;
        try {
            response = kms.generateDataKey(request ->
                    request.keyId(kmsKeyId).keySpec(DataKeySpec.AES_256).encryptionContext(context(id, purpose)));
        } catch (SdkException e) {
            throw new ArchiveUnavailableException(
                    "INGEST-ARCHIVE-KMS: AWS KMS did not generate a data key (" + e.getMessage() + ")", e);
        }
        jdbc.update(
                "INSERT INTO archive_data_key (id, purpose, kms_key_id, wrapped) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT DO NOTHING",
                id,
                purpose,
                // The key's ARN as KMS reports it: an alias in the configuration may later point elsewhere.
                response.keyId(),
                response.ciphertextBlob().asByteArray());
        return new SecretKeySpec(response.plaintext().asByteArray(), "AES");
    }

    private SecretKey unwrap(String id, String purpose, StoredKey row) {
        try {
            byte[] plain = kms.decrypt(request -> request.keyId(row.kmsKeyId())
                            .ciphertextBlob(SdkBytes.fromByteArray(row.wrapped()))
                            .encryptionContext(context(id, purpose)))
                    .plaintext()
                    .asByteArray();
            return new SecretKeySpec(plain, "AES");
        } catch (SdkException e) {
            throw new ArchiveUnavailableException(
                    "INGEST-ARCHIVE-KMS: AWS KMS did not unwrap data key " + id + " (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, String> context(String id, String purpose) {
        return Map.of("portal-archive-key", id, "purpose", purpose);
    }

    private record Current(DataKey key, Instant created) {}

    private record StoredKey(String kmsKeyId, byte[] wrapped) {}
}
