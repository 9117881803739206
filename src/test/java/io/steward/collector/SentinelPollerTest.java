package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.ProtocolVersion;
import io.steward.collector.SentinelState.MonitoredMaster;
import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real Sentinel polled as a target: its view of the group, read without a single refused command. */
class SentinelPollerTest {

    private static SentinelGroup group;

    @BeforeAll
    static void start() {
        group = SentinelGroup.start();
    }

    @AfterAll
    static void stop() {
        group.close();
    }

    private static Target target(RedisServer sentinel) {
        RedisURI uri = RedisURI.create(sentinel.uri());
        uri.setTimeout(Duration.ofSeconds(2));
        return new Target("s", uri, Duration.ofSeconds(1));
    }

    private static Snapshot polled(PollResult result) {
        assertThat(result).isInstanceOf(PollResult.Polled.class);
        return ((PollResult.Polled) result).snapshot();
    }

    @Test
    void theFirstPollOfASentinelReadsTheMasterItsReplicasTheOtherSentinelsAndTheQuorum() {
        RedisServer sentinel = group.sentinels().get(0);
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller =
                        new TargetPoller(target(sentinel), connector, Clock.systemUTC(), PollOptions.oneOff())) {
            Snapshot snapshot = polled(poller.poll());
            assertThat(snapshot.isSentinel()).isTrue();
            SentinelState state = snapshot.sentinel().orElseThrow();
            assertThat(state.overview().masters()).isEqualTo(1);
            MonitoredMaster master = state.master("mymaster").orElseThrow();
            assertThat(master.master().address()).isEqualTo(group.primary().address());
            assertThat(master.master().quorum()).isEqualTo(2);
            assertThat(master.replicas().orElseThrow())
                    .extracting(SentinelReplica::address)
                    .containsExactlyInAnyOrderElementsOf(
                            group.replicas().stream().map(RedisServer::address).toList());
            assertThat(master.sentinels().orElseThrow())
                    .extracting(SentinelPeer::address)
                    .containsExactlyInAnyOrder(
                            group.sentinels().get(1).address(),
                            group.sentinels().get(2).address());
            assertThat(master.quorumCheck().orElseThrow().ok()).isTrue();
            assertThat(master.quorumCheck().orElseThrow().message()).startsWith("OK 3 usable Sentinels");
            assertThat(snapshot.memoryStats().unavailableReason()).hasValue("a Sentinel has no such command");
            assertThat(state.config().orElseThrow().values())
                    .containsKeys("announce-ip", "resolve-hostnames")
                    .doesNotContainKey("sentinel-pass");
        }
    }

    @Test
    void readsTheSameOverResp2AndResp3() {
        Target target = target(group.sentinels().get(1));
        try (RedisConnector resp2 = new RedisConnector(Duration.ofSeconds(2), ProtocolVersion.RESP2);
                RedisConnector resp3 = new RedisConnector(Duration.ofSeconds(2), ProtocolVersion.RESP3);
                TargetPoller overResp2 = new TargetPoller(target, resp2, Clock.systemUTC(), PollOptions.oneOff());
                TargetPoller overResp3 = new TargetPoller(target, resp3, Clock.systemUTC(), PollOptions.oneOff())) {
            MonitoredMaster two = polled(overResp2.poll())
                    .sentinel()
                    .orElseThrow()
                    .master("mymaster")
                    .orElseThrow();
            MonitoredMaster three = polled(overResp3.poll())
                    .sentinel()
                    .orElseThrow()
                    .master("mymaster")
                    .orElseThrow();
            assertThat(three.master().address()).isEqualTo(two.master().address());
            assertThat(three.master().flags()).isEqualTo(two.master().flags());
            assertThat(three.replicas().orElseThrow())
                    .extracting(SentinelReplica::address)
                    .containsExactlyInAnyOrderElementsOf(two.replicas().orElseThrow().stream()
                            .map(SentinelReplica::address)
                            .toList());
            assertThat(three.sentinels().orElseThrow())
                    .hasSameSizeAs(two.sentinels().orElseThrow());
            assertThat(three.quorumCheck()).isEqualTo(two.quorumCheck());
            assertThat(polled(overResp3.poll()).sentinel().orElseThrow().config())
                    .isEqualTo(polled(overResp2.poll()).sentinel().orElseThrow().config());
        }
    }

    /** Sentinel has no errorstats section; its total_error_replies counts every refused command. */
    @Test
    void everyPollOfASentinelReadsItsMastersInFullAndSendsNoCommandItRefuses() {
        RedisServer sentinel = group.sentinels().get(2);
        long errorsBefore = errorReplies(sentinel);
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller = new TargetPoller(
                        TargetUri.parse(sentinel.uri())
                                .target(
                                        null,
                                        TargetUri.Login.NONE,
                                        TargetUri.Login.NONE,
                                        Duration.ofSeconds(2),
                                        Duration.ofSeconds(1),
                                        TlsFiles.NONE),
                        connector,
                        Clock.systemUTC(),
                        PollOptions.doctor())) {
            for (int i = 0; i < 6; i++) {
                Snapshot snapshot = polled(poller.poll(i % 2 == 0));
                MonitoredMaster master =
                        snapshot.sentinel().orElseThrow().master("mymaster").orElseThrow();
                assertThat(master.replicas().optional()).as("poll " + i).isPresent();
                assertThat(master.quorumCheck().optional()).as("poll " + i).isPresent();
            }
            Snapshot inspected = polled(poller.poll(true));
            assertThat(inspected.inspection().clients().orElseThrow().total()).isPositive();
        }
        assertThat(errorReplies(sentinel) - errorsBefore).isZero();
    }

    private static long errorReplies(RedisServer sentinel) {
        String stats = sentinel.commands().info("stats");
        java.util.regex.Matcher count =
                java.util.regex.Pattern.compile("total_error_replies:(\\d+)").matcher(stats);
        assertThat(count.find()).as("total_error_replies in " + stats).isTrue();
        return Long.parseLong(count.group(1));
    }
}
