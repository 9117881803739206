package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steward.collector.ClusterNode.Flag;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterNode.SlotRange;
import io.steward.testing.Captures;
import org.junit.jupiter.api.Test;

/** {@code CLUSTER NODES} replies captured from a Redis 7.0 cluster of three shards, parsed. */
class ClusterNodesTest {

    private static final String NODE0 = "f11f5c9885c92d7cf108cedafb4ecdea4b22e4be";
    private static final String NODE1 = "20e868542565e447a550265a9ecbf6a9398bce51";
    private static final String NODE2 = "5c3aa912a502cb3604d0b78ab1c7900464059bce";

    private static ClusterNodes capture(String name) {
        return ClusterNodes.parse(Captures.text("redis-7.0/cluster/" + name));
    }

    @Test
    void readsEveryNodeWithItsAddressRoleEpochAndSlots() {
        ClusterNodes nodes = capture("nodes-replica.txt");

        assertThat(nodes.nodes()).hasSize(6);
        ClusterNode primary = nodes.node(NODE0).orElseThrow();
        assertThat(primary.address()).isEqualTo("127.0.0.1:21200");
        assertThat(primary.host()).isEqualTo("127.0.0.1");
        assertThat(primary.port()).isEqualTo(21200);
        assertThat(primary.hostname()).isEqualTo("node0.example");
        assertThat(primary.role()).isEqualTo(Role.PRIMARY);
        assertThat(primary.primaryId()).isEmpty();
        assertThat(primary.configEpoch()).isEqualTo(1);
        assertThat(primary.linkUp()).isTrue();
        assertThat(primary.slots()).containsExactly(new SlotRange(0, 5460));
        assertThat(primary.slotCount()).isEqualTo(5461);
        // Another node's line never shows its open slots: only the node's own line does.
        assertThat(primary.openSlots()).isEmpty();

        ClusterNode myself = nodes.myself().orElseThrow();
        assertThat(myself.address()).isEqualTo("127.0.0.3:21205");
        assertThat(myself.role()).isEqualTo(Role.REPLICA);
        assertThat(myself.primaryId()).isEqualTo(NODE1);
        assertThat(myself.configEpoch()).isEqualTo(2);
        assertThat(myself.slots()).isEmpty();
        assertThat(myself.flags()).containsExactlyInAnyOrder(Flag.MYSELF, Flag.REPLICA);
    }

    @Test
    void readsTheMigratingAndImportingSlotsOfTheNodesOwnLine() {
        ClusterNode migrating =
                capture("nodes-migrating-with-handshake.txt").myself().orElseThrow();
        assertThat(migrating.id()).isEqualTo(NODE0);
        assertThat(migrating.slots()).containsExactly(new SlotRange(0, 5460));
        assertThat(migrating.openSlots())
                .containsExactly(
                        new OpenSlot(100, OpenSlot.Direction.MIGRATING, NODE1),
                        new OpenSlot(101, OpenSlot.Direction.MIGRATING, NODE1),
                        new OpenSlot(5000, OpenSlot.Direction.MIGRATING, NODE1));

        ClusterNode importing = capture("nodes-importing.txt").myself().orElseThrow();
        assertThat(importing.id()).isEqualTo(NODE1);
        assertThat(importing.slots()).containsExactly(new SlotRange(5461, 10922));
        assertThat(importing.openSlots())
                .containsExactly(
                        new OpenSlot(100, OpenSlot.Direction.IMPORTING, NODE0),
                        new OpenSlot(101, OpenSlot.Direction.IMPORTING, NODE0));
    }

    @Test
    void readsANodeInHandshakeWithoutHostnameOrSlots() {
        ClusterNode meeting = capture("nodes-migrating-with-handshake.txt").nodes().stream()
                .filter(node -> node.has(Flag.HANDSHAKE))
                .findFirst()
                .orElseThrow();
        assertThat(meeting.address()).isEqualTo("127.0.0.1:21299");
        assertThat(meeting.hostname()).isEmpty();
        assertThat(meeting.role()).isEqualTo(Role.UNKNOWN);
        assertThat(meeting.linkUp()).isFalse();
        assertThat(meeting.slots()).isEmpty();
    }

    @Test
    void tellsASuspectedPrimaryFromAFailedOne() {
        ClusterNode suspected = capture("nodes-primary-pfail.txt").node(NODE2).orElseThrow();
        assertThat(suspected.flags()).containsExactlyInAnyOrder(Flag.PRIMARY, Flag.PFAIL);
        assertThat(suspected.linkUp()).isFalse();
        assertThat(suspected.pingSentMillis()).isEqualTo(1796174044044L);
        assertThat(suspected.pongReceivedMillis()).isEqualTo(1796174043541L);

        ClusterNode failed = capture("nodes-primary-fail.txt").node(NODE2).orElseThrow();
        assertThat(failed.flags()).containsExactlyInAnyOrder(Flag.PRIMARY, Flag.FAIL);
        assertThat(failed.slots()).containsExactly(new SlotRange(10923, 16383));
    }

    @Test
    void readsAddressesOfEveryReleaseAndSingleSlots() {
        ClusterNodes nodes = ClusterNodes.parse(
                "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca"
                        + " 0 1426238317239 4 connected\n"
                        + "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca ::1:30001@40001 myself,master,nofailover - 0 0 1"
                        + " connected 0 2-3 5460\n"
                        + "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 :0@0 master,fail,noaddr - 1426238316232"
                        + " 1426238316232 2 disconnected\n");

        assertThat(nodes.nodes().get(0).address()).isEqualTo("127.0.0.1:30004");
        ClusterNode myself = nodes.myself().orElseThrow();
        assertThat(myself.host()).isEqualTo("::1");
        assertThat(myself.port()).isEqualTo(30001);
        assertThat(myself.has(Flag.NOFAILOVER)).isTrue();
        assertThat(myself.slots()).containsExactly(new SlotRange(0, 0), new SlotRange(2, 3), new SlotRange(5460, 5460));
        assertThat(myself.slotCount()).isEqualTo(4);
        ClusterNode lost = nodes.nodes().get(2);
        assertThat(lost.addressKnown()).isFalse();
        assertThat(lost.flags()).containsExactlyInAnyOrder(Flag.PRIMARY, Flag.FAIL, Flag.NOADDR);
    }

    @Test
    void refusesALineThatIsNotOfClusterNodes() {
        assertThatThrownBy(() -> ClusterNodes.parse("ERR This instance has cluster support disabled"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fewer than 8 fields");
        assertThatThrownBy(
                        () -> ClusterNodes.parse(
                                "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@40001 master - 0 0 1 connected 0-99999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slot out of range");
    }
}
