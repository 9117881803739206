package io.steward.cli;

import io.steward.backup.BackupLock;
import io.steward.backup.DatabaseBackupLock;
import io.steward.backup.FileBackupLock;
import io.steward.backup.ScheduleDatabase;
import io.steward.backup.ScheduleStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The backup lock a command takes: in the shared schedule's database when there is one, so that a manual backup and
 * any agent's scheduled one cannot overlap; else lock files in the temp directory, for the agents of this host.
 */
record BackupLocks(BackupLock lock, Optional<ScheduleDatabase> database) implements AutoCloseable {

    static BackupLocks of(ScheduleStore store) {
        if (store instanceof ScheduleStore.Jdbc jdbc) {
            ScheduleDatabase database = ScheduleDatabase.open(jdbc, 1);
            return new BackupLocks(new DatabaseBackupLock(database), Optional.of(database));
        }
        return new BackupLocks(new FileBackupLock(Path.of(System.getProperty("java.io.tmpdir"))), Optional.empty());
    }

    @Override
    public void close() {
        database.ifPresent(ScheduleDatabase::close);
    }
}
