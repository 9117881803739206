package io.steward.backup;

import java.net.URI;

/**
 * How to reach an S3-compatible store.
 *
 * @param endpoint null for AWS itself; otherwise the store's URL (MinIO, Ceph RGW, ...)
 * @param region any region for most S3-compatible stores; AWS needs the bucket's
 * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key}
 * @param accessKey the access key id, or null for the SDK's default chain (env, profile, instance role)
 * @param secretKey the secret key, never printed ({@link #toString()})
 * @param checksumsWhenRequired send and check checksums only where the API requires them, and Content-MD5 where
 *     older stores need it ({@code checksums: when-required}); false: the SDK's default, a checksum on every upload
 * @param maxAttempts attempts per request, with exponential backoff between them
 * @param sse server-side encryption the store is asked for on every object ({@code AES256} or {@code aws:kms}), or
 *     null for the bucket's default
 * @param kmsKeyId with {@code aws:kms}, the KMS key (id, ARN or alias) to encrypt with; null for the account's
 *     default {@code aws/s3} key
 */
public record S3Settings(
        URI endpoint,
        String region,
        boolean pathStyle,
        String accessKey,
        String secretKey,
        boolean checksumsWhenRequired,
        int maxAttempts,
        String sse,
        String kmsKeyId) {

    /** The values {@code sse} may take. */
    public static final java.util.List<String> SSE_CHOICES = java.util.List.of("AES256", "aws:kms");

    public S3Settings(
            URI endpoint,
            String region,
            boolean pathStyle,
            String accessKey,
            String secretKey,
            boolean checksumsWhenRequired,
            int maxAttempts) {
        this(endpoint, region, pathStyle, accessKey, secretKey, checksumsWhenRequired, maxAttempts, null, null);
    }

    public S3Settings {
        if (sse != null && !SSE_CHOICES.contains(sse)) {
            throw new IllegalArgumentException("sse must be AES256 or aws:kms");
        }
        if (kmsKeyId != null && !"aws:kms".equals(sse)) {
            throw new IllegalArgumentException("a KMS key id needs sse aws:kms");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("an access key needs its secret key");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyle
                + ", accessKey=" + (accessKey == null ? "default chain" : "given") + ", secretKey=****, checksums="
                + (checksumsWhenRequired ? "when-required" : "when-supported") + ", maxAttempts=" + maxAttempts
                + ", sse=" + (sse == null ? "bucket default" : sse)
                + (kmsKeyId == null ? "" : ", kmsKeyId=" + kmsKeyId) + "]";
    }
}
