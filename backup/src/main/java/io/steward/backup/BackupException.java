package io.steward.backup;

/** A backup, verify, restore or prune that failed, with the reason and a sentence an operator can act on. */
public final class BackupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final BackupFailure reason;

    public BackupException(BackupFailure reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BackupException(BackupFailure reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public BackupFailure reason() {
        return reason;
    }
}
