package io.steward.diagnostics;

import static io.steward.diagnostics.Units.duration;

import io.steward.collector.ClusterTopology.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A cluster's settings that decide how it behaves when a node fails: whether one lost shard stops every node
 * ({@code cluster-require-full-coverage}), and how long a node may be silent before it is failed over ({@code
 * cluster-node-timeout}).
 */
final class ClusterSettingRules {

    /** Below this, a pause of a few seconds (a fork, a slow command, a network blip) fails a node over. */
    static final long TIMEOUT_TOO_LOW_MILLIS = 5000;

    /** Above this, a dead primary's slots stay down for minutes before its replica takes over. */
    static final long TIMEOUT_TOO_HIGH_MILLIS = 60000;

    /** Redis's default, and the advice. */
    static final long TIMEOUT_ADVISED_MILLIS = 15000;

    private static final GroupRule.Needs CONFIG = GroupRule.onDataNodes(Source.CONFIG);

    private ClusterSettingRules() {}

    static List<GroupRule> all() {
        return List.of(fullCoverage(), nodeTimeout());
    }

    /** Whether a node read (or, with none read, Redis's default) stops serving while any slot is uncovered. */
    static boolean requiresFullCoverage(ClusterView cluster) {
        return cluster.readNodes().isEmpty()
                || cluster.readNodes().stream()
                        .anyMatch(m -> m.observed()
                                .configText("cluster-require-full-coverage")
                                .orElse("yes")
                                .equals("yes"));
    }

    /** The nodes read by their value of a parameter, in value order. */
    private static Map<String, List<GroupMember>> byValue(ClusterView cluster, String parameter) {
        Map<String, List<GroupMember>> values = new TreeMap<>();
        cluster.readNodes()
                .forEach(member -> member.observed()
                        .configText(parameter)
                        .ifPresent(value -> values.computeIfAbsent(value, v -> new ArrayList<>())
                                .add(member)));
        return values;
    }

    static GroupRule fullCoverage() {
        return ClusterView.rule("cluster-require-full-coverage", CONFIG, cluster -> {
            Map<String, List<GroupMember>> coverage = byValue(cluster, "cluster-require-full-coverage");
            List<GroupMember> full = coverage.getOrDefault("yes", List.of());
            if (full.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("cluster-require-full-coverage yes on " + cluster.nodes(full) + ": when a shard loses its"
                    + " primary and no replica takes over, these nodes refuse every key (CLUSTERDOWN), not only"
                    + " that shard's");
            List<GroupMember> readsStop =
                    byValue(cluster, "cluster-allow-reads-when-down").getOrDefault("no", List.of());
            if (!readsStop.isEmpty()) {
                evidence.add("cluster-allow-reads-when-down no on " + cluster.nodes(readsStop)
                        + ": reads stop too while the cluster is down");
            }
            List<Shard> alone = cluster.topology().shardsWithoutReplica();
            alone.forEach(shard -> evidence.add(ClusterView.describe(shard)
                    + " has no healthy replica: losing that one node would stop the whole cluster"));
            return Optional.of(new Symptom(
                    alone.isEmpty() ? Severity.INFO : Severity.WARNING,
                    alone.isEmpty()
                            ? "One lost shard stops the whole cluster (cluster-require-full-coverage yes)"
                            : "Losing one node would stop the whole cluster: a shard has no replica and"
                                    + " cluster-require-full-coverage is yes",
                    evidence,
                    "If the application can work while some keys are unavailable: CONFIG SET"
                            + " cluster-require-full-coverage no on every node, and cluster-require-full-coverage no"
                            + " in each redis.conf; a lost shard then fails its own keys only"
                            + (readsStop.isEmpty()
                                    ? ""
                                    : "\nCONFIG SET cluster-allow-reads-when-down yes (and in redis.conf) keeps"
                                            + " reads served, possibly stale, while a node considers the cluster"
                                            + " down")
                            + "\nKeep yes where a partial answer is worse than none"
                            + (alone.isEmpty() ? "" : ", and give every shard a replica on another host")));
        });
    }

    static GroupRule nodeTimeout() {
        return ClusterView.rule("cluster-node-timeout", CONFIG, cluster -> {
            TreeMap<Long, List<GroupMember>> timeouts = new TreeMap<>();
            cluster.readNodes()
                    .forEach(member -> member.observed()
                            .config("cluster-node-timeout")
                            .ifPresent(millis -> timeouts.computeIfAbsent(millis, v -> new ArrayList<>())
                                    .add(member)));
            if (timeouts.isEmpty()) {
                return Optional.empty();
            }
            long lowest = timeouts.firstKey();
            long highest = timeouts.lastKey();
            boolean low = lowest < TIMEOUT_TOO_LOW_MILLIS;
            boolean high = highest > TIMEOUT_TOO_HIGH_MILLIS;
            if (!low && !high) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            timeouts.forEach((millis, members) ->
                    evidence.add("cluster-node-timeout " + millis + " (ms) on " + cluster.nodes(members)));
            if (low) {
                evidence.add("a node silent for " + duration(lowest / 1000.0) + " (a fork, a slow command, a network"
                        + " blip) is flagged failing and, if a primary, replaced by its replica: clients see errors,"
                        + " and writes the replica had not received are lost");
                longestFork(cluster, lowest).ifPresent(evidence::add);
            }
            if (high) {
                evidence.add("a primary that dies is replaced only after about " + duration(highest / 1000.0)
                        + " (the node timeout, then about a second of election): its slots are down that long, and"
                        + " with cluster-require-full-coverage yes the whole cluster is");
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    low
                            ? "cluster-node-timeout " + lowest + " ms is so low that a short pause fails a node over"
                            : "cluster-node-timeout " + highest + " ms is so high that a dead primary's slots stay"
                                    + " down for " + duration(highest / 1000.0) + " before its replica takes over",
                    evidence,
                    "CONFIG SET cluster-node-timeout " + TIMEOUT_ADVISED_MILLIS + " on every node, and"
                            + " cluster-node-timeout " + TIMEOUT_ADVISED_MILLIS + " in each redis.conf (the"
                            + " default: a dead primary is replaced within about "
                            + duration(TIMEOUT_ADVISED_MILLIS / 1000.0 + 1) + ", and shorter pauses pass unnoticed)"));
        });
    }

    /**
     * {@code the latest fork took 420 ms on 127.0.0.1:7000 (latest_fork_usec)...}, when a node's latest fork took a
     * tenth of the timeout or more: forks that long come near failing a node over.
     */
    private static Optional<String> longestFork(ClusterView cluster, long timeoutMillis) {
        GroupMember longest = null;
        double micros = 0;
        for (GroupMember member : cluster.readNodes()) {
            double fork = member.observed().number("latest_fork_usec", 0);
            if (fork > micros) {
                micros = fork;
                longest = member;
            }
        }
        return longest == null || micros / 1000 < timeoutMillis / 10.0
                ? Optional.empty()
                : Optional.of("the latest fork took " + Units.millis(micros / 1000) + " on " + longest.node()
                        + " (latest_fork_usec): a node answers no peer while it forks, and forks grow with the data");
    }
}
