package io.steward.collector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What a backup asks of the server it saves, and nothing more. Every method throws {@link RedisCommandFailure} when
 * the server refuses or cannot be reached.
 */
public interface SaveControl extends AutoCloseable {

    /** How the server took a {@code BGSAVE}. */
    enum BgsaveReply {
        /** A save began. */
        STARTED,
        /** A save was already running; it does as well as ours. */
        ALREADY_RUNNING,
        /** Another child (an AOF rewrite, a module's fork) runs: Redis starts the save when it ends. */
        SCHEDULED
    }

    /** Opens a session with one target. */
    @FunctionalInterface
    interface Opener {
        SaveControl open(Target target);
    }

    /** Where Redis writes its RDB ({@code CONFIG GET dir}, {@code dbfilename}); empty when it does not say. */
    Optional<Path> rdbFile();

    SaveState state();

    BgsaveReply bgsave();

    /**
     * Starts a full sync on a connection of its own, as a replica would, and waits up to {@code prepareTimeout} for
     * the RDB to begin. The server's {@code repl-timeout} (60 s when it may not be read) bounds any silence.
     */
    ReplicaSync replicaSync(Duration prepareTimeout);

    /** Whether a failed save makes Redis refuse writes (save points set and {@code stop-writes-on-bgsave-error yes}). */
    boolean refusesWritesAfterFailedSave();

    @Override
    void close();
}
