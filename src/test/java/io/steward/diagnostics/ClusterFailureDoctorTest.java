package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.text;
import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Cluster rules on real clusters that lost nodes: each test kills what it needs in a cluster of its own. */
class ClusterFailureDoctorTest {

    @Test
    void aKilledPrimaryWithoutReplicaTakesTheWholeClusterDown() {
        try (RedisCluster cluster = RedisCluster.builder()
                .shard("127.0.0.1")
                .shard("127.0.0.2", "127.0.0.3")
                .shard("127.0.0.3", "127.0.0.1")
                .start()) {
            RedisServer victim = cluster.nodes().get(0);
            String id = cluster.nodeId(victim);

            cluster.kill(victim);
            GroupReport report = ClusterRuns.examine(cluster);

            Finding down = finding(report, "cluster-state-fail");
            assertThat(down.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(down.title())
                    .isEqualTo("The cluster is down (cluster_state:fail, a primary failing): commands are refused"
                            + " with CLUSTERDOWN");
            assertThat(down.evidence())
                    .contains("why: primary " + victim.address() + " (5461 slots: 0-5460) is flagged fail by a"
                            + " majority of the others; its shard has no healthy replica to take over");
            assertThat(down.remedy())
                    .startsWith("Restart " + victim.address() + " with its data")
                    .contains("on every other node CLUSTER FORGET " + id);

            Finding slots = finding(report, "cluster-slots-failing");
            assertThat(slots.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(slots.title())
                    .isEqualTo("5461 slots are served by a primary the cluster flags as failed: their keys are"
                            + " unavailable");
        }
    }

    @Test
    void aPrimaryCutOffFromTheOthersStopsServingAndSaysWhy() {
        try (RedisCluster cluster = RedisCluster.builder()
                .shard("127.0.0.1")
                .shard("127.0.0.2")
                .shard("127.0.0.3")
                .start()) {
            RedisServer survivor = cluster.nodes().get(0);
            cluster.nodes().get(1).stop();
            cluster.nodes().get(2).stop();
            // Alone, it can only suspect the others (pfail): a fail flag takes a majority of primaries.
            await("the survivor says cluster_state:fail")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> survivor.commands().clusterInfo().contains("cluster_state:fail"));

            GroupReport report = ClusterRuns.examine(cluster);

            Finding down = finding(report, "cluster-state-fail");
            assertThat(down.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(down.title()).contains("a node cut off from the majority");
            assertThat(text(down))
                    .contains("why: " + survivor.address() + " reaches 1 of 3 primaries; it does not hear from ")
                    .contains(cluster.nodes().get(1).address())
                    .contains(cluster.nodes().get(2).address());
            assertThat(down.remedy()).contains("Restore the network between " + survivor.address());

            Finding slots = finding(report, "cluster-slots-failing");
            assertThat(slots.severity()).isEqualTo(Severity.WARNING);
            assertThat(slots.title())
                    .isEqualTo("10923 slots are served by a primary the others cannot reach (pfail): their keys may"
                            + " be unavailable");
        }
    }

    @Test
    void aFailedReplicaLeavesItsShardWithoutAHealthyReplica() {
        try (RedisCluster cluster = RedisCluster.start()) {
            RedisServer primary = cluster.primaries().get(0);
            RedisServer replica = cluster.replicaOf(primary);

            cluster.kill(replica);

            Finding finding = finding(ClusterRuns.examine(cluster), "cluster-shard-without-replica");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.evidence().get(0))
                    .startsWith("shard of primary " + primary.address() + " (")
                    .endsWith("): its only replica " + replica.address() + " flagged fail");
        }
    }
}
