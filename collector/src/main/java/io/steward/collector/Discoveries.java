package io.steward.collector;

import java.util.List;
import java.util.stream.Collectors;

/** The {@link Discovery} of each kind of group: how its members' snapshots describe it. */
final class Discoveries {

    private Discoveries() {}

    static Discovery of(Target group) {
        if (group.group() instanceof Group.Cluster) {
            return Discoveries::cluster;
        }
        if (group.group() instanceof Group.Sentinel sentinel) {
            return members -> sentinel(sentinel.masterName(), members);
        }
        throw new IllegalArgumentException(group + " is not a group");
    }

    /**
     * A Sentinel group is what its Sentinels say of the master; when none monitors a master of that name, the
     * group is only its Sentinels, and the problem says what each one monitors.
     */
    private static Discovery.Outcome sentinel(String masterName, List<Snapshot> members) {
        SentinelTopology topology = SentinelTopology.of(masterName, members);
        return topology.unknownMasterMessage()
                .map(Discovery.Outcome::problem)
                .orElseGet(() -> Discovery.Outcome.of(topology));
    }

    /** A cluster is what its nodes' {@code CLUSTER NODES} say; a seed that is not in cluster mode says nothing. */
    private static Discovery.Outcome cluster(List<Snapshot> members) {
        List<Snapshot> views = members.stream()
                .filter(snapshot -> snapshot.clusterNodes().optional().isPresent())
                .toList();
        if (views.isEmpty()) {
            List<String> notClustered = members.stream()
                    .filter(snapshot -> !snapshot.clusterEnabled())
                    .map(snapshot -> snapshot.target().node())
                    .collect(Collectors.toList());
            return Discovery.Outcome.problem(
                    notClustered.isEmpty()
                            ? "no node answered CLUSTER NODES"
                            : String.join(", ", notClustered)
                                    + " is not in cluster mode (cluster_enabled:0): give a node of"
                                    + " the cluster as a seed, or drop cluster: true (--cluster) for a server on its own");
        }
        ClusterTopology topology = ClusterTopology.of(views);
        if (topology.members().isEmpty()) {
            return Discovery.Outcome.problem("the cluster's nodes list no node with an address yet");
        }
        return Discovery.Outcome.of(topology);
    }
}
