package io.healthportal.ingest.archive;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code aws-kms} profile's settings ({@code portal.ingest.aws-kms.*}). Credentials are not here:
 * the AWS SDK's default chain finds them (environment, web identity of a Kubernetes service account,
 * instance profile). Bound in every profile (the properties scan finds it) but read only by the
 * {@code aws-kms} profile, which checks them itself: see {@link #requireComplete()}.
 *
 * @param keyId the KMS key (id, ARN or alias) that wraps the archive's data keys
 * @param region the key's region
 * @param endpoint an endpoint other than the region's public one (a VPC endpoint); empty for the default
 * @param dataKeyLifetime how long a replica seals new payloads with one data key before asking for another
 */
@ConfigurationProperties("portal.ingest.aws-kms")
public record AwsKmsProperties(String keyId, String region, URI endpoint, Duration dataKeyLifetime) {

    AwsKmsProperties requireComplete() {
        if (keyId == null || keyId.isBlank() || region == null || region.isBlank() || dataKeyLifetime == null) {
            throw new IllegalStateException("INGEST-ARCHIVE-KMS: the aws-kms profile needs portal.ingest.aws-kms."
                    + "key-id (INGEST_KMS_KEY_ID), region (AWS_REGION) and data-key-lifetime");
        }
        return this;
    }
}
