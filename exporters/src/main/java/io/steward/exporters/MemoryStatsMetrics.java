package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.MemoryStats;
import java.util.Locale;
import java.util.Map;

/**
 * All of {@code MEMORY STATS} as {@code redis_memory_stats_*}: sizes in bytes, {@code *.percentage} as ratios,
 * counts without their {@code .count} ({@code keys.count} is {@code redis_memory_stats_keys}); the {@code db.N}
 * overheads carry a {@code db} label.
 */
final class MemoryStatsMetrics {

    private static final String PREFIX = "redis_memory_stats_";

    private MemoryStatsMetrics() {}

    static void write(MemoryStats stats, Labels labels, MetricFamilies out) {
        stats.values().forEach((field, value) -> emit(field, value, labels, out));
        for (Map.Entry<String, Map<String, Double>> db : stats.databases().entrySet()) {
            Labels dbLabels = labels.add("db", db.getKey().replace(".", ""));
            db.getValue().forEach((field, value) -> emit("db." + field, value, dbLabels, out));
        }
    }

    private static void emit(String field, double value, Labels labels, MetricFamilies out) {
        String help = "MEMORY STATS " + field;
        String base = PREFIX + field.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        if (field.endsWith(".percentage")) {
            out.gauge(
                    base.substring(0, base.length() - "percentage".length()) + "ratio",
                    help + ", as a ratio",
                    labels,
                    value / 100);
        } else if (field.endsWith(".count")) {
            out.gauge(base.substring(0, base.length() - "_count".length()), help, labels, value);
        } else if (field.equals("fragmentation")) {
            out.gauge(base + "_ratio", help, labels, value);
        } else if (field.endsWith(".ratio") || field.endsWith(".bytes") || field.endsWith("bytes-per-key")) {
            out.gauge(base, help, labels, value);
        } else {
            // Every other field is a size in bytes (peak.allocated, replication.backlog, overhead.hashtable.main, ...).
            out.gauge(base + "_bytes", help, labels, value);
        }
    }
}
