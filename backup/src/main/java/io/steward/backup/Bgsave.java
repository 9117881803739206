package io.steward.backup;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.steward.collector.InfoParser;
import io.steward.collector.PollFailure;
import io.steward.collector.RedisInfo;
import io.steward.collector.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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

    /** The save's result: the file Redis wrote, and INFO when it was done. */
    record Saved(Path file, RedisInfo info) {}

    private final Duration timeout;
    private final Duration pollEvery;
    private final Duration freshness;

    Bgsave(Duration timeout, Duration pollEvery, Duration freshness) {
        this.timeout = timeout;
        this.pollEvery = pollEvery;
        this.freshness = freshness;
    }

    Saved run(RedisCommands<String, String> redis, Target target, Progress progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path file = rdbFile(redis, target);
        RedisInfo before = info(redis, target);
        checkRoomFor(file, target);

        if (saving(before)) {
            boolean fresh = before.number("rdb_current_bgsave_time_sec").orElse(0) <= freshness.toSeconds();
            RedisInfo after = awaitIdle(redis, target, deadline, before, progress);
            if (fresh && ok(after) && lastSave(after) > lastSave(before)) {
                return new Saved(file, after);
            }
            before = after;
        }
        boolean countsSaves = before.get("rdb_saves").isPresent();
        if (!countsSaves) {
            // rdb_last_save_time has a resolution of one second: let it tick before our save can finish.
            sleep(Duration.ofSeconds(1));
        }
        send(redis, target);
        RedisInfo after = awaitDone(redis, target, deadline, before, !countsSaves, progress);
        if (!ok(after)) {
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
     * Sends BGSAVE. A save that someone else started since {@code INFO} was read does as well as ours: it began
     * after the backup was asked for, and it is counted the same.
     */
    private static void send(RedisCommands<String, String> redis, Target target) {
        try {
            redis.bgsave();
        } catch (RedisCommandExecutionException refused) {
            String message = String.valueOf(refused.getMessage());
            if (message.contains("already in progress")) {
                return;
            }
            if (message.contains("Another child process is active")) {
                // An AOF rewrite or a module's fork runs; Redis starts our save when it is over.
                call(
                        target,
                        () -> redis.dispatch(
                                CommandType.BGSAVE,
                                new StatusOutput<>(StringCodec.UTF8),
                                new CommandArgs<>(StringCodec.UTF8).add("SCHEDULE")));
                return;
            }
            throw redisFailure(target, "BGSAVE", refused);
        } catch (RedisException failure) {
            throw redisFailure(target, "BGSAVE", failure);
        }
    }

    /**
     * Waits until no save runs and ours is counted.
     *
     * @param byTime judge by {@code rdb_last_save_time} (servers before 7.0, without {@code rdb_saves}) rather than
     *     by the save counter; a failed save does not move that time, so a save seen running and then gone counts
     */
    private RedisInfo awaitDone(
            RedisCommands<String, String> redis,
            Target target,
            long deadline,
            RedisInfo before,
            boolean byTime,
            Progress progress) {
        long savesBefore = (long) before.number("rdb_saves").orElse(0);
        boolean sawSaving = false;
        while (true) {
            RedisInfo now = info(redis, target);
            checkSameServer(before, now, target);
            if (saving(now)) {
                sawSaving = true;
                report(now, progress);
            } else {
                boolean counted = byTime
                        ? lastSave(now) > lastSave(before) || (sawSaving && !ok(now))
                        : (long) now.number("rdb_saves").orElse(0) > savesBefore;
                if (counted) {
                    return now;
                }
            }
            waitOrTimeOut(deadline, target, now);
        }
    }

    private RedisInfo awaitIdle(
            RedisCommands<String, String> redis, Target target, long deadline, RedisInfo before, Progress progress) {
        RedisInfo now = before;
        while (saving(now)) {
            report(now, progress);
            waitOrTimeOut(deadline, target, now);
            now = info(redis, target);
            checkSameServer(before, now, target);
        }
        return now;
    }

    private void waitOrTimeOut(long deadline, Target target, RedisInfo now) {
        if (System.nanoTime() > deadline) {
            throw new BackupException(
                    BackupFailure.BGSAVE_TIMEOUT,
                    "BGSAVE on " + target + " did not finish within "
                            + timeout.toSeconds() + " s (it has been saving for "
                            + now.text("rdb_current_bgsave_time_sec", "?")
                            + " s); it goes on in Redis, nothing was stored. Raise the backup timeout if the data set is this"
                            + " large");
        }
        sleep(pollEvery);
    }

    private static void report(RedisInfo info, Progress progress) {
        progress.update(
                Progress.Phase.SAVING,
                (long) info.number("current_save_keys_processed").orElse(0),
                (long) info.number("current_save_keys_total").orElse(0));
    }

    /**
     * A direct connection breaks when Redis restarts; through a proxy that keeps client connections open, the new
     * run_id is the only sign.
     */
    private static void checkSameServer(RedisInfo before, RedisInfo now, Target target) {
        String was = before.text("run_id", "");
        if (!was.equals(now.text("run_id", was))) {
            throw new BackupException(
                    BackupFailure.REDIS_CONNECT,
                    target + " restarted during the backup (its run_id"
                            + " changed); the save may be lost, nothing was stored");
        }
    }

    private static boolean saving(RedisInfo info) {
        return info.text("rdb_bgsave_in_progress", "0").equals("1");
    }

    private static boolean ok(RedisInfo info) {
        return info.text("rdb_last_bgsave_status", "ok").equals("ok");
    }

    private static long lastSave(RedisInfo info) {
        return (long) info.number("rdb_last_save_time").orElse(0);
    }

    /** Where Redis writes its RDB ({@code CONFIG GET dir dbfilename}), which must be visible to the agent. */
    private static Path rdbFile(RedisCommands<String, String> redis, Target target) {
        Map<String, String> config = call(target, () -> {
            Map<String, String> values = new java.util.HashMap<>(redis.configGet("dir"));
            values.putAll(redis.configGet("dbfilename"));
            return values;
        });
        String dir = config.get("dir");
        String name = config.get("dbfilename");
        if (dir == null || name == null) {
            throw new BackupException(
                    BackupFailure.REDIS_REFUSED,
                    target + " does not tell where it saves its RDB"
                            + " (CONFIG GET dir, dbfilename answered nothing)");
        }
        Path directory = Path.of(dir);
        if (!Files.isDirectory(directory) || !Files.isReadable(directory)) {
            throw new BackupException(
                    BackupFailure.RDB_UNREADABLE,
                    target + " saves its RDB in " + dir + ", which the"
                            + " agent cannot read here: run the agent on the Redis host, as a user that can read that"
                            + " directory. Nothing was sent to Redis");
        }
        return directory.resolve(name);
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

    private static String misconfWarning(RedisCommands<String, String> redis) {
        try {
            Map<String, String> config = new java.util.HashMap<>(redis.configGet("save"));
            config.putAll(redis.configGet("stop-writes-on-bgsave-error"));
            boolean savePoints = !config.getOrDefault("save", "").isBlank();
            if (savePoints && "yes".equals(config.get("stop-writes-on-bgsave-error"))) {
                return ". Redis refuses writes (MISCONF) until a save succeeds: fix the cause, then run BGSAVE";
            }
        } catch (RedisException ignored) {
            // the warning is a courtesy
        }
        return "";
    }

    private static RedisInfo info(RedisCommands<String, String> redis, Target target) {
        return InfoParser.parse(call(target, redis::info));
    }

    private static <T> T call(Target target, java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException failure) {
            throw redisFailure(target, "a command", failure);
        }
    }

    static BackupException redisFailure(Target target, String doing, RedisException failure) {
        PollFailure reason = PollFailure.classify(failure);
        String detail = S3Errors.rootMessage(failure);
        return switch (reason) {
            case REFUSED ->
                new BackupException(
                        BackupFailure.REDIS_REFUSED,
                        target + " refused " + doing + " (" + detail
                                + "): the agent's user needs +bgsave +info +config|get");
            case AUTH ->
                new BackupException(
                        BackupFailure.REDIS_CONNECT,
                        "authentication to " + target.address() + " failed: " + detail
                                + " (check the username and the password file or variable)");
            case CONNECT, TIMEOUT, TLS, PROTOCOL ->
                new BackupException(
                        BackupFailure.REDIS_CONNECT,
                        "lost "
                                + target.address() + " during the backup (" + reason.label() + ": " + detail
                                + "); nothing was stored");
            // An error reply is the server's answer; anything else is the connection going away.
            case ERROR ->
                failure instanceof RedisCommandExecutionException
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
