package io.steward.backup;

import io.steward.collector.Keyspace;
import io.steward.collector.RedisCommandFailure;
import io.steward.collector.RootCause;
import io.steward.collector.SaveControl;
import io.steward.collector.SaveState;
import io.steward.collector.Target;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one backup of a target: BGSAVE, then the RDB file is opened once and streamed in one pass through the
 * checks (header, CRC-64, SHA-256), zstd and the store. The manifest goes last, and only for an RDB that
 * verified: a failure at any step removes what was written, so nothing incomplete is ever listed.
 *
 * <p>One backup per Redis at a time, across processes too: a lock file per server address is held for the
 * whole run, so {@code steward backup run} beside a scheduled backup of the same server is refused, not doubled.
 */
public final class BackupRunner {

    private static final Logger logger = LoggerFactory.getLogger(BackupRunner.class);
    private static final int CHUNK = 1 << 20;
    /** INFO persistence is cheap: polling it this often sees a save done within a few tens of milliseconds. */
    private static final Duration POLL_EVERY = Duration.ofMillis(20);
    /** A save already running is used when it began at most this long before the backup was asked for. */
    private static final Duration FRESHNESS = Duration.ofMinutes(1);

    private final SaveControl.Opener redis;
    private final BackupStore store;
    private final Compression compression;
    private final BackupMetrics metrics;
    private final Clock clock;
    private final Path lockDir;
    private final String agentVersion;

    /** @param lockDir where the per-server lock files live (the temp directory) */
    public BackupRunner(
            SaveControl.Opener redis,
            BackupStore store,
            Compression compression,
            BackupMetrics metrics,
            Clock clock,
            Path lockDir,
            String agentVersion) {
        this.redis = redis;
        this.store = store;
        this.compression = compression;
        this.metrics = metrics;
        this.clock = clock;
        this.lockDir = lockDir;
        this.agentVersion = agentVersion;
    }

