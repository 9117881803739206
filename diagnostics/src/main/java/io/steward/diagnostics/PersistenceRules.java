package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;

import io.steward.collector.ServerConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Snapshots and the append-only file: whether the data reaches the disk, and how much a crash would lose. */
final class PersistenceRules {

    static final double STALE_SAVE_SECONDS = 48 * 3600;

    private PersistenceRules() {}

    static List<Rule> all() {
        return List.of(
                persistenceOff(),
                rdbFailed(),
                aofRewriteFailed(),
                aofWriteFailed(),
                aofDelayedFsync(),
                appendfsyncAlways(),
                appendfsyncNo(),
                staleSave());
    }

    static boolean rdbOn(Observation o) {
        return !o.savePoints().isEmpty();
    }

    static boolean aofOn(Observation o) {
        return o.number("aof_enabled", 0) == 1;
    }

    /**
     * A cache is a server whose every key may vanish anyway: with maxmemory and an {@code allkeys-*} policy. Under
     * noeviction, or a {@code volatile-*} policy that keeps the keys without a TTL, keys are data.
     */
    static boolean isCache(Observation o) {
        return o.number("maxmemory", 0) > 0 && MemoryRules.policy(o).startsWith("allkeys");
    }

    static Rule persistenceOff() {
        return Rule.of("persistence-off", Area.PERSISTENCE, Set.of(Source.INFO, Source.CONFIG), o -> {
            if (!o.isPrimary() || rdbOn(o) || aofOn(o)) {
                return Optional.empty();
            }
            double replicas = o.number("connected_slaves", 0);
            String remedy = "CONFIG SET appendonly yes (loses at most about a second of writes), or snapshots:"
                    + " CONFIG SET save \"3600 1 300 100 60 10000\"\nthen the same in redis.conf (or CONFIG REWRITE)";
            if (replicas > 0) {
                return Optional.of(
                        new Symptom(
                                Severity.WARNING,
                                "Persistence is off on a primary with replicas: a restart empties the replicas too",
                                List.of(
                                        "save \"\" and appendonly no",
                                        "connected_slaves " + count(replicas)
                                                + ": a primary restarted without data replicates its empty dataset to them"),
                                remedy
                                        + "\nIf this must stay a pure cache, never let it restart on its own while replicas follow it"));
            }
            String policy = MemoryRules.policy(o);
            if (isCache(o)) {
                return Optional.of(new Symptom(
                        Severity.INFO,
                        "Persistence is off: a restart empties this cache",
                        List.of(
                                "save \"\" and appendonly no",
                                "maxmemory " + bytes(o.number("maxmemory", 0)) + " with maxmemory-policy " + policy
                                        + ": a cache, whose keys may be evicted at any time anyway"),
                        remedy + "\nFine for a pure cache"));
            }
            return Optional.of(
                    new Symptom(
                            Severity.WARNING,
                            "Persistence is off on a server that is not a cache: a restart loses data that has no other home",
                            List.of(
                                    "save \"\" and appendonly no; connected_slaves 0: no replica holds a copy",
                                    o.number("maxmemory", 0) > 0
                                            ? "maxmemory-policy " + policy + ": "
                                                    + (policy.equals("noeviction")
                                                            ? "keys are never evicted"
                                                            : "keys without a TTL are never evicted")
                                                    + ", so they are data, not a cache"
                                            : "no maxmemory: keys are never evicted, so they are data, not a cache"),
                            remedy
                                    + "\nIf it really is a cache: CONFIG SET maxmemory <size> and maxmemory-policy allkeys-lru"));
        });
    }

