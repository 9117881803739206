package io.steward.backup;

import io.steward.collector.Target;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The backup lock of agents on one host: a lock file for each name of the server in a directory they share (the temp
 * directory), held for the whole backup.
 */
public final class FileBackupLock implements BackupLock {

    private final Path dir;

    public FileBackupLock(Path dir) {
        this.dir = dir;
    }

    private static final class Files implements Held {
        private final List<FileChannel> channels;

        private Files(List<FileChannel> channels) {
            this.channels = channels;
        }

        @Override
        public void close() {
            for (FileChannel channel : channels) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the lock goes with the channel either way
                }
            }
        }
    }

    @Override
    public Held hold(Target target, String runId) {
        List<FileChannel> held = new ArrayList<>();
        try {
            for (String name : BackupLock.names(target, runId)) {
                held.add(take(dir.resolve("redis-steward-backup-" + name + ".lock"), target));
            }
            return new Files(held);
        } catch (RuntimeException busy) {
            new Files(held).close();
            throw busy;
        }
    }

    private static FileChannel take(Path file, Target target) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (channel.tryLock() != null) {
                    return channel;
                }
            } catch (OverlappingFileLockException heldHere) {
                // held by this process
            }
            channel.close();
        } catch (IOException unusable) {
            throw new BackupException(
                    BackupFailure.BUSY, "cannot take the backup lock " + file + ": " + unusable.getMessage(), unusable);
        }
        throw new BackupException(
                BackupFailure.BUSY,
                "a backup of " + target.address() + " is already running (lock " + file
                        + "); this one was not started");
    }
}
