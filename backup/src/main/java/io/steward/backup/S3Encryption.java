package io.steward.backup;

import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The server-side encryption every object is written with ({@code storage.s3.sse}, {@code storage.s3.kms-key-id}):
 * the store encrypts at rest with its own keys. Independent of the agent's own encryption, which happens before
 * the bytes leave the host.
 */
final class S3Encryption {

    private final String sse;
    private final String kmsKeyId;

    S3Encryption(S3Settings settings) {
        this.sse = settings.sse();
        this.kmsKeyId = settings.kmsKeyId();
    }

    PutObjectRequest.Builder apply(PutObjectRequest.Builder put) {
        if (sse != null) {
            put.serverSideEncryption(sse);
        }
        if (kmsKeyId != null) {
            put.ssekmsKeyId(kmsKeyId);
        }
        return put;
    }

    CreateMultipartUploadRequest.Builder apply(CreateMultipartUploadRequest.Builder create) {
        if (sse != null) {
            create.serverSideEncryption(sse);
        }
        if (kmsKeyId != null) {
            create.ssekmsKeyId(kmsKeyId);
        }
        return create;
    }
}
