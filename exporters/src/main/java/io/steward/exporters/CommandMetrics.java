package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.steward.collector.CommandStats;
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

    private CommandMetrics() {}

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        CommandStats stats = snapshot.commands();
        stats.commands().forEach((name, command) -> {
            Labels cmd = labels.add("cmd", name);
            out.counter("redis_commands", "Total number of calls per command", cmd, command.calls());
            out.counter(
                    "redis_commands_duration_seconds",
                    "Total amount of time in seconds spent per command",
                    cmd,
                    command.usec() / 1e6);
            command.rejectedCalls().ifPresent(rejected -> {
                out.counter(
                        "redis_commands_rejected_calls",
                        "Total number of errors prior command execution per command",
                        cmd,
                        rejected);
                out.counter(
                        "redis_commands_failed_calls",
                        "Total number of errors within command execution per command",
                        cmd,
                        command.failedCalls().orElse(0));
            });
        });
        stats.errors()
                .forEach((prefix, count) -> out.counter(
                        "redis_errors", "Total number of errors per error type", labels.add("err", prefix), count));
        stats.latency().forEach((name, percentiles) -> {
            CommandStats.Command command = stats.commands().get(name);
            out.summary(
                    "redis_latency_percentiles_usec",
                    "A summary of latency percentile distribution per command",
                    labels.add("cmd", name),
                    command == null ? 0 : command.calls(),
                    command == null ? 0 : command.usec(),
                    quantiles(percentiles));
        });
    }

    private static Quantiles quantiles(Map<Double, Double> percentiles) {
        List<Quantile> quantiles = new ArrayList<>();
        percentiles.forEach((quantile, micros) -> quantiles.add(new Quantile(quantile, micros)));
        return Quantiles.of(quantiles);
    }
}
