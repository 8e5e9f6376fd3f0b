package io.healthportal.server.authserver;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The SMART authorization server's settings.
 *
 * @param keyStore the PKCS#12 key store holding the token signing keys (RSA, one entry each); every
 *     key in it is published in the JWKS, so a retired key keeps verifying the tokens it signed
 * @param keyStorePassword the key store's password (and its entries'); from configuration only
 * @param activeKeyAlias the entry that signs new tokens; empty means the newest entry
 * @param createKeyStoreIfMissing whether missing key material (the key store with one new key, the TOTP
 *     key file) is created (the embedded default does this once under {@code ./data}; production mounts
 *     both from a secret)
 * @param userAccessTokenLifetime how long an access token issued to an app acting for a person lives
 * @param backendAccessTokenLifetime how long a Backend Services access token lives
 * @param refreshTokenLifetime how long a refresh token lives (SMART: at least 90 days for offline
 *     access); each use replaces it with a new one
 * @param revocationCheckInterval how long {@code /fhir} may go on trusting its last look at whether an
 *     access token is still active (revoked, client or user gone); at most a minute, 0 looks every time
 * @param loginMaxFailures wrong passwords in a row before a username is locked
 * @param loginLock how long such a lock lasts
 * @param totpKeyFile the AES-256 key (base64) that staff members' TOTP secrets are encrypted with in
 *     the database
 */
@Validated
@ConfigurationProperties("portal.auth")
public record AuthProperties(
        @NotNull Path keyStore,
        @NotBlank String keyStorePassword,
        String activeKeyAlias,
        boolean createKeyStoreIfMissing,
        @NotNull Duration userAccessTokenLifetime,
        @NotNull Duration backendAccessTokenLifetime,
        @NotNull Duration refreshTokenLifetime,
        @NotNull @DurationMax(minutes = 1) Duration revocationCheckInterval,
        @Min(1) int loginMaxFailures,
        @NotNull Duration loginLock,
        @NotNull Path totpKeyFile) {}