    /** @param bgsaveTimeout how long the BGSAVE may take */
    public Manifest run(Target target, Duration bgsaveTimeout, Progress progress) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        HeldLock lock;
        try {
            lock = lock(target);
        } catch (BackupException | IOException busy) {
            metrics.refused(target.name());
            progress.finished();
            throw busy instanceof BackupException refused
                    ? refused
                    : new BackupException(
                            BackupFailure.BUSY,
                            "cannot take the backup lock in " + lockDir + ": " + busy.getMessage(),
                            busy);
        }
        metrics.started(target.name());
        try (lock) {
            Manifest manifest = backUp(target, new Bgsave(bgsaveTimeout, POLL_EVERY, FRESHNESS), started, progress);
            metrics.succeeded(
                    target.name(),
                    manifest.finished(),
                    Duration.ofNanos(System.nanoTime() - startNanos),
                    manifest.rdb().size());
            logger.info(
                    "backup {} of {} done in {} s: {} bytes of RDB stored as {} bytes in {}",
                    manifest.id(),
                    target,
                    Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 1000.0,
                    manifest.rdb().size(),
                    manifest.stored().size(),
                    store.location());
            return manifest;
        } catch (BackupException failure) {
            metrics.failed(target.name(), failure.reason());
            throw failure;
        } finally {
            metrics.stopped(target.name());
            progress.finished();
        }
    }

    private Manifest backUp(Target target, Bgsave bgsave, Instant started, Progress progress) {
        String id = BackupLayout.newId(started);
        Bgsave.Saved saved;
        long saveNanos = System.nanoTime();
        try (SaveControl server = open(target)) {
            saved = bgsave.run(server, target, progress);
        }
        logger.info(
                "BGSAVE of {} done in {} s",
                target,
                Duration.ofNanos(System.nanoTime() - saveNanos).toMillis() / 1000.0);
        String dataKey = BackupLayout.key(target.name(), id, compression.objectName());
        Upload upload = upload(saved.file(), dataKey, progress);
        try {
            Manifest manifest = manifest(target, id, started, saved, upload, dataKey);
            store.createSmall(BackupLayout.key(target.name(), id, Manifest.FILE_NAME), manifest.toJson());
            return manifest;
        } catch (BackupException failure) {
            deleteQuietly(List.of(dataKey));
            throw failure;
        }
    }

    private record Upload(RdbDigest rdb, long storedSize, String storedSha256) {}

    /** Reads the RDB through the checks into the store; the object is committed only when the RDB verified. */
    private Upload upload(Path file, String key, Progress progress) {
        // Opened once: should the next BGSAVE rename a new file over this name, this handle keeps the old inode.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            RdbChecker checker = new RdbChecker(file.toString());
            ObjectWriter writer = store.create(key, size);
            try {
                DigestingOutputStream stored = new DigestingOutputStream(writer);
                try (OutputStream compressed = compression.compress(stored)) {
                    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
                    while (channel.read(buffer.clear()) >= 0) {
                        checker.update(buffer.array(), 0, buffer.position());
                        compressed.write(buffer.array(), 0, buffer.position());
                        progress.update(Progress.Phase.UPLOADING, checker.size(), size);
                    }
                }
                RdbDigest digest = checker.finish();
                writer.commit();
                return new Upload(digest, stored.count(), stored.sha256());
            } catch (BackupException failure) {
                writer.abort();
                throw failure;
            } catch (IOException | RuntimeException failure) {
                writer.abort();
                throw new BackupException(
                        BackupFailure.STORE_ERROR,
                        "writing the backup to " + store.location() + " failed: " + RootCause.message(failure)
                                + "; nothing was stored",
                        failure);
            }
        } catch (NoSuchFileException missing) {
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE,
                    "Redis reported a finished save, but " + file
                            + " does not exist here: run the agent on the Redis host");
        } catch (AccessDeniedException denied) {
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE,
                    "the agent may not read " + file + ": run it as the redis user or give it read access to the file");
        } catch (IOException failure) {
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE, "cannot read " + file + ": " + failure.getMessage(), failure);
        }
    }

    private Manifest manifest(
            Target target, String id, Instant started, Bgsave.Saved saved, Upload upload, String dataKey) {
        SaveState state = saved.state();
        Map<String, Long> keys = new LinkedHashMap<>();
        for (Keyspace.Database db : state.keyspace().databases()) {
            keys.put(db.name(), db.keys());
        }
        return new Manifest(
                Manifest.SCHEMA_VERSION,
                id,
                target.name(),
                started.toString(),
                clock.instant().toString(),
                new Manifest.Source(
                        target.address(),
                        state.version(),
                        state.runId().isEmpty() ? null : state.runId(),
                        state.role().infoName(),
                        state.replicationOffset().orElse(0)),
                new Manifest.Rdb(
                        saved.file().toString(),
                        upload.rdb().rdbVersion(),
                        upload.rdb().size(),
                        upload.rdb().sha256(),
                        upload.rdb().crc64()),
                new Manifest.Stored(dataKey, compression.label(), upload.storedSize(), upload.storedSha256()),
                keys,
                agentVersion);
    }

    private SaveControl open(Target target) {
        try {
            return redis.open(target);
        } catch (RedisCommandFailure failure) {
            throw Bgsave.redisFailure(target, "the connection", failure);
        }
    }

    /** Closing the channel releases the lock. */
    private record HeldLock(FileChannel channel) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel either way
            }
        }
    }

    private HeldLock lock(Target target) throws IOException {
        Path file = lockDir.resolve("redis-steward-backup-" + BackupLayout.targetDir(target.address()) + ".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() != null) {
                return new HeldLock(channel);
            }
        } catch (OverlappingFileLockException heldHere) {
            // held by this process
        }
        channel.close();
        throw new BackupException(
                BackupFailure.BUSY,
                "a backup of " + target.address() + " is already running" + " (lock " + file
                        + "); this one was not started");
    }

    private void deleteQuietly(List<String> keys) {
        try {
            store.delete(keys);
        } catch (BackupException failure) {
            logger.warn(
                    "could not remove {} after a failed backup ({}); prune removes it later",
                    keys,
                    failure.getMessage());
        }
    }

    /** Counts and hashes what goes into the store. */
    private static final class DigestingOutputStream extends OutputStream {
        private final OutputStream out;
        private final MessageDigest sha256 = RdbChecker.sha256();
        private long count;

        DigestingOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            sha256.update(bytes, offset, length);
            count += length;
        }

        long count() {
            return count;
        }

        String sha256() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }
}
