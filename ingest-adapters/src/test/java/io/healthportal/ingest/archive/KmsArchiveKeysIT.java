package io.healthportal.ingest.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.healthportal.ingest.testing.LocalKms;
import io.healthportal.testing.RequiresPostgres;
import io.healthportal.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The aws-kms profile's envelope keys with the real AWS SDK against {@link LocalKms}, on ingest's real
 * schema in PostgreSQL: what is stored, what survives a restart, rotation, and KMS refusing.
 */
@RequiresPostgres
class KmsArchiveKeysIT {

    private static final byte[] RECEIPT = "receipt-1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD =
            "MSH|^~\\&|LAB\rPID|1||A1^^^LAB^MR||DOE^JANE\r".getBytes(StandardCharsets.UTF_8);

    private static LocalKms kms;
    private static KmsClient client;

    private JdbcTemplate jdbc;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));

    @BeforeAll
    static void startKms() {
        kms = new LocalKms();
        client = KmsClient.builder()
                .region(Region.of(LocalKms.REGION))
                .endpointOverride(kms.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalKms.ACCESS_KEY_ID, LocalKms.SECRET_ACCESS_KEY)))
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    @AfterAll
    static void stopKms() {
        client.close();
        kms.close();
    }

    @BeforeEach
    void freshSchema() {
        TestPostgres postgres = TestPostgres.instance();
        DataSource dataSource = postgres.dataSourceFor(postgres.newDatabase("ingest_kms"));
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        jdbc = new JdbcTemplate(dataSource);
        kms.failRequests(false);
    }

    @Test
    void aDataKeyIsStoredOnlyAsKmsWrappedItAndServesManyPayloads() {
        KmsArchiveKeys keys = keys(Duration.ofHours(24));
        PayloadCipher cipher = new PayloadCipher(keys);
        int generatedBefore = kms.calls("GenerateDataKey");

        PayloadCipher.Sealed first = cipher.seal(PAYLOAD, RECEIPT);
        PayloadCipher.Sealed second = cipher.seal(PAYLOAD, RECEIPT);

        assertThat(kms.calls("GenerateDataKey") - generatedBefore).isEqualTo(1);
        assertThat(first.keyId()).startsWith("kms-").isEqualTo(second.keyId());
        byte[] wrapped = jdbc.queryForObject(
                "SELECT wrapped FROM archive_data_key WHERE id = ? AND purpose = 'payload'",
                byte[].class,
                first.keyId());
        assertThat(wrapped).isNotEqualTo(keys.byId(first.keyId()).getEncoded());
        assertThat(jdbc.queryForObject(
                        "SELECT kms_key_id FROM archive_data_key WHERE id = ?", String.class, first.keyId()))
                .isEqualTo(LocalKms.KEY_ARN);
        assertThat(cipher.open(first, RECEIPT)).isEqualTo(PAYLOAD);
    }

    @Test
    void afterARestartKmsUnwrapsTheStoredKeyOnceAndPseudonymsStayTheSame() {
        PayloadCipher before = new PayloadCipher(keys(Duration.ofHours(24)));
        PayloadCipher.Sealed sealed = before.seal(PAYLOAD, RECEIPT);
        byte[] pseudonym = before.pseudonym("9990000018");

        PayloadCipher restarted = new PayloadCipher(keys(Duration.ofHours(24)));
        int decryptsBefore = kms.calls("Decrypt");

        assertThat(restarted.open(sealed, RECEIPT)).isEqualTo(PAYLOAD);
        assertThat(restarted.open(sealed, RECEIPT)).isEqualTo(PAYLOAD);
        assertThat(restarted.pseudonym("9990000018")).isEqualTo(pseudonym);
        // One unwrap for the payload key, one for the pseudonym key; the second open uses the cache.
        assertThat(kms.calls("Decrypt") - decryptsBefore).isEqualTo(2);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM archive_data_key WHERE purpose = 'pseudonym'", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void anOlderKeyIsRetiredAfterItsLifetimeAndWhatItSealedStillOpens() {
        PayloadCipher cipher = new PayloadCipher(keys(Duration.ofHours(1)));
        PayloadCipher.Sealed early = cipher.seal(PAYLOAD, RECEIPT);

        clock.advance(Duration.ofMinutes(61));
        PayloadCipher.Sealed late = cipher.seal(PAYLOAD, RECEIPT);

        assertThat(late.keyId()).isNotEqualTo(early.keyId());
        assertThat(cipher.open(early, RECEIPT)).isEqualTo(PAYLOAD);
        assertThat(cipher.open(late, RECEIPT)).isEqualTo(PAYLOAD);
    }

    @Test
    void aWrappedKeyMovedToAnotherRowDoesNotUnwrap() {
        PayloadCipher cipher = new PayloadCipher(keys(Duration.ofMinutes(1)));
        PayloadCipher.Sealed first = cipher.seal(PAYLOAD, RECEIPT);
        clock.advance(Duration.ofMinutes(2));
        PayloadCipher.Sealed second = cipher.seal(PAYLOAD, RECEIPT);
        // Someone with database access swaps the wrapped copies: KMS must refuse, not hand out a key.
        jdbc.update(
                "UPDATE archive_data_key SET wrapped = (SELECT wrapped FROM archive_data_key WHERE id = ?) WHERE id = ?",
                second.keyId(),
                first.keyId());

        PayloadCipher restarted = new PayloadCipher(keys(Duration.ofMinutes(1)));
        assertThatThrownBy(() -> restarted.open(first, RECEIPT))
                .hasMessageContaining("INGEST-ARCHIVE-KMS")
                .hasMessageContaining(first.keyId());
    }

    @Test
    void whenKmsFailsNothingIsSealedAndTheErrorSaysWhy() {
        PayloadCipher cipher = new PayloadCipher(keys(Duration.ofHours(24)));
        kms.failRequests(true);

        assertThatThrownBy(() -> cipher.seal(PAYLOAD, RECEIPT)).hasMessageContaining("INGEST-ARCHIVE-KMS");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM archive_data_key", Integer.class))
                .isZero();
        assertThatThrownBy(
                        () -> cipher.open(new PayloadCipher.Sealed("kms-unknown", new byte[12], new byte[32]), RECEIPT))
                .hasMessageContaining("INGEST-ARCHIVE-KEY-ID");
    }

    private KmsArchiveKeys keys(Duration lifetime) {
        return new KmsArchiveKeys(client, LocalKms.ALIAS, jdbc, lifetime, clock);
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
