package io.steward.backup;

import io.steward.collector.DaemonThreads;
import io.steward.collector.RootCause;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams an object of unknown final size into S3 in bounded memory: bytes fill a part buffer; a full buffer is
 * uploaded as one part while the next fills. At most {@link #PARTS_IN_FLIGHT} parts are on the wire and one is
 * filling, so memory is {@code (PARTS_IN_FLIGHT + 1) x part size} however large the object. An object smaller than
 * one part goes up in a single PUT. Nothing is visible until {@link #commit()}; {@link #abort()} aborts the
 * multipart upload so the store drops the parts.
 */
final class S3ObjectWriter extends ObjectWriter {

    static final int PARTS_IN_FLIGHT = 2;
    static final int MIN_PART_SIZE = 8 << 20;
    private static final int MAX_PART_SIZE = 512 << 20;
    /** S3 allows 10,000 parts; sizing for 9,000 leaves room for an object larger than announced. */
    private static final int PLANNED_PARTS = 9_000;

    private final S3Client client;
    private final String bucket;
    private final String key;
    private final int partSize;
    private final S3Errors errors;
    private final S3Encryption encryption;
    private final BlockingQueue<byte[]> freeBuffers = new ArrayBlockingQueue<>(PARTS_IN_FLIGHT + 1);
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private ExecutorService uploads;
    private int buffersAllocated;
    private byte[] current;
    private int filled;
    private String uploadId;
    private long written;
    private boolean done;

    S3ObjectWriter(S3Client client, String bucket, String key, int partSize, S3Errors errors, S3Encryption encryption) {
        this.encryption = encryption;
        this.client = client;
        this.bucket = bucket;
        this.key = key;
        this.partSize = partSize;
        this.errors = errors;
    }

    /**
     * How long one attempt to send a body of {@code bytes} may take: a minute, plus the body's time at 256 KiB/s.
     * The HTTP client's socket timeout covers only the wait for an answer; a write to a store that stopped reading
     * (a frozen process, a stuck proxy) would block for ever, and with it the backup and every later one.
     */
    private static Consumer<AwsRequestOverrideConfiguration.Builder> within(long bytes) {
        Duration attempt = Duration.ofMinutes(1).plusMillis(bytes * 1000 / (256 << 10));
        return config -> config.apiCallAttemptTimeout(attempt);
    }

    static int partSizeFor(long expectedSize) {
        long bySize = expectedSize / PLANNED_PARTS + 1;
        return (int) Math.min(MAX_PART_SIZE, Math.max(MIN_PART_SIZE, bySize));
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (current == null) {
                current = takeBuffer();
                filled = 0;
            }
            int n = Math.min(length, partSize - filled);
            System.arraycopy(bytes, offset, current, filled, n);
            filled += n;
            offset += n;
            length -= n;
            written += n;
            if (filled == partSize) {
                sendPart();
            }
        }
    }

    @Override
    public long commit() {
        try {
            if (uploadId == null) {
                byte[] body = current == null ? new byte[0] : current;
                int length = filled;
                client.putObject(
                        put -> encryption
                                .apply(put.bucket(bucket))
                                .key(key)
                                .ifNoneMatch("*")
                                .contentLength((long) length)
                                .overrideConfiguration(within(length)),
                        RequestBody.fromContentProvider(
                                () -> new ByteArrayInputStream(body, 0, length), length, "application/octet-stream"));
            } else {
                if (filled > 0) {
                    sendPart();
                }
                List<CompletedPart> completed = new ArrayList<>();
                for (Future<CompletedPart> part : parts) {
                    completed.add(await(part));
                }
                client.completeMultipartUpload(complete -> complete.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .ifNoneMatch("*")
                        .multipartUpload(upload -> upload.parts(completed)));
            }
            done = true;
            return written;
        } catch (SdkException failure) {
            abort();
            throw errors.translate("uploading " + key, failure);
        } catch (RuntimeException failure) {
            abort();
            throw failure;
        } finally {
            shutdownUploads();
        }
    }

    private static final Logger logger = LoggerFactory.getLogger(S3ObjectWriter.class);
    private static final Duration ABORT_ATTEMPT = Duration.ofSeconds(10);

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        parts.forEach(part -> part.cancel(true));
        shutdownUploads();
        if (uploadId != null) {
            abortUpload();
        }
    }

    /**
     * AbortMultipartUpload on a thread of its own, waited for whatever interrupts the caller: the agent stopping
     * interrupts the backup's thread, and the abort is the one request that must still go out. Short attempts: the
     * connection picked may be one the store stopped answering, and a retry goes out on another.
     */
    private void abortUpload() {
        FutureTask<Void> request = new FutureTask<>(
                () -> client.abortMultipartUpload(abort -> abort.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .overrideConfiguration(config -> config.apiCallAttemptTimeout(ABORT_ATTEMPT))),
                null);
        DaemonThreads.named("s3-abort").newThread(request).start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    request.get();
                    return;
                } catch (InterruptedException again) {
                    interrupted = true;
                } catch (ExecutionException failed) {
                    // The store may be the reason we abort; an upload left open is invisible and prune aborts it.
                    logger.warn(
                            "could not abort the upload of {} ({}); prune aborts it later",
                            key,
                            RootCause.message(failed.getCause()));
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void sendPart() {
        if (uploadId == null) {
            try {
                uploadId = client.createMultipartUpload(
                                create -> encryption.apply(create.bucket(bucket).key(key)))
                        .uploadId();
            } catch (SdkException failure) {
                throw errors.translate("starting the upload of " + key, failure);
            }
            uploads = Executors.newFixedThreadPool(PARTS_IN_FLIGHT, DaemonThreads.named("s3-upload"));
        }
        byte[] body = current;
        int length = filled;
        int partNumber = parts.size() + 1;
        current = null;
        filled = 0;
        parts.add(uploads.submit(() -> {
            try {
                String etag = client.uploadPart(
                                part -> part.bucket(bucket)
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(partNumber)
                                        .contentLength((long) length)
                                        .overrideConfiguration(within(length)),
                                RequestBody.fromContentProvider(
                                        () -> new ByteArrayInputStream(body, 0, length),
                                        length,
                                        "application/octet-stream"))
                        .eTag();
                return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
            } finally {
                freeBuffers.add(body);
            }
        }));
        failFast();
    }

    /** A new buffer while fewer than the limit exist, otherwise the next one a finished part gives back. */
    private byte[] takeBuffer() {
        if (buffersAllocated < PARTS_IN_FLIGHT + 1 && freeBuffers.isEmpty()) {
            buffersAllocated++;
            return new byte[partSize];
        }
        try {
            byte[] buffer = freeBuffers.take();
            failFast();
            return buffer;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new BackupException(BackupFailure.STORE_ERROR, "interrupted while uploading " + key);
        }
    }

    /** Surfaces the failure of a part already finished, so a dead store stops the backup at once. */
    private void failFast() {
        for (Future<CompletedPart> part : parts) {
            if (part.isDone()) {
                await(part);
            }
        }
    }

    private CompletedPart await(Future<CompletedPart> part) {
        try {
            return part.get();
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof SdkException sdk) {
                throw errors.translate("uploading " + key, sdk);
            }
            throw new BackupException(
                    BackupFailure.STORE_ERROR,
                    "uploading " + key + " failed: " + RootCause.message(failed),
                    failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new BackupException(BackupFailure.STORE_ERROR, "interrupted while uploading " + key);
        }
    }

    private void shutdownUploads() {
        if (uploads != null) {
            uploads.shutdownNow();
        }
    }
}
