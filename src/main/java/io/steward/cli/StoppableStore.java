package io.steward.cli;

import io.steward.backup.BackupException;
import io.steward.backup.BackupFailure;
import io.steward.backup.BackupStore;
import io.steward.backup.ObjectWriter;
import io.steward.backup.StoredObject;
import io.steward.backup.UnfinishedUpload;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store of the scheduled backups, which the agent stops when it stops: the object being written is aborted
 * (its writer's own abort drops what was sent, a multipart upload included) and nothing new is begun, so stopping
 * in the middle of a backup leaves nothing of it in the store. Deleting still works, for the runner's clean-up.
 */
final class StoppableStore implements BackupStore {

    private static final Logger logger = LoggerFactory.getLogger(StoppableStore.class);
    private static final String STOPPING = "the agent is stopping";

    private final BackupStore store;
    private final Map<Writer, Thread> writing = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    StoppableStore(BackupStore store) {
        this.store = store;
    }

    /**
     * Fails every write from now on, and interrupts the threads writing now: one waiting on a slow store (an upload
     * part, a full disk) would otherwise finish first.
     */
    void stop() {
        stopping = true;
        writing.forEach((writer, thread) -> {
            logger.info("aborting the upload of {} to {}: {}", writer.key, store.location(), STOPPING);
            thread.interrupt();
        });
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) {
        refuseWhenStopping(key);
        Writer writer = new Writer(store.create(key, expectedSize), key);
        writing.put(writer, Thread.currentThread());
        if (stopping) {
            // stop() ran between the check above and the registration: it did not see this writer.
            logger.info("aborting the upload of {} to {}: {}", key, store.location(), STOPPING);
            writer.abort();
            throw new BackupException(BackupFailure.STORE_ERROR, STOPPING + ": " + key + " was not stored");
        }
        return writer;
    }

    @Override
    public void createSmall(String key, byte[] content) {
        refuseWhenStopping(key);
        store.createSmall(key, content);
    }

    private void refuseWhenStopping(String key) {
        if (stopping) {
            throw new BackupException(BackupFailure.STORE_ERROR, STOPPING + ": " + key + " was not stored");
        }
    }

    @Override
    public String location() {
        return store.location();
    }

    /** Stopping refuses here too, so that a backup due as the agent stops sends no BGSAVE. */
    @Override
    public void checkWritable() {
        if (stopping) {
            throw new BackupException(BackupFailure.STORE_ERROR, STOPPING + ": no new backup is begun");
        }
        store.checkWritable();
    }

    @Override
    public InputStream open(String key) {
        return store.open(key);
    }

    @Override
    public List<StoredObject> list(String keyPrefix) {
        return store.list(keyPrefix);
    }

    @Override
    public void delete(Collection<String> keys) {
        store.delete(keys);
    }

    @Override
    public List<UnfinishedUpload> unfinishedUploads(Instant before) {
        return store.unfinishedUploads(before);
    }

    @Override
    public void abort(UnfinishedUpload upload) {
        store.abort(upload);
    }

    @Override
    public void close() {
        store.close();
    }

    private final class Writer extends ObjectWriter {
        private final ObjectWriter writer;
        private final String key;

        Writer(ObjectWriter writer, String key) {
            this.writer = writer;
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (stopping) {
                throw new IOException(STOPPING);
            }
            writer.write(bytes, offset, length);
        }

        @Override
        public long commit() {
            if (stopping) {
                abort();
                throw new BackupException(BackupFailure.STORE_ERROR, STOPPING + ": " + key + " was not stored");
            }
            try {
                return writer.commit();
            } finally {
                writing.remove(this);
            }
        }

        /** The store's own abort goes out whatever interrupted this thread (S3's runs on a thread of its own). */
        @Override
        public void abort() {
            writing.remove(this);
            writer.abort();
        }
    }
}