    static Rule rdbFailed() {
        return Rule.of("persistence-rdb-failed", Area.PERSISTENCE, Set.of(Source.INFO), o -> {
            if (o.text("rdb_last_bgsave_status").orElse("ok").equals("ok")) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add(
                    "rdb_last_bgsave_status " + o.text("rdb_last_bgsave_status").orElse("?"));
            o.number("rdb_last_save_time")
                    .ifPresent(t -> evidence.add("last successful save "
                            + duration(o.serverTime() - t) + " ago, "
                            + count(o.number("rdb_changes_since_last_save", 0), "change")
                            + " since"));
            boolean stopsWrites =
                    o.configText("stop-writes-on-bgsave-error").orElse("yes").equals("yes") && rdbOn(o);
            if (o.configText("stop-writes-on-bgsave-error").isPresent()) {
                evidence.add(
                        stopsWrites
                                ? "stop-writes-on-bgsave-error yes with save points: writes are refused"
                                        + " with MISCONF until a save succeeds"
                                : "writes are still accepted: snapshots fail while the data on disk grows old");
            }
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    "The last background save failed",
                    evidence,
                    "Find the cause in the server log (\"Background saving error\"): a full or read-only disk,"
                            + " permissions on CONFIG GET dir, or fork failing for lack of memory"
                            + " (set vm.overcommit_memory=1 on the host)\nThen run BGSAVE and check"
                            + " rdb_last_bgsave_status:ok"));
        });
    }

    static Rule aofRewriteFailed() {
        return Rule.of("persistence-aof-rewrite-failed", Area.PERSISTENCE, Set.of(Source.INFO), o -> {
            String status = o.text("aof_last_bgrewrite_status").orElse("ok");
            double failures = o.number("aof_rewrites_consecutive_failures", 0);
            if (status.equals("ok") && failures == 0) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("aof_last_bgrewrite_status " + status);
            o.number("aof_rewrites_consecutive_failures")
                    .ifPresent(f -> evidence.add("aof_rewrites_consecutive_failures " + count(f)));
            o.number("aof_current_size")
                    .ifPresent(size -> evidence.add("aof_current_size " + bytes(size)
                            + ": without rewrites the AOF only grows, and a restart replays all of it"));
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Rewriting the append-only file failed",
                    evidence,
                    "Find the cause in the server log: disk space or permissions in CONFIG GET dir (and its"
                            + " appenddirname), or fork failing for lack of memory\nThen run BGREWRITEAOF and check"
                            + " aof_last_bgrewrite_status:ok"));
        });
    }

    static Rule aofWriteFailed() {
        return Rule.of("persistence-aof-write-failed", Area.PERSISTENCE, Set.of(Source.INFO), o -> {
            if (!aofOn(o) || o.text("aof_last_write_status").orElse("ok").equals("ok")) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    "Redis cannot write its append-only file: writes are refused",
                    List.of(
                            "aof_last_write_status "
                                    + o.text("aof_last_write_status").orElse("?"),
                            "clients get MISCONF errors until a write to the AOF succeeds (Redis retries every second)"),
                    "Free space on the AOF's disk or fix the file system (see the server log for the error)"));
        });
    }

    static Rule aofDelayedFsync() {
        return Rule.of("persistence-aof-delayed-fsync", Area.PERSISTENCE, Set.of(Source.INFO, Source.RATES), o -> {
            double delayed = o.delta("aof_delayed_fsync").orElse(0);
            if (!aofOn(o) || delayed <= 0) {
                return Optional.empty();
            }
            return Optional.of(
                    new Symptom(
                            Severity.WARNING,
                            "The disk cannot keep up with the AOF: fsync was late " + count(delayed, "time"),
                            List.of(
                                    "aof_delayed_fsync grew by " + count(delayed) + " in " + duration(o.seconds())
                                            + " (" + count(o.number("aof_delayed_fsync", 0)) + " since start)",
                                    "a late fsync blocks writes for up to 2 s and widens the window of writes a crash loses"),
                            "Put the AOF on a local SSD and keep other disk I/O (other instances, backups, logs) off that disk"
                                    + "\nIf losing fsyncs during rewrites is acceptable: CONFIG SET no-appendfsync-on-rewrite yes"));
        });
    }

    static Rule appendfsyncAlways() {
        return Rule.of("persistence-appendfsync-always", Area.PERSISTENCE, Set.of(Source.INFO, Source.CONFIG), o -> {
            if (!aofOn(o) || !o.configText("appendfsync").orElse("").equals("always")) {
                return Optional.empty();
            }
            boolean spikes = o.latencyEvents().stream().anyMatch(e -> e.event().equals("aof-fsync-always"));
            List<String> evidence = new ArrayList<>();
            evidence.add("appendfsync always: every write waits for the disk before the reply");
            if (spikes) {
                evidence.add("LATENCY LATEST has aof-fsync-always spikes: the disk is slowing every write");
            }
            return Optional.of(new Symptom(
                    spikes ? Severity.WARNING : Severity.INFO,
                    "appendfsync always: safest, and the slowest way to write",
                    evidence,
                    "CONFIG SET appendfsync everysec (a crash loses at most about a second of writes), unless losing"
                            + " one acknowledged write is unacceptable; then keep always and use a fast local SSD"));
        });
    }

    static Rule appendfsyncNo() {
        return Rule.of("persistence-appendfsync-no", Area.PERSISTENCE, Set.of(Source.INFO, Source.CONFIG), o -> {
            if (!aofOn(o) || !o.configText("appendfsync").orElse("").equals("no")) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.INFO,
                    "appendfsync no: a crash of the host can lose the last 30 seconds or so of writes",
                    List.of("appendfsync no: the kernel decides when the AOF reaches the disk (typically every 30 s)"),
                    "CONFIG SET appendfsync everysec (at most about a second lost, little slower)"));
        });
    }

    static Rule staleSave() {
        return Rule.of("persistence-stale-save", Area.PERSISTENCE, Set.of(Source.INFO, Source.CONFIG), o -> {
            double changes = o.number("rdb_changes_since_last_save", 0);
            if (!rdbOn(o) || changes <= 0 || o.number("rdb_last_save_time").isEmpty()) {
                return Optional.empty();
            }
            double age = o.serverTime() - o.number("rdb_last_save_time", 0);
            Optional<String> missedPoint = missedSavePoint(o.savePoints(), age, changes);
            if (age <= STALE_SAVE_SECONDS && missedPoint.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("rdb_last_save_time " + duration(age) + " ago, rdb_changes_since_last_save " + count(changes));
            missedPoint.ifPresent(evidence::add);
            evidence.add(
                    aofOn(o)
                            ? "the AOF still has the changes; backups made from RDB files are that old"
                            : "no AOF: a crash now loses all of those changes");
            Severity severity = age > STALE_SAVE_SECONDS && !aofOn(o) ? Severity.CRITICAL : Severity.WARNING;
            return Optional.of(new Symptom(
                    severity,
                    "The last snapshot is " + duration(age) + " old and " + count(changes, "change")
                            + (changes == 1 ? " is" : " are") + " not in it",
                    evidence,
                    "Check rdb_last_bgsave_status and the server log for failing saves"
                            + " (see persistence-rdb-failed), then take one now: BGSAVE"));
        });
    }

    /** The earliest save point that should have fired by now ({@code save 300 100: ...}), if any. */
    static Optional<String> missedSavePoint(List<ServerConfig.SavePoint> points, double age, double changes) {
        return points.stream()
                // Twice the interval: a save in progress or a retry after a failure is not yet a missed save.
                .filter(point -> changes >= point.changes() && age > 2.0 * point.seconds() + 10)
                .min(Comparator.comparingLong(ServerConfig.SavePoint::seconds))
                .map(point -> "save point \"" + point.seconds() + " " + point.changes()
                        + "\" asks for a snapshot after " + duration(point.seconds()) + " and "
                        + count(point.changes(), "change") + ": none was taken");
    }
}
