package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code CLUSTER NODES} read from the nodes of a real cluster on every poll, and never asked of other servers. */
class ClusterNodesProbeTest {

    private static RedisCluster cluster;
    private static RedisConnector connector;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        connector = new RedisConnector(Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        connector.close();
        cluster.close();
    }

    private static TargetPoller poller(RedisServer node) {
        return new TargetPoller(
                ClusterSnapshots.member("shop", node), connector, Clock.systemUTC(), PollOptions.agent(20));
    }

    private static Snapshot polled(PollResult result) {
        assertThat(result).isInstanceOf(PollResult.Polled.class);
        return ((PollResult.Polled) result).snapshot();
    }

    @Test
    void everyNodeReportsTheWholeClusterWithItselfAsMyself() {
        for (RedisServer node : cluster.nodes()) {
            try (TargetPoller poller = poller(node)) {
                ClusterNodes view = polled(poller.poll()).clusterNodes().orElseThrow();

                assertThat(view.nodes()).hasSize(6);
                ClusterNode myself = view.myself().orElseThrow();
                assertThat(myself.address()).isEqualTo(node.address());
                assertThat(myself.id()).isEqualTo(cluster.nodeId(node));
                boolean primary = cluster.primaries().contains(node);
                assertThat(myself.role()).isEqualTo(primary ? Role.PRIMARY : Role.REPLICA);
                assertThat(myself.slotCount() > 0).isEqualTo(primary);
                assertThat(view.nodes().stream()
                                .mapToInt(ClusterNode::slotCount)
                                .sum())
                        .isEqualTo(16384);
            }
        }
    }

    @Test
    void isReadOnEveryPoll() {
        RedisServer node = cluster.nodes().get(0);
        try (TargetPoller poller = poller(node)) {
            polled(poller.poll());
            long before = node.calls("cluster|nodes");
            for (int i = 0; i < 3; i++) {
                assertThat(polled(poller.poll()).clusterNodes().optional()).isPresent();
            }
            assertThat(node.calls("cluster|nodes") - before).isEqualTo(3);
        }
    }

    @Test
    void isNeverAskedOfAServerNotInClusterMode() {
        try (RedisServer plain = RedisServer.start();
                TargetPoller poller = poller(plain)) {
            // The test's own connection is made (and its handshake counted) before the counts start.
            plain.commands().configResetstat();
            assertThat(polled(poller.poll()).clusterNodes().unavailableReason())
                    .hasValue("the server is not in cluster mode");
            polled(poller.poll());
            assertThat(plain.calls("cluster|nodes")).isZero();
            assertThat(plain.commands().info("errorstats")).doesNotContain("errorstat_");
        }
    }
}
