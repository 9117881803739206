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
 * One backup per Redis at a time, across processes too. A server is known by its {@code run_id} and by its resolved
 * address, so {@code localhost:6379} and {@code 127.0.0.1:6379} are one server, and so are two names of a server
 * behind a proxy. A lock file for each is held for the whole backup.
 */
final class ServerLock {

    private final Path dir;

    ServerLock(Path dir) {
        this.dir = dir;
    }

    /** The locks of one server, released together. */
    static final class Held implements AutoCloseable {
        private final List<FileChannel> channels;

        private Held(List<FileChannel> channels) {
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

    /** @param runId the server's {@code run_id}, empty when it does not tell */
    Held hold(Target target, String runId) {
        List<String> names = new ArrayList<>();
        names.add("address-" + BackupLayout.targetDir(target.resolvedAddress()));
        if (!runId.isEmpty()) {
            names.add("run-" + BackupLayout.targetDir(runId));
        }
        List<FileChannel> held = new ArrayList<>();
        try {
            for (String name : names) {
                held.add(take(dir.resolve("redis-steward-backup-" + name + ".lock"), target));
            }
            return new Held(held);
        } catch (RuntimeException busy) {
            new Held(held).close();
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
