package io.steward.collector;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;

/**
 * {@link KeyLoader} for one server, on a connection of its own whose commands are written in batches (one flush per
 * window, not per command).
 */
final class StandaloneKeyLoader implements KeyLoader {

    /** About what a command costs on the wire beyond its key and payload. */
    private final StatefulRedisConnection<byte[], byte[]> connection;

    private final RedisAsyncCommands<byte[], byte[]> redis;
    private final ReplyWindow window;
    private final RedisInfo info;
    private int selected;
    private long restored;

    private StandaloneKeyLoader(StatefulRedisConnection<byte[], byte[]> connection, Target target, RedisInfo info) {
        this.connection = connection;
        this.redis = connection.async();
        this.info = info;
        this.selected = target.uri().getDatabase();
        this.window = new ReplyWindow(
                target.address(), connection::flushCommands, target.uri().getTimeout());
    }

    /** Takes over the connection: closes it when the server turns out to be a cluster node, or INFO fails. */
    static StandaloneKeyLoader open(StatefulRedisConnection<byte[], byte[]> connection, Target target) {
        try {
            RedisInfo info;
            try {
                info = InfoParser.parse(connection.sync().info());
            } catch (RedisException failure) {
                throw KeyLoadFailure.of(target.address(), "INFO", null, failure);
            }
            if (info.text("cluster_enabled", "0").equals("1")) {
                throw new KeyLoadFailure(
                        KeyLoadFailure.Kind.CLUSTER_NODE,
                        target.address(),
                        "INFO",
                        null,
                        target.address() + " is a Redis Cluster node (cluster_enabled:1)",
                        null);
            }
            connection.setAutoFlushCommands(false);
            // The window bounds every wait; a timer per command, Lettuce's way, would cost more than a RESTORE.
            connection.setTimeout(Duration.ZERO);
            return new StandaloneKeyLoader(connection, target, info);
        } catch (RuntimeException failure) {
            connection.close();
            throw failure;
        }
    }

    @Override
    public boolean isCluster() {
        return false;
    }

    @Override
    public String serverVersion() {
        return info.version();
    }

    @Override
    public Keyspace keyspace() {
        return Keyspace.from(info);
    }

    @Override
    public void checkDatabase(int db) {
        selected = -1;
        select(db);
    }

    @Override
    public void checkExists(int db, byte[] key, Runnable ifExists) {
        select(db);
        window.exists(redis, key, ifExists);
    }

    @Override
    public void restore(int db, byte[] key, long expireAtMillis, byte[] payload, boolean replace) {
        select(db);
        window.restore(redis, key, expireAtMillis, payload, replace, () -> restored++);
    }

    /**
     * Waits for the commands before it and for its own reply: were it refused (the server has fewer databases), the
     * commands after it would land in the database selected before. Databases change rarely, so this costs little.
     */
    private void select(int db) {
        if (db != selected) {
            window.sync();
            window.add(redis.select(db), ReplyWindow.OVERHEAD, "SELECT " + db, null, ok -> {});
            window.sync();
            selected = db;
        }
    }

    @Override
    public void sync() {
        window.sync();
    }

    @Override
    public long restored() {
        return restored;
    }

    @Override
    public void close() {
        connection.close();
    }
}
