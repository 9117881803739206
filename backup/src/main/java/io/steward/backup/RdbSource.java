package io.steward.backup;

/** One RDB of a backup (a server's, or one shard's of a cluster backup), opened as a checked stream when asked. */
@FunctionalInterface
public interface RdbSource {

    /** Opens the RDB from the start; the caller closes it. */
    RdbStream open(Progress progress);
}
