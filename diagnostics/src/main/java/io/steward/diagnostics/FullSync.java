package io.steward.diagnostics;

import static io.steward.diagnostics.Units.MIB;
import static io.steward.diagnostics.Units.duration;

/**
 * What a full resync of a replica costs the primary, estimated: it forks and saves its data as a snapshot (as long
 * as its last save took, or at an assumed speed), sends it, and the replica loads it (about as long as the save).
 * The snapshot holds the dataset, usually compressed: a full resync moves at most about the dataset.
 *
 * @param bytes the dataset ({@code used_memory_dataset}, without buffers and the backlog itself)
 * @param saveSeconds how long the save takes
 * @param saveMeasured whether that is the last save's time ({@code rdb_last_bgsave_time_sec}) or an estimate
 */
record FullSync(double bytes, double saveSeconds, boolean saveMeasured) {

    /** Save speed assumed when the server has not timed a save yet. */
    static final double SAVE_BYTES_PER_SECOND = 200 * MIB;
    /** Transfer speed assumed for the snapshot: 1 Gbit/s. */
    static final double NETWORK_BYTES_PER_SECOND = 125_000_000;

    static FullSync of(Observation o) {
        double dataset = o.number("used_memory_dataset").orElse(o.number("used_memory", 0));
        double measured = o.number("rdb_last_bgsave_time_sec", -1);
        double estimated = dataset / SAVE_BYTES_PER_SECOND;
        return new FullSync(dataset, Math.max(measured, estimated), measured >= estimated);
    }

    double transferSeconds() {
        return bytes / NETWORK_BYTES_PER_SECOND;
    }

    /** Save, transfer and load. */
    double seconds() {
        return 2 * saveSeconds + transferSeconds();
    }

    /** {@code a full sync of 26.3 MiB takes about 0.4 s: save 0.1 s (estimated at 200.0 MiB/s), transfer ...}. */
    String describe() {
        return "a full sync of " + Units.bytes(bytes) + " takes about " + duration(seconds()) + ": save "
                + duration(saveSeconds)
                + (saveMeasured
                        ? " (rdb_last_bgsave_time_sec)"
                        : " (estimated at " + Units.bytes(SAVE_BYTES_PER_SECOND) + "/s)")
                + ", transfer " + duration(transferSeconds()) + " at 1 Gbit/s, load as long as the save";
    }
}
