package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.steward.collector.ClusterNode.Flag;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterNode.SlotRange;
import io.steward.collector.ClusterTopology.Node;
import io.steward.testing.Captures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The topology merged from {@code CLUSTER NODES} views captured on a Redis 7.0 cluster of three shards (node0 to
 * node5) before and after node2, the primary of slots 10923-16383, was killed and its replica node3 took over.
 */
class ClusterTopologyTest {

    private static final String NODE0 = "f11f5c9885c92d7cf108cedafb4ecdea4b22e4be";
    private static final String NODE1 = "20e868542565e447a550265a9ecbf6a9398bce51";
    private static final String NODE2 = "5c3aa912a502cb3604d0b78ab1c7900464059bce";
    private static final String NODE3 = "27a70da806ecc03efd7f2f246f6542fa438c7471";
    private static final Instant T0 = Instant.parse("2026-12-02T01:07:40Z");

    private static Snapshot view(String nodesCapture, String infoCapture, Instant time) {
        ClusterNodes nodes = ClusterNodes.parse(Captures.text("redis-7.0/cluster/" + nodesCapture));
        String address = nodes.myself().orElseThrow().address();
        Target member = new Target(
                "shop", RedisURI.create("redis://" + address), Duration.ofSeconds(15), TlsFiles.NONE, address);
        Snapshot.Builder snapshot = Snapshot.builder(
                        member, time, InfoParser.parse("# Server\r\nredis_version:7.0.15\r\ncluster_enabled:1\r\n"))
                .clusterNodes(Reading.of(nodes));
        if (infoCapture != null) {
            Map<String, String> info = InfoParser.parse(Captures.text("redis-7.0/cluster/" + infoCapture))
                    .section("default");
            snapshot.cluster(Reading.of(info));
        }
        return snapshot.build();
    }

    private static Snapshot view(String nodesCapture, Instant time) {
        return view(nodesCapture, null, time);
    }

    private static ClusterTopology afterFailover() {
        return ClusterTopology.of(List.of(0, 1, 3, 4, 5).stream()
                .map(n -> view(
                        "after-failover-nodes-node" + n + ".txt",
                        "after-failover-info-node" + n + ".txt",
                        T0.plusMillis(n)))
                .toList());
    }

    @Test
    void aKilledPrimaryIsFailingAndTheReplicaThatTookOverServesItsSlots() {
        ClusterTopology topology = afterFailover();

        Node killed = topology.node(NODE2).orElseThrow();
        assertThat(killed.failing()).isTrue();
        assertThat(killed.linkUp()).isFalse();
        assertThat(killed.reporting()).isFalse();
        assertThat(killed.slots()).isEmpty();
        Node heir = topology.node("127.0.0.1:21203").orElseThrow();
        assertThat(heir.id()).isEqualTo(NODE3);
        assertThat(heir.role()).isEqualTo(Role.PRIMARY);
        assertThat(heir.configEpoch()).isEqualTo(7);
        assertThat(heir.slots()).containsExactly(new SlotRange(10923, 16383));
        assertThat(heir.flags()).isEmpty();
        assertThat(topology.slotsNotCovered()).isZero();
        assertThat(topology.slotsServedByNodesFlagged(Flag.FAIL)).isZero();
        assertThat(topology.currentEpoch()).isEqualTo(7);
    }

    @Test
    void listsEveryNodeAsAMemberWithItsRoleAndShardTheKilledOneToo() {
        assertThat(afterFailover().members())
                .containsExactly(
                        new Member("127.0.0.1:21200", Member.Kind.DATA, Role.PRIMARY, NODE0),
                        new Member("127.0.0.1:21203", Member.Kind.DATA, Role.PRIMARY, NODE3),
                        new Member("127.0.0.2:21201", Member.Kind.DATA, Role.PRIMARY, NODE1),
                        new Member("127.0.0.2:21204", Member.Kind.DATA, Role.REPLICA, NODE0),
                        new Member("127.0.0.3:21202", Member.Kind.DATA, Role.PRIMARY, NODE2),
                        new Member("127.0.0.3:21205", Member.Kind.DATA, Role.REPLICA, NODE1));
    }

