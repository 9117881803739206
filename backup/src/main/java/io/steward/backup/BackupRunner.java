package io.steward.backup;

import io.steward.collector.Group;
import io.steward.collector.GroupSurvey;
import io.steward.collector.Keyspace;
import io.steward.collector.Member;
import io.steward.collector.RedisCommandFailure;
import io.steward.collector.ReplicaSync;
import io.steward.collector.SaveControl;
import io.steward.collector.SaveState;
import io.steward.collector.SentinelTopology;
import io.steward.collector.Target;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one backup of a target. The RDB comes from the server's own file after a BGSAVE, or over the replication
 * protocol as a replica receives it, and is streamed in one pass through the checks (header, CRC-64, SHA-256), zstd
 * and the store. The manifest goes last, and only for an RDB that verified: a failure at any step removes what was
 * written, so nothing incomplete is ever listed.
 *
 * <p>Of a Sentinel group, the copy comes from the member {@link MemberChoice} picks (a replica in good standing, by
 * default); of a Cluster, a backup is a set of one RDB per shard ({@link ClusterBackup}).
 *
 * <p>One backup per Redis at a time, across processes too: see {@link BackupLock}.
 */
public final class BackupRunner {

    private static final Logger logger = LoggerFactory.getLogger(BackupRunner.class);
    /** INFO persistence is cheap: polling it this often sees a save done within a few tens of milliseconds. */
    private static final Duration POLL_EVERY = Duration.ofMillis(20);
    /** A save already running is used when it began at most this long before the backup was asked for. */
    private static final Duration FRESHNESS = Duration.ofMinutes(1);

    /** One server's RDB in the store: where it came from, what it is, where it is kept, and the keys it holds. */
    /** @param keysCounted whether {@code keys} were counted in the RDB itself, not read from INFO after the save */
    record NodeCopy(
            Manifest.Source source,
            Manifest.Rdb rdb,
            Manifest.Stored stored,
            Map<String, Long> keys,
            boolean keysCounted) {}

    private final SaveControl.Opener redis;
    private final Function<Target, GroupSurvey.Result> survey;
    private final ClusterBackup clusters;
    private final BackupStore store;
    private final Compression compression;
    private final BackupMetrics metrics;
    private final Clock clock;
    private final BackupLock locks;
    private final String agentVersion;
    private final BackupKeys encryptionKeys;

    /** Backups stored unencrypted. */
    public BackupRunner(
            SaveControl.Opener redis,
            Function<Target, GroupSurvey.Result> survey,
            BackupStore store,
            Compression compression,
            BackupMetrics metrics,
            Clock clock,
            BackupLock locks,
            String agentVersion) {
        this(redis, survey, store, compression, BackupKeys.none(), metrics, clock, locks, agentVersion);
    }

    /**
     * @param survey one look at a group target's members, polled once each
     * @param locks keeps two backups of one server from running at once
     * @param keys the current key encrypts every stored object; none: stored unencrypted
     */
    public BackupRunner(
            SaveControl.Opener redis,
            Function<Target, GroupSurvey.Result> survey,
            BackupStore store,
            Compression compression,
            BackupKeys keys,
            BackupMetrics metrics,
            Clock clock,
            BackupLock locks,
            String agentVersion) {
        this.encryptionKeys = keys;
        this.redis = redis;
        this.survey = survey;
        this.store = store;
        this.compression = compression;
        this.metrics = metrics;
        this.clock = clock;
        this.locks = locks;
        this.agentVersion = agentVersion;
        this.clusters = new ClusterBackup(survey, this::copy, store, compression, clock, agentVersion);
    }

    public Manifest run(Target target, BackupOptions options, Progress progress) {
        return run(target, options, progress, Optional.empty());
    }

