package io.steward.diagnostics;

import static io.steward.diagnostics.Units.MIB;
import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.configSize;
import static io.steward.diagnostics.Units.duration;

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

    /** The replica class of {@code client-output-buffer-limit}; zero bytes means no limit. */
    record Limit(long hard, long soft, long softSeconds) {

        static Optional<Limit> parse(String config) {
            String[] words = config.strip().split("\\s+");
            for (int i = 0; i + 3 < words.length; i += 4) {
                if (words[i].equals("slave") || words[i].equals("replica")) {
                    try {
                        return Optional.of(new Limit(
                                Long.parseLong(words[i + 1]),
                                Long.parseLong(words[i + 2]),
                                Long.parseLong(words[i + 3])));
                    } catch (NumberFormatException notBytes) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.empty();
        }

        /** Redis applies at least the backlog size to replicas: a smaller limit would drop them right after a sync. */
        Limit atLeast(long backlog) {
            return new Limit(
                    hard > 0 ? Math.max(hard, backlog) : 0, soft > 0 ? Math.max(soft, backlog) : 0, softSeconds);
        }

        String describe() {
            return "replica " + bytes(hard) + " " + bytes(soft) + " " + softSeconds;
        }
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
        Optional<Limit> configured = o.configText("client-output-buffer-limit").flatMap(Limit::parse);
        if (!ReplicationRules.hasBacklog(o) || rate <= 0 || configured.isEmpty()) {
            return Optional.empty();
        }
        Limit limit = configured.get().atLeast((long) o.number("repl_backlog_size", 0));
        double dataset = o.number("used_memory", 0);
        double measuredSave = o.number("rdb_last_bgsave_time_sec", -1);
        double save = Math.max(measuredSave, dataset / SAVE_BYTES_PER_SECOND);
        double transfer = dataset / NETWORK_BYTES_PER_SECOND;
        double sync = 2 * save + transfer;
        double buffered = rate * sync;
        boolean overHard = limit.hard() > 0 && buffered > limit.hard();
        boolean overSoft =
                limit.soft() > 0 && buffered > limit.soft() && sync - limit.soft() / rate > limit.softSeconds();
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
        evidence.add("client-output-buffer-limit " + limit.describe() + ": the replica is dropped "
                + (overHard
                        ? "at " + bytes(limit.hard())
                        : "after " + limit.softSeconds() + " s above " + bytes(limit.soft()))
                + " and starts the full sync over");
        String hard = limit.hard() == 0 ? "0" : configSize(Math.max(limit.hard(), 2 * buffered));
        String soft = limit.soft() == 0 ? "0" : configSize(Math.max(limit.soft(), buffered));
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
