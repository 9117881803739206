package io.steward.collector;

/**
 * Loads keys into a running Redis with {@code RESTORE}: one server (a {@code SELECT} per database), or a Redis
 * Cluster (each key sent to the node that serves its slot; database 0 only). Commands are pipelined: each call
 * queues one and returns, waiting only while too many replies are outstanding, so memory stays bounded whatever the
 * number of keys. A refused command surfaces as a {@link KeyLoadFailure} from a later call or from {@link #sync()},
 * once every command sent before it has answered. One thread uses a loader at a time.
 */
public interface KeyLoader extends AutoCloseable {

    /** Opens a loader for a target: a cluster for a {@link Group.Cluster} target (found from its seeds), else one server. */
    @FunctionalInterface
    interface Opener {
        KeyLoader open(Target target);
    }

    /** Whether this loads into a Redis Cluster, which has database 0 only. */
    boolean isCluster();

    /** {@code redis_version} of the server (a cluster's seed). */
    String serverVersion();

    /** The keys the target held when this loader opened; a cluster's are its primaries' together, in database 0. */
    Keyspace keyspace();

    /** Queues a check that the server has database {@code db} (a {@code SELECT}); a refusal says it has fewer. */
    void checkDatabase(int db);

    /**
     * Queues {@code EXISTS key} in database {@code db}; {@code ifExists} runs, on the calling thread during this or a
     * later call, when it does.
     */
    void checkExists(int db, byte[] key, Runnable ifExists);

    /**
     * Queues {@code RESTORE key expireAt payload ABSTTL [REPLACE]}.
     *
     * @param expireAtMillis the Unix time in milliseconds at which the key expires, 0 for never
     * @param payload the value in {@code DUMP} format: type, RDB encoding, RDB version, CRC-64
     */
    void restore(int db, byte[] key, long expireAtMillis, byte[] payload, boolean replace);

    /** Waits until every command queued has answered. */
    void sync();

    /** How many {@code RESTORE}s the server has confirmed so far. */
    long restored();

    @Override
    void close();
}