    @Test
    void theShardThatLostItsReplicaToTheFailoverHasNone() {
        ClusterTopology topology = afterFailover();

        assertThat(topology.shardsWithoutReplica()).singleElement().satisfies(shard -> {
            assertThat(shard.id()).isEqualTo(NODE3);
            assertThat(shard.slotCount()).isEqualTo(5461);
        });
        assertThat(topology.shards()).hasSize(4);
        assertThat(topology.primariesPerHost()).isEqualTo(Map.of("127.0.0.1", 2, "127.0.0.2", 1));
    }

    @Test
    void openSlotsComeFromTheLinesOfTheNodesHoldingThemOpen() {
        ClusterTopology topology = afterFailover();

        assertThat(topology.openSlotCount(OpenSlot.Direction.MIGRATING)).isEqualTo(3);
        assertThat(topology.openSlotCount(OpenSlot.Direction.IMPORTING)).isEqualTo(2);
        assertThat(topology.node(NODE0).orElseThrow().openSlots())
                .contains(new OpenSlot(5000, OpenSlot.Direction.MIGRATING, NODE1));
    }

    @Test
    void aPrimaryIsSuspectedOnlyWhenAMajorityOfTheOtherViewsSuspectIt() {
        Snapshot suspecting = view("nodes-primary-pfail.txt", T0);
        Snapshot notYet = view("nodes-replica.txt", T0.minusSeconds(5));

        ClusterTopology alone = ClusterTopology.of(List.of(suspecting));
        assertThat(alone.node(NODE2).orElseThrow().flags()).containsExactly(Flag.PFAIL);
        assertThat(alone.slotsServedByNodesFlagged(Flag.PFAIL)).isEqualTo(5461);

        ClusterTopology split = ClusterTopology.of(List.of(suspecting, notYet));
        assertThat(split.node(NODE2).orElseThrow().flags()).isEmpty();
        assertThat(split.slotsServedByNodesFlagged(Flag.PFAIL)).isZero();
    }

    @Test
    void slotsOfAFailedPrimaryAreFailingUntilAReplicaTakesOver() {
        ClusterTopology topology = ClusterTopology.of(List.of(view("nodes-primary-fail.txt", T0)));

        Node failed = topology.node(NODE2).orElseThrow();
        assertThat(failed.flags()).containsExactly(Flag.FAIL);
        assertThat(failed.slots()).containsExactly(new SlotRange(10923, 16383));
        assertThat(topology.slotsServedByNodesFlagged(Flag.FAIL)).isEqualTo(5461);
        assertThat(topology.shardsWithoutReplica()).isEmpty();
    }

    @Test
    void aSlotClaimedByTwoPrimariesGoesToTheHigherConfigEpoch() {
        // node0's view from before the takeover, taken last, still gives node2 its slots at epoch 3.
        ClusterTopology topology = ClusterTopology.of(
                List.of(view("after-failover-nodes-node3.txt", T0), view("nodes-primary-fail.txt", T0.plusSeconds(1))));

        assertThat(topology.node(NODE3).orElseThrow().slots()).containsExactly(new SlotRange(10923, 16383));
        assertThat(topology.node(NODE2).orElseThrow().slots()).isEmpty();
        assertThat(topology.slotsNotCovered()).isZero();
    }

    @Test
    void aNodeInHandshakeIsKnownButNotYetAMember() {
        ClusterTopology topology = ClusterTopology.of(List.of(view("nodes-migrating-with-handshake.txt", T0)));

        Node meeting = topology.node("127.0.0.1:21299").orElseThrow();
        assertThat(meeting.id()).isEmpty();
        assertThat(meeting.flags()).containsExactly(Flag.HANDSHAKE);
        assertThat(meeting.role()).isEqualTo(Role.UNKNOWN);
        assertThat(topology.nodes()).hasSize(7);
        assertThat(topology.members())
                .hasSize(6)
                .noneMatch(member -> member.node().equals("127.0.0.1:21299"));
    }

    @Test
    void snapshotsWithoutClusterNodesAddNothing() {
        Snapshot plain = Snapshot.builder(
                        new Target("shop", RedisURI.create("redis://127.0.0.1:6380"), Duration.ofSeconds(15)),
                        T0,
                        InfoParser.parse("# Server\r\nredis_version:7.0.15\r\n"))
                .build();

        ClusterTopology topology = ClusterTopology.of(List.of(plain));
        assertThat(topology.members()).isEmpty();
        assertThat(topology.slotsNotCovered()).isEqualTo(16384);
    }
}
