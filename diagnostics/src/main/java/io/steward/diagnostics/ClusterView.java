package io.steward.diagnostics;

import io.steward.collector.ClusterNode.SlotRange;
import io.steward.collector.ClusterTopology;
import io.steward.collector.ClusterTopology.Node;
import io.steward.collector.ClusterTopology.Shard;
import io.steward.collector.Role;
import io.steward.collector.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A cluster as the cluster rules judge it: the topology that the nodes read describe in the same snapshots the rules
 * read their {@code CLUSTER INFO} and configuration from (the survey's topology when none of them answered {@code
 * CLUSTER NODES}), and what each node read said of itself.
 */
final class ClusterView {

    static final int SLOTS = 16384;

    private final GroupObservation group;
    private final ClusterTopology topology;

    private ClusterView(GroupObservation group, ClusterTopology topology) {
        this.group = group;
        this.topology = topology;
    }

    /** The cluster's view; empty for a group that is not a cluster, or a cluster that described no topology. */
    static Optional<ClusterView> of(GroupObservation group) {
        if (!group.isCluster()) {
            return Optional.empty();
        }
        List<Snapshot> views = group.readDataNodes().stream()
                .map(member -> member.observed().latest())
                .filter(snapshot -> snapshot.clusterNodes().optional().isPresent())
                .toList();
        if (!views.isEmpty()) {
            return Optional.of(new ClusterView(group, ClusterTopology.of(views)));
        }
        return group.topology()
                .filter(ClusterTopology.class::isInstance)
                .map(topology -> new ClusterView(group, (ClusterTopology) topology));
    }

    /** A cluster whose nodes described it; a group of another kind needs nothing (the rules do not apply to it). */
    static final GroupRule.Needs TOPOLOGY =
            group -> !group.isCluster() || of(group).isPresent()
                    ? Optional.empty()
                    : Optional.of(group.state()
                            .map(state -> state.problem())
                            .filter(problem -> !problem.isEmpty())
                            .orElse("no node answered CLUSTER NODES"));

    /**
     * A cluster rule: {@code check} sees the cluster's view. A group of another kind is neither judged nor skipped:
     * the rule does not apply to it, whatever it lacks.
     */
    static GroupRule rule(String id, GroupRule.Needs needs, Function<ClusterView, Optional<Symptom>> check) {
        GroupRule.Needs ofACluster = TOPOLOGY.and(needs);
        return new GroupRule(
                id,
                Area.CLUSTER,
                group -> group.isCluster() ? ofACluster.missing(group) : Optional.empty(),
                group -> of(group).flatMap(check));
    }

    ClusterTopology topology() {
        return topology;
    }

    /** The data nodes read, in member order. */
    List<GroupMember> readNodes() {
        return group.readDataNodes();
    }

    /** What the node said itself, when it was read. */
    Optional<Observation> observed(Node node) {
        return group.member(node.address()).filter(GroupMember::isRead).map(GroupMember::observed);
    }

    /** The primaries that serve slots, by name. */
    List<Node> servingPrimaries() {
        return topology.nodes().stream()
                .filter(node -> node.role() == Role.PRIMARY && node.slotCount() > 0)
                .toList();
    }

    /** The primaries serving slots that were read and still say they are primaries, each with what it said. */
    List<Map.Entry<Node, Observation>> readPrimaries() {
        List<Map.Entry<Node, Observation>> read = new ArrayList<>();
        for (Node primary : servingPrimaries()) {
            observed(primary).filter(o -> o.role() == Role.PRIMARY).ifPresent(o -> read.add(Map.entry(primary, o)));
        }
        return read;
    }

    Optional<Shard> shardOf(Node node) {
        return topology.shards().stream()
                .filter(shard -> shard.id().equals(node.shard()))
                .findFirst();
    }

    /** A node to give redis-cli: the first data node read. */
    String seed() {
        return readNodes().isEmpty() ? "<host>:<port>" : readNodes().get(0).node();
    }

    /** {@code 127.0.0.1:7000 (5461 slots: 0-5460)}. */
    static String describe(Node primary) {
        return primary.name() + " (" + Units.count(primary.slotCount(), "slot")
                + (primary.slots().isEmpty() ? "" : ": " + ranges(primary.slots())) + ")";
    }

    /** {@code shard of primary 127.0.0.1:7000 (5461 slots: 0-5460)}. */
    static String describe(Shard shard) {
        return shard.primary()
                .map(primary -> "shard of primary " + describe(primary))
                .orElse("shard " + shard.id() + " (its primary is not known)");
    }

    /** {@code 0-5460, 10923-16383}; past five ranges, how many more. */
    static String ranges(List<SlotRange> ranges) {
        List<String> shown = new ArrayList<>();
        ranges.stream().limit(5).forEach(range -> shown.add(range.toString()));
        if (ranges.size() > 5) {
            shown.add("and " + (ranges.size() - 5) + " more ranges");
        }
        return String.join(", ", shown);
    }

    /** The slots no primary serves, as ranges. */
    List<SlotRange> uncovered() {
        boolean[] covered = new boolean[SLOTS];
        for (Node node : topology.nodes()) {
            for (SlotRange range : node.slots()) {
                for (int slot = range.first(); slot <= range.last(); slot++) {
                    covered[slot] = true;
                }
            }
        }
        List<SlotRange> ranges = new ArrayList<>();
        int start = -1;
        for (int slot = 0; slot <= SLOTS; slot++) {
            boolean gap = slot < SLOTS && !covered[slot];
            if (gap && start < 0) {
                start = slot;
            } else if (!gap && start >= 0) {
                ranges.add(new SlotRange(start, slot - 1));
                start = -1;
            }
        }
        return ranges;
    }

    /** {@code a, b and c}, or {@code every node read} when they are all. */
    String nodes(List<GroupMember> members) {
        if (members.size() == readNodes().size() && members.size() > 1) {
            return "all " + members.size() + " nodes read";
        }
        return String.join(", ", members.stream().map(GroupMember::node).toList());
    }
}
