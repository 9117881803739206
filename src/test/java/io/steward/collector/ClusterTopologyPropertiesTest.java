package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.steward.testing.Bounded;
import io.steward.testing.Captures;
import io.steward.testing.Mutations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The topology of a real cluster after a failover, merged from its nodes' views, one of them damaged: whatever a
 * node's CLUSTER NODES and CLUSTER INFO say, as long as they parse, the merge answers, and it never makes up more
 * nodes than the views list.
 */
class ClusterTopologyPropertiesTest {

    private static final List<Integer> NODES = List.of(0, 1, 3, 4, 5);
    private static final Instant T0 = Instant.parse("2026-12-02T01:07:40Z");

    private static String nodesText(int n) {
        return Captures.text("redis-7.0/cluster/after-failover-nodes-node" + n + ".txt");
    }

    private static String infoText(int n) {
        return Captures.text("redis-7.0/cluster/after-failover-info-node" + n + ".txt");
    }

    private static Snapshot view(int n, String nodesText, String infoText) {
        String address = ClusterNodes.parse(nodesText(n)).myself().orElseThrow().address();
        Target member = new Target(
                "shop", RedisURI.create("redis://" + address), Duration.ofSeconds(15), TlsFiles.NONE, address);
        ClusterNodes nodes = ClusterNodes.parse(nodesText);
        Map<String, String> info = InfoParser.parse(infoText).section("default");
        return Snapshot.builder(
                        member,
                        T0.plusMillis(n),
                        InfoParser.parse("# Server\r\nredis_version:7.0.15\r\ncluster_enabled:1\r\n"))
                .clusterNodes(Reading.of(nodes))
                .cluster(Reading.of(info))
                .build();
    }

    @Provide
    Arbitrary<Integer> damagedNode() {
        return Arbitraries.of(NODES);
    }

    @Provide
    Arbitrary<String> damagedNodesText() {
        return Mutations.mutatedText(NODES.stream()
                        .map(ClusterTopologyPropertiesTest::nodesText)
                        .toList())
                .filter(text -> parses(text));
    }

    @Provide
    Arbitrary<String> damagedInfoText() {
        return Mutations.damagedText(
                NODES.stream().map(ClusterTopologyPropertiesTest::infoText).toList());
    }

    @Property(tries = 300)
    void theMergedTopologyNeverThrowsOnAMutatedRealView(
            @ForAll("damagedNode") int damaged,
            @ForAll("damagedNodesText") String nodes,
            @ForAll("damagedInfoText") String info) {
        List<Snapshot> views = new ArrayList<>();
        int listed = 0;
        for (int n : NODES) {
            String nodesText = n == damaged ? nodes : nodesText(n);
            listed += ClusterNodes.parse(nodesText).nodes().size();
            views.add(view(n, nodesText, n == damaged ? info : infoText(n)));
        }

        ClusterTopology topology = Bounded.returned(Bounded.run(() -> {
            ClusterTopology merged = ClusterTopology.of(views);
            merged.members();
            merged.shards().forEach(shard -> {
                shard.slotCount();
                shard.healthyReplicas();
            });
            merged.nodes().forEach(node -> {
                node.name();
                node.host();
                node.addressKnown();
                node.failing();
            });
            merged.slotsNotCovered();
            merged.openSlots();
            merged.shardsWithoutReplica();
            return merged;
        }));

        assertThat(topology.nodes().size()).isLessThanOrEqualTo(listed);
        assertThat(topology.slotsNotCovered()).isBetween(0, 16384);
    }

    private static boolean parses(String text) {
        try {
            ClusterNodes.parse(text);
            return true;
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
