package io.steward.diagnostics;

import static io.steward.diagnostics.ClusterView.describe;

import io.steward.collector.ClusterTopology.Node;
import io.steward.collector.ClusterTopology.Shard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a cluster's copies live: a shard with no replica, a shard whose replicas share its primary's host, several
 * primaries on one host. Hosts are told apart by the address part of {@code host:port}, as the nodes name each
 * other.
 */
final class ClusterPlacementRules {

    private ClusterPlacementRules() {}

    static List<GroupRule> all() {
        return List.of(
                shardWithoutReplica(), shardOnOneHost(), primariesOnOneHost(), ClusterBalanceRules.unevenShards());
    }

    static GroupRule shardWithoutReplica() {
        return ClusterView.rule("cluster-shard-without-replica", GroupRule.NOTHING, cluster -> {
            List<Shard> alone = cluster.topology().shardsWithoutReplica();
            if (alone.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            for (Shard shard : alone) {
                List<String> failing = shard.replicas().stream()
                        .filter(Node::failing)
                        .map(Node::name)
                        .toList();
                evidence.add(describe(shard) + ": "
                        + (failing.isEmpty()
                                ? "no replica"
                                : "its only " + (failing.size() == 1 ? "replica " : "replicas ")
                                        + String.join(", ", failing) + " flagged fail"));
                shard.primary()
                        .ifPresent(primary -> remedies.add("on a new, empty node (cluster-enabled yes) on"
                                + " another host than " + primary.host()
                                + ": redis-cli --cluster add-node <new host>:<port> "
                                + primary.name() + " --cluster-slave --cluster-master-id " + primary.id()));
            }
            evidence.add("if such a primary fails, its slots have no copy to take over: their keys are lost, and "
                    + (ClusterSettingRules.requiresFullCoverage(cluster)
                            ? "with cluster-require-full-coverage yes the whole cluster stops"
                            : "commands on them fail until it is back"));
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    alone.size() == 1
                            ? "A shard has no healthy replica: losing its primary loses its slots"
                            : alone.size() + " shards have no healthy replica: losing one of their primaries loses"
                                    + " its slots",
                    evidence,
                    "Give each a replica on another host:\n" + String.join("\n", remedies)
                            + "\n(a shard with more replicas than cluster-migration-barrier gives one away on its"
                            + " own while cluster-allow-replica-migration is yes)"));
        });
    }

    /** A shard whose every healthy replica is on its primary's host: one host lost, both copies lost. */
    static GroupRule shardOnOneHost() {
        return ClusterView.rule("cluster-shard-one-host", GroupRule.NOTHING, cluster -> {
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            for (Shard shard : cluster.topology().shards()) {
                if (shard.primary().isEmpty() || shard.healthyReplicas().isEmpty()) {
                    continue;
                }
                Node primary = shard.primary().get();
                List<Node> replicas = shard.healthyReplicas();
                if (replicas.stream().anyMatch(replica -> !replica.host().equals(primary.host()))) {
                    continue;
                }
                evidence.add(describe(shard) + ": "
                        + (replicas.size() == 1 ? "its replica " : "its replicas ")
                        + String.join(", ", replicas.stream().map(Node::name).toList())
                        + (replicas.size() == 1 ? " is" : " are") + " on the same host, " + primary.host());
                remedies.add("on a new, empty node on another host than " + primary.host()
                        + ": redis-cli --cluster add-node <new host>:<port> " + primary.name()
                        + " --cluster-slave --cluster-master-id " + primary.id() + "; then redis-cli --cluster"
                        + " del-node " + primary.name() + " " + replicas.get(0).id());
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            evidence.add("losing that host loses every copy of the shard's slots: no replica is left to take over");
            evidence.add("hosts are told apart by the address part of host:port, as the nodes name each other");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "A shard's primary and its replicas are on one host: losing it loses the shard",
                    evidence,
                    "Move a replica to another host:\n" + String.join("\n", remedies)));
        });
    }

    static GroupRule primariesOnOneHost() {
        return ClusterView.rule("cluster-primaries-one-host", GroupRule.NOTHING, cluster -> {
            List<Node> primaries = cluster.servingPrimaries();
            Map<String, Integer> perHost = cluster.topology().primariesPerHost();
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            perHost.forEach((host, onHost) -> {
                if (onHost < 2) {
                    return;
                }
                List<Node> here = primaries.stream()
                        .filter(primary -> primary.host().equals(host))
                        .toList();
                evidence.add(host + " runs " + onHost + " of " + primaries.size() + " primaries: "
                        + String.join(
                                ", ", here.stream().map(ClusterView::describe).toList()));
                int left = primaries.size() - onHost;
                evidence.add(
                        left * 2 > primaries.size()
                                ? "losing " + host + " takes " + onHost
                                        + " shards down at once, until their replicas take" + " over"
                                : "losing " + host + " leaves " + left + " of " + primaries.size() + " primaries, not a"
                                        + " majority: no replica can be elected, and the cluster stays down until the host"
                                        + " returns");
                here.stream().skip(1).forEach(primary -> remedies.add(moveRemedy(cluster, primary, perHost)));
            });
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Several primaries are on one host: losing it takes several shards down at once",
                    evidence,
                    "Move primaries apart by promoting a replica on another host:\n" + String.join("\n", remedies)));
        });
    }

    /** The primary's replica on the host with the fewest primaries takes over; else, first a replica there. */
    private static String moveRemedy(ClusterView cluster, Node primary, Map<String, Integer> perHost) {
        Optional<Node> elsewhere = cluster.shardOf(primary).stream()
                .flatMap(shard -> shard.healthyReplicas().stream())
                .filter(replica -> !replica.host().equals(primary.host()))
                .min(Comparator.comparingInt((Node replica) -> perHost.getOrDefault(replica.host(), 0))
                        .thenComparing(Node::name));
        return elsewhere
                .map(replica -> "on " + replica.name() + ": CLUSTER FAILOVER (it becomes the primary of "
                        + primary.name() + "'s shard, on " + replica.host() + ")")
                .orElse("give " + primary.name() + " a replica on a host without a primary (redis-cli --cluster"
                        + " add-node <new host>:<port> " + primary.name() + " --cluster-slave --cluster-master-id "
                        + primary.id() + "), then on it: CLUSTER FAILOVER");
    }
}
