package io.steward.collector;

import io.steward.collector.ClusterNode.Flag;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterNode.SlotRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Redis Cluster as its members' latest {@code CLUSTER NODES} views agree on it. Built purely from snapshots
 * ({@link #of}): what each node is comes from its own line where it was polled, else from the view with the
 * highest config epoch for it; who serves a slot is settled as Redis settles it, by the highest config epoch among
 * the primaries claiming it; a failure flag holds when a majority of the other views give it. A primary and its
 * replicas form a shard, named by the primary's node id.
 *
 * <p>Give it the snapshots of the members that answered their latest poll: a snapshot of a node that is down now
 * would speak for it as if it were up.
 */
public final class ClusterTopology implements Topology {

    static final int SLOTS = 16384;

    /**
     * One node as the views agree on it.
     *
     * @param id empty for a node known only in handshake, whose id is not settled yet
     * @param shard the id of its shard's primary; empty when its role is unknown
     * @param flags those a majority of the other views give it ({@code fail}, {@code pfail}, {@code handshake},
     *     {@code noaddr}; {@code pfail} only when not {@code fail}), and its own {@code nofailover}
     * @param linkUp whether the cluster bus links of a majority of the other views to it are connected
     * @param slots the slots it serves once claims are settled; none for a replica
     * @param openSlots its slots left migrating or importing, from its own line; empty when it was not polled
     * @param reporting whether its own view is among the snapshots
     */
    public record Node(
            String id,
            String address,
            Role role,
            String primaryId,
            String shard,
            long configEpoch,
            Set<Flag> flags,
            boolean linkUp,
            List<SlotRange> slots,
            List<OpenSlot> openSlots,
            boolean reporting) {

        public Node {
            flags = Set.copyOf(flags);
            slots = List.copyOf(slots);
            openSlots = List.copyOf(openSlots);
        }

        public boolean has(Flag flag) {
            return flags.contains(flag);
        }

        /** Failed as a majority of the others see it. */
        public boolean failing() {
            return has(Flag.FAIL);
        }

        public String host() {
            return address.substring(0, address.lastIndexOf(':'));
        }

        public boolean addressKnown() {
            return !has(Flag.NOADDR) && !host().isEmpty() && !address.endsWith(":0");
        }

        /** How the agent names it: {@code host:port}, or its id while its address is not known. */
        public String name() {
            return addressKnown() || id.isEmpty() ? address : id;
        }

        public int slotCount() {
            return slots.stream().mapToInt(SlotRange::size).sum();
        }
    }

    /** A primary and its replicas; {@code primary} is empty when only replicas name it. */
    public record Shard(String id, Optional<Node> primary, List<Node> replicas) {
        public Shard {
            Objects.requireNonNull(primary, "primary");
            replicas = List.copyOf(replicas);
        }

        public int slotCount() {
            return primary.map(Node::slotCount).orElse(0);
        }

        /** Replicas that are not failing. */
        public List<Node> healthyReplicas() {
            return replicas.stream().filter(replica -> !replica.failing()).toList();
        }
    }

    private final List<Node> nodes;
    private final List<Shard> shards;
    private final int slotsNotCovered;
    private final long currentEpoch;

    private ClusterTopology(List<Node> nodes, int slotsNotCovered, long currentEpoch) {
        this.nodes = List.copyOf(nodes);
        this.slotsNotCovered = slotsNotCovered;
        this.currentEpoch = currentEpoch;
        this.shards = shardsOf(this.nodes);
    }

    /** The cluster as these snapshots see it; those without a {@code CLUSTER NODES} reading are left out. */
    public static ClusterTopology of(List<Snapshot> memberSnapshots) {
        return ClusterViews.merge(memberSnapshots);
    }

    static ClusterTopology assemble(List<Node> nodes, int slotsNotCovered, long currentEpoch) {
        return new ClusterTopology(nodes, slotsNotCovered, currentEpoch);
    }

    /** The data nodes to poll: every node with a known address that is past its handshake, by address. */
    @Override
    public List<Member> members() {
        return nodes.stream()
                .filter(node -> node.addressKnown() && !node.has(Flag.HANDSHAKE))
                .map(node -> new Member(node.address(), Member.Kind.DATA, node.role(), node.shard()))
                .toList();
    }

    /** Every node any view knows, those in handshake or without an address too, by name. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The node of that id or {@code host:port}. */
    public Optional<Node> node(String idOrAddress) {
        return nodes.stream()
                .filter(node -> node.id().equals(idOrAddress) || node.address().equals(idOrAddress))
                .findFirst();
    }

    /** Every shard, by id. */
    public List<Shard> shards() {
        return shards;
    }

    /** Slots no primary serves. */
    public int slotsNotCovered() {
        return slotsNotCovered;
    }

    /** Slots served by a primary that a majority flags {@code fail} (or, for {@code PFAIL}, suspects). */
    public int slotsServedByNodesFlagged(Flag flag) {
        return nodes.stream()
                .filter(node -> node.has(flag))
                .mapToInt(Node::slotCount)
                .sum();
    }

    /** The slots left migrating or importing, each as the node holding it open says. */
    public List<OpenSlot> openSlots() {
        return nodes.stream().flatMap(node -> node.openSlots().stream()).toList();
    }

    /** How many distinct slots are open in that direction. */
    public long openSlotCount(OpenSlot.Direction direction) {
        return openSlots().stream()
                .filter(open -> open.direction() == direction)
                .mapToInt(OpenSlot::slot)
                .distinct()
                .count();
    }

    /** Shards that serve slots with no replica left that is not failing: losing their primary loses the slots. */
    public List<Shard> shardsWithoutReplica() {
        return shards.stream()
                .filter(shard ->
                        shard.slotCount() > 0 && shard.healthyReplicas().isEmpty())
                .toList();
    }

    /** Hosts and how many primaries serving slots each runs, by host. */
    public Map<String, Integer> primariesPerHost() {
        Map<String, Integer> perHost = new TreeMap<>();
        nodes.stream()
                .filter(node -> node.role() == Role.PRIMARY && node.slotCount() > 0)
                .forEach(node -> perHost.merge(node.host(), 1, Integer::sum));
        return perHost;
    }

    /** The highest {@code cluster_current_epoch} any member reports: it grows with every failover. */
    public long currentEpoch() {
        return currentEpoch;
    }

    @Override
    public OptionalLong epoch() {
        return OptionalLong.of(currentEpoch);
    }

    private static List<Shard> shardsOf(List<Node> nodes) {
        Map<String, List<Node>> replicas = new TreeMap<>();
        Map<String, Node> primaries = new LinkedHashMap<>();
        for (Node node : nodes) {
            if (node.role() == Role.PRIMARY) {
                primaries.put(node.id(), node);
                replicas.computeIfAbsent(node.id(), id -> new ArrayList<>());
            } else if (node.role() == Role.REPLICA) {
                replicas.computeIfAbsent(node.shard(), id -> new ArrayList<>()).add(node);
            }
        }
        List<Shard> shards = new ArrayList<>();
        replicas.forEach((id, members) -> {
            members.sort(Comparator.comparing(Node::name));
            shards.add(new Shard(id, Optional.ofNullable(primaries.get(id)), members));
        });
        return shards;
    }
}
