package io.steward.collector;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link SaveControl} over a connection of its own, so a backup's waiting never delays a poll. */
final class RedisSaveControl implements SaveControl {

    /** What a replica uses when the server's own {@code repl-timeout} may not be read. */
    private static final Duration DEFAULT_REPL_TIMEOUT = Duration.ofSeconds(60);

    /** Opens a sync on a new connection to the same target. */
    @FunctionalInterface
    interface SyncOpener {
        ReplicaSync open(Duration idleTimeout, Duration prepareTimeout);
    }

    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final SyncOpener syncs;

    RedisSaveControl(StatefulRedisConnection<String, String> connection, SyncOpener syncs) {
        this.connection = connection;
        this.redis = connection.sync();
        this.syncs = syncs;
    }

    @Override
    public ReplicaSync replicaSync(Duration prepareTimeout) {
        Duration idle = DEFAULT_REPL_TIMEOUT;
        try {
            String seconds = redis.configGet("repl-timeout").get("repl-timeout");
            if (seconds != null && seconds.matches("\\d+") && Long.parseLong(seconds) > 0) {
                idle = Duration.ofSeconds(Long.parseLong(seconds));
            }
        } catch (RedisException notAllowed) {
            // a backup user needs no CONFIG: the default serves
        }
        return syncs.open(idle, prepareTimeout);
    }

    @Override
    public Optional<Path> rdbFile() {
        return new ServerConfig(call(() -> configGet("dir", "dbfilename"))).rdbFile();
    }

    @Override
    public SaveState state() {
        return SaveState.from(InfoParser.parse(call(redis::info)));
    }

    @Override
    public BgsaveReply bgsave() {
        try {
            redis.bgsave();
            return BgsaveReply.STARTED;
        } catch (RedisCommandExecutionException refused) {
            String message = String.valueOf(refused.getMessage());
            if (message.contains("already in progress")) {
                return BgsaveReply.ALREADY_RUNNING;
            }
            if (message.contains("Another child process is active")) {
                call(() -> redis.dispatch(
                        CommandType.BGSAVE, new StatusOutput<>(StringCodec.UTF8), Replies.args("SCHEDULE")));
                return BgsaveReply.SCHEDULED;
            }
            throw RedisCommandFailure.of(refused);
        } catch (RedisException failure) {
            throw RedisCommandFailure.of(failure);
        }
    }

    @Override
    public boolean refusesWritesAfterFailedSave() {
        ServerConfig config = new ServerConfig(call(() -> configGet("save", "stop-writes-on-bgsave-error")));
        return !config.savePoints().isEmpty() && config.isYes("stop-writes-on-bgsave-error");
    }

    /** One parameter per call: Redis before 7.0 takes no more. */
    private Map<String, String> configGet(String... parameters) {
        Map<String, String> values = new HashMap<>();
        for (String parameter : parameters) {
            values.putAll(redis.configGet(parameter));
        }
        return values;
    }

    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException failure) {
            throw RedisCommandFailure.of(failure);
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
