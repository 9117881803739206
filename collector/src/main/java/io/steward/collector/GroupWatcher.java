package io.steward.collector;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the members of one group polled. After every poll of a member it reads the group's topology from the
 * members' latest snapshots and adds the members it names, drops those it no longer names, and counts a failover
 * when a replica is promoted. The group's entry points (its configured Sentinels or seeds) are polled until the
 * topology is known; a group's configured Sentinels always stay. While no member describes the group, the members
 * known stay polled: an outage never empties a group.
 */
final class GroupWatcher {

    /** Where a watcher's members are polled. */
    interface Membership {
        void add(Target member);

        void remove(Target member);
    }

    private static final Logger logger = LoggerFactory.getLogger(GroupWatcher.class);

    private final Target group;
    private final Discovery discovery;
    private final Membership membership;
    private final Clock clock;
    private final Map<String, Target> members = new LinkedHashMap<>();
    private final Map<String, Role> roleOf = new HashMap<>();
    private long failovers;
    private OptionalLong epochAtLastFailover = OptionalLong.empty();
    private volatile GroupState state;

    GroupWatcher(Target group, Discovery discovery, Membership membership, Clock clock) {
        this.group = group;
        this.discovery = discovery;
        this.membership = membership;
        this.clock = clock;
        this.state = new GroupState(group, clock.instant(), Optional.empty(), "not yet polled", 0);
    }

    /** Starts polling the entry points. */
    synchronized void start() {
        for (Member entry : entryPoints()) {
            addMember(entry);
        }
    }

    GroupState state() {
        return state;
    }

    /** The members polled now, in the order they were found. */
    synchronized List<Target> members() {
        return List.copyOf(members.values());
    }

    /**
     * Reads the topology again after a poll of one member.
     *
     * @param latest the latest result of each member polled now
     */
    synchronized void update(Collection<PollResult> latest) {
        List<Snapshot> answered = new ArrayList<>();
        List<PollResult.Failed> failed = new ArrayList<>();
        for (PollResult result : latest) {
            if (!members.containsKey(result.target().node())) {
                continue; // a member dropped while its poll was under way
            }
            if (result instanceof PollResult.Polled polled) {
                answered.add(polled.snapshot());
            } else {
                failed.add((PollResult.Failed) result);
            }
        }
        Discovery.Outcome outcome =
                answered.isEmpty() ? Discovery.Outcome.problem(noAnswer(failed)) : discovery.read(answered);
        if (outcome.topology().isEmpty()) {
            if (!outcome.problem().equals(state.problem())) {
                logger.warn("group {}: {}", group.name(), outcome.problem());
            }
            state = new GroupState(group, clock.instant(), state.topology(), outcome.problem(), failovers);
            return;
        }
        Topology topology = outcome.topology().get();
        reconcile(topology);
        countFailovers(topology);
        if (!state.healthy()) {
            logger.info("group {}: {} members found", group.name(), members.size());
        }
        state = new GroupState(group, clock.instant(), Optional.of(topology), "", failovers);
    }

    private void reconcile(Topology topology) {
        Map<String, Member> wanted = new LinkedHashMap<>();
        topology.members().forEach(member -> wanted.put(member.node(), member));
        if (group.group() instanceof Group.Sentinel) {
            entryPoints().forEach(entry -> wanted.putIfAbsent(entry.node(), entry));
        }
        for (String node : List.copyOf(members.keySet())) {
            if (!wanted.containsKey(node)) {
                logger.info("group {}: {} left", group.name(), node);
                membership.remove(members.remove(node));
            }
        }
        wanted.values().stream()
                .filter(member -> !members.containsKey(member.node()))
                .forEach(member -> {
                    logger.info("group {}: {} joined", group.name(), member.node());
                    addMember(member);
                });
    }

    /**
     * A failover promotes a replica: a node the topology called a replica is a primary now. Where the topology has an
     * epoch, promotions count up to the epoch's rise since the last failover counted: while a Sentinel's or a node's
     * view lags, a group can show its earlier primary again for a moment, which is no failover.
     */
    private void countFailovers(Topology topology) {
        OptionalLong epoch = topology.epoch();
        if (epochAtLastFailover.isEmpty()) {
            epochAtLastFailover = epoch;
        }
        long allowed = epoch.isPresent() && epochAtLastFailover.isPresent()
                ? epoch.getAsLong() - epochAtLastFailover.getAsLong()
                : Long.MAX_VALUE;
        long counted = 0;
        for (Member member : topology.members()) {
            if (member.kind() != Member.Kind.DATA || member.role() == Role.UNKNOWN) {
                continue;
            }
            Role before = roleOf.put(member.node(), member.role());
            if (before != Role.REPLICA || member.role() != Role.PRIMARY) {
                continue;
            }
            if (counted >= allowed) {
                logger.debug("group {}: {} shown as primary again within one epoch", group.name(), member.node());
                continue;
            }
            counted++;
            failovers++;
            logger.warn(
                    "group {}: failover: {} was promoted to primary{}",
                    group.name(),
                    member.node(),
                    member.shard().isEmpty() ? "" : " (shard " + member.shard() + ")");
        }
        if (counted > 0) {
            epochAtLastFailover = epoch;
        }
    }

    private void addMember(Member member) {
        Target target = group.member(member);
        members.put(member.node(), target);
        membership.add(target);
    }

    private List<Member> entryPoints() {
        Member.Kind kind = group.group() instanceof Group.Sentinel ? Member.Kind.SENTINEL : Member.Kind.DATA;
        return group.group().entryPoints().stream()
                .map(node -> new Member(node, kind, Role.UNKNOWN, ""))
                .toList();
    }

    private String noAnswer(List<PollResult.Failed> failed) {
        String what = group.group() instanceof Group.Sentinel ? "Sentinel" : "node";
        String first = failed.isEmpty()
                ? ""
                : ": " + failed.get(0).target().node() + " " + failed.get(0).message();
        return "no " + what + " of " + group.name() + " answered ("
                + String.join(", ", group.group().entryPoints()) + ")" + first;
    }
}
