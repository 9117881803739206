package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real group's topology from its Sentinels' snapshots, before and after a failover. */
class SentinelGroupTopologyTest {

    private static List<Snapshot> pollAll(List<TargetPoller> pollers) {
        List<Snapshot> snapshots = new ArrayList<>();
        for (TargetPoller poller : pollers) {
            PollResult result = poller.poll();
            assertThat(result).isInstanceOf(PollResult.Polled.class);
            snapshots.add(((PollResult.Polled) result).snapshot());
        }
        return snapshots;
    }

    @Test
    void theSentinelsNameEveryMemberAndAFailoverRaisesTheConfigEpoch() {
        List<TargetPoller> pollers = new ArrayList<>();
        try (SentinelGroup group = SentinelGroup.start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            for (RedisServer sentinel : group.sentinels()) {
                RedisURI uri = RedisURI.create(sentinel.uri());
                uri.setTimeout(Duration.ofSeconds(2));
                pollers.add(new TargetPoller(
                        new Target("group", uri, Duration.ofSeconds(1), TlsFiles.NONE, sentinel.address()),
                        connector,
                        Clock.systemUTC(),
                        PollOptions.agent(20)));
            }
            SentinelTopology before = SentinelTopology.of("mymaster", pollAll(pollers));
            assertThat(before.members())
                    .extracting(Member::node, Member::kind, Member::role)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    group.primary().address(), Member.Kind.DATA, Role.PRIMARY),
                            org.assertj.core.groups.Tuple.tuple(
                                    group.replicas().get(0).address(), Member.Kind.DATA, Role.REPLICA),
                            org.assertj.core.groups.Tuple.tuple(
                                    group.replicas().get(1).address(), Member.Kind.DATA, Role.REPLICA),
                            org.assertj.core.groups.Tuple.tuple(
                                    group.sentinels().get(0).address(), Member.Kind.SENTINEL, Role.UNKNOWN),
                            org.assertj.core.groups.Tuple.tuple(
                                    group.sentinels().get(1).address(), Member.Kind.SENTINEL, Role.UNKNOWN),
                            org.assertj.core.groups.Tuple.tuple(
                                    group.sentinels().get(2).address(), Member.Kind.SENTINEL, Role.UNKNOWN));
            assertThat(before.sentinelsAgree()).isTrue();
            assertThat(before.quorum()).hasValue(2);
            long epochBefore = before.configEpoch().orElseThrow();

            assertThat(SentinelTopology.of("nosuch", pollAll(pollers)).unknownMasterMessage())
                    .hasValueSatisfying(message -> assertThat(message)
                            .startsWith("no Sentinel monitors a master named nosuch: ")
                            .contains(group.sentinels().get(0).address() + " monitors mymaster"));

            String promoted = group.failover().address();
            SentinelTopology after = SentinelTopology.of("mymaster", pollAll(pollers));
            assertThat(after.primaryAddress()).hasValue(promoted);
            assertThat(after.sentinelsAgree()).isTrue();
            assertThat(after.replicaAddresses())
                    .contains(before.primaryAddress().orElseThrow());
            assertThat(after.configEpoch().orElseThrow()).isGreaterThan(epochBefore);
        } finally {
            pollers.forEach(TargetPoller::close);
        }
    }
}
