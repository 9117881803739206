package io.steward.diagnostics;

import io.steward.collector.Group;
import io.steward.collector.SentinelMaster;
import io.steward.collector.SentinelPeer;
import io.steward.collector.SentinelReplica;
import io.steward.collector.SentinelState;
import io.steward.collector.SentinelState.MonitoredMaster;
import io.steward.collector.SentinelTopology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A Sentinel group as the doctor read its Sentinels: each one that answered, with what it knows of the master, and
 * the topology their snapshots describe. The Sentinel rules look at this, not at the survey that found the members:
 * it is as fresh as the members' observations.
 *
 * @param group the whole group, data nodes too
 * @param sentinels every Sentinel read, in member order, whether it monitors the master or not
 */
record SentinelGroupView(GroupObservation group, String masterName, SentinelTopology topology, List<Seen> sentinels) {

    /** One Sentinel read: its member, its state, and its view of the master (empty when it does not monitor it). */
    record Seen(GroupMember member, SentinelState state, Optional<MonitoredMaster> monitored) {

        String node() {
            return member.node();
        }

        /** Its view of the master; only for a Sentinel that monitors it. */
        SentinelMaster master() {
            return monitored.orElseThrow().master();
        }

        List<SentinelPeer> peers() {
            return monitored.flatMap(m -> m.sentinels().optional()).orElse(List.of());
        }

        List<SentinelReplica> replicas() {
            return monitored.flatMap(m -> m.replicas().optional()).orElse(List.of());
        }

        Optional<SentinelState.QuorumCheck> quorumCheck() {
            return monitored.flatMap(m -> m.quorumCheck().optional());
        }
    }

    SentinelGroupView {
        sentinels = List.copyOf(sentinels);
    }

    /** The view of a Sentinel group; empty for other groups, or when no Sentinel read monitors the master. */
    static Optional<SentinelGroupView> of(GroupObservation group) {
        if (!(group.group().group() instanceof Group.Sentinel sentinel)) {
            return Optional.empty();
        }
        List<Seen> seen = new ArrayList<>();
        for (GroupMember member : group.sentinels()) {
            member.observation()
                    .flatMap(o -> o.latest().sentinel().optional())
                    .ifPresent(state -> seen.add(new Seen(member, state, state.master(sentinel.masterName()))));
        }
        SentinelTopology topology = SentinelTopology.of(
                sentinel.masterName(),
                group.sentinels().stream()
                        .flatMap(m -> m.observation().stream())
                        .map(Observation::latest)
                        .toList());
        SentinelGroupView view = new SentinelGroupView(group, sentinel.masterName(), topology, seen);
        return view.knowing().isEmpty() ? Optional.empty() : Optional.of(view);
    }

    /** What a Sentinel rule needs: a Sentinel read that monitors the master (other groups have nothing to judge). */
    static final GroupRule.Needs NEEDS =
            group -> group.isSentinel() && of(group).isEmpty()
                    ? Optional.of("no Sentinel that monitors the master could be read")
                    : Optional.empty();

    /** A Sentinel rule: nothing on other groups. */
    static GroupRule rule(String id, Function<SentinelGroupView, Optional<Symptom>> check) {
        return new GroupRule(id, Area.SENTINEL, NEEDS, group -> of(group).flatMap(check));
    }

    /** The Sentinels read that monitor the master. */
    List<Seen> knowing() {
        return sentinels.stream().filter(s -> s.monitored().isPresent()).toList();
    }

    /** The Sentinels read that name the primary the most of them name. */
    List<Seen> namingPrimary() {
        Optional<String> primary = topology.primaryAddress();
        return knowing().stream()
                .filter(s -> primary.equals(Optional.of(s.master().address())))
                .toList();
    }

    /** The primary's {@code host:port}, as the most Sentinels name it. */
    String primary() {
        return topology.primaryAddress().orElseThrow();
    }

    /**
     * How many Sentinels watch the master: the most any of them counts (itself and the others it heard from, up or
     * not), which is what a Sentinel counts a majority of; at least those the doctor read.
     */
    int total() {
        int counted = knowing().stream()
                .mapToInt(s -> s.master().otherSentinels() + 1)
                .max()
                .orElse(0);
        return Math.max(counted, addresses().size());
    }

    /** The votes a failover needs: a majority of the Sentinels. */
    int majority() {
        return total() / 2 + 1;
    }

    /** The highest quorum the Sentinels naming the primary have. */
    int quorum() {
        return topology.quorum().orElse(0);
    }

    /** The lowest quorum of the Sentinels naming the primary: the one that declares it down soonest. */
    int lowestQuorum() {
        return namingPrimary().stream().mapToInt(s -> s.master().quorum()).min().orElse(quorum());
    }

    /**
     * Every Sentinel's {@code host:port}, sorted: those read that monitor the master, and the others they list (by
     * run id, as a Sentinel may announce another address than the one it was reached by).
     */
    Set<String> addresses() {
        Set<String> addresses = new TreeSet<>();
        Set<String> read = new TreeSet<>();
        knowing().forEach(s -> {
            addresses.add(s.node());
            read.add(s.member().observed().latest().runId());
        });
        for (Seen seen : knowing()) {
            seen.peers().stream()
                    .filter(peer -> !read.contains(peer.runId()))
                    .forEach(peer -> addresses.add(peer.address()));
        }
        return addresses;
    }

    /** The Sentinels listed by those read that the doctor did not read itself. */
    Set<String> notRead() {
        Set<String> others = new TreeSet<>(addresses());
        knowing().forEach(s -> others.remove(s.node()));
        return others;
    }

    /** The replicas a Sentinel naming the primary lists and does not deem down: those a failover reconfigures. */
    int replicasUp() {
        return namingPrimary().stream()
                .mapToInt(s -> (int) s.replicas().stream()
                        .filter(r -> r.ok() && !r.address().equals(primary()))
                        .count())
                .max()
                .orElse(0);
    }

    /** The primary as a member read by the doctor, when it was. */
    Optional<GroupMember> primaryMember() {
        return readMember(primary());
    }

    /** A data node the doctor read, by {@code host:port}. */
    Optional<GroupMember> readMember(String address) {
        return group.member(address).filter(GroupMember::isRead);
    }

    /** {@code 127.0.0.1:26379, 127.0.0.2:26379} grouped by a value of each, in first-seen order. */
    static <T> Map<T, List<String>> byValue(List<Seen> seen, Function<Seen, T> value) {
        Map<T, List<String>> groups = new LinkedHashMap<>();
        seen.forEach(s ->
                groups.computeIfAbsent(value.apply(s), v -> new ArrayList<>()).add(s.node()));
        return groups;
    }

    /** The host part of {@code host:port}, as written: 127.0.0.1 and 127.0.0.2 are different hosts. */
    static String host(String address) {
        return address.substring(0, address.lastIndexOf(':'));
    }

    /** {@code on every Sentinel (127.0.0.1:26379, ...): SENTINEL SET mymaster quorum 2}. */
    String setOnEvery(String setting, Object value) {
        return "on every Sentinel (" + String.join(", ", addresses()) + "): SENTINEL SET " + masterName + " " + setting
                + " " + value;
    }

    /** Said after a SENTINEL SET remedy. */
    static final String PERSISTED = "(a Sentinel writes what SENTINEL SET changes into its sentinel.conf itself)";
}
