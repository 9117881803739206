package io.steward.backup;

import java.time.Duration;

/**
 * How one target is backed up.
 *
 * @param timeout how long Redis may take to produce the RDB (a BGSAVE, or the save behind a replication sync)
 * @param source where the RDB is read from
 * @param prefer which member of a Sentinel group or Cluster shard gives the copy
 * @param maxLag a replica is used only when its primary heard from it at most this long ago
 * @param parallel how many shards of a Cluster are copied at once
 * @param allowMigrating take a Cluster's backup set even while slots are migrating
 * @param countKeys count the RDB's keys per database as it streams (a restore drill compares them), rather than
 *     record {@code INFO keyspace}'s after the save
 */
public record BackupOptions(
        Duration timeout,
        Source source,
        Prefer prefer,
        Duration maxLag,
        int parallel,
        boolean allowMigrating,
        boolean countKeys) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(10);
    public static final int DEFAULT_PARALLEL = 4;

    /** Where the RDB comes from. */
    public enum Source {
        /** The local file when Redis's directory is readable on this host, replication otherwise. */
        AUTO,
        /** A replica's full sync over the network: the agent may run anywhere. */
        REPLICATION,
        /** BGSAVE, then the file Redis wrote, read from its directory on this host. */
        LOCAL
    }

    /** Which member of a group gives the copy. */
    public enum Prefer {
        /** A replica whose link is up and whose lag is under the limit, else the primary. */
        REPLICA,
        PRIMARY
    }

    public BackupOptions {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1");
        }
    }

    public BackupOptions(
            Duration timeout, Source source, Prefer prefer, Duration maxLag, int parallel, boolean allowMigrating) {
        this(timeout, source, prefer, maxLag, parallel, allowMigrating, false);
    }

    public static BackupOptions defaults() {
        return new BackupOptions(
                DEFAULT_TIMEOUT, Source.AUTO, Prefer.REPLICA, DEFAULT_MAX_LAG, DEFAULT_PARALLEL, false);
    }

    public BackupOptions withTimeout(Duration newTimeout) {
        return new BackupOptions(newTimeout, source, prefer, maxLag, parallel, allowMigrating, countKeys);
    }

    public BackupOptions withSource(Source newSource) {
        return new BackupOptions(timeout, newSource, prefer, maxLag, parallel, allowMigrating, countKeys);
    }

    public BackupOptions allowingMigrating(boolean allow) {
        return new BackupOptions(timeout, source, prefer, maxLag, parallel, allow, countKeys);
    }

    public BackupOptions countingKeys(boolean count) {
        return new BackupOptions(timeout, source, prefer, maxLag, parallel, allowMigrating, count);
    }
}
