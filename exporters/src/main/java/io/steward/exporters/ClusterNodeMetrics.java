package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.ClusterNode;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.Snapshot;

/**
 * What a cluster node says of itself in its own line of {@code CLUSTER NODES}: the slots it serves, those it holds
 * open, its config epoch. How the others see it (failing, link down) is the group's, in {@link ClusterMetrics}.
 */
final class ClusterNodeMetrics {

    private ClusterNodeMetrics() {}

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        snapshot.clusterNodes()
                .optional()
                .flatMap(nodes -> nodes.myself())
                .ifPresent(myself -> write(myself, labels, out));
    }

    private static void write(ClusterNode myself, Labels labels, MetricFamilies out) {
        out.gauge(
                "redis_cluster_node_slots",
                "Hash slots this node serves, by its own CLUSTER NODES line",
                labels,
                myself.slotCount());
        for (OpenSlot.Direction direction : OpenSlot.Direction.values()) {
            out.gauge(
                    "redis_cluster_node_open_slots",
                    "Hash slots this node holds open, migrating to or importing from another node",
                    labels.add("state", direction.label()),
                    myself.openSlots().stream()
                            .filter(open -> open.direction() == direction)
                            .count());
        }
        out.gauge(
                "redis_cluster_node_config_epoch",
                "Config epoch of this node (of its primary, for a replica)",
                labels,
                myself.configEpoch());
    }
}
