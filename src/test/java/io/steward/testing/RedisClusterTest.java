package io.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster fixture makes the layouts the cluster tests rely on, and fails over and kills nodes for real. */
class RedisClusterTest {

    @Test
    void spreadsThreeShardsOverThreeHostsAndFailsOverOnRequest() {
        try (RedisCluster cluster = RedisCluster.start()) {
            assertThat(cluster.nodes()).hasSize(6);
            List<RedisServer> primaries = cluster.primaries();
            assertThat(primaries)
                    .extracting(RedisServer::host)
                    .containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2", "127.0.0.3");
            for (RedisServer primary : primaries) {
                assertThat(cluster.replicaOf(primary).host()).isNotEqualTo(primary.host());
            }
            RedisServer owner = cluster.ownerOf("greeting");
            owner.commands().set("greeting", "hello");
            assertThat(owner.commands().get("greeting")).isEqualTo("hello");

            RedisServer replica = cluster.replicaOf(owner);
            cluster.failover(replica);

            assertThat(cluster.primaries()).contains(replica).doesNotContain(owner);
            assertThat(cluster.replicaOf(replica)).isEqualTo(owner);
            assertThat(cluster.ownerOf("greeting")).isEqualTo(replica);
            assertThat(replica.commands().get("greeting")).isEqualTo("hello");
        }
    }

    @Test
    void placesShardsExactlyAndAKilledPrimaryIsMarkedFailThenReplaced() {
        try (RedisCluster cluster = RedisCluster.builder()
                .shard("127.0.0.1", "127.0.0.1")
                .shard("127.0.0.2", "127.0.0.2")
                .shard("127.0.0.3", "127.0.0.3")
                .start()) {
            List<RedisServer> primaries = cluster.primaries();
            assertThat(primaries).hasSize(3);
            for (RedisServer primary : primaries) {
                assertThat(cluster.replicaOf(primary).host()).isEqualTo(primary.host());
            }
            RedisServer victim = primaries.get(1);
            RedisServer heir = cluster.replicaOf(victim);

            cluster.kill(victim);
            cluster.awaitClusterOk();

            assertThat(victim.isAlive()).isFalse();
            assertThat(cluster.primaries()).hasSize(3).contains(heir);
            assertThat(heir.commands().clusterInfo()).contains("cluster_state:ok");
        }
    }
}
