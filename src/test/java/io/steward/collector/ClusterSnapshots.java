package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Polls the nodes of a real cluster as the agent polls a group's members, for tests of what comes of their snapshots. */
public final class ClusterSnapshots {

    private ClusterSnapshots() {}

    /** A member of group {@code group}: the node's URI as the agent builds it, and its {@code host:port}. */
    public static Target member(String group, RedisServer node) {
        Target target = TargetUri.parse(node.uri())
                .target(
                        group,
                        TargetUri.Login.NONE,
                        TargetUri.Login.NONE,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1),
                        TlsFiles.NONE);
        return new Target(group, target.uri(), target.pollInterval(), target.tls(), node.address());
    }

    /** One poll of {@code node}, which must answer. */
    public static Snapshot poll(String group, RedisServer node) {
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller =
                        new TargetPoller(member(group, node), connector, Clock.systemUTC(), PollOptions.oneOff())) {
            PollResult result = poller.poll();
            assertThat(result).isInstanceOf(PollResult.Polled.class);
            return ((PollResult.Polled) result).snapshot();
        }
    }

    /** One snapshot of every running node of the cluster, in the cluster's start order. */
    public static List<Snapshot> pollRunning(String group, RedisCluster cluster) {
        List<Snapshot> snapshots = new ArrayList<>();
        for (RedisServer node : cluster.nodes()) {
            if (node.isAlive()) {
                snapshots.add(poll(group, node));
            }
        }
        return snapshots;
    }
}
