package io.steward.collector;

import io.steward.collector.SentinelState.MonitoredMaster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Sentinel group as its Sentinels describe it, derived purely from their latest snapshots: the primary the most
 * of them name, the replicas and the Sentinels they list, and where they disagree.
 *
 * @param views what each Sentinel that answered says, in the order given
 */
public record SentinelTopology(String masterName, List<View> views) implements Topology {

    /**
     * One Sentinel's answer.
     *
     * @param sentinel the Sentinel's {@code host:port} as the agent reaches it
     * @param runId its {@code run_id}, which its peers list it under
     * @param master its view of the master, empty when it does not monitor a master of that name
     * @param monitors the names of the masters it does monitor, by its INFO
     * @param unavailable why its view of the masters is missing (it refused {@code SENTINEL MASTERS}), else empty
     */
    public record View(
            String sentinel,
            String runId,
            Optional<MonitoredMaster> master,
            List<String> monitors,
            Optional<String> unavailable) {

        public View {
            monitors = List.copyOf(monitors);
        }

        public Optional<String> primaryAddress() {
            return master.map(known -> known.master().address());
        }

        /** What it said, for a message on a master it does not know. */
        String answer() {
            if (unavailable.isPresent()) {
                return sentinel + ": " + unavailable.get();
            }
            return sentinel + (monitors.isEmpty() ? " monitors no master" : " monitors " + String.join(", ", monitors));
        }
    }

    public SentinelTopology {
        Objects.requireNonNull(masterName, "masterName");
        views = List.copyOf(views);
    }

    /** From the latest snapshots of the group's Sentinels that answered; snapshots of other servers are ignored. */
    public static SentinelTopology of(String masterName, List<Snapshot> sentinelSnapshots) {
        List<View> views = new ArrayList<>();
        for (Snapshot snapshot : sentinelSnapshots) {
            snapshot.sentinel()
                    .optional()
                    .ifPresent(state -> views.add(new View(
                            node(snapshot.target()),
                            snapshot.runId(),
                            state.master(masterName),
                            state.masterNames(),
                            state.masters().unavailableReason())));
        }
        return new SentinelTopology(masterName, views);
    }

    private static String node(Target target) {
        return target.isMember() ? target.node() : target.address();
    }

    /** The views of the Sentinels that monitor the master. */
    public List<View> knowing() {
        return views.stream().filter(view -> view.master().isPresent()).toList();
    }

    /** Whether no Sentinel that answered monitors a master of this name (or none answered). */
    public boolean unknownMaster() {
        return knowing().isEmpty();
    }

    /** Why there is no group to watch, naming what each Sentinel said; empty while one knows the master. */
    public Optional<String> unknownMasterMessage() {
        if (!unknownMaster()) {
            return Optional.empty();
        }
        if (views.isEmpty()) {
            return Optional.of("no Sentinel answered, so master " + masterName + " cannot be found");
        }
        return Optional.of("no Sentinel monitors a master named " + masterName + ": "
                + views.stream().map(View::answer).collect(Collectors.joining("; ")));
    }

    /**
     * The primary's {@code host:port}: the address the most Sentinels name; on a tie, the one named with the highest
     * config epoch (the newer configuration, which the others will adopt). Empty when no Sentinel knows the master.
     */
    public Optional<String> primaryAddress() {
        Map<String, Integer> votes = new LinkedHashMap<>();
        Map<String, Long> epochs = new LinkedHashMap<>();
        for (View view : knowing()) {
            SentinelMaster master = view.master().orElseThrow().master();
            votes.merge(master.address(), 1, Integer::sum);
            epochs.merge(master.address(), master.configEpoch(), Math::max);
        }
        return votes.keySet().stream()
                .max(Comparator.<String>comparingInt(votes::get)
                        .thenComparingLong(epochs::get)
                        .thenComparing(Comparator.<String>reverseOrder()));
    }

