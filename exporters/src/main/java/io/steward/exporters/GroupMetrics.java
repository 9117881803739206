package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.GroupState;
import io.steward.collector.Member;

/** What the agent knows of a group as a whole: whether its members describe it, its members, its failovers. */
final class GroupMetrics {

    private GroupMetrics() {}

    static void write(GroupState state, Labels labels, MetricFamilies out) {
        out.gauge(
                "redis_group_discovered",
                "Whether the group's members describe it now (1), or the agent keeps the members it last knew (0)",
                labels,
                state.healthy() ? 1 : 0);
        out.counter(
                "redis_group_failovers",
                "Failovers the agent saw in the group: replicas promoted to primary",
                labels,
                state.failovers());
        state.topology().ifPresent(topology -> {
            for (Member.Kind kind : Member.Kind.values()) {
                long count = topology.members().stream()
                        .filter(member -> member.kind() == kind)
                        .count();
                out.gauge(
                        "redis_group_members",
                        "Members of the group as its topology lists them, by kind",
                        labels.add("kind", kind.name().toLowerCase(java.util.Locale.ROOT)),
                        count);
            }
        });
    }
}
