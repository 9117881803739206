package io.steward.backup;

/** Why a restore drill failed: the {@code reason} label of {@code steward_backup_drill_failures_total}. */
public enum DrillFailure {
    /** The target has no complete backup in the store (or there is no backup of the id asked for). */
    NO_BACKUP("no-backup"),
    /** The store could not be read: unreachable, refused the credentials, no such bucket, an error reply. */
    STORE("store"),
    /**
     * The backup does not match its manifest (SHA-256, size, CRC-64), its object is truncated or tampered with, or
     * its RDB cannot be read key by key.
     */
    CORRUPT("corrupt"),
    /** The scratch redis-server would not start, or refused the RDB (a version newer than it reads, say). */
    LOAD("load"),
    /** The keys per database of the RDB, the manifest and the loaded server do not agree. */
    KEYS_DIFFER("keys-differ"),
    /** The backup is encrypted under a key the agent is not configured with. */
    KEY_MISSING("key-missing");

    private final String label;

    DrillFailure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** What a backup failure met while drilling counts as: the store's own failures, else a damaged backup. */
    static DrillFailure of(BackupException failure) {
        return switch (failure.reason()) {
            case STORE_UNREACHABLE, STORE_AUTH, STORE_BUCKET, STORE_ERROR -> STORE;
            case KEY_MISSING -> KEY_MISSING;
            default -> CORRUPT;
        };
    }
}
