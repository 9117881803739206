package io.steward.exporters;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.steward.collector.PollResult;
import io.steward.collector.Snapshot;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Turns the latest poll results into Prometheus families at scrape time. Families are built fresh on every
 * scrape, so a target that stopped answering loses its Redis series at once and keeps only {@code redis_up 0}:
 * stale numbers are never served as current.
 */
public final class RedisMetricsCollector implements MultiCollector {

    private final Supplier<? extends Collection<PollResult>> results;
    private final boolean labelWithTarget;

    /**
     * @param results the poll results to expose, read on every scrape
     * @param labelWithTarget whether each series carries {@code target="<name>"} ({@code /metrics}) or not
     *     ({@code /scrape}, where Prometheus relabels)
     */
    public RedisMetricsCollector(Supplier<? extends Collection<PollResult>> results, boolean labelWithTarget) {
        this.results = results;
        this.labelWithTarget = labelWithTarget;
    }

    @Override
    public MetricSnapshots collect() {
        MetricFamilies out = new MetricFamilies();
        for (PollResult result : results.get()) {
            Labels labels = labelWithTarget ? Labels.of("target", result.target().name()) : Labels.EMPTY;
            boolean up = result instanceof PollResult.Polled;
            out.gauge("redis_up", "Information about the Redis instance", labels, up ? 1 : 0);
            if (result instanceof PollResult.Polled polled) {
                write(polled.snapshot(), labels, out);
            }
        }
        return out.build();
    }

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        InfoFieldMetrics.write(snapshot.info(), labels, out);
        ServerMetrics.write(snapshot, labels, out);
        KeyspaceMetrics.write(snapshot, labels, out);
        ReplicationMetrics.write(snapshot, labels, out);
        CommandMetrics.write(snapshot, labels, out);
        MemoryStatsMetrics.write(snapshot.memoryStats(), labels, out);
    }
}
