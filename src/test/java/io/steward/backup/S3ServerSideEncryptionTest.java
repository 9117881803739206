package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RecordedRequests;
import io.steward.testing.RecordedRequests.Request;
import io.steward.testing.S3Server;
import io.steward.testing.TcpRelay;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * storage.s3.sse and kms-key-id reach the store as the S3 headers on every write that creates an object: a single
 * PUT, and the CreateMultipartUpload of a large one. Seen on the wire, between the SDK and S3Proxy.
 */
class S3ServerSideEncryptionTest {

    private static S3Store store(TcpRelay relay, String sse, String kmsKeyId) {
        return new S3Store(
                "sse",
                "redis",
                new S3Settings(
                        relay.endpoint(),
                        "us-east-1",
                        true,
                        S3Server.ACCESS_KEY,
                        S3Server.SECRET_KEY,
                        false,
                        1,
                        sse,
                        kmsKeyId));
    }

    private static void write(S3Store store, String key, int size) {
        byte[] content = new byte[size];
        new SecureRandom().nextBytes(content);
        ObjectWriter writer = store.create(key, size);
        try {
            writer.write(content, 0, content.length);
            writer.commit();
        } catch (java.io.IOException failure) {
            throw new java.io.UncheckedIOException(failure);
        }
    }

    @Test
    void everyObjectIsWrittenAskingForTheConfiguredAes256() throws Exception {
        try (S3Server s3 = S3Server.start();
                TcpRelay relay = TcpRelay.recordingTo(s3.endpoint().getPort())) {
            s3.createBucket("sse");
            try (S3Store store = store(relay, "AES256", null)) {
                store.checkWritable();
                write(store, "small.rdb.zst", 1000);
                write(store, "large.rdb.zst", 20 << 20);
                store.createSmall("manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
                try (InputStream back = store.open("large.rdb.zst")) {
                    assertThat(back.readAllBytes()).hasSize(20 << 20);
                }
            }

            List<Request> requests = RecordedRequests.of(relay);
            List<Request> creating = requests.stream()
                    .filter(request ->
                            request.method().equals("PUT") && !request.target().contains("partNumber=")
                                    || request.method().equals("POST")
                                            && request.target().endsWith("?uploads"))
                    .toList();
            assertThat(creating)
                    .extracting(Request::target)
                    .anyMatch(target -> target.equals("/sse/redis/small.rdb.zst"))
                    .anyMatch(target -> target.equals("/sse/redis/large.rdb.zst?uploads"))
                    .anyMatch(target -> target.equals("/sse/redis/manifest.json"))
                    .anyMatch(target -> target.equals("/sse/redis/" + S3Store.PROBE_KEY));
            assertThat(creating).allMatch(request -> request.has("x-amz-server-side-encryption", "AES256"));
            assertThat(creating).noneMatch(request -> request.hasHeader("x-amz-server-side-encryption-aws-kms-key-id"));
        }
    }

    @Test
    void awsKmsAndItsKeyIdAreSentOnThePutAndTheMultipartUpload() throws Exception {
        try (S3Server s3 = S3Server.start();
                TcpRelay relay = TcpRelay.recordingTo(s3.endpoint().getPort())) {
            s3.createBucket("sse");
            try (S3Store store = store(relay, "aws:kms", "alias/redis-backups")) {
                write(store, "small.rdb.zst", 1000);
                write(store, "large.rdb.zst", 20 << 20);
            }

            List<Request> creating = RecordedRequests.of(relay).stream()
                    .filter(request ->
                            request.method().equals("PUT") && !request.target().contains("partNumber=")
                                    || request.method().equals("POST")
                                            && request.target().endsWith("?uploads"))
                    .toList();
            assertThat(creating)
                    .extracting(Request::target)
                    .contains("/sse/redis/small.rdb.zst", "/sse/redis/large.rdb.zst?uploads");
            assertThat(creating)
                    .isNotEmpty()
                    .allMatch(request -> request.has("x-amz-server-side-encryption", "aws:kms")
                            && request.has("x-amz-server-side-encryption-aws-kms-key-id", "alias/redis-backups"));
        }
    }

    @Test
    void withoutSseNoEncryptionHeaderIsSent() throws Exception {
        try (S3Server s3 = S3Server.start();
                TcpRelay relay = TcpRelay.recordingTo(s3.endpoint().getPort())) {
            s3.createBucket("sse");
            try (S3Store store = store(relay, null, null)) {
                write(store, "small.rdb.zst", 1000);
            }

            List<Request> requests = RecordedRequests.of(relay);
            assertThat(requests).extracting(Request::method).contains("PUT");
            assertThat(requests).noneMatch(request -> request.hasHeader("x-amz-server-side-encryption"));
        }
    }
}
