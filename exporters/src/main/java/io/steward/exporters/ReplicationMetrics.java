package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.Replication;
import io.steward.collector.Snapshot;

/** The replication links: each replica as the primary sees it, and the primary as a replica sees it. */
final class ReplicationMetrics {

    private ReplicationMetrics() {}

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        Replication replication = snapshot.replication();
        long primaryOffset = replication.offset().orElse(0);
        for (Replication.ReplicaLink replica : replication.replicas()) {
            Labels replicaLabels = labels.merge(Labels.of(
                    "slave_ip", replica.ip(),
                    "slave_port", String.valueOf(replica.port()),
                    "slave_state", replica.state()));
            long offset = replica.offset().orElse(0);
            out.gauge("redis_connected_slave_offset_bytes", "Offset of connected slave", replicaLabels, offset);
            out.gauge(
                    "redis_connected_slave_lag_seconds",
                    "Lag of connected slave",
                    replicaLabels,
                    replica.lagSeconds().orElse(0));
            out.gauge(
                    "redis_connected_slave_lag_bytes",
                    "How far the replica's acknowledged offset is behind the primary's, in bytes",
                    replicaLabels,
                    Math.max(0, primaryOffset - offset));
        }
        replication.primary().ifPresent(primary -> {
            Labels master = labels.merge(
                    Labels.of("master_host", primary.host(), "master_port", String.valueOf(primary.port())));
            out.gauge("redis_master_link_up", "Master link status on Redis slave", master, primary.up() ? 1 : 0);
            primary.lastIoSecondsAgo()
                    .ifPresent(v ->
                            out.gauge("redis_master_last_io_seconds_ago", "Master last io seconds ago", master, v));
            out.gauge(
                    "redis_master_sync_in_progress",
                    "Master sync in progress",
                    master,
                    primary.syncInProgress() ? 1 : 0);
            primary.offset()
                    .ifPresent(v -> out.gauge("redis_slave_repl_offset", "Slave replication offset", master, v));
            out.info(
                    "redis_slave",
                    "Information about the Redis slave",
                    master.merge(Labels.of(
                            "read_only",
                            primary.readOnly()
                                    .map(readOnly -> readOnly ? "1" : "0")
                                    .orElse(""))));
        });
    }
}
