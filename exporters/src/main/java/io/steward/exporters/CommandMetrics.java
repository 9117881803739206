package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.steward.collector.InfoParser;
import io.steward.collector.RedisInfo;
import io.steward.collector.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-command calls and time ({@code cmdstat_*}), error replies by prefix ({@code errorstat_*}), and the
 * latency percentiles of Redis 7 ({@code latency_percentiles_usec_*}).
 *
 * <p>Percentiles are exported as a summary with standard quantile labels (0.5, 0.99, 0.999); redis_exporter
 * writes them as "50", "99", "99.9", which the Prometheus model does not allow.
 */
final class CommandMetrics {

    private static final String CMDSTAT = "cmdstat_";
    private static final String ERRORSTAT = "errorstat_";
    private static final String PERCENTILES = "latency_percentiles_usec_";

    private CommandMetrics() {}

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        RedisInfo info = snapshot.info();
        Map<String, String> commandstats = info.section("commandstats");
        for (Map.Entry<String, String> field : commandstats.entrySet()) {
            if (!field.getKey().startsWith(CMDSTAT)) {
                continue;
            }
            Labels cmd = labels.add("cmd", field.getKey().substring(CMDSTAT.length()));
            Map<String, String> stats = InfoParser.nested(field.getValue());
            out.counter(
                    "redis_commands", "Total number of calls per command", cmd, KeyspaceMetrics.number(stats, "calls"));
            out.counter(
                    "redis_commands_duration_seconds",
                    "Total amount of time in seconds spent per command",
                    cmd,
                    KeyspaceMetrics.number(stats, "usec") / 1e6);
            if (stats.containsKey("rejected_calls")) {
                out.counter(
                        "redis_commands_rejected_calls",
                        "Total number of errors prior command execution per command",
                        cmd,
                        KeyspaceMetrics.number(stats, "rejected_calls"));
                out.counter(
                        "redis_commands_failed_calls",
                        "Total number of errors within command execution per command",
                        cmd,
                        KeyspaceMetrics.number(stats, "failed_calls"));
            }
        }
        for (Map.Entry<String, String> field : info.section("errorstats").entrySet()) {
            if (field.getKey().startsWith(ERRORSTAT)) {
                out.counter(
                        "redis_errors",
                        "Total number of errors per error type",
                        labels.add("err", field.getKey().substring(ERRORSTAT.length())),
                        KeyspaceMetrics.number(InfoParser.nested(field.getValue()), "count"));
            }
        }
        for (Map.Entry<String, String> field : info.section("latencystats").entrySet()) {
            if (!field.getKey().startsWith(PERCENTILES)) {
                continue;
            }
            String command = field.getKey().substring(PERCENTILES.length());
            Map<String, String> stats = InfoParser.nested(commandstats.getOrDefault(CMDSTAT + command, ""));
            out.summary(
                    "redis_latency_percentiles_usec",
                    "A summary of latency percentile distribution per command",
                    labels.add("cmd", command),
                    (long) KeyspaceMetrics.number(stats, "calls"),
                    KeyspaceMetrics.number(stats, "usec"),
                    quantiles(InfoParser.nested(field.getValue())));
        }
    }

    /** {@code p50=1.003,p99=2.007,p99.9=4.015} into quantiles 0.5, 0.99 and 0.999. */
    private static Quantiles quantiles(Map<String, String> percentiles) {
        List<Quantile> quantiles = new ArrayList<>();
        percentiles.forEach((name, value) -> {
            if (name.startsWith("p")) {
                try {
                    double quantile = Double.parseDouble(name.substring(1)) / 100;
                    InfoParser.toNumber(value).ifPresent(v -> quantiles.add(new Quantile(quantile, v)));
                } catch (IllegalArgumentException ignored) {
                    // not a percentile name; skip it
                }
            }
        });
        return Quantiles.of(quantiles);
    }
}
