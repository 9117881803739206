package io.steward.exporters;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.steward.collector.GroupState;
import io.steward.collector.PollResult;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns poll results into Prometheus families: all of them at once for an on-demand scrape, or one result or the
 * groups alone for {@link PreparedExposition}. A target that stopped answering loses its Redis series with the poll
 * that failed and keeps only {@code redis_up 0}: stale numbers are never served as current.
 */
public final class RedisMetricsCollector implements MultiCollector {

    private final Supplier<? extends Collection<PollResult>> results;
    private final Supplier<? extends Collection<GroupState>> groups;
    private final boolean labelWithTarget;

    /**
     * @param results the poll results to expose, read on every scrape
     * @param groups what the agent knows of its group targets, read on every scrape
     * @param labelWithTarget whether each series carries {@code target="<name>"} ({@code /metrics}) or not
     *     ({@code /scrape}, where Prometheus relabels); a group's members carry {@code node="<host:port>"} either way
     */
    public RedisMetricsCollector(
            Supplier<? extends Collection<PollResult>> results,
            Supplier<? extends Collection<GroupState>> groups,
            boolean labelWithTarget) {
        this.results = results;
        this.groups = groups;
        this.labelWithTarget = labelWithTarget;
    }

    @Override
    public MetricSnapshots collect() {
        return build(List.copyOf(results.get()), List.copyOf(groups.get()));
    }

    private MetricSnapshots build(List<PollResult> current, List<GroupState> currentGroups) {
        MetricFamilies out = new MetricFamilies();
        writeGroups(currentGroups, current, labelWithTarget, out);
        for (PollResult result : current) {
            write(result, labelWithTarget, out);
        }
        return out.build();
    }

    /** The families of one poll result alone. */
    static MetricSnapshots familiesOf(PollResult result, boolean labelWithTarget) {
        MetricFamilies out = new MetricFamilies();
        write(result, labelWithTarget, out);
        return out.build();
    }

    /** The families of the groups alone, each group's from its members among {@code results}. */
    static MetricSnapshots groupFamilies(List<GroupState> groups, List<PollResult> results, boolean labelWithTarget) {
        MetricFamilies out = new MetricFamilies();
        writeGroups(groups, results, labelWithTarget, out);
        return out.build();
    }

    private static void writeGroups(
            List<GroupState> groups, List<PollResult> results, boolean labelWithTarget, MetricFamilies out) {
        for (GroupState group : groups) {
            List<PollResult> members = results.stream()
                    .filter(result -> result.target().isMember()
                            && result.target().name().equals(group.group().name()))
                    .toList();
            Labels labels = labelWithTarget ? Labels.of("target", group.group().name()) : Labels.EMPTY;
            GroupMetrics.write(group, members, labels, out);
        }
    }

    private static void write(PollResult result, boolean labelWithTarget, MetricFamilies out) {
        Labels labels = labels(result.target(), labelWithTarget);
        boolean up = result instanceof PollResult.Polled;
        out.gauge("redis_up", "Information about the Redis instance", labels, up ? 1 : 0);
        if (result instanceof PollResult.Polled polled) {
            write(polled.snapshot(), labels, out);
        }
    }

    private static Labels labels(Target target, boolean labelWithTarget) {
        Labels labels = labelWithTarget ? Labels.of("target", target.name()) : Labels.EMPTY;
        return target.isMember() ? labels.add("node", target.node()) : labels;
    }

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        InfoFieldMetrics.write(snapshot.info(), labels, out);
        ServerMetrics.write(snapshot, labels, out);
        KeyspaceMetrics.write(snapshot, labels, out);
        ReplicationMetrics.write(snapshot, labels, out);
        CommandMetrics.write(snapshot, labels, out);
        ClusterNodeMetrics.write(snapshot, labels, out);
        snapshot.memoryStats().optional().ifPresent(stats -> MemoryStatsMetrics.write(stats, labels, out));
        snapshot.sentinel().optional().ifPresent(state -> SentinelMetrics.write(state, labels, out));
    }
}
