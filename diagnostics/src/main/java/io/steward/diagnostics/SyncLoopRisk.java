package io.steward.diagnostics;

import static io.steward.diagnostics.Units.MIB;
import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.configSize;
import static io.steward.diagnostics.Units.duration;

import io.steward.collector.ServerConfig.OutputBufferLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The full-sync loop: during a full sync the primary buffers the write stream for the replica until it has
 * loaded the snapshot. If that exceeds the replica output buffer limit, the replica is dropped, asks for a
 * full sync again, and never catches up. The sync's duration is estimated from the last save and the data size.
 */
final class SyncLoopRisk {

    /** Save speed assumed when the server has not timed a save yet. */
    static final double SAVE_BYTES_PER_SECOND = 200 * MIB;
    /** Transfer speed assumed for the snapshot: 1 Gbit/s. */
    static final double NETWORK_BYTES_PER_SECOND = 125_000_000;

    /**
     * Redis applies at least the backlog size to replicas: a smaller limit would drop them right after a sync. Zero
     * bytes stay zero, no limit.
     */
    static OutputBufferLimit atLeast(OutputBufferLimit limit, long backlog) {
        return new OutputBufferLimit(
                limit.hardBytes() > 0 ? Math.max(limit.hardBytes(), backlog) : 0,
                limit.softBytes() > 0 ? Math.max(limit.softBytes(), backlog) : 0,
                limit.softSeconds());
    }

    /** The limit with its sizes for people: {@code replica 256.0 MiB 64.0 MiB 60}. */
    static String describe(OutputBufferLimit limit) {
        return "replica " + bytes(limit.hardBytes()) + " " + bytes(limit.softBytes()) + " " + limit.softSeconds();
    }

    private SyncLoopRisk() {}

    static Rule rule() {
        return Rule.of(
                "replication-sync-loop-risk",
                Area.REPLICATION,
                Set.of(Source.INFO, Source.RATES, Source.CONFIG),
                SyncLoopRisk::examine);
    }

    private static Optional<Symptom> examine(Observation o) {
        double rate = ReplicationRules.writeRate(o).orElse(0);
        Optional<OutputBufferLimit> configured = o.outputBufferLimit("replica");
        if (!ReplicationRules.hasBacklog(o) || rate <= 0 || configured.isEmpty()) {
            return Optional.empty();
        }
        OutputBufferLimit limit = atLeast(configured.get(), (long) o.number("repl_backlog_size", 0));
        double dataset = o.number("used_memory", 0);
        double measuredSave = o.number("rdb_last_bgsave_time_sec", -1);
        double save = Math.max(measuredSave, dataset / SAVE_BYTES_PER_SECOND);
        double transfer = dataset / NETWORK_BYTES_PER_SECOND;
        double sync = 2 * save + transfer;
        double buffered = rate * sync;
        boolean overHard = limit.hardBytes() > 0 && buffered > limit.hardBytes();
        boolean overSoft = limit.softBytes() > 0
                && buffered > limit.softBytes()
                && sync - limit.softBytes() / rate > limit.softSeconds();
        if (!overHard && !overSoft) {
            return Optional.empty();
        }
        List<String> evidence = new ArrayList<>(ReplicationRules.writeRateEvidence(o, rate));
        evidence.add("a full sync of " + bytes(dataset) + " takes about " + duration(sync) + ": save "
                + duration(save)
                + (measuredSave >= save
                        ? " (rdb_last_bgsave_time_sec)"
                        : " (estimated at " + bytes(SAVE_BYTES_PER_SECOND) + "/s)")
                + ", transfer " + duration(transfer) + " at 1 Gbit/s, load as"
                + " long as the save");
        evidence.add("meanwhile the primary buffers about " + bytes(buffered) + " for the replica");
        evidence.add("client-output-buffer-limit " + describe(limit) + ": the replica is dropped "
                + (overHard
                        ? "at " + bytes(limit.hardBytes())
                        : "after " + limit.softSeconds() + " s above " + bytes(limit.softBytes()))
                + " and starts the full sync over");
        String hard = limit.hardBytes() == 0 ? "0" : configSize(Math.max(limit.hardBytes(), 2 * buffered));
        String soft = limit.softBytes() == 0 ? "0" : configSize(Math.max(limit.softBytes(), buffered));
        long seconds = Math.max(limit.softSeconds(), (long) Math.ceil(sync));
        return Optional.of(new Symptom(
                Severity.WARNING,
                "A full sync would overflow the replica output buffer and start over, again and again",
                evidence,
                "CONFIG SET client-output-buffer-limit \"replica " + hard + " " + soft + " " + seconds + "\""
                        + "\nand the same in redis.conf; diskless replication (repl-diskless-sync yes) also shortens"
                        + " the sync"));
    }
}
