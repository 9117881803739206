package io.steward.backup;

import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Where backups are kept: an S3 bucket and prefix, or a directory. Keys are relative to the store's root and use
 * {@code /}. Nothing is ever overwritten: creating an object whose key exists fails.
 */
public interface BackupStore extends AutoCloseable {

    /** The store's URL without credentials, for messages: {@code s3://bucket/prefix} or {@code file:///dir}. */
    String location();

    /**
     * Checks that a backup can be written here now (the store is reachable, the bucket or directory exists or can be
     * created, the credentials or permissions allow writing), so that a store that cannot take one costs Redis no
     * fork. Leaves nothing behind.
     *
     * @throws BackupException naming what is wrong: {@link BackupFailure#STORE_UNREACHABLE},
     *     {@link BackupFailure#STORE_AUTH} (refused credentials or permission), {@link BackupFailure#STORE_BUCKET},
     *     or {@link BackupFailure#STORE_ERROR}
     */
    void checkWritable();

    /**
     * Starts a new object. Its bytes are visible under {@code key} only after {@link ObjectWriter#commit()}.
     *
     * @param expectedSize about how many bytes will be written (chooses part sizes); the actual count may differ
     */
    ObjectWriter create(String key, long expectedSize);

    /** Writes a small object in one request, failing when the key exists. */
    void createSmall(String key, byte[] content);

    /** Reads an object; a missing key is a {@link BackupException}. */
    InputStream open(String key);

    /** Every object whose key starts with {@code keyPrefix}. */
    List<StoredObject> list(String keyPrefix);

    void delete(Collection<String> keys);

    /** Uploads begun before {@code before} that were never finished (the agent or the store died mid-upload). */
    List<UnfinishedUpload> unfinishedUploads(Instant before);

    /** Drops an unfinished upload and its parts. */
    void abort(UnfinishedUpload upload);

    @Override
    void close();
}
