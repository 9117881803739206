package io.steward.collector;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;

/** {@link ScratchServer} over one connection: {@code INFO}, nothing else. */
final class RedisScratchServer implements ScratchServer {

    private final StatefulRedisConnection<String, String> connection;

    RedisScratchServer(StatefulRedisConnection<String, String> connection) {
        this.connection = connection;
    }

    @Override
    public State state() {
        RedisInfo info;
        try {
            info = InfoParser.parse(connection.sync().info());
        } catch (RedisException failure) {
            throw RedisCommandFailure.of(failure);
        }
        return new State(
                info.version(),
                Numbers.wholeNumber(info.get("process_id").orElse(null)).orElse(-1),
                info.text("loading", "0").equals("1"),
                Keyspace.from(info));
    }

    @Override
    public void close() {
        connection.close();
    }
}
