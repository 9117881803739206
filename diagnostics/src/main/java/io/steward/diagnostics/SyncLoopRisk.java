package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.configSize;

import io.steward.collector.ServerConfig.OutputBufferLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The full-sync loop: during a full sync the primary buffers the write stream for the replica until it has
 * loaded the snapshot. If that exceeds the replica output buffer limit, the replica is dropped, asks for a
 * full sync again, and never catches up. The sync's duration is estimated from the last save and the data size
 * ({@link FullSync}); a larger limit is advised only as far as the memory left can hold it.
 */
final class SyncLoopRisk {

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
        FullSync sync = FullSync.of(o);
        double buffered = rate * sync.seconds();
        boolean overHard = limit.hardBytes() > 0 && buffered > limit.hardBytes();
        boolean overSoft = limit.softBytes() > 0
                && buffered > limit.softBytes()
                && sync.seconds() - limit.softBytes() / rate > limit.softSeconds();
        if (!overHard && !overSoft) {
            return Optional.empty();
        }
        List<String> evidence = new ArrayList<>(ReplicationRules.writeRateEvidence(o, rate));
        evidence.add(sync.describe());
        evidence.add("meanwhile the primary buffers about " + bytes(buffered) + " for the replica");
        evidence.add("client-output-buffer-limit " + describe(limit) + ": the replica is dropped "
                + (overHard
                        ? "at " + bytes(limit.hardBytes())
                        : "after " + limit.softSeconds() + " s above " + bytes(limit.softBytes()))
                + " and starts the full sync over");
        return Optional.of(new Symptom(
                Severity.WARNING,
                "A full sync would overflow the replica output buffer and start over, again and again",
                evidence,
                remedy(o, limit, buffered, sync)));
    }

    /** A limit that holds what a sync buffers, twice over for the hard one, within the memory left. */
    private static String remedy(Observation o, OutputBufferLimit limit, double buffered, FullSync sync) {
        String diskless = "diskless replication (repl-diskless-sync yes) also shortens the sync";
        Sizing.Size hard = Sizing.buffer(o, Math.max(limit.hardBytes(), 2 * buffered));
        if (hard.bytes() < buffered) {
            return "The memory left cannot hold what a full sync buffers (" + bytes(buffered) + "): " + hard.bound()
                    + "\nShorten the sync instead: " + diskless + "; or give Redis more memory";
        }
        String hardSize = limit.hardBytes() == 0 ? "0" : hard.config();
        String softSize = limit.softBytes() == 0 ? "0" : configSize(Math.max(limit.softBytes(), buffered));
        long seconds = Math.max(limit.softSeconds(), (long) Math.ceil(sync.seconds()));
        return "CONFIG SET client-output-buffer-limit \"replica " + hardSize + " " + softSize + " " + seconds + "\""
                + (hard.bounded() ? " (hard limit " + hard.bound() + ")" : "")
                + "\nand the same in redis.conf; " + diskless;
    }
}
