package io.steward.backup;

/**
 * Why a backup, verify or restore failed: the {@code reason} label of {@code steward_backup_failures_total} and
 * whether the command could not run at all (exit 3) rather than finding something wrong (exit 1).
 */
public enum BackupFailure {
    /** Redis could not be reached, refused the credentials or did not answer in time. */
    REDIS_CONNECT("redis_connect", true),
    /** Redis refused a command the backup needs (ACL, managed service). */
    REDIS_REFUSED("redis_refused", true),
    /** BGSAVE ended with {@code rdb_last_bgsave_status:err} or could not start. */
    BGSAVE_FAILED("bgsave_failed", false),
    /** BGSAVE did not finish in time. */
    BGSAVE_TIMEOUT("bgsave_timeout", false),
    /** A copy over the replication protocol was refused mid-way or broke while the RDB arrived. */
    SYNC_FAILED("sync_failed", false),
    /** Not enough free space beside the RDB for the next save; BGSAVE was not sent. */
    DISK_SPACE("disk_space", false),
    /** The RDB file is not where Redis says, or not readable by the agent. */
    RDB_UNREADABLE("rdb_unreadable", true),
    /** The RDB's header, CRC-64 or end marker is wrong, or the file is truncated. */
    RDB_CORRUPT("rdb_corrupt", false),
    /** The storage endpoint could not be reached (after retries). */
    STORE_UNREACHABLE("store_unreachable", true),
    /** The storage refused the credentials or the access. */
    STORE_AUTH("store_auth", true),
    /** The bucket does not exist. */
    STORE_BUCKET("store_bucket", true),
    /** The storage failed in another way (an error reply, a broken connection mid-upload, a full disk). */
    STORE_ERROR("store_error", false),
    /** A stored backup does not match its manifest. */
    MISMATCH("mismatch", false),
    /** A Cluster's slots were being moved, so its backup set was not taken. */
    SLOTS_MIGRATING("slots_migrating", false),
    /** A failover in a Cluster changed a shard's primary while its backup set was taken. */
    FAILOVER("failover", false),
    /** Another backup of the same target is running. */
    BUSY("busy", false),
    /** The database that holds the backup locks of agents sharing a schedule could not be reached. */
    LOCK_UNAVAILABLE("lock_unavailable", true),
    /**
     * The restore directory cannot be written, or the file exists and --force was not given; or the server to load
     * into refuses the backup before anything changed (keys exist without --replace, databases a cluster lacks, a
     * server of the other mode).
     */
    RESTORE_TARGET("restore_target", false),
    /** Loading into a running server stopped: the server refused a key, or the RDB cannot be read key by key. */
    LOAD_FAILED("load_failed", false),
    /**
     * The backup is encrypted under a key the configuration does not hold (none at all, or none of its id): a
     * configuration mistake (exit 2), found before anything is read or written.
     */
    KEY_MISSING("key_missing", false);

    private final String label;
    private final boolean couldNotRun;

    BackupFailure(String label, boolean couldNotRun) {
        this.label = label;
        this.couldNotRun = couldNotRun;
    }

    public String label() {
        return label;
    }

    /** True when the configuration lacks what the command needs (exit 2): the key of an encrypted backup. */
    public boolean isConfiguration() {
        return this == KEY_MISSING;
    }

    /** True when the command could not run (exit 3) rather than failed at what it did (exit 1). */
    public boolean couldNotRun() {
        return couldNotRun;
    }
}