    /** Whether every Sentinel that knows the master names the same primary (and at least one does). */
    public boolean sentinelsAgree() {
        return !unknownMaster()
                && knowing().stream()
                                .map(view -> view.primaryAddress().orElseThrow())
                                .distinct()
                                .count()
                        == 1;
    }

    /** Whether any Sentinel says a failover of the master is under way. */
    public boolean failoverInProgress() {
        return knowing().stream().anyMatch(view -> masterOf(view).failoverInProgress());
    }

    /**
     * How many Sentinels deem the primary down ({@code s_down}) on their own; a Sentinel that names another server
     * (it lags behind a failover) says nothing about this one.
     */
    public int sentinelsSeeingPrimaryDown() {
        return (int) namingPrimary().stream()
                .filter(view -> masterOf(view).subjectivelyDown())
                .count();
    }

    /** Whether a Sentinel says enough of them agree the primary is down to fail over ({@code o_down}). */
    public boolean primaryObjectivelyDown() {
        return namingPrimary().stream().anyMatch(view -> masterOf(view).objectivelyDown());
    }

    /** The quorum configured for the master, as the Sentinels naming the primary say (the highest if they differ). */
    public OptionalInt quorum() {
        return namingPrimary().stream()
                .mapToInt(view -> masterOf(view).quorum())
                .max();
    }

    /** The views of the Sentinels that name the primary the most of them name. */
    public List<View> namingPrimary() {
        Optional<String> primary = primaryAddress();
        return knowing().stream()
                .filter(view -> view.primaryAddress().equals(primary))
                .toList();
    }

    /** The highest config epoch any Sentinel reports for the master: each failover raises it by one or more. */
    public OptionalLong configEpoch() {
        return knowing().stream()
                .mapToLong(view -> masterOf(view).configEpoch())
                .max();
    }

    @Override
    public OptionalLong epoch() {
        return configEpoch();
    }

    /** The replicas' {@code host:port} the Sentinels list, the primary left out (a Sentinel that lags may list it). */
    public Set<String> replicaAddresses() {
        String primary = primaryAddress().orElse("");
        Set<String> replicas = new TreeSet<>();
        for (View view : knowing()) {
            view.master().orElseThrow().replicas().orElse(List.of()).stream()
                    .map(SentinelReplica::address)
                    .filter(address -> !address.equals(primary))
                    .forEach(replicas::add);
        }
        return replicas;
    }

    /**
     * Every Sentinel's {@code host:port}, sorted: those that answered, and those they list that are none of them (by
     * run id, as a Sentinel may announce another address than the one the agent reaches it by).
     */
    public Set<String> sentinelAddresses() {
        Set<String> addresses = new TreeSet<>();
        Set<String> answered = new HashSet<>();
        views.forEach(view -> {
            addresses.add(view.sentinel());
            answered.add(view.runId());
        });
        for (View view : knowing()) {
            for (SentinelPeer peer : view.master().orElseThrow().sentinels().orElse(List.of())) {
                if (!answered.contains(peer.runId())) {
                    addresses.add(peer.address());
                }
            }
        }
        return addresses;
    }

    /** The primary, then the replicas, then the Sentinels; nothing but the Sentinels while none knows the master. */
    @Override
    public List<Member> members() {
        List<Member> members = new ArrayList<>();
        primaryAddress()
                .ifPresent(primary -> members.add(new Member(primary, Member.Kind.DATA, Role.PRIMARY, masterName)));
        replicaAddresses()
                .forEach(replica -> members.add(new Member(replica, Member.Kind.DATA, Role.REPLICA, masterName)));
        sentinelAddresses()
                .forEach(sentinel -> members.add(new Member(sentinel, Member.Kind.SENTINEL, Role.UNKNOWN, "")));
        return members;
    }

    private static SentinelMaster masterOf(View view) {
        return view.master().orElseThrow().master();
    }
}
