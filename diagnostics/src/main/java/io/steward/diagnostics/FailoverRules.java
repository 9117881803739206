package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.duration;

import io.steward.collector.Replication;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * If the primary died now: which replica would take over, what it would lose, and whether any can. Replicas are
 * ranked as Sentinel ranks them (the lowest non-zero {@code replica-priority}, then the largest replication offset,
 * then the smallest run id) and left out as Sentinel leaves them out: priority 0, link down, not in sync, stale.
 * Cluster shards fail over by their own rules, which the Cluster rules judge.
 */
final class FailoverRules {

    /** A replica whose last acknowledgement is older than this is stale (Sentinel's own INFO staleness). */
    static final long STALE_SECONDS = 30;

    private FailoverRules() {}

    static List<GroupRule> all() {
        return List.of(candidate(), noCandidate(), asynchronousWrites());
    }

    /** A primary read, so its offset and its replicas' acknowledgements are known. */
    static final GroupRule.Needs PRIMARY_READ = GroupRule.onDataNodes(Source.INFO)
            .and(group -> group.primaries().isEmpty()
                    ? Optional.of("no primary could be read"
                            + group.dataNodes().stream()
                                    .filter(m -> !m.isRead())
                                    .findFirst()
                                    .map(m -> " (" + m.node() + ": " + m.problem() + ")")
                                    .orElse(""))
                    : Optional.empty());

    /**
     * One replica as a failover would weigh it.
     *
     * @param priority its {@code replica-priority}; empty when it was not read
     * @param offset how far it got in the primary's stream: what the primary saw it acknowledge, else its own offset
     * @param lag seconds since its last acknowledgement, as the primary lists it
     * @param excluded why it cannot be promoted, empty when it can
     */
    record Candidate(
            String node, OptionalLong priority, OptionalLong offset, OptionalLong lag, String runId, String excluded) {

        static final Comparator<Candidate> RANK = Comparator.comparingLong(
                        (Candidate c) -> c.priority().orElse(Long.MAX_VALUE))
                .thenComparing(
                        Comparator.comparingLong((Candidate c) -> c.offset().orElse(-1))
                                .reversed())
                .thenComparing(c -> c.runId().isEmpty() ? "~" : c.runId());

        boolean promotable() {
            return excluded.isEmpty();
        }

        String describe() {
            return node + ": replica-priority "
                    + (priority.isPresent() ? String.valueOf(priority.getAsLong()) : "unknown (not read)")
                    + ", offset " + (offset.isPresent() ? String.valueOf(offset.getAsLong()) : "unknown")
                    + (lag.isPresent() ? ", last acknowledged " + lag.getAsLong() + " s ago" : "")
                    + (excluded.isEmpty() ? "" : ": cannot be promoted, " + excluded);
        }
    }

    /** The primary's replicas, the group's and those only the primary lists, best first. */
    static List<Candidate> candidates(GroupObservation group, GroupMember primary) {
        List<Candidate> candidates = new ArrayList<>();
        List<Replication.ReplicaLink> listed = primary.observed().replicas();
        for (GroupMember replica : group.replicasOf(primary)) {
            Optional<Replication.ReplicaLink> link = listed.stream()
                    .filter(l -> l.address().equals(replica.node()))
                    .findFirst();
            candidates.add(candidate(replica, link));
        }
        for (Replication.ReplicaLink link : listed) {
            if (candidates.stream().noneMatch(c -> c.node().equals(link.address()))) {
                candidates.add(new Candidate(
                        link.address(),
                        OptionalLong.empty(),
                        link.offset(),
                        link.lagSeconds(),
                        "",
                        linkExclusion(link).orElse("")));
            }
        }
        candidates.sort(Candidate.RANK);
        return candidates;
    }

