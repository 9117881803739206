package io.steward.exporters;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.ClusterSnapshots;
import io.steward.collector.ClusterTopology;
import io.steward.collector.Snapshot;
import io.steward.testing.Exposition;
import io.steward.testing.Promtool;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The cluster's series as a group's members and its topology give them, from real clusters: each member's own, with
 * the member's labels, and the group's, once, with its nodes (a node that is down too).
 */
class ClusterMetricsTest {

    private static final String GROUP = "shop";

    private static final List<String> ADDED = List.of(
            "redis_cluster_node_info",
            "redis_cluster_node_slots",
            "redis_cluster_node_open_slots",
            "redis_cluster_node_config_epoch",
            "redis_cluster_node_flag",
            "redis_cluster_node_link_up",
            "redis_cluster_slots_not_covered",
            "redis_cluster_slots_failing",
            "redis_cluster_open_slots",
            "redis_cluster_shards",
            "redis_cluster_shards_without_replica",
            "redis_cluster_primaries_per_host");

    /** What the agent exposes for a cluster: every running member's series, then the group's. */
    private static String exposition(RedisCluster cluster) throws IOException {
        List<Snapshot> snapshots = ClusterSnapshots.pollRunning(GROUP, cluster);
        MetricFamilies out = new MetricFamilies();
        for (Snapshot snapshot : snapshots) {
            RedisMetricsCollector.write(
                    snapshot,
                    Labels.of("target", GROUP, "node", snapshot.target().node()),
                    out);
        }
        ClusterMetrics.write(ClusterTopology.of(snapshots), Labels.of("target", GROUP), out);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(text, out.build());
        return text.toString(StandardCharsets.UTF_8);
    }

    private static double value(Exposition exposition, String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>(Map.of("target", GROUP));
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        Exposition.Sample sample = new Exposition.Sample(name, new TreeMap<>(wanted));
        assertThat(exposition.values()).as("series %s", sample).containsKey(sample);
        return exposition.values().get(sample);
    }

    @Test
    void aHealthyClusterShowsEveryNodeUpAndEverySlotCovered() throws Exception {
        try (RedisCluster cluster = RedisCluster.start()) {
            String text = exposition(cluster);
            Exposition metrics = Exposition.parse(text);

            for (RedisServer node : cluster.nodes()) {
                String address = node.address();
                boolean primary = cluster.primaries().contains(node);
                String shard = cluster.nodeId(primary ? node : primaryOf(cluster, node));
                assertThat(value(
                                metrics,
                                "redis_cluster_node_info",
                                "node",
                                address,
                                "node_id",
                                cluster.nodeId(node),
                                "role",
                                primary ? "master" : "slave",
                                "shard",
                                shard))
                        .isEqualTo(1);
                assertThat(value(metrics, "redis_cluster_node_slots", "node", address) > 0)
                        .isEqualTo(primary);
                assertThat(value(metrics, "redis_cluster_node_config_epoch", "node", address))
                        .isPositive();
                assertThat(value(metrics, "redis_cluster_node_link_up", "node", address))
                        .isEqualTo(1);
                for (String flag : List.of("fail", "pfail", "handshake", "noaddr")) {
                    assertThat(value(metrics, "redis_cluster_node_flag", "node", address, "flag", flag))
                            .isZero();
                }
                assertThat(value(metrics, "redis_cluster_node_open_slots", "node", address, "state", "migrating"))
                        .isZero();
                // CLUSTER INFO's families stay as redis_exporter names them.
                assertThat(value(metrics, "redis_cluster_state", "node", address))
                        .isEqualTo(1);
            }
            assertThat(value(metrics, "redis_cluster_slots_not_covered")).isZero();
            assertThat(value(metrics, "redis_cluster_slots_failing", "flag", "fail"))
                    .isZero();
            assertThat(value(metrics, "redis_cluster_open_slots", "state", "importing"))
                    .isZero();
            assertThat(value(metrics, "redis_cluster_shards")).isEqualTo(3);
            assertThat(value(metrics, "redis_cluster_shards_without_replica")).isZero();
            for (String host : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
                assertThat(value(metrics, "redis_cluster_primaries_per_host", "host", host))
                        .isEqualTo(1);
            }
            // redis_exporter's own names (CLUSTER INFO's message totals among them) break some lint rules; these don't.
            assertThat(Promtool.checkMetrics(text))
                    .noneMatch(problem -> ADDED.stream().anyMatch(family -> problem.startsWith(family + " ")));
        }
    }

    @Test
    void aKilledPrimaryIsSeenFailingAndItsShardWithoutReplica() throws Exception {
        try (RedisCluster cluster = RedisCluster.builder()
                .shard("127.0.0.1", "127.0.0.2")
                .shard("127.0.0.2", "127.0.0.3")
                .shard("127.0.0.3", "127.0.0.1")
                .start()) {
            RedisServer victim = cluster.primaries().get(0);
            RedisServer heir = cluster.replicaOf(victim);
            cluster.kill(victim);
            cluster.awaitClusterOk();

            Exposition metrics = Exposition.parse(exposition(cluster));

            String dead = victim.address();
            assertThat(value(metrics, "redis_cluster_node_flag", "node", dead, "flag", "fail"))
                    .isEqualTo(1);
            assertThat(value(metrics, "redis_cluster_node_flag", "node", dead, "flag", "pfail"))
                    .isZero();
            assertThat(value(metrics, "redis_cluster_node_link_up", "node", dead))
                    .isZero();
            // The dead node says nothing of itself: its own series are gone, not stale.
            assertThat(metrics.values().keySet())
                    .noneMatch(sample -> sample.name().equals("redis_cluster_node_slots")
                            && dead.equals(sample.labels().get("node")));
            assertThat(value(metrics, "redis_cluster_node_slots", "node", heir.address()))
                    .isGreaterThan(5000);
            assertThat(value(metrics, "redis_cluster_shards_without_replica")).isEqualTo(1);
            assertThat(value(metrics, "redis_cluster_slots_not_covered")).isZero();
            assertThat(value(metrics, "redis_cluster_primaries_per_host", "host", heir.host()))
                    .isEqualTo(2);
        }
    }

    private static RedisServer primaryOf(RedisCluster cluster, RedisServer replica) {
        return cluster.primaries().stream()
                .filter(primary -> cluster.replicaOf(primary).equals(replica))
                .findFirst()
                .orElseThrow();
    }
}
