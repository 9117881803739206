package io.steward.backup;

import io.steward.collector.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * One backup per Redis at a time, across processes and agents. A server is known by its {@code run_id} and by its
 * resolved address, so {@code localhost:6379} and {@code 127.0.0.1:6379} are one server, and so are two names of a
 * server behind a proxy; a lock is held under each name for the whole backup.
 */
public interface BackupLock {

    /** The locks of one server, released together. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the server's locks, or fails with {@link BackupFailure#BUSY} naming what holds them.
     *
     * @param runId the server's {@code run_id}, empty when it does not tell
     */
    Held hold(Target target, String runId);

    /** The names a server is locked under. */
    static List<String> names(Target target, String runId) {
        List<String> names = new ArrayList<>();
        names.add("address-" + BackupLayout.targetDir(target.resolvedAddress()));
        if (!runId.isEmpty()) {
            names.add("run-" + BackupLayout.targetDir(runId));
        }
        return names;
    }
}