    /** @param fire the scheduled fire this backup is taken for, recorded in its manifest */
    public Manifest run(Target target, BackupOptions options, Progress progress, Optional<Manifest.Scheduled> fire) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        metrics.started(target.name());
        try {
            // Before anything is asked of Redis: a store that cannot take the backup must cost the server no fork.
            store.checkWritable();
            String id = BackupLayout.newId(started);
            Manifest manifest = target.group() instanceof Group.Cluster
                    ? clusters.take(target, id, started, options, progress, fire)
                    : single(target, id, started, options, progress, fire);
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            metrics.succeeded(target.name(), manifest.finished(), took, manifest.rdbSize());
            logger.info(
                    "backup {} of {} done in {} s ({}): {} bytes of RDB stored as {} bytes in {}",
                    manifest.id(),
                    target,
                    took.toMillis() / 1000.0,
                    manifest.isSet()
                            ? manifest.shards().size() + " shards"
                            : manifest.source().method() + " from "
                                    + manifest.source().address(),
                    manifest.rdbSize(),
                    manifest.storedSize(),
                    store.location());
            return manifest;
        } catch (BackupException failure) {
            if (failure.reason() == BackupFailure.BUSY) {
                metrics.refused(target.name());
            } else {
                metrics.failed(target.name(), failure.reason());
            }
            throw failure;
        } finally {
            metrics.stopped(target.name());
            progress.finished();
        }
    }

    /** One RDB: of a server, or of the member of a Sentinel group that {@link MemberChoice} picks. */
    private Manifest single(
            Target target,
            String id,
            Instant started,
            BackupOptions options,
            Progress progress,
            Optional<Manifest.Scheduled> fire) {
        String dataKey = BackupLayout.key(target.name(), id, compression.objectName());
        NodeCopy copy = target.isGroup()
                ? copyFromSentinelGroup(target, dataKey, options, progress)
                : copy(target, dataKey, options, progress);
        Manifest manifest = manifest(target, id, started, copy).scheduledFor(fire);
        String manifestKey = BackupLayout.key(target.name(), id, Manifest.FILE_NAME);
        try {
            store.createSmall(manifestKey, manifest.toJson());
        } catch (BackupException failure) {
            // The manifest may be stored all the same (the store's answer was lost, or a retry found it there): it
            // goes first, and the data only once it is gone, so no listed backup ever lacks its object.
            if (deleteQuietly(List.of(manifestKey))) {
                deleteQuietly(List.of(dataKey));
            }
            throw failure;
        }
        return manifest;
    }

    private NodeCopy copyFromSentinelGroup(Target group, String dataKey, BackupOptions options, Progress progress) {
        SurveyedGroup surveyed = SurveyedGroup.of(group, survey.apply(group));
        if (!(surveyed.topology() instanceof SentinelTopology topology)) {
            throw new IllegalArgumentException(group + " is not a Sentinel group");
        }
        MemberChoice.Chosen chosen = MemberChoice.ofSentinelGroup(topology, surveyed, options);
        logger.info("the backup of {} is copied from {}", group, chosen.why());
        NodeCopy copy = copy(
                group.member(new Member(chosen.address(), Member.Kind.DATA, chosen.role(), topology.masterName())),
                dataKey,
                options,
                progress);
        return new NodeCopy(
                copy.source().because(chosen.why()), copy.rdb(), copy.stored(), copy.keys(), copy.keysCounted());
    }

    /**
     * Copies one server's RDB into the store under {@code dataKey}, holding that server's lock meanwhile. Nothing is
     * left in the store when it fails.
     */
    NodeCopy copy(Target node, String dataKey, BackupOptions options, Progress progress) {
        try (SaveControl server = open(node)) {
            SaveState before = Bgsave.call(node, "INFO", server::state);
            try (BackupLock.Held lock = locks.hold(node, before.runId())) {
                boolean local = SourceChoice.local(options.source(), node, server);
                return local
                        ? copyFile(node, server, dataKey, options, progress)
                        : copyByReplication(node, server, before, dataKey, options, progress);
            }
        }
    }

    private NodeCopy copyFile(
            Target node, SaveControl server, String dataKey, BackupOptions options, Progress progress) {
        long saveNanos = System.nanoTime();
        Bgsave.Saved saved = new Bgsave(options.timeout(), POLL_EVERY, FRESHNESS).run(server, node, progress);
        logger.info(
                "BGSAVE of {} done in {} s",
                node,
                Duration.ofNanos(System.nanoTime() - saveNanos).toMillis() / 1000.0);
        Path file = saved.file();
        // Opened once: should the next BGSAVE rename a new file over this name, this handle keeps the old inode.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            InputStream rdb = Channels.newInputStream(channel);
            RdbUpload.Result upload;
            try {
                upload = new RdbUpload(store, compression, encryptionKeys)
                        .upload(rdb, channel.size(), true, file.toString(), dataKey, options.countKeys(), progress);
            } catch (RdbUpload.SourceFailure unreadable) {
                throw new BackupException(
                        BackupFailure.RDB_UNREADABLE,
                        "cannot read " + file + ": " + unreadable.getMessage(),
                        unreadable.getCause());
            }
            return nodeCopy(node, saved.state(), null, file.toString(), upload, dataKey);
        } catch (NoSuchFileException missing) {
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE,
                    "Redis reported a finished save, but " + file
                            + " does not exist here: run the agent on the Redis host, or set backup.source: replication");
        } catch (AccessDeniedException denied) {
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE,
                    "the agent may not read " + file + ": run it as the redis user or give it read access to the file");
        } catch (IOException failure) {
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE, "cannot read " + file + ": " + failure.getMessage(), failure);
        }
    }

    private NodeCopy copyByReplication(
            Target node,
            SaveControl server,
            SaveState before,
            String dataKey,
            BackupOptions options,
            Progress progress) {
        long syncNanos = System.nanoTime();
        try (ReplicaSync sync = ReplicationFailures.call(node, () -> server.replicaSync(options.timeout()))) {
            ReplicaSync.Handshake handshake = sync.handshake();
            logger.info(
                    "{} began sending its RDB after {} s ({}, replication id {} offset {})",
                    node,
                    Duration.ofNanos(System.nanoTime() - syncNanos).toMillis() / 1000.0,
                    handshake.diskless() ? "diskless" : handshake.length().getAsLong() + " bytes from disk",
                    handshake.replicationId(),
                    handshake.offset());
            RdbUpload.Result upload;
            try {
                upload = new RdbUpload(store, compression, encryptionKeys)
                        .upload(
                                sync.rdb(),
                                handshake.length().orElse(Math.max(before.usedMemory(), 1)),
                                !handshake.diskless(),
                                "the RDB sent by " + node.address(),
                                dataKey,
                                options.countKeys(),
                                progress);
            } catch (RdbUpload.SourceFailure lost) {
                throw ReplicationFailures.lostDuringTransfer(node, lost);
            }
            SaveState after = Bgsave.call(node, "INFO", server::state);
            return nodeCopy(node, after, handshake, null, upload, dataKey);
        }
    }

    /** @param handshake the sync the RDB came by, or null for one read from {@code file} */
    private NodeCopy nodeCopy(
            Target node,
            SaveState state,
            ReplicaSync.Handshake handshake,
            String file,
            RdbUpload.Result upload,
            String dataKey) {
        Map<String, Long> keys = new LinkedHashMap<>();
        if (upload.keys().isPresent()) {
            keys.putAll(upload.keys().get());
        } else {
            for (Keyspace.Database db : state.keyspace().databases()) {
                keys.put(db.name(), db.keys());
            }
        }
        Manifest.Source source = new Manifest.Source(
                node.address(),
                state.version(),
                state.runId().isEmpty() ? null : state.runId(),
                state.role().infoName(),
                handshake != null
                        ? handshake.offset()
                        : state.replicationOffset().orElse(0),
                handshake == null ? Manifest.Source.LOCAL : Manifest.Source.REPLICATION,
                handshake == null ? null : handshake.replicationId(),
                null);
        return new NodeCopy(
                source,
                new Manifest.Rdb(
                        file,
                        upload.rdb().rdbVersion(),
                        upload.rdb().size(),
                        upload.rdb().sha256(),
                        upload.rdb().crc64()),
                new Manifest.Stored(
                        dataKey,
                        compression.label(),
                        upload.storedSize(),
                        upload.storedSha256(),
                        encryptionKeys.scheme().orElse(null)),
                keys,
                upload.keys().isPresent());
    }

    private Manifest manifest(Target target, String id, Instant started, NodeCopy copy) {
        return new Manifest(
                        Manifest.SCHEMA_VERSION,
                        id,
                        target.name(),
                        started.toString(),
                        clock.instant().toString(),
                        copy.source(),
                        copy.rdb(),
                        copy.stored(),
                        copy.keys(),
                        agentVersion)
                .withKeysCounted(copy.keysCounted());
    }

    private SaveControl open(Target target) {
        try {
            return redis.open(target);
        } catch (RedisCommandFailure failure) {
            throw Bgsave.redisFailure(target, "the connection", failure);
        }
    }

    /** Whether the keys are gone; when not, says so in the log. */
    private boolean deleteQuietly(List<String> keys) {
        try {
            store.delete(keys);
            return true;
        } catch (BackupException failure) {
            logger.warn(
                    "could not remove {} after a failed backup ({}); prune removes it later",
                    keys,
                    failure.getMessage());
            return false;
        }
    }
}
