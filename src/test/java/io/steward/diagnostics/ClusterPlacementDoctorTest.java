package io.steward.diagnostics;

import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Cluster placement rules on one real cluster placed badly on purpose: a shard whose primary and replica share
 * 127.0.0.1, two shards whose primaries are both on 127.0.0.2 (with their replicas on 127.0.0.3), and a shard on
 * 127.0.0.3 with no replica at all.
 */
class ClusterPlacementDoctorTest {

    private static RedisCluster cluster;
    private static GroupReport report;

    private static RedisServer sameHost;
    private static RedisServer secondOnHost2;
    private static RedisServer alone;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.builder()
                .shard("127.0.0.1", "127.0.0.1")
                .shard("127.0.0.2", "127.0.0.3")
                .shard("127.0.0.2", "127.0.0.3")
                .shard("127.0.0.3")
                .start();
        // Started in order: each shard's primary, then its replicas.
        sameHost = cluster.nodes().get(0);
        secondOnHost2 = cluster.nodes().get(4);
        alone = cluster.nodes().get(6);
        report = ClusterRuns.examine(cluster);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aShardWhosePrimaryAndReplicaShareAHostIsAWarningAndTheOthersAreNot() {
        Finding finding = finding(report, "cluster-shard-one-host");

        RedisServer replica = cluster.nodes().get(1);
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.evidence().get(0))
                .isEqualTo("shard of primary " + sameHost.address() + " (4096 slots: 0-4095): its replica "
                        + replica.address() + " is on the same host, 127.0.0.1");
        // The shards of 127.0.0.2 have their replicas on 127.0.0.3; the shard of 127.0.0.3 has none.
        assertThat(finding.evidence()).hasSize(3);
        assertThat(finding.remedy())
                .contains("redis-cli --cluster add-node <new host>:<port> " + sameHost.address()
                        + " --cluster-slave --cluster-master-id " + cluster.nodeId(sameHost))
                .contains("redis-cli --cluster del-node " + sameHost.address() + " " + cluster.nodeId(replica));
    }

    @Test
    void twoPrimariesOnOneHostIsAWarningWithTheFailoverThatMovesOneAway() {
        Finding finding = finding(report, "cluster-primaries-one-host");

        RedisServer first = cluster.nodes().get(2);
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.evidence())
                .containsExactly(
                        "127.0.0.2 runs 2 of 4 primaries: "
                                + String.join(
                                        ", ",
                                        java.util.stream.Stream.of(first, secondOnHost2)
                                                .map(RedisServer::address)
                                                .sorted()
                                                .map(address -> address + " (4096 slots: " + slotsOf(address) + ")")
                                                .toList()),
                        "losing 127.0.0.2 leaves 2 of 4 primaries, not a majority: no replica can be elected, and the"
                                + " cluster stays down until the host returns");
        RedisServer moved = first.address().compareTo(secondOnHost2.address()) < 0 ? secondOnHost2 : first;
        RedisServer heir = cluster.replicaOf(moved);
        assertThat(finding.remedy())
                .endsWith("\non " + heir.address() + ": CLUSTER FAILOVER (it becomes the primary of " + moved.address()
                        + "'s shard, on 127.0.0.3)");
    }

    @Test
    void aShardWithoutReplicaIsAWarningAndMakesFullCoverageOneToo() {
        Finding finding = finding(report, "cluster-shard-without-replica");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).isEqualTo("A shard has no healthy replica: losing its primary loses its slots");
        assertThat(finding.evidence())
                .containsExactly(
                        "shard of primary " + alone.address() + " (4096 slots: 12288-16383): no replica",
                        "if such a primary fails, its slots have no copy to take over: their keys are lost, and with"
                                + " cluster-require-full-coverage yes the whole cluster stops");
        assertThat(finding.remedy())
                .contains("on a new, empty node (cluster-enabled yes) on another host than 127.0.0.3: redis-cli"
                        + " --cluster add-node <new host>:<port> " + alone.address() + " --cluster-slave"
                        + " --cluster-master-id " + cluster.nodeId(alone));

        Finding coverage = finding(report, "cluster-require-full-coverage");
        assertThat(coverage.severity()).isEqualTo(Severity.WARNING);
        assertThat(coverage.evidence())
                .contains("shard of primary " + alone.address() + " (4096 slots: 12288-16383) has no healthy replica:"
                        + " losing that one node would stop the whole cluster");
    }

    /** The slots of the shards the builder split evenly: the second and third shard's. */
    private static String slotsOf(String address) {
        return address.equals(cluster.nodes().get(2).address()) ? "4096-8191" : "8192-12287";
    }
}