    private static Candidate candidate(GroupMember replica, Optional<Replication.ReplicaLink> link) {
        OptionalLong lag = link.map(Replication.ReplicaLink::lagSeconds).orElse(OptionalLong.empty());
        OptionalLong acknowledged = link.map(Replication.ReplicaLink::offset).orElse(OptionalLong.empty());
        if (!replica.isRead()) {
            return new Candidate(
                    replica.node(),
                    OptionalLong.empty(),
                    acknowledged,
                    lag,
                    "",
                    link.flatMap(FailoverRules::linkExclusion)
                            .orElse(link.isPresent() ? "" : "not read (" + replica.problem() + ")"));
        }
        Observation o = replica.observed();
        OptionalLong priority = o.number("slave_priority").isPresent()
                ? OptionalLong.of((long) o.number("slave_priority").getAsDouble())
                : o.config("replica-priority");
        Optional<Replication.PrimaryLink> own = o.primaryLink();
        OptionalLong offset = acknowledged.isPresent()
                ? acknowledged
                : own.map(Replication.PrimaryLink::offset).orElse(OptionalLong.empty());
        String excluded = "";
        if (priority.isPresent() && priority.getAsLong() == 0) {
            excluded = "replica-priority 0";
        } else if (own.isPresent() && !own.get().up()) {
            excluded = "its link to the primary is down (master_link_status down)";
        } else if (link.isPresent()) {
            excluded = linkExclusion(link.get()).orElse("");
        }
        return new Candidate(replica.node(), priority, offset, lag, o.latest().runId(), excluded);
    }

    /** Why the primary's own listing of a replica rules it out: not in sync, or silent for too long. */
    private static Optional<String> linkExclusion(Replication.ReplicaLink link) {
        if (!link.online()) {
            return Optional.of("not in sync (state " + link.state() + ")");
        }
        if (link.lagSeconds().isPresent() && link.lagSeconds().getAsLong() > STALE_SECONDS) {
            return Optional.of(
                    "stale: no acknowledgement for " + link.lagSeconds().getAsLong() + " s");
        }
        return Optional.empty();
    }

    /** Failover readiness applies where Sentinel (or an operator) promotes a replica: not to a cluster's shards. */
    private static List<GroupMember> primariesToWeigh(GroupObservation group) {
        return group.isCluster() ? List.of() : group.primaries();
    }

    static GroupRule candidate() {
        return new GroupRule("failover-candidate", Area.REPLICATION, PRIMARY_READ, group -> {
            List<String> evidence = new ArrayList<>();
            String title = null;
            Severity severity = Severity.INFO;
            for (GroupMember primary : primariesToWeigh(group)) {
                List<Candidate> ranked = candidates(group, primary);
                Optional<Candidate> best =
                        ranked.stream().filter(Candidate::promotable).findFirst();
                if (best.isEmpty()) {
                    continue;
                }
                Observation p = primary.observed();
                long primaryOffset = (long) p.number("master_repl_offset", 0);
                OptionalLong offset = best.get().offset();
                double lost = offset.isPresent() ? Math.max(0, primaryOffset - offset.getAsLong()) : Double.NaN;
                OptionalDouble rate = ReplicationRules.writeRate(p);
                double lostSeconds = lossSeconds(lost, rate, best.get().lag());
                if (lostSeconds > p.config("min-replicas-max-lag").orElse(ReplicationRules.DEFAULT_MAX_LAG)) {
                    severity = Severity.WARNING;
                }
                if (title == null) {
                    title = "If the primary " + primary.node() + " failed now, "
                            + best.get().node()
                            + " would take over"
                            + (Double.isNaN(lost)
                                    ? ""
                                    : lost == 0
                                            ? " with every write it has acknowledged"
                                            : " and the last " + bytes(lost) + " of writes be lost");
                }
                evidence.add("primary " + primary.node() + ": master_repl_offset " + primaryOffset);
                ranked.forEach(c -> evidence.add(c.describe()));
                evidence.add(lossLine(best.get(), lost, rate));
            }
            if (title == null) {
                return Optional.empty(); // no candidate at all: failover-no-candidate says so
            }
            evidence.add("ranked as Sentinel ranks replicas: lowest non-zero replica-priority, then largest"
                    + " offset, then smallest run id"
                    + (group.isSentinel() ? "" : "; without Sentinel, promotion is by hand (REPLICAOF NO ONE)"));
            return Optional.of(new Symptom(
                    severity,
                    title,
                    evidence,
                    severity == Severity.WARNING
                            ? "The replica that would take over is behind: see replication-lag on the primary, and"
                                    + " bound the loss with min-replicas-to-write 1 and min-replicas-max-lag 10"
                            : "Nothing to fix. To choose which replica takes over, give it the lowest"
                                    + " replica-priority (CONFIG SET replica-priority 50 on it); replica-priority 0"
                                    + " keeps one from ever being promoted"));
        });
    }

