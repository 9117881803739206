package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.ClusterNode.Flag;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterTopology;
import io.steward.collector.ClusterTopology.Node;
import java.util.List;

/**
 * A cluster as its members agree on it, once per group: every node known (polled or not, so that a node that is
 * down is still seen failing), and the cluster's slots and shards.
 */
final class ClusterMetrics {

    /** The flags other nodes give a node, each a series per node: 1 when a majority gives it. */
    private static final List<Flag> NODE_FLAGS = List.of(Flag.FAIL, Flag.PFAIL, Flag.HANDSHAKE, Flag.NOADDR);

    private ClusterMetrics() {}

    /** @param groupLabels the labels of the group ({@code target}); per-node series add {@code node} */
    static void write(ClusterTopology topology, Labels groupLabels, MetricFamilies out) {
        for (Node node : topology.nodes()) {
            writeNode(node, groupLabels.add("node", node.name()), out);
        }
        out.gauge(
                "redis_cluster_slots_not_covered",
                "Hash slots no primary serves",
                groupLabels,
                topology.slotsNotCovered());
        for (Flag flag : List.of(Flag.FAIL, Flag.PFAIL)) {
            out.gauge(
                    "redis_cluster_slots_failing",
                    "Hash slots served by a primary that a majority of the nodes flags fail (or suspects: pfail)",
                    groupLabels.add("flag", flag.label()),
                    topology.slotsServedByNodesFlagged(flag));
        }
        for (OpenSlot.Direction direction : OpenSlot.Direction.values()) {
            out.gauge(
                    "redis_cluster_open_slots",
                    "Hash slots left migrating or importing",
                    groupLabels.add("state", direction.label()),
                    topology.openSlotCount(direction));
        }
        out.gauge(
                "redis_cluster_shards",
                "Shards serving hash slots",
                groupLabels,
                topology.shards().stream()
                        .filter(shard -> shard.slotCount() > 0)
                        .count());
        out.gauge(
                "redis_cluster_shards_without_replica",
                "Shards serving hash slots without a replica that is not failing",
                groupLabels,
                topology.shardsWithoutReplica().size());
        topology.primariesPerHost()
                .forEach((host, primaries) -> out.gauge(
                        "redis_cluster_primaries_per_host",
                        "Primaries serving hash slots, by host",
                        groupLabels.add("host", host),
                        primaries));
    }

    private static void writeNode(Node node, Labels labels, MetricFamilies out) {
        out.info(
                "redis_cluster_node",
                "A node of the cluster: its id, role and shard (the id of its shard's primary)",
                labels.merge(Labels.of("node_id", node.id(), "role", node.role().infoName(), "shard", node.shard())));
        for (Flag flag : NODE_FLAGS) {
            out.gauge(
                    "redis_cluster_node_flag",
                    "Whether a majority of the other nodes give this node the flag (fail, pfail, handshake, noaddr)",
                    labels.add("flag", flag.label()),
                    node.has(flag) ? 1 : 0);
        }
        out.gauge(
                "redis_cluster_node_link_up",
                "Whether the cluster bus links of a majority of the other nodes to this node are connected",
                labels,
                node.linkUp() ? 1 : 0);
    }
}
