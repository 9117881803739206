package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.ClusterTopology;
import io.steward.collector.GroupState;
import io.steward.collector.Member;
import io.steward.collector.PollResult;
import io.steward.collector.Role;
import io.steward.collector.SentinelTopology;
import io.steward.collector.Snapshot;
import io.steward.collector.Topology;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the agent knows of a group as a whole: whether its members describe it, its members, its failovers, how
 * many replicas each primary could fail over to, and what its Sentinels or its cluster say of it.
 */
final class GroupMetrics {

    private GroupMetrics() {}

    /** @param members the latest result of each of the group's members */
    static void write(GroupState state, List<PollResult> members, Labels labels, MetricFamilies out) {
        out.gauge(
                "redis_group_discovered",
                "Whether the group's members describe it now (1), or the agent keeps the members it last knew (0)",
                labels,
                state.healthy() ? 1 : 0);
        out.counter(
                "redis_group_failovers",
                "Failovers the agent saw in the group: replicas promoted to primary",
                labels,
                state.failovers());
        state.topology().ifPresent(topology -> {
            for (Member.Kind kind : Member.Kind.values()) {
                long count = topology.members().stream()
                        .filter(member -> member.kind() == kind)
                        .count();
                out.gauge(
                        "redis_group_members",
                        "Members of the group as its topology lists them, by kind",
                        labels.add("kind", kind.name().toLowerCase(Locale.ROOT)),
                        count);
            }
            promotableReplicas(topology, members, labels, out);
            if (topology instanceof SentinelTopology sentinels) {
                sentinels(sentinels, labels, out);
            } else if (topology instanceof ClusterTopology cluster) {
                ClusterMetrics.write(cluster, labels, out);
            }
        });
    }

    /**
     * Per shard, the replicas that could take over now: answering, linked to their primary, and not excluded by
     * {@code replica-priority 0}. Zero means losing the primary loses the shard. A cluster's shards are those that
     * serve slots.
     */
    private static void promotableReplicas(
            Topology topology, List<PollResult> members, Labels labels, MetricFamilies out) {
        Map<String, Snapshot> byNode = new LinkedHashMap<>();
        for (PollResult result : members) {
            if (result instanceof PollResult.Polled polled) {
                byNode.put(result.target().node(), polled.snapshot());
            }
        }
        Map<String, Integer> promotable = new LinkedHashMap<>();
        if (topology instanceof ClusterTopology cluster) {
            // A primary left without slots by a failover serves nothing a replica could take over.
            cluster.shards().stream()
                    .filter(shard -> shard.slotCount() > 0)
                    .forEach(shard -> promotable.put(shard.id(), 0));
        } else {
            for (Member member : topology.members()) {
                if (member.kind() == Member.Kind.DATA && member.role() == Role.PRIMARY) {
                    promotable.putIfAbsent(member.shard(), 0);
                }
            }
        }
        for (Member member : topology.members()) {
            Snapshot replica = byNode.get(member.node());
            if (member.kind() != Member.Kind.DATA
                    || member.role() != Role.REPLICA
                    || !promotable.containsKey(member.shard())
                    || replica == null
                    || !replica.replication().isReplica()
                    || replica.replication().primary().map(link -> !link.up()).orElse(true)
                    || replica.config()
                            .optional()
                            .map(config -> config.number("replica-priority").orElse(100) == 0)
                            .orElse(false)) {
                continue;
            }
            promotable.merge(member.shard(), 1, Integer::sum);
        }
        promotable.forEach((shard, count) -> out.gauge(
                "redis_group_promotable_replicas",
                "Replicas of the shard's primary that could take over now: up, linked, replica-priority not 0",
                labels.add("shard", shard),
                count));
    }

    private static void sentinels(SentinelTopology topology, Labels labels, MetricFamilies out) {
        out.gauge(
                "redis_sentinel_group_sentinels_agree",
                "Whether every Sentinel that answered names the same primary",
                labels,
                topology.sentinelsAgree() ? 1 : 0);
        out.gauge(
                "redis_sentinel_group_sentinels_answering",
                "Sentinels that answered and monitor the master",
                labels,
                topology.knowing().size());
        out.gauge(
                "redis_sentinel_group_primary_down_sentinels",
                "Sentinels that see the primary down (subjectively or objectively)",
                labels,
                topology.sentinelsSeeingPrimaryDown());
        out.gauge(
                "redis_sentinel_group_failover_in_progress",
                "Whether a Sentinel reports a failover of the master under way",
                labels,
                topology.failoverInProgress() ? 1 : 0);
        topology.quorum()
                .ifPresent(quorum -> out.gauge(
                        "redis_sentinel_group_quorum",
                        "The master's quorum, as the Sentinels know it",
                        labels,
                        quorum));
    }
}
