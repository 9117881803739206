package io.steward.diagnostics;

import static io.steward.diagnostics.ClusterView.describe;
import static io.steward.diagnostics.ClusterView.ranges;
import static io.steward.diagnostics.Units.count;

import io.steward.collector.ClusterNode;
import io.steward.collector.ClusterNode.Flag;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterNode.SlotRange;
import io.steward.collector.ClusterNodes;
import io.steward.collector.ClusterTopology.Node;
import io.steward.collector.ClusterTopology.Shard;
import io.steward.collector.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules of a Redis Cluster as a whole: whether it serves at all and why not, its slots (uncovered, on failing
 * primaries, left open by a move), then its placement ({@link ClusterPlacementRules}) and settings
 * ({@link ClusterSettingRules}). Each judges the cluster as its nodes describe it ({@link ClusterView}).
 */
final class ClusterRules {

    private ClusterRules() {}

    static List<GroupRule> all() {
        List<GroupRule> rules = new ArrayList<>(List.of(stateFail(), slotsUncovered(), slotsFailing(), openSlots()));
        rules.addAll(ClusterPlacementRules.all());
        rules.addAll(ClusterSettingRules.all());
        return List.copyOf(rules);
    }

    static GroupRule stateFail() {
        return ClusterView.rule("cluster-state-fail", GroupRule.onDataNodes(Source.CLUSTER), cluster -> {
            List<GroupMember> down = new ArrayList<>();
            List<GroupMember> up = new ArrayList<>();
            for (GroupMember member : cluster.readNodes()) {
                String state = member.observed().clusterInfo().get("cluster_state");
                if (state != null) {
                    (state.equals("ok") ? up : down).add(member);
                }
            }
            if (down.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            // Nodes that say the same are one line: a whole cluster down is one line, not one per node.
            Map<String, List<GroupMember>> saying = new LinkedHashMap<>();
            down.forEach(member -> saying.computeIfAbsent(clusterInfo(member.observed()), line -> new ArrayList<>())
                    .add(member));
            saying.forEach((line, members) -> evidence.add(
                    (members.size() == 1 ? members.get(0).describe() : cluster.nodes(members)) + ": " + line));
            List<GroupMember> reading = down.stream()
                    .filter(member -> member.observed()
                            .configText("cluster-allow-reads-when-down")
                            .orElse("no")
                            .equals("yes"))
                    .toList();
            if (!reading.isEmpty()) {
                evidence.add(
                        "reads are still served on " + cluster.nodes(reading) + " (cluster-allow-reads-when-down yes)");
            }
            if (!up.isEmpty()) {
                evidence.add("cluster_state:ok on " + cluster.nodes(up));
            }
            Set<String> remedies = new LinkedHashSet<>();
            List<String> causes = new ArrayList<>();
            List<SlotRange> uncovered = cluster.uncovered();
            if (!uncovered.isEmpty()) {
                causes.add("slots not covered");
                evidence.add("why: " + count(cluster.topology().slotsNotCovered(), "slot") + " served by no primary ("
                        + ranges(uncovered) + "), and a node with cluster-require-full-coverage yes stops serving"
                        + " while any slot is uncovered");
                remedies.add(coverRemedy(cluster, uncovered));
            }
            for (Node primary : cluster.servingPrimaries()) {
                if (primary.failing() || primary.has(Flag.PFAIL)) {
                    causes.add("a primary failing");
                    evidence.add("why: " + failingLine(cluster, primary));
                    remedies.add(failingRemedy(cluster, primary));
                }
            }
            for (GroupMember member : down) {
                minority(member).ifPresent(line -> {
                    causes.add("a node cut off from the majority");
                    evidence.add("why: " + line);
                    remedies.add("Restore the network between " + member.node() + " and the other primaries, or"
                            + " bring them back: a node that cannot reach a majority of primaries stops serving by"
                            + " design, so that a partition never takes writes on both sides");
                });
            }
            if (causes.isEmpty()) {
                evidence.add("why: nothing in CLUSTER NODES explains it: a node that just started or rejoined waits"
                        + " a few seconds before it serves again");
                remedies.add("Run the doctor again in a few seconds; if it stays so, redis-cli --cluster check "
                        + cluster.seed() + " names what is wrong");
            }
            boolean everyNode = up.isEmpty();
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    "The cluster is down"
                            + (everyNode ? "" : " on " + down.size() + " of " + (down.size() + up.size()) + " nodes")
                            + " (cluster_state:fail, " + String.join(", ", new LinkedHashSet<>(causes))
                            + "): commands are refused with CLUSTERDOWN",
                    evidence,
                    String.join("\n", remedies)));
        });
    }

    /** {@code cluster_state:fail, slots assigned 16374, ok 16374, pfail 0, fail 0 (of 16384)}. */
    private static String clusterInfo(Observation o) {
        var info = o.clusterInfo();
        return "cluster_state:" + info.getOrDefault("cluster_state", "?") + ", slots assigned "
                + info.getOrDefault("cluster_slots_assigned", "?") + ", ok "
                + info.getOrDefault("cluster_slots_ok", "?")
                + ", pfail " + info.getOrDefault("cluster_slots_pfail", "?") + ", fail "
                + info.getOrDefault("cluster_slots_fail", "?") + " (of " + ClusterView.SLOTS + ")";
    }

    /**
     * Why a node in {@code cluster_state:fail} may be in the minority: in its own view, no more than half the primaries
     * serving slots answer it (itself counted).
     */
    private static Optional<String> minority(GroupMember member) {
        Optional<ClusterNodes> view = member.observed().latest().clusterNodes().optional();
        if (view.isEmpty()) {
            return Optional.empty();
        }
        List<ClusterNode> primaries = view.get().nodes().stream()
                .filter(node -> node.role() == Role.PRIMARY && node.slotCount() > 0)
                .toList();
        List<ClusterNode> unreachable = primaries.stream()
                .filter(node -> !node.myself() && (node.has(Flag.PFAIL) || node.has(Flag.FAIL)))
                .toList();
        long reachable = primaries.size() - unreachable.size();
        if (primaries.isEmpty() || reachable * 2 > primaries.size()) {
            return Optional.empty();
        }
        return Optional.of(member.node() + " reaches " + reachable + " of " + primaries.size()
                + " primaries; it does not hear from "
                + String.join(
                        ", ", unreachable.stream().map(ClusterNode::address).toList())
                + " (flagged pfail or fail): without a majority it stops serving");
    }

    static GroupRule slotsUncovered() {
        return ClusterView.rule("cluster-slots-uncovered", GroupRule.NOTHING, cluster -> {
            List<SlotRange> uncovered = cluster.uncovered();
            if (uncovered.isEmpty()) {
                return Optional.empty();
            }
            int slots = uncovered.stream().mapToInt(SlotRange::size).sum();
            List<String> evidence = new ArrayList<>();
            evidence.add(
                    count(slots, "slot") + " of " + ClusterView.SLOTS + " served by no primary: " + ranges(uncovered));
            evidence.add("keys in them cannot be read or written (CLUSTERDOWN Hash slot not served); nodes with"
                    + " cluster-require-full-coverage yes refuse every key while any slot is uncovered");
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    count(slots, "slot") + (slots == 1 ? " is" : " are") + " served by no primary: their keys are"
                            + " unavailable",
                    evidence,
                    coverRemedy(cluster, uncovered)));
        });
    }

    /** {@code redis-cli --cluster fix}, or the slots added by hand to the primary with the fewest. */
    private static String coverRemedy(ClusterView cluster, List<SlotRange> uncovered) {
        StringBuilder remedy = new StringBuilder("redis-cli --cluster fix " + cluster.seed()
                + " (it gives every uncovered slot to a primary, after checking where their keys are)");
        cluster.servingPrimaries().stream()
                .filter(primary -> !primary.failing())
                .min(Comparator.comparingInt(Node::slotCount).thenComparing(Node::name))
                .ifPresent(fewest -> {
                    List<String> bounds = new ArrayList<>();
                    uncovered.forEach(range -> bounds.add(range.first() + " " + range.last()));
                    remedy.append("\nor by hand, on the primary that should serve them (")
                            .append(fewest.name())
                            .append(" serves the fewest): CLUSTER ADDSLOTSRANGE ")
                            .append(String.join(" ", bounds));
                });
        return remedy.toString();
    }

    static GroupRule slotsFailing() {
        return ClusterView.rule("cluster-slots-failing", GroupRule.NOTHING, cluster -> {
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            int failed = 0;
            int suspected = 0;
            for (Node primary : cluster.servingPrimaries()) {
                if (primary.failing()) {
                    failed += primary.slotCount();
                } else if (primary.has(Flag.PFAIL)) {
                    suspected += primary.slotCount();
                } else {
                    continue;
                }
                evidence.add(failingLine(cluster, primary));
                remedies.add(failingRemedy(cluster, primary));
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            evidence.add("keys in these slots cannot be read or written until their primary answers again or a"
                    + " replica takes over");
            return Optional.of(new Symptom(
                    failed > 0 ? Severity.CRITICAL : Severity.WARNING,
                    failed > 0
                            ? count(failed, "slot") + (failed == 1 ? " is" : " are")
                                    + " served by a primary the cluster flags as failed: their keys are unavailable"
                            : count(suspected, "slot") + (suspected == 1 ? " is" : " are")
                                    + " served by a primary the others cannot reach (pfail): their keys may be"
                                    + " unavailable",
                    evidence,
                    String.join("\n", remedies)));
        });
    }

    /** {@code primary 127.0.0.1:7000 (5461 slots: 0-5460) is flagged fail by a majority of the others; ...}. */
    private static String failingLine(ClusterView cluster, Node primary) {
        String flag = primary.failing() ? "fail" : "pfail (suspected)";
        Optional<Shard> shard = cluster.shardOf(primary);
        List<Node> heirs = shard.map(Shard::healthyReplicas).orElse(List.of());
        return "primary " + describe(primary) + " is flagged " + flag + " by a majority of the others; "
                + (heirs.isEmpty()
                        ? "its shard has no healthy replica to take over"
                        : "its replica " + heirs.get(0).name() + " has not taken over (yet)");
    }

    private static String failingRemedy(ClusterView cluster, Node primary) {
        List<Node> heirs = cluster.shardOf(primary).map(Shard::healthyReplicas).orElse(List.of());
        if (!primary.failing()) {
            return "Check " + primary.name() + ": it has not answered its peers for cluster-node-timeout; if it stays"
                    + " down they flag it fail"
                    + (heirs.isEmpty() ? "" : " and " + heirs.get(0).name() + " takes over");
        }
        if (!heirs.isEmpty()) {
            return "A replica takes over within a few seconds of the fail flag; if "
                    + heirs.get(0).name()
                    + " does not, force it: on " + heirs.get(0).name() + ": CLUSTER FAILOVER FORCE (CLUSTER FAILOVER"
                    + " TAKEOVER when a majority of primaries is gone)";
        }
        return "Restart " + primary.name() + " with its data (its nodes.conf, RDB or AOF): it serves its slots again."
                + " If it is lost for good, so are its keys: on every other node CLUSTER FORGET " + primary.id()
                + ", then redis-cli --cluster fix " + cluster.seed() + " gives its slots, empty, to the others";
    }

    static GroupRule openSlots() {
        return ClusterView.rule("cluster-open-slots", GroupRule.NOTHING, cluster -> {
            TreeMap<Integer, List<String>> bySlot = new TreeMap<>();
            TreeMap<Integer, List<String>> closing = new TreeMap<>();
            for (Node node : cluster.topology().nodes()) {
                for (OpenSlot open : node.openSlots()) {
                    String peer = cluster.topology()
                            .node(open.peerId())
                            .map(Node::name)
                            .orElse(open.peerId());
                    bySlot.computeIfAbsent(open.slot(), slot -> new ArrayList<>())
                            .add(node.name()
                                    + (open.direction() == OpenSlot.Direction.MIGRATING
                                            ? " migrating it to " + peer
                                            : " importing it from " + peer));
                    closing.computeIfAbsent(open.slot(), slot -> new ArrayList<>())
                            .add("on " + node.name() + ": CLUSTER SETSLOT " + open.slot() + " STABLE");
                }
            }
            if (bySlot.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            bySlot.forEach((slot, lines) -> evidence.add("slot " + slot + ": " + String.join("; ", lines)));
            evidence.add("a move that was interrupted leaves its keys split between two nodes: clients are redirected"
                    + " (ASK) for each key, and multi-key commands on the slot fail (TRYAGAIN)");
            List<String> byHand = new ArrayList<>();
            closing.values().forEach(byHand::addAll);
            int slots = bySlot.size();
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    count(slots, "slot") + (slots == 1 ? " is" : " are") + " left open (migrating or importing): a"
                            + " resharding did not finish",
                    evidence,
                    "If no resharding is running now: redis-cli --cluster fix " + cluster.seed()
                            + " (it finishes each move)\nor close them by hand, once CLUSTER COUNTKEYSINSLOT <slot>"
                            + " shows where the keys are: " + String.join("; ", byHand)));
        });
    }
}
