package io.steward.diagnostics;

import static io.steward.diagnostics.Units.MIB;
import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;

import io.steward.collector.Replication;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/** Replication: the link, the lag, and whether a replica that drops out can come back without a full resync. */
final class ReplicationRules {

    static final double LAG_BYTES = 20 * MIB;
    static final long DEFAULT_MAX_LAG = 10;
    static final double TOLERATED_DISCONNECT = 60;
    static final double CRITICAL_WINDOW = 10;
    /** A full resync shorter than this is a short pause for one replica: a note, not a warning. */
    static final double CHEAP_RESYNC = 10;
    /** A full resync this long leaves a replica stale for minutes. */
    static final double COSTLY_RESYNC = 60;

    private ReplicationRules() {}

    static List<Rule> all() {
        return List.of(
                linkDown(),
                lag(),
                backlogWindow(),
                fullSyncs(),
                SyncLoopRisk.rule(),
                noReplicas(),
                minReplicasBlocking(),
                writableReplica(),
                timeoutTooShort());
    }

    /** Bytes per second written to the replication stream, measured from master_repl_offset. */
    static OptionalDouble writeRate(Observation o) {
        return o.rate("master_repl_offset");
    }

    static boolean hasBacklog(Observation o) {
        return o.isPrimary() && (o.number("connected_slaves", 0) > 0 || o.number("repl_backlog_active", 0) == 1);
    }

    /** How long a replica may stay away: at least a minute, and no less than repl-timeout. */
    static double toleratedDisconnect(Observation o) {
        return Math.max(TOLERATED_DISCONNECT, o.config("repl-timeout").orElse(0));
    }

    static Rule linkDown() {
        return Rule.of("replication-link-down", Area.REPLICATION, Set.of(Source.INFO), o -> {
            Optional<Replication.PrimaryLink> link = o.primaryLink();
            if (!o.isReplica() || link.isEmpty() || link.get().up()) {
                return Optional.empty();
            }
            String primary = link.get().address();
            List<String> evidence = new ArrayList<>();
            double downFor = o.number("master_link_down_since_seconds", -1);
            evidence.add("master_link_status down, master " + primary
                    + (downFor >= 0 ? ", down for " + duration(downFor) : ", never linked since this replica started"));
            o.replicaLinkState().ifPresent(state -> evidence.add("ROLE says the link is " + state));
            if (link.get().syncInProgress()) {
                evidence.add("a full sync is in progress: " + bytes(o.number("master_sync_left_bytes", 0)) + " left");
            }
            return Optional.of(
                    new Symptom(
                            Severity.CRITICAL,
                            "This replica has lost its primary (" + primary + "): its data is getting stale",
                            evidence,
                            "Check that " + primary + " is up and reachable from this host, and that masterauth (and"
                                    + " masteruser) match the primary's credentials: the replica's log says why the link failed"));
        });
    }

