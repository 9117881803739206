package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.LatencyEvent;
import io.steward.collector.Numbers;
import io.steward.collector.RedisInfo;
import io.steward.collector.ServerConfig;
import io.steward.collector.Snapshot;
import java.util.List;
import java.util.Map;

/** Instance identity, start time, slow log, latency spikes and the few config values redis_exporter exports. */
final class ServerMetrics {

    private static final Map<String, String> CLUSTER_RENAMES = Map.of(
            "cluster_stats_messages_sent", "cluster_messages_sent_total",
            "cluster_stats_messages_received", "cluster_messages_received_total");

    private ServerMetrics() {}

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        RedisInfo info = snapshot.info();
        out.info(
                "redis_instance",
                "Information about the Redis instance",
                labels.merge(Labels.of(
                        "role", snapshot.role().infoName(),
                        "redis_version", info.version(),
                        "redis_build_id", info.text("redis_build_id", ""),
                        "redis_mode", info.text("redis_mode", info.text("server_mode", "")),
                        "os", info.text("os", ""),
                        "maxmemory_policy", info.text("maxmemory_policy", ""),
                        "tcp_port", info.text("tcp_port", ""),
                        "run_id", info.text("run_id", ""),
                        "process_id", info.text("process_id", ""),
                        "master_replid", info.text("master_replid", ""))));
        info.number("uptime_in_seconds")
                .ifPresent(uptime -> out.gauge(
                        "redis_start_time_seconds",
                        "Start time of the Redis instance since unix epoch in seconds",
                        labels,
                        Math.round(snapshot.time().getEpochSecond() - uptime)));

        snapshot.slowlog().optional().ifPresent(slowlog -> {
            out.gauge("redis_slowlog_length", "Total slowlog", labels, slowlog.length());
            // 0 for an empty slow log, as redis_exporter reports it (the collector's summary says -1).
            out.gauge("redis_slowlog_last_id", "Last id of slowlog", labels, Math.max(0, slowlog.lastId()));
            out.gauge(
                    "redis_last_slow_execution_duration_seconds",
                    "The amount of time needed for last slow execution, in seconds",
                    labels,
                    slowlog.lastDurationMicros() / 1e6);
        });
        for (LatencyEvent event : snapshot.latencyEvents().orElse(List.of())) {
            Labels eventLabels = labels.add("event_name", event.event());
            out.gauge(
                    "redis_latency_spike_last",
                    "When the latency spike last occurred",
                    eventLabels,
                    event.lastSpike().getEpochSecond());
            out.gauge(
                    "redis_latency_spike_duration_seconds",
                    "Length of the last latency spike in seconds",
                    eventLabels,
                    event.latestMillis() / 1e3);
            out.gauge(
                    "redis_latency_spike_max_duration_seconds",
                    "Longest latency spike of the event since the monitor was reset, in seconds",
                    eventLabels,
                    event.maxMillis() / 1e3);
        }
        snapshot.config().optional().ifPresent(config -> writeConfig(config, labels, out));
        // CLUSTER INFO passes through under its own names, as redis_exporter does (cluster_state ok -> 1),
        // except the two message totals it renames.
        snapshot.cluster()
                .orElse(Map.of())
                .forEach((field, value) -> Numbers.number(value).ifPresent(v -> {
                    if (field.startsWith("cluster_") && !InfoFieldMetrics.all().containsKey(field)) {
                        String name = CLUSTER_RENAMES.getOrDefault(field, field.replaceAll("[^a-zA-Z0-9_]", "_"));
                        out.gauge("redis_" + name, "CLUSTER INFO " + field, labels, v);
                    }
                }));
    }

    private static void writeConfig(ServerConfig config, Labels labels, MetricFamilies out) {
        config.number("io-threads")
                .ifPresent(v -> out.gauge("redis_config_io_threads", "config io-threads", labels, v));
        config.number("maxclients")
                .ifPresent(v -> out.gauge("redis_config_maxclients", "config maxclients", labels, v));
        config.number("maxmemory").ifPresent(v -> out.gauge("redis_config_maxmemory", "config maxmemory", labels, v));
        config.number("repl-backlog-size")
                .ifPresent(
                        v -> out.gauge("redis_config_repl_backlog_size_bytes", "config repl-backlog-size", labels, v));
        config.outputBufferLimits().forEach((clientClass, limit) -> {
            out.gauge(
                    "redis_config_client_output_buffer_limit_bytes",
                    "config client-output-buffer-limit",
                    labels.merge(Labels.of("class", clientClass, "limit", "hard")),
                    limit.hardBytes());
            out.gauge(
                    "redis_config_client_output_buffer_limit_bytes",
                    "config client-output-buffer-limit",
                    labels.merge(Labels.of("class", clientClass, "limit", "soft")),
                    limit.softBytes());
            out.gauge(
                    "redis_config_client_output_buffer_limit_overcome_seconds",
                    "config client-output-buffer-limit, seconds over the soft limit before disconnection",
                    labels.merge(Labels.of("class", clientClass, "limit", "soft")),
                    limit.softSeconds());
        });
    }
}
