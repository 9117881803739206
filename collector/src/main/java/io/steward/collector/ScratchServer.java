package io.steward.collector;

/**
 * A redis-server the agent started itself to load a backup into and look at (a restore drill's scratch server), on
 * loopback and without credentials. It answers {@code INFO} while it loads its RDB ({@code loading:1}); once loaded,
 * its keyspace is what it kept of the backup. Every method throws {@link RedisCommandFailure} when the server does not
 * answer (it is not listening yet, or it exited).
 */
public interface ScratchServer extends AutoCloseable {

    /** Connects to the scratch server on {@code host:port}, waiting at most {@code timeout} for each reply. */
    @FunctionalInterface
    interface Opener {
        ScratchServer open(String host, int port, java.time.Duration timeout);
    }

    /**
     * What the server says of itself now.
     *
     * @param processId its {@code process_id}: a drill checks it is the process it started, not another that took
     *     the port
     * @param loading whether it is still loading its RDB
     */
    record State(String version, long processId, boolean loading, Keyspace keyspace) {}

    State state();

    @Override
    void close();
}