    static Rule lag() {
        return Rule.of("replication-lag", Area.REPLICATION, Set.of(Source.INFO), o -> {
            if (!o.isPrimary()) {
                return Optional.empty();
            }
            long maxLag = o.config("min-replicas-max-lag").orElse(DEFAULT_MAX_LAG);
            double offset = o.number("master_repl_offset", 0);
            List<String> evidence = new ArrayList<>();
            for (Replication.ReplicaLink replica : o.replicas()) {
                OptionalLong acknowledged = replica.offset();
                OptionalLong lag = replica.lagSeconds();
                double behind = acknowledged.isPresent() ? offset - acknowledged.getAsLong() : 0;
                boolean late = lag.isPresent() && lag.getAsLong() > maxLag;
                if (late || (replica.online() && behind > LAG_BYTES)) {
                    String ago = lag.isPresent() ? String.valueOf(lag.getAsLong()) : "?";
                    evidence.add("replica " + replica.address() + " (" + replica.state() + "): last acknowledged " + ago
                            + " s ago, " + bytes(behind) + " behind");
                }
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            evidence.add("warning when a replica's acknowledgement is older than " + maxLag + " s"
                    + " (min-replicas-max-lag) or it is more than " + bytes(LAG_BYTES) + " behind");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    count(evidence.size() - 1, "replica") + " falling behind",
                    evidence,
                    "Find what slows the replica: its CPU, its disk if it persists, or the network between"
                            + " them (on the replica: INFO replication, master_last_io_seconds_ago)"));
        });
    }

    static Rule backlogWindow() {
        return Rule.of("replication-backlog-window", Area.REPLICATION, Set.of(Source.INFO, Source.RATES), o -> {
            double rate = writeRate(o).orElse(0);
            double backlog = o.number("repl_backlog_size", 0);
            if (!hasBacklog(o) || rate <= 0 || backlog <= 0) {
                return Optional.empty();
            }
            double window = backlog / rate;
            double tolerated = toleratedDisconnect(o);
            FullSync sync = FullSync.of(o);
            if (window >= tolerated || backlog >= sync.bytes()) {
                return Optional.empty(); // covers the target, or already holds more than a full resync would move
            }
            Sizing.Size size = Sizing.backlog(o, rate * tolerated * 2);
            List<String> evidence = new ArrayList<>(writeRateEvidence(o, rate));
            evidence.add("repl_backlog_size " + bytes(backlog) + " holds " + duration(window) + " of writes: a replica"
                    + " away for longer needs a full resync (a fork and a copy of the whole dataset)");
            evidence.add("target " + duration(tolerated) + " (at least a minute, and repl-timeout"
                    + o.config("repl-timeout").stream()
                            .mapToObj(t -> " " + t + " s")
                            .findFirst()
                            .orElse("") + ")");
            evidence.add(sync.describe());
            evidence.add("severity by what a full resync costs: a note below " + duration(CHEAP_RESYNC)
                    + ", a warning from " + duration(CHEAP_RESYNC) + ", critical from " + duration(COSTLY_RESYNC)
                    + " when the backlog holds less than " + duration(CRITICAL_WINDOW));
            return Optional.of(new Symptom(
                    resyncSeverity(sync, window),
                    "The replication backlog covers only " + duration(window) + " of writes; after a longer break a"
                            + " full resync takes about " + duration(sync.seconds()),
                    evidence,
                    backlogRemedy(size, backlog, rate, tolerated)));
        });
    }

    /** What a short backlog risks is the cost of a full resync: seconds are a note, minutes can be critical. */
    static Severity resyncSeverity(FullSync sync, double window) {
        if (sync.seconds() < CHEAP_RESYNC) {
            return Severity.INFO;
        }
        return sync.seconds() >= COSTLY_RESYNC && window < CRITICAL_WINDOW ? Severity.CRITICAL : Severity.WARNING;
    }

    private static String backlogRemedy(Sizing.Size size, double backlog, double rate, double tolerated) {
        String wanted = "twice " + duration(tolerated) + " of writes at the measured rate";
        if (size.configured() <= backlog) {
            return "No larger backlog is worth it: " + wanted + " would be " + bytes(rate * tolerated * 2) + ", but "
                    + size.bound() + "\nKeep replicas from dropping out instead (their network, repl-timeout)";
        }
        return "CONFIG SET repl-backlog-size " + size.config() + "\nand repl-backlog-size " + size.config()
                + " in redis.conf (or CONFIG REWRITE): "
                + (size.bounded()
                        ? wanted + " would be " + bytes(rate * tolerated * 2) + ", but " + size.bound()
                        : wanted + "; measure at peak hours (--sample-seconds 60) for a safer figure");
    }

    static Rule fullSyncs() {
        return Rule.of("replication-full-syncs", Area.REPLICATION, Set.of(Source.INFO, Source.RATES), o -> {
            double full = o.delta("sync_full").orElse(0);
            double failedPartial = o.delta("sync_partial_err").orElse(0);
            if (!o.isPrimary() || (full <= 0 && failedPartial <= 0)) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("in " + duration(o.seconds()) + ": sync_full +" + count(full) + ", sync_partial_err +"
                    + count(failedPartial) + ", sync_partial_ok +"
                    + count(o.delta("sync_partial_ok").orElse(0)));
            evidence.add("since start: sync_full " + count(o.number("sync_full", 0)) + ", connected_slaves "
                    + count(o.number("connected_slaves", 0)));
            evidence.add(FullSync.of(o).describe());
            String remedy = "Each full sync forks and copies the whole dataset. Let short disconnections resync"
                    + " partially with a larger backlog";
            double rate = writeRate(o).orElse(0);
            double backlog = o.number("repl_backlog_size", 0);
            if (rate > 0 && backlog > 0) {
                evidence.add("the backlog (" + bytes(backlog) + ") holds " + duration(backlog / rate) + " of writes at "
                        + bytes(rate) + "/s");
                Sizing.Size size = Sizing.backlog(o, rate * toleratedDisconnect(o) * 2);
                if (size.configured() > backlog) {
                    remedy += ": CONFIG SET repl-backlog-size " + size.config()
                            + (size.bounded() ? " (" + size.bound() + ")" : "");
                } else {
                    remedy += ", but a larger one would not help here: "
                            + (size.bounded()
                                    ? size.bound()
                                    : "it already holds " + duration(backlog / rate) + " of writes");
                }
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Replicas needed a full resync during the sample",
                    evidence,
                    remedy
                            + "\nCheck the replica output buffer limit (replication-sync-loop-risk), repl-timeout and"
                            + " the network between primary and replicas"));
        });
    }

    static Rule noReplicas() {
        return Rule.of("replication-no-replicas", Area.REPLICATION, Set.of(Source.INFO), o -> {
            if (!o.isPrimary() || o.number("connected_slaves").isEmpty() || o.number("connected_slaves", 0) > 0) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.INFO,
                    "No replica: nothing can take over, and losing this host loses the writes since the last save",
                    List.of("role master, connected_slaves 0"),
                    "Add a replica on another host (REPLICAOF "
                            + o.target().address().replace(':', ' ')
                            + " on it) and Sentinel or Redis Cluster for automatic failover"));
        });
    }

    static Rule minReplicasBlocking() {
        return Rule.of("replication-min-replicas-blocking", Area.REPLICATION, Set.of(Source.INFO, Source.CONFIG), o -> {
            long wanted = o.config("min-replicas-to-write").orElse(0);
            if (!o.isPrimary() || wanted <= 0) {
                return Optional.empty();
            }
            long maxLag = o.config("min-replicas-max-lag").orElse(DEFAULT_MAX_LAG);
            double good = o.number("min_slaves_good_slaves")
                    .orElse(o.replicas().stream()
                            .filter(r -> r.online()
                                    && r.lagSeconds().isPresent()
                                    && r.lagSeconds().getAsLong() <= maxLag)
                            .count());
            if (good >= wanted) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    "Writes are refused: fewer replicas are in sync than min-replicas-to-write asks",
                    List.of(
                            "min-replicas-to-write " + wanted + ", min-replicas-max-lag " + maxLag + " s, replicas in"
                                    + " sync " + count(good) + " (connected_slaves "
                                    + count(o.number("connected_slaves", 0)) + ")",
                            "clients get NOREPLICAS errors for every write"),
                    "Bring the replicas back (see replication-link-down on them), or lower the requirement:"
                            + " CONFIG SET min-replicas-to-write " + (long) good));
        });
    }

    static Rule writableReplica() {
        return Rule.of("replication-writable-replica", Area.REPLICATION, Set.of(Source.INFO), o -> {
            boolean readOnly =
                    o.primaryLink().flatMap(Replication.PrimaryLink::readOnly).orElse(true);
            if (!o.isReplica() || readOnly) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "This replica accepts writes: they are lost at the next sync and drift from the primary",
                    List.of("slave_read_only 0 (replica-read-only no)"),
                    "CONFIG SET replica-read-only yes\nand replica-read-only yes in redis.conf"));
        });
    }

    static Rule timeoutTooShort() {
        return Rule.of("replication-timeout-too-short", Area.REPLICATION, Set.of(Source.CONFIG), o -> {
            OptionalLong timeout = o.config("repl-timeout");
            OptionalLong ping = o.config("repl-ping-replica-period");
            if (timeout.isEmpty() || ping.isEmpty() || timeout.getAsLong() > ping.getAsLong()) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "repl-timeout is not longer than the replication ping period: idle links time out",
                    List.of("repl-timeout " + timeout.getAsLong() + " s, repl-ping-replica-period " + ping.getAsLong()
                            + " s: with little traffic a healthy link looks dead"),
                    "CONFIG SET repl-timeout 60 (well above repl-ping-replica-period)"));
        });
    }

    static List<String> writeRateEvidence(Observation o, double rate) {
        return List.of("writes reach the replication stream at " + bytes(rate) + "/s (master_repl_offset grew "
                + bytes(o.delta("master_repl_offset").orElse(0)) + " in " + duration(o.seconds()) + ")");
    }
}
