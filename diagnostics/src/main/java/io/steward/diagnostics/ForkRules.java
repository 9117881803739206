package io.steward.diagnostics;

import static io.steward.diagnostics.Units.GIB;
import static io.steward.diagnostics.Units.MIB;
import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.configSizeDown;
import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.millis;
import static io.steward.diagnostics.Units.percent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Forks: every snapshot, AOF rewrite and full sync forks the server. The fork itself stalls Redis, and writes
 * during the child's life copy pages, which needs memory the data must leave free.
 */
final class ForkRules {

    static final double SLOW_FORK_MS = 400;
    static final double TERRIBLE_FORK_MS_PER_GB = 100;
    static final double POOR_FORK_MS_PER_GB = 40;
    static final double FORK_GRADING_FLOOR = 100 * MIB;
    static final double HOST_SHARE_FOR_DATA = 0.75;
    static final double HEAVY_COW = 0.5;

    private ForkRules() {}

    static List<Rule> all() {
        return List.of(slowFork(), forkHeadroom(), copyOnWrite());
    }

    static Rule slowFork() {
        return Rule.of("persistence-slow-fork", Area.PERSISTENCE, Set.of(Source.INFO), o -> {
            double forkMs = o.number("latest_fork_usec", 0) / 1000;
            double used = o.number("used_memory", 0);
            if (forkMs <= 0) {
                return Optional.empty();
            }
            double perGb = used > 0 ? forkMs / (used / GIB) : 0;
            boolean graded = used >= FORK_GRADING_FLOOR;
            Severity severity = forkMs > SLOW_FORK_MS || (graded && perGb > TERRIBLE_FORK_MS_PER_GB)
                    ? Severity.WARNING
                    : graded && perGb > POOR_FORK_MS_PER_GB ? Severity.INFO : null;
            if (severity == null) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("latest_fork_usec " + count(o.number("latest_fork_usec", 0)) + " for used_memory "
                    + bytes(used) + (graded ? ": " + millis(perGb) + " per GB" : ""));
            evidence.add("Redis stops serving for the whole fork; warning above " + millis(SLOW_FORK_MS) + " or "
                    + millis(TERRIBLE_FORK_MS_PER_GB) + " per GB, note above " + millis(POOR_FORK_MS_PER_GB) + " per GB"
                    + " (bare metal and modern VMs fork at about 10 ms per GB)");
            ServerAdvice.forkRate(o).ifPresent(evidence::add);
            return Optional.of(new Symptom(
                    severity,
                    "Forking for a save or a full sync stalls Redis for " + millis(forkMs),
                    evidence,
                    "Run on bare metal or a hardware-virtualised (HVM) instance rather than Xen PV; keep"
                            + " transparent huge pages off; keep instances smaller (split the data); schedule saves at"
                            + " quiet hours, or persist on a replica instead"));
        });
    }

    static Rule forkHeadroom() {
        return Rule.of("persistence-fork-headroom", Area.PERSISTENCE, Set.of(Source.INFO, Source.CONFIG), o -> {
            Optional<MemoryLimit> ceiling = o.memoryCeiling();
            boolean forks =
                    PersistenceRules.rdbOn(o) || PersistenceRules.aofOn(o) || o.number("connected_slaves", 0) > 0;
            if (ceiling.isEmpty() || !forks) {
                return Optional.empty();
            }
            double memory = ceiling.get().bytes();
            double maxmemory = o.number("maxmemory", 0);
            double limit = maxmemory > 0 ? maxmemory : o.number("used_memory_rss", 0);
            double cow = Math.max(
                    Math.max(o.number("rdb_last_cow_size", 0), o.number("aof_last_cow_size", 0)),
                    o.number("current_cow_peak", 0));
            boolean overHost = limit + cow > memory;
            boolean tooLarge = maxmemory > HOST_SHARE_FOR_DATA * memory;
            if (!overHost && !tooLarge) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add((maxmemory > 0 ? "maxmemory " : "used_memory_rss (no maxmemory) ") + bytes(limit) + " is "
                    + percent(limit / memory) + " of " + ceiling.get().describe());
            evidence.add("largest copy-on-write of a recent fork " + bytes(cow)
                    + "; under heavy writes a fork can need up to as much again as the data");
            evidence.add("forks happen for " + String.join(", ", forkReasons(o)));
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Too little memory left for forks: a save under write load can run "
                            + ceiling.get().holder() + " out of memory",
                    evidence,
                    "CONFIG SET maxmemory " + configSizeDown(memory * HOST_SHARE_FOR_DATA * 0.95)
                            + " (keep about 25% of the memory for copy-on-write, client and replication buffers)"
                            + (ceiling.get().ofCgroup()
                                    ? ""
                                    : "\nIn a container, size this from the container's memory limit, which INFO"
                                            + " does not show")));
        });
    }

    static Rule copyOnWrite() {
        return Rule.of("persistence-copy-on-write", Area.PERSISTENCE, Set.of(Source.INFO), o -> {
            double used = o.number("used_memory", 0);
            double rdbCow = o.number("rdb_last_cow_size", 0);
            double aofCow = o.number("aof_last_cow_size", 0);
            double cow = Math.max(Math.max(rdbCow, aofCow), o.number("current_cow_peak", 0));
            if (used < FragmentationRules.EMPTY || cow <= HEAVY_COW * used) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "A fork copied " + bytes(cow) + " on write, " + percent(cow / used) + " of the data",
                    List.of(
                            "rdb_last_cow_size " + bytes(rdbCow) + ", aof_last_cow_size " + bytes(aofCow)
                                    + ", current_cow_peak " + bytes(o.number("current_cow_peak", 0)) + ", used_memory "
                                    + bytes(used) + " (warning above " + percent(HEAVY_COW) + ")",
                            "writes during a save duplicate the pages they touch: the next save can need that much again"),
                    "Keep headroom for it (see persistence-fork-headroom); schedule saves at quiet hours, or persist"
                            + " on a replica instead of the primary; keep transparent huge pages off (a write then"
                            + " copies 2 MiB instead of 4 KiB)"));
        });
    }

    private static List<String> forkReasons(Observation o) {
        List<String> reasons = new ArrayList<>();
        if (PersistenceRules.rdbOn(o)) {
            reasons.add("snapshots (save " + o.configText("save").orElse("") + ")");
        }
        if (PersistenceRules.aofOn(o)) {
            reasons.add("AOF rewrites");
        }
        if (o.number("connected_slaves", 0) > 0) {
            reasons.add("full syncs of replicas");
        }
        return reasons;
    }
}
