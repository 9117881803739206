package io.steward.collector;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import java.util.List;

/**
 * {@link KeyLoader} for a Redis Cluster: Lettuce's cluster client sends each key to the primary that serves its slot
 * (following a {@code MOVED} as the cluster answers it). Commands are flushed one by one: the client opens node
 * connections as keys first need them, and a batch held back on a connection still opening would wait for a flush
 * that never comes.
 */
final class ClusterKeyLoader implements KeyLoader {

    private final RedisClusterClient client;
    private final StatefulRedisClusterConnection<byte[], byte[]> connection;
    private final RedisAdvancedClusterAsyncCommands<byte[], byte[]> redis;
    private final ReplyWindow window;
    private final String version;
    private final Keyspace keyspace;
    private long restored;

    private ClusterKeyLoader(
            RedisClusterClient client,
            StatefulRedisClusterConnection<byte[], byte[]> connection,
            Target target,
            String version,
            long keys) {
        this.client = client;
        this.connection = connection;
        this.redis = connection.async();
        this.version = version;
        this.keyspace = new Keyspace(keys == 0 ? List.of() : List.of(new Keyspace.Database(0, keys, 0, 0)));
        // Lettuce does not say which node refused: the message names the cluster by its seed.
        this.window = new ReplyWindow(
                "the cluster of " + target.address(), () -> {}, target.uri().getTimeout());
    }

    /**
     * Checks on the seed that it is a cluster node of a cluster that serves all its slots, then connects to the
     * cluster.
     *
     * @param seed a connection to the first seed, closed here
     * @param client the cluster client, shut down here when opening fails
     */
    static ClusterKeyLoader open(
            StatefulRedisConnection<byte[], byte[]> seed, RedisClusterClient client, Target target) {
        String address = target.address();
        try {
            String version;
            try (seed) {
                RedisInfo info = InfoParser.parse(seed.sync().info());
                if (!info.text("cluster_enabled", "0").equals("1")) {
                    throw new KeyLoadFailure(
                            KeyLoadFailure.Kind.NOT_A_CLUSTER,
                            address,
                            "INFO",
                            null,
                            address + " is not in cluster mode (cluster_enabled:0)",
                            null);
                }
                RedisInfo clusterInfo = InfoParser.parse(seed.sync().clusterInfo());
                String state = clusterInfo.text("cluster_state", "unknown");
                if (!state.equals("ok")) {
                    throw new KeyLoadFailure(
                            KeyLoadFailure.Kind.CLUSTER_DOWN,
                            address,
                            "CLUSTER INFO",
                            null,
                            "the cluster of " + address + " says cluster_state:" + state,
                            null);
                }
                version = info.version();
            } catch (RedisException failure) {
                throw KeyLoadFailure.of(address, "INFO", null, failure);
            }
            StatefulRedisClusterConnection<byte[], byte[]> connection;
            try {
                connection = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE);
            } catch (RedisException failure) {
                throw KeyLoadFailure.of(address, "CLUSTER NODES", null, failure);
            }
            try {
                // DBSIZE of every primary, added up.
                long keys = connection.sync().dbsize();
                return new ClusterKeyLoader(client, connection, target, version, keys);
            } catch (RedisException failure) {
                connection.close();
                throw KeyLoadFailure.of(address, "DBSIZE", null, failure);
            }
        } catch (RuntimeException failure) {
            client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
            throw failure;
        }
    }

    @Override
    public boolean isCluster() {
        return true;
    }

    @Override
    public String serverVersion() {
        return version;
    }

    @Override
    public Keyspace keyspace() {
        return keyspace;
    }

    @Override
    public void checkDatabase(int db) {
        requireDatabaseZero(db);
    }

    @Override
    public void checkExists(int db, byte[] key, Runnable ifExists) {
        requireDatabaseZero(db);
        window.exists(redis, key, ifExists);
    }

    @Override
    public void restore(int db, byte[] key, long expireAtMillis, byte[] payload, boolean replace) {
        requireDatabaseZero(db);
        window.restore(redis, key, expireAtMillis, payload, replace, () -> restored++);
    }

    private static void requireDatabaseZero(int db) {
        if (db != 0) {
            throw new IllegalArgumentException("a cluster has database 0 only, not " + db);
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
        client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
    }
}
