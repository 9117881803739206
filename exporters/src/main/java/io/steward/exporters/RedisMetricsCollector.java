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
 * Turns the latest poll results into Prometheus families at scrape time. Families are built once per new set of
 * results and reused by the scrapes until the next poll; a target that stopped answering loses its Redis series
 * with the poll that failed and keeps only {@code redis_up 0}: stale numbers are never served as current.
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

    /** The families last built and what they were built from: a scrape between two polls reuses them. */
    private record Built(List<PollResult> from, List<GroupState> groups, MetricSnapshots families) {}

    private volatile Built last = new Built(List.of(), List.of(), new MetricFamilies().build());

    @Override
    public MetricSnapshots collect() {
        List<PollResult> current = List.copyOf(results.get());
        List<GroupState> currentGroups = List.copyOf(groups.get());
        Built built = last;
        if (!same(built.from(), current) || !same(built.groups(), currentGroups)) {
            built = new Built(current, currentGroups, build(current, currentGroups));
            last = built;
        }
        return built.families();
    }

    private static <T> boolean same(List<T> a, List<T> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private MetricSnapshots build(List<PollResult> current, List<GroupState> currentGroups) {
        MetricFamilies out = new MetricFamilies();
        for (GroupState group : currentGroups) {
            List<PollResult> members = current.stream()
                    .filter(result -> result.target().isMember()
                            && result.target().name().equals(group.group().name()))
                    .toList();
            Labels labels = labelWithTarget ? Labels.of("target", group.group().name()) : Labels.EMPTY;
            GroupMetrics.write(group, members, labels, out);
        }
        for (PollResult result : current) {
            Labels labels = labels(result.target());
            boolean up = result instanceof PollResult.Polled;
            out.gauge("redis_up", "Information about the Redis instance", labels, up ? 1 : 0);
            if (result instanceof PollResult.Polled polled) {
                write(polled.snapshot(), labels, out);
            }
        }
        return out.build();
    }

    private Labels labels(Target target) {
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
