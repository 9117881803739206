package io.steward.backup;

import io.steward.collector.MissingPermission;
import io.steward.collector.RedisCommandFailure;
import io.steward.collector.SaveControl;
import io.steward.collector.SaveState;
import io.steward.collector.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Has Redis write a fresh RDB file with {@code BGSAVE}, and knows when it is done. Never {@code SAVE}: the server
 * keeps serving while a forked child writes.
 *
 * <ul>
 *   <li>A save already running (from a save point, a replica's sync, another tool) is waited for and used when it
 *       began at most {@code freshness} before; an older one is waited out and a new BGSAVE follows.
 *   <li>While an AOF rewrite runs, {@code BGSAVE SCHEDULE} has Redis start the save as soon as it is done.
 *   <li>Done means {@code rdb_bgsave_in_progress:0} with the save counter advanced ({@code rdb_saves}, Redis 7+;
 *       {@code rdb_last_save_time} before), then {@code rdb_last_bgsave_status:ok} is required.
 *   <li>{@code INFO persistence} is polled every {@code pollEvery}, so a save is seen done within that.
 *   <li>Before anything is sent, the RDB's directory must be visible here and hold room for another copy of the
 *       last RDB: a BGSAVE doomed by a full disk would only put the server in MISCONF.
 * </ul>
 */
final class Bgsave {

    /** The save's result: the file Redis wrote, and the server's state when it was done. */
    record Saved(Path file, SaveState state) {}

    private final Duration timeout;
    private final Duration pollEvery;
    private final Duration freshness;

    Bgsave(Duration timeout, Duration pollEvery, Duration freshness) {
        this.timeout = timeout;
        this.pollEvery = pollEvery;
        this.freshness = freshness;
    }

    Saved run(SaveControl redis, Target target, Progress progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path file = rdbFile(redis, target);
        SaveState before = call(target, "INFO", redis::state);
        checkRoomFor(file, target);

        if (before.saving()) {
            boolean fresh = before.currentSaveSeconds().orElse(0) <= freshness.toSeconds();
            SaveState after = awaitIdle(redis, target, deadline, before, progress);
            if (fresh && after.lastSaveOk() && after.lastSaveTime() > before.lastSaveTime()) {
                return new Saved(file, after);
            }
            before = after;
        }
        boolean countsSaves = before.saves().isPresent();
        if (!countsSaves) {
            // rdb_last_save_time has a resolution of one second: let it tick before our save can finish.
            sleep(Duration.ofSeconds(1));
        }
        // A save that someone else started since the state was read does as well as ours: it began after the
        // backup was asked for, and it is counted the same. During an AOF rewrite Redis schedules ours.
        call(target, "BGSAVE", redis::bgsave);
        SaveState after = awaitDone(redis, target, deadline, before, !countsSaves, progress);
        if (!after.lastSaveOk()) {
            throw new BackupException(
                    BackupFailure.BGSAVE_FAILED,
                    "BGSAVE on " + target + " failed"
                            + " (rdb_last_bgsave_status:err): Redis could not write " + file
                            + "; its log says why, usually"
                            + " an unwritable directory or a full disk. Nothing was stored" + misconfWarning(redis));
        }
        return new Saved(file, after);
    }

    /**
     * Waits until no save runs and ours is counted.
     *
     * @param byTime judge by {@code rdb_last_save_time} (servers before 7.0, without {@code rdb_saves}) rather than
     *     by the save counter; a failed save does not move that time, so a save seen running and then gone counts
     */
    private SaveState awaitDone(
            SaveControl redis, Target target, long deadline, SaveState before, boolean byTime, Progress progress) {
        long savesBefore = before.saves().orElse(0);
        boolean sawSaving = false;
        while (true) {
            SaveState now = call(target, "INFO", redis::state);
            checkSameServer(before, now, target);
            if (now.saving()) {
                sawSaving = true;
                report(now, progress);
            } else {
                boolean counted = byTime
                        ? now.lastSaveTime() > before.lastSaveTime() || (sawSaving && !now.lastSaveOk())
                        : now.saves().orElse(0) > savesBefore;
                if (counted) {
                    return now;
                }
            }
            waitOrTimeOut(deadline, target, now);
        }
    }

    private SaveState awaitIdle(SaveControl redis, Target target, long deadline, SaveState before, Progress progress) {
        SaveState now = before;
        while (now.saving()) {
            report(now, progress);
            waitOrTimeOut(deadline, target, now);
            now = call(target, "INFO", redis::state);
            checkSameServer(before, now, target);
        }
        return now;
    }

    private void waitOrTimeOut(long deadline, Target target, SaveState now) {
        if (System.nanoTime() > deadline) {
            throw new BackupException(
                    BackupFailure.BGSAVE_TIMEOUT,
                    "BGSAVE on " + target + " did not finish within "
                            + timeout.toSeconds() + " s (it has been saving for "
                            + (now.currentSaveSeconds().isPresent()
                                    ? String.valueOf(now.currentSaveSeconds().getAsLong())
                                    : "?")
                            + " s); it goes on in Redis, nothing was stored. Raise the backup timeout if the data set is this"
                            + " large");
        }
        sleep(pollEvery);
    }

    private static void report(SaveState state, Progress progress) {
        progress.update(Progress.Phase.SAVING, state.keysProcessed(), state.keysTotal());
    }

    /**
     * A direct connection breaks when Redis restarts; through a proxy that keeps client connections open, the new
     * run_id is the only sign.
     */
    private static void checkSameServer(SaveState before, SaveState now, Target target) {
        if (!before.runId().isEmpty()
                && !now.runId().isEmpty()
                && !before.runId().equals(now.runId())) {
            throw new BackupException(
                    BackupFailure.REDIS_CONNECT,
                    target + " restarted during the backup (its run_id"
                            + " changed); the save may be lost, nothing was stored");
        }
    }

    /** Where Redis writes its RDB, which must be visible to the agent. */
    private static Path rdbFile(SaveControl redis, Target target) {
        Path file = call(target, "CONFIG GET dir", redis::rdbFile)
                .orElseThrow(() -> new BackupException(
                        BackupFailure.REDIS_REFUSED,
                        target + " does not tell where it saves its RDB"
                                + " (CONFIG GET dir, dbfilename answered nothing)"));
        Path directory = file.getParent();
        if (directory == null || !directory.isAbsolute()) {
            // Redis reports an empty dir when its directory was removed under it: a BGSAVE would fail into MISCONF.
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE,
                    target + " names no directory for its RDB (CONFIG GET dir is '"
                            + (directory == null ? "" : directory) + "'; was it removed?). Nothing was sent to Redis");
        }
        if (!Files.isDirectory(directory) || !Files.isReadable(directory)) {
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE,
                    target + " saves its RDB in " + directory + ", which the"
                            + " agent cannot read here: run the agent on the Redis host, as a user that can read that"
                            + " directory, or take the copy over the network (--source replication, or"
                            + " backup.source: replication). Nothing was sent to Redis");
        }
        return file;
    }

    private static void checkRoomFor(Path file, Target target) {
        try {
            if (!Files.exists(file)) {
                return;
            }
            long last = Files.size(file);
            long free = Files.getFileStore(file.getParent()).getUsableSpace();
            if (free < last) {
                throw new BackupException(
                        BackupFailure.DISK_SPACE,
                        file.getParent() + " has " + free + " bytes free,"
                                + " less than the last RDB of " + target + " (" + last
                                + " bytes): BGSAVE would fail and make"
                                + " Redis refuse writes, so it was not sent. Free some space there");
            }
        } catch (IOException unknown) {
            // cannot tell the free space: let Redis try
        }
    }

    private static String misconfWarning(SaveControl redis) {
        try {
            if (redis.refusesWritesAfterFailedSave()) {
                return ". Redis refuses writes (MISCONF) until a save succeeds: fix the cause, then run BGSAVE";
            }
        } catch (RedisCommandFailure ignored) {
            // the warning is a courtesy
        }
        return "";
    }

    static <T> T call(Target target, String doing, java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisCommandFailure failure) {
            throw redisFailure(target, doing, failure);
        }
    }

    static BackupException redisFailure(Target target, String doing, RedisCommandFailure failure) {
        String detail = failure.getMessage();
        return switch (failure.reason()) {
            case REFUSED ->
                new BackupException(
                        BackupFailure.REDIS_REFUSED,
                        target + " refused " + doing + " ("
                                + MissingPermission.explain(target, detail)
                                + "): the agent's user needs +info, and +config|get +bgsave to back up from the"
                                + " file (backup.source: local) or +psync +replconf to copy over replication");
            case AUTH ->
                new BackupException(
                        BackupFailure.REDIS_CONNECT,
                        "authentication to " + target.address() + " failed: " + detail
                                + " (check the username and the password file or variable)");
            case CONNECT, TIMEOUT, TLS, PROTOCOL ->
                new BackupException(
                        BackupFailure.REDIS_CONNECT,
                        "lost "
                                + target.address() + " during the backup ("
                                + failure.reason().label() + ": " + detail
                                + "); nothing was stored");
            // An error reply is the server's answer; anything else is the connection going away.
            case ERROR ->
                failure.errorReply()
                        ? new BackupException(BackupFailure.BGSAVE_FAILED, target + " refused " + doing + ": " + detail)
                        : new BackupException(
                                BackupFailure.REDIS_CONNECT,
                                "lost " + target.address() + " during the backup (" + detail + "); nothing was stored");
        };
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new BackupException(BackupFailure.BGSAVE_TIMEOUT, "interrupted while waiting for BGSAVE");
        }
    }
}
