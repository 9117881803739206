package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.InfoParser;
import io.steward.collector.RedisInfo;
import io.steward.collector.Snapshot;
import java.util.Map;

/** The replication links: each replica as the primary sees it, and the primary as a replica sees it. */
final class ReplicationMetrics {

    private ReplicationMetrics() {}

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        RedisInfo info = snapshot.info();
        long masterOffset = (long) info.number("master_repl_offset").orElse(0);
        for (Map.Entry<String, String> field : info.section("replication").entrySet()) {
            if (!field.getKey().matches("slave\\d+")) {
                continue;
            }
            Map<String, String> replica = InfoParser.nested(field.getValue());
            Labels replicaLabels = labels.merge(Labels.of(
                    "slave_ip", replica.getOrDefault("ip", ""),
                    "slave_port", replica.getOrDefault("port", ""),
                    "slave_state", replica.getOrDefault("state", "")));
            double offset = KeyspaceMetrics.number(replica, "offset");
            out.gauge("redis_connected_slave_offset_bytes", "Offset of connected slave", replicaLabels, offset);
            out.gauge(
                    "redis_connected_slave_lag_seconds",
                    "Lag of connected slave",
                    replicaLabels,
                    KeyspaceMetrics.number(replica, "lag"));
            out.gauge(
                    "redis_connected_slave_lag_bytes",
                    "How far the replica's acknowledged offset is behind the primary's, in bytes",
                    replicaLabels,
                    Math.max(0, masterOffset - offset));
        }
        if (info.get("master_host").isEmpty()) {
            return;
        }
        Labels master = labels.merge(Labels.of(
                "master_host", info.text("master_host", ""),
                "master_port", info.text("master_port", "")));
        out.gauge(
                "redis_master_link_up",
                "Master link status on Redis slave",
                master,
                info.text("master_link_status", "down").equals("up") ? 1 : 0);
        info.number("master_last_io_seconds_ago")
                .ifPresent(v -> out.gauge("redis_master_last_io_seconds_ago", "Master last io seconds ago", master, v));
        info.number("master_sync_in_progress")
                .ifPresent(v -> out.gauge("redis_master_sync_in_progress", "Master sync in progress", master, v));
        info.number("slave_repl_offset")
                .ifPresent(v -> out.gauge("redis_slave_repl_offset", "Slave replication offset", master, v));
        out.info(
                "redis_slave",
                "Information about the Redis slave",
                labels.merge(Labels.of(
                        "master_host", info.text("master_host", ""),
                        "master_port", info.text("master_port", ""),
                        "read_only", info.text("slave_read_only", info.text("replica_read_only", "")))));
    }
}
