package io.steward.backup;

import io.steward.collector.RootCause;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backups in an S3 bucket under a prefix, through the AWS SDK's blocking client: path-style addressing and an
 * endpoint override for S3-compatible stores, the default credential chain or given keys, a switch for stores
 * that reject the SDK's default checksums, and retries with backoff. Large objects go up in parts through
 * {@link S3ObjectWriter}; {@code If-None-Match: *} keeps anything from being overwritten.
 */
public final class S3Store implements BackupStore {

    /** The key, under the prefix, of the object that {@link #checkWritable()} writes and deletes. */
    static final String PROBE_KEY = ".steward-write-check";

    private static final Logger logger = LoggerFactory.getLogger(S3Store.class);

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final S3Errors errors;
    private final S3Encryption encryption;

    /** @param prefix the key prefix without leading or trailing {@code /}, may be empty */
    public S3Store(String bucket, String prefix, S3Settings settings) {
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() ? "" : prefix + "/";
        this.errors = new S3Errors(location(), settings);
        this.encryption = new S3Encryption(settings);
        this.client = client(settings);
    }

    private static S3Client client(S3Settings settings) {
        AwsCredentialsProvider credentials = settings.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(S3ObjectWriter.PARTS_IN_FLIGHT + 2)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                // Each part is in memory, so its checksum and signature are computed before sending, in plain
                // requests: no aws-chunked framing, which older S3-compatible stores reject and S3Proxy decodes
                // slowly (a third slower uploads in bench/backup).
                .serviceConfiguration(
                        S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .overrideConfiguration(
                        config -> config.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        if (settings.checksumsWhenRequired()) {
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .addPlugin(LegacyMd5Plugin.create());
        }
        return builder.build();
    }

    @Override
    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1));
    }

    /**
     * HeadBucket finds a missing bucket, bad credentials and an unreachable store, but a read-only credential
     * passes it (it needs only s3:ListBucket): only a write proves writing. So a small object is put under the
     * prefix, where backups go, and deleted again. It has one fixed key, so that a credential allowed to put but not
     * to delete (backups need no delete) leaves one object behind, not one per backup; that is no failure.
     */
    @Override
    public void checkWritable() {
        try {
            client.headBucket(head -> head.bucket(bucket));
        } catch (SdkException failure) {
            throw errors.translate("checking the bucket", failure);
        }
        String probe = prefix + PROBE_KEY;
        try {
            client.putObject(
                    put -> encryption.apply(put.bucket(bucket).key(probe)), RequestBody.fromBytes(new byte[0]));
        } catch (SdkException failure) {
            throw errors.translate("writing the test object " + PROBE_KEY, failure);
        }
        try {
            client.deleteObject(delete -> delete.bucket(bucket).key(probe));
        } catch (SdkException failure) {
            logger.info(
                    "{}/{} stays after the write check, as it could not be deleted ({}); it is harmless",
                    location(),
                    PROBE_KEY,
                    RootCause.message(failure));
        }
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) {
        return new S3ObjectWriter(
                client, bucket, prefix + key, S3ObjectWriter.partSizeFor(expectedSize), errors, encryption);
    }

    @Override
    public void createSmall(String key, byte[] content) {
        try {
            client.putObject(
                    put -> encryption.apply(put.bucket(bucket).key(prefix + key).ifNoneMatch("*")),
                    RequestBody.fromBytes(content));
        } catch (SdkException failure) {
            throw errors.translate("writing " + key, failure);
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return client.getObject(get -> get.bucket(bucket).key(prefix + key));
        } catch (NoSuchKeyException missing) {
            throw new BackupException(BackupFailure.STORE_ERROR, location() + "/" + key + " is missing from the store");
        } catch (SdkException failure) {
            throw errors.translate("reading " + key, failure);
        }
    }

    @Override
    public List<StoredObject> list(String keyPrefix) {
        List<StoredObject> objects = new ArrayList<>();
        try {
            ListObjectsV2Request request = ListObjectsV2Request.builder()
                    .bucket(bucket)
                    .prefix(prefix + keyPrefix)
                    .build();
            for (S3Object object : client.listObjectsV2Paginator(request).contents()) {
                objects.add(new StoredObject(
                        object.key().substring(prefix.length()), object.size(), object.lastModified()));
            }
        } catch (SdkException failure) {
            throw errors.translate("listing", failure);
        }
        return objects;
    }

    @Override
    public void delete(Collection<String> keys) {
        List<ObjectIdentifier> all = keys.stream()
                .map(key -> ObjectIdentifier.builder().key(prefix + key).build())
                .toList();
        try {
            for (int from = 0; from < all.size(); from += 1000) {
                List<ObjectIdentifier> batch = all.subList(from, Math.min(all.size(), from + 1000));
                DeleteObjectsResponse response = client.deleteObjects(delete -> delete.bucket(bucket)
                        .delete(Delete.builder().objects(batch).quiet(true).build()));
                if (response.hasErrors() && !response.errors().isEmpty()) {
                    throw new BackupException(
                            BackupFailure.STORE_ERROR,
                            "could not delete " + response.errors().size()
                                    + " object(s) from " + location() + ", first "
                                    + response.errors().get(0).key() + ": "
                                    + response.errors().get(0).message());
                }
            }
        } catch (SdkException failure) {
            throw errors.translate("deleting", failure);
        }
    }

    @Override
    public List<UnfinishedUpload> unfinishedUploads(Instant before) {
        List<UnfinishedUpload> uploads = new ArrayList<>();
        try {
            for (MultipartUpload upload : client.listMultipartUploadsPaginator(
                            list -> list.bucket(bucket).prefix(prefix))
                    .uploads()) {
                if (upload.initiated() != null && upload.initiated().isBefore(before)) {
                    uploads.add(new UnfinishedUpload(
                            upload.key().substring(prefix.length()), upload.uploadId(), upload.initiated()));
                }
            }
        } catch (SdkException failure) {
            throw errors.translate("listing unfinished uploads", failure);
        }
        return uploads;
    }

    @Override
    public void abort(UnfinishedUpload upload) {
        try {
            client.abortMultipartUpload(
                    abort -> abort.bucket(bucket).key(prefix + upload.key()).uploadId(upload.uploadId()));
        } catch (SdkException failure) {
            throw errors.translate("aborting the upload of " + upload.key(), failure);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
