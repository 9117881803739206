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
 */
public record S3Settings(
        URI endpoint,
        String region,
        boolean pathStyle,
        String accessKey,
        String secretKey,
        boolean checksumsWhenRequired,
        int maxAttempts) {

    public S3Settings {
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
                + (checksumsWhenRequired ? "when-required" : "when-supported") + ", maxAttempts=" + maxAttempts + "]";
    }
}
