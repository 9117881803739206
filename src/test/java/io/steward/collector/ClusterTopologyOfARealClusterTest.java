package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.steward.collector.ClusterNode.Flag;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterTopology.Node;
import io.steward.collector.ClusterTopology.Shard;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The topology of a real cluster from one poll of each running node, as the agent derives it. */
class ClusterTopologyOfARealClusterTest {

    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static ClusterTopology topology(RedisCluster of) {
        return ClusterTopology.of(ClusterSnapshots.pollRunning("shop", of));
    }

    @Test
    void aHealthyClusterIsThreeShardsOfAPrimaryAndAReplicaOnTwoHosts() {
        ClusterTopology topology = topology(cluster);

        assertThat(topology.members()).hasSize(6);
        for (RedisServer node : cluster.nodes()) {
            Node seen = topology.node(node.address()).orElseThrow();
            assertThat(seen.id()).isEqualTo(cluster.nodeId(node));
            assertThat(seen.role()).isEqualTo(cluster.primaries().contains(node) ? Role.PRIMARY : Role.REPLICA);
            assertThat(seen.reporting()).isTrue();
            assertThat(seen.linkUp()).isTrue();
            assertThat(seen.flags()).isEmpty();
        }
        assertThat(topology.shards()).hasSize(3);
        for (Shard shard : topology.shards()) {
            Node primary = shard.primary().orElseThrow();
            assertThat(shard.id()).isEqualTo(primary.id());
            assertThat(shard.replicas()).singleElement().satisfies(replica -> {
                assertThat(replica.shard()).isEqualTo(shard.id());
                assertThat(replica.host()).isNotEqualTo(primary.host());
            });
        }
        assertThat(topology.slotsNotCovered()).isZero();
        assertThat(topology.shardsWithoutReplica()).isEmpty();
        assertThat(topology.primariesPerHost()).isEqualTo(Map.of("127.0.0.1", 1, "127.0.0.2", 1, "127.0.0.3", 1));
        assertThat(topology.openSlots()).isEmpty();
    }

    @Test
    void aSlotLeftMigratingIsOpenOnBothEnds() {
        RedisServer from = cluster.ownerOf("cart:1");
        RedisServer to = cluster.primaries().stream()
                .filter(primary -> !primary.equals(from))
                .findFirst()
                .orElseThrow();
        int slot = Math.toIntExact(from.commands().clusterKeyslot("cart:1"));
        to.commands().clusterSetSlotImporting(slot, cluster.nodeId(from));
        from.commands().clusterSetSlotMigrating(slot, cluster.nodeId(to));
        try {
            ClusterTopology topology = topology(cluster);

            assertThat(topology.openSlotCount(OpenSlot.Direction.MIGRATING)).isEqualTo(1);
            assertThat(topology.openSlotCount(OpenSlot.Direction.IMPORTING)).isEqualTo(1);
            assertThat(topology.node(from.address()).orElseThrow().openSlots())
                    .containsExactly(new OpenSlot(slot, OpenSlot.Direction.MIGRATING, cluster.nodeId(to)));
        } finally {
            from.commands().clusterSetSlotStable(slot);
            to.commands().clusterSetSlotStable(slot);
        }
        assertThat(topology(cluster).openSlots()).isEmpty();
    }

    @Test
    void slotsNoNodeServesAreNotCovered() {
        RedisServer owner = cluster.primaries().get(0);
        Node before = topology(cluster).node(owner.address()).orElseThrow();
        int first = before.slots().get(0).first();
        // The owner first, so that no node takes the slots back from its gossip.
        owner.commands().clusterDelSlotsRange(Range.create(first, first + 9));
        for (RedisServer node : cluster.nodes()) {
            if (!node.equals(owner)) {
                node.commands().clusterDelSlotsRange(Range.create(first, first + 9));
            }
        }
        try {
            ClusterTopology topology = topology(cluster);

            assertThat(topology.slotsNotCovered()).isEqualTo(10);
            assertThat(topology.node(owner.address()).orElseThrow().slotCount()).isEqualTo(before.slotCount() - 10);
        } finally {
            owner.commands().clusterAddSlotsRange(Range.create(first, first + 9));
            cluster.awaitClusterOk();
        }
    }

    @Test
    void aFailoverSwapsTheRolesWithinTheShardAndRaisesTheEpoch() {
        try (RedisCluster own = RedisCluster.start()) {
            ClusterTopology before = topology(own);
            RedisServer primary = own.primaries().get(0);
            RedisServer replica = own.replicaOf(primary);

            own.failover(replica);

            ClusterTopology after = topology(own);
            assertThat(after.currentEpoch()).isGreaterThan(before.currentEpoch());
            Node promoted = after.node(replica.address()).orElseThrow();
            assertThat(promoted.role()).isEqualTo(Role.PRIMARY);
            assertThat(promoted.slots())
                    .isEqualTo(before.node(primary.address()).orElseThrow().slots());
            Node demoted = after.node(primary.address()).orElseThrow();
            assertThat(demoted.role()).isEqualTo(Role.REPLICA);
            assertThat(demoted.shard()).isEqualTo(promoted.id());
            assertThat(demoted.slots()).isEmpty();
        }
    }

    @Test
    void aKilledPrimaryIsFailingWhileItsReplicaOnTheSameHostServesItsSlots() {
        try (RedisCluster own = RedisCluster.builder()
                .shard("127.0.0.1", "127.0.0.1")
                .shard("127.0.0.2", "127.0.0.3")
                .shard("127.0.0.2", "127.0.0.3")
                .start()) {
            ClusterTopology before = topology(own);
            assertThat(before.primariesPerHost()).isEqualTo(Map.of("127.0.0.1", 1, "127.0.0.2", 2));
            RedisServer victim = own.primaries().get(0);
            RedisServer heir = own.replicaOf(victim);
            assertThat(heir.host()).isEqualTo(victim.host());

            own.kill(victim);
            own.awaitClusterOk();

            ClusterTopology after = topology(own);
            Node killed = after.node(victim.address()).orElseThrow();
            assertThat(killed.failing()).isTrue();
            assertThat(killed.linkUp()).isFalse();
            assertThat(killed.slots()).isEmpty();
            assertThat(after.node(heir.address()).orElseThrow().slots())
                    .isEqualTo(before.node(victim.address()).orElseThrow().slots());
            assertThat(after.members()).hasSize(6);
            assertThat(after.slotsNotCovered()).isZero();
            assertThat(after.slotsServedByNodesFlagged(Flag.FAIL)).isZero();
            assertThat(after.shardsWithoutReplica())
                    .singleElement()
                    .satisfies(shard -> assertThat(shard.id()).isEqualTo(own.nodeId(heir)));
        }
    }
}