    /** Seconds of writes lost: the bytes behind at the measured write rate, else the time since the last ack. */
    private static double lossSeconds(double lost, OptionalDouble rate, OptionalLong lag) {
        if (!Double.isNaN(lost) && rate.isPresent() && rate.getAsDouble() > 0) {
            return lost / rate.getAsDouble();
        }
        return lag.isPresent() ? lag.getAsLong() : 0;
    }

    private static String lossLine(Candidate best, double lost, OptionalDouble rate) {
        if (Double.isNaN(lost)) {
            return best.node() + " would take over; its offset is unknown, so the loss is too";
        }
        String seconds = lost > 0 && rate.isPresent() && rate.getAsDouble() > 0
                ? ", about " + duration(lost / rate.getAsDouble()) + " of writes at the measured "
                        + bytes(rate.getAsDouble()) + "/s"
                : "";
        String lag = best.lag().isPresent()
                ? "; its last acknowledgement was " + best.lag().getAsLong() + " s ago"
                : "";
        return "writes lost: " + bytes(lost) + " (the primary's offset minus " + best.node() + "'s)" + seconds + lag;
    }

    static GroupRule noCandidate() {
        return new GroupRule("failover-no-candidate", Area.REPLICATION, PRIMARY_READ, group -> {
            List<String> evidence = new ArrayList<>();
            List<String> primaries = new ArrayList<>();
            for (GroupMember primary : primariesToWeigh(group)) {
                List<Candidate> ranked = candidates(group, primary);
                if (ranked.stream().anyMatch(Candidate::promotable)) {
                    continue;
                }
                primaries.add(primary.node());
                if (ranked.isEmpty()) {
                    evidence.add("primary " + primary.node() + " has no replica (connected_slaves "
                            + Units.count(primary.observed().number("connected_slaves", 0)) + ")");
                } else {
                    evidence.add("primary " + primary.node() + ":");
                    ranked.forEach(c -> evidence.add(c.describe()));
                }
            }
            if (primaries.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    "If the primary " + String.join(", ", primaries) + " failed now, no replica could take over:"
                            + " the group would stop taking writes",
                    evidence,
                    "Give a replica a non-zero priority (CONFIG SET replica-priority 100 on it), bring the"
                            + " replicas' links up (replication-link-down on each says why they are down), or add a"
                            + " replica on another host"));
        });
    }

    static GroupRule asynchronousWrites() {
        return new GroupRule(
                "failover-async-writes",
                Area.REPLICATION,
                GroupRule.onDataNodes(Source.INFO).and(PRIMARY_READ),
                group -> {
                    List<String> evidence = new ArrayList<>();
                    int fewest = Integer.MAX_VALUE;
                    for (GroupMember primary : group.primaries()) {
                        Observation p = primary.observed();
                        int replicas = p.replicas().size();
                        if (replicas == 0
                                || p.unavailable(Source.CONFIG).isPresent()
                                || p.config("min-replicas-to-write").orElse(0) > 0
                                || p.commands().calls("wait") > 0) {
                            continue;
                        }
                        fewest = Math.min(fewest, replicas);
                        evidence.add("primary " + primary.node() + ": min-replicas-to-write 0, "
                                + Units.count(replicas, "replica") + ", no WAIT calls since it started"
                                + ReplicationRules.writeRate(p).stream()
                                        .filter(r -> r > 0)
                                        .mapToObj(r -> ", writes at " + bytes(r) + "/s")
                                        .findFirst()
                                        .orElse(""));
                    }
                    if (evidence.isEmpty()) {
                        return Optional.empty();
                    }
                    evidence.add("a write is acknowledged before any replica has it: a failover, or a primary cut off"
                            + " from its replicas, loses the writes the promoted replica had not received");
                    String caveat = fewest == 1
                            ? "\nWith one replica, writes then stop while it is down or behind: add a second replica"
                                    + " first, or use WAIT for the writes that matter"
                            : "";
                    return Optional.of(new Symptom(
                            Severity.INFO,
                            "Replication is asynchronous: writes acknowledged to clients can be lost in a failover",
                            evidence,
                            "CONFIG SET min-replicas-to-write 1\nCONFIG SET min-replicas-max-lag 10"
                                    + "\n(and in redis.conf of every data node, so a promoted replica keeps them): a"
                                    + " primary without a replica in sync within 10 s refuses writes, which bounds"
                                    + " the loss to 10 s"
                                    + "\nOr, for the writes that must survive: WAIT 1 100 after them in the"
                                    + " application" + caveat));
                });
    }
}
