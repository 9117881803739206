package io.steward.diagnostics;

import io.steward.collector.Group;
import io.steward.collector.GroupState;
import io.steward.collector.Replication;
import io.steward.collector.Role;
import io.steward.collector.Target;
import io.steward.collector.Topology;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the group rules look at: the group target, what its members said the group is (its state and
 * topology), and an {@link Observation} of every member read (or why it was not), which knows the memory its server
 * really has ({@link Observation#memoryCeiling()}).
 * A replica examined alone makes a group too, of itself and the primary it follows: then there is no group state,
 * and the group target is the replica's own.
 */
public final class GroupObservation {

    /** What kind of group the rules look at. */
    public enum Kind {
        SENTINEL("Sentinel group"),
        CLUSTER("cluster"),
        /** Data nodes found from a server's own INFO: a replica examined alone, and the primary it follows. */
        REPLICATION("primary and replicas");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        /** For people: {@code Sentinel group}. */
        public String title() {
            return title;
        }

        /** For JSON: {@code sentinel}, {@code cluster}, {@code replication}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Target group;
    private final Optional<GroupState> state;
    private final List<GroupMember> members;

    private GroupObservation(Target group, Optional<GroupState> state, List<GroupMember> members) {
        this.group = Objects.requireNonNull(group, "group");
        this.state = Objects.requireNonNull(state, "state");
        this.members = List.copyOf(members);
    }

    /** A Sentinel group or a cluster, as a survey found it. */
    public static GroupObservation of(GroupState state, List<GroupMember> members) {
        return new GroupObservation(state.group(), Optional.of(state), members);
    }

    /**
     * Data nodes found from a server's own INFO, with no Sentinel or cluster to describe them: a replica examined
     * alone and the primary it follows (read, or why not).
     *
     * @param subject the target the operator named
     */
    public static GroupObservation ofReplication(Target subject, List<GroupMember> members) {
        return new GroupObservation(subject, Optional.empty(), members);
    }

    public Target group() {
        return group;
    }

    public Kind kind() {
        Group kind = group.group();
        if (kind instanceof Group.Sentinel) {
            return Kind.SENTINEL;
        }
        return kind instanceof Group.Cluster ? Kind.CLUSTER : Kind.REPLICATION;
    }

    public boolean isSentinel() {
        return kind() == Kind.SENTINEL;
    }

    public boolean isCluster() {
        return kind() == Kind.CLUSTER;
    }

    /** The group's state as its survey left it; empty for a replica examined alone. */
    public Optional<GroupState> state() {
        return state;
    }

    /** The topology the members described; empty when they described none (see {@link GroupState#problem()}). */
    public Optional<Topology> topology() {
        return state.flatMap(GroupState::topology);
    }

    /** Every member, data nodes and Sentinels, in the topology's order. */
    public List<GroupMember> members() {
        return members;
    }

    public List<GroupMember> dataNodes() {
        return members.stream().filter(GroupMember::isData).toList();
    }

    public List<GroupMember> sentinels() {
        return members.stream().filter(GroupMember::isSentinel).toList();
    }

    /** The data nodes that were read. */
    public List<GroupMember> readDataNodes() {
        return dataNodes().stream().filter(GroupMember::isRead).toList();
    }

    /** The members that could not be read. */
    public List<GroupMember> unreadable() {
        return members.stream().filter(m -> !m.isRead()).toList();
    }

    public Optional<GroupMember> member(String node) {
        return members.stream().filter(m -> m.node().equals(node)).findFirst();
    }

    /** The data nodes read that say they are primaries ({@code role:master}), in member order. */
    public List<GroupMember> primaries() {
        return readDataNodes().stream().filter(m -> m.observed().isPrimary()).toList();
    }

    /**
     * The data nodes that replicate from a primary: those whose {@code master_host:master_port} names it, those it
     * lists as its replicas ({@code slaveN:ip=..,port=..}), and those not read that the topology calls replicas of its
     * shard; in member order.
     */
    public List<GroupMember> replicasOf(GroupMember primary) {
        List<String> listed = primary.observation()
                .map(o -> o.replicas().stream()
                        .map(Replication.ReplicaLink::address)
                        .toList())
                .orElse(List.of());
        return dataNodes().stream()
                .filter(m -> !m.node().equals(primary.node()))
                .filter(m -> listed.contains(m.node())
                        || m.observation()
                                .flatMap(Observation::primaryLink)
                                .map(link -> link.address().equals(primary.node()))
                                .orElse(false)
                        || (!m.isRead()
                                && m.member().role() == Role.REPLICA
                                && m.member().shard().equals(primary.member().shard())))
                .toList();
    }

    /** The primary a read replica follows, when it is a member. */
    public Optional<GroupMember> primaryOf(GroupMember replica) {
        return replica.observation()
                .flatMap(Observation::primaryLink)
                .flatMap(link -> member(link.address()))
                .filter(m -> m.role() != Role.REPLICA);
    }

    /** The longest sample window among the members read (zero when each was read once). */
    public Duration window() {
        return members.stream()
                .flatMap(m -> m.observation().stream())
                .map(Observation::window)
                .max(Comparator.naturalOrder())
                .orElse(Duration.ZERO);
    }
}
