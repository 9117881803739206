package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.protocol.ProtocolVersion;
import io.steward.testing.LogCapture;
import io.steward.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One target polled for real: what is sent, what comes back, what a restricted user still gets. */
class TargetPollerTest {

    private static RedisServer server;

    @BeforeAll
    static void start() {
        server = RedisServer.builder()
                .enableDebugCommand()
                .option("latency-monitor-threshold", "1")
                .option("slowlog-log-slower-than", "0")
                .start();
        server.call("DEBUG", "POPULATE", "1000");
        server.call("DEBUG", "SLEEP", "0.01");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Target target(RedisURI uri) {
        uri.setTimeout(Duration.ofSeconds(2));
        return new Target("t", uri, Duration.ofSeconds(1));
    }

    private static Snapshot pollOnce(RedisConnector connector, Target target) {
        try (TargetPoller poller = new TargetPoller(target, connector, Clock.systemUTC(), PollOptions.agent(20))) {
            PollResult result = poller.poll();
            assertThat(result).isInstanceOf(PollResult.Polled.class);
            return ((PollResult.Polled) result).snapshot();
        }
    }

    @Test
    void readsMemoryStatsTheSameOverResp2AndResp3() {
        Target target = target(RedisURI.create(server.uri()));
        try (RedisConnector resp2 = new RedisConnector(Duration.ofSeconds(2), ProtocolVersion.RESP2);
                RedisConnector resp3 = new RedisConnector(Duration.ofSeconds(2), ProtocolVersion.RESP3)) {
            MemoryStats overResp2 =
                    pollOnce(resp2, target).memoryStats().optional().orElseThrow();
            MemoryStats overResp3 =
                    pollOnce(resp3, target).memoryStats().optional().orElseThrow();
            assertThat(overResp2.values())
                    .containsKeys("peak.allocated", "keys.count", "fragmentation", "dataset.percentage");
            assertThat(overResp3.values().keySet()).isEqualTo(overResp2.values().keySet());
            assertThat(overResp3.values().get("keys.count"))
                    .isEqualTo(overResp2.values().get("keys.count"))
                    .isEqualTo(1000.0);
            assertThat(overResp3.databases()).containsKey("db.0");
            assertThat(overResp2.databases()).containsKey("db.0");
        }
    }

    @Test
    void readsEverySectionLatencyEventsAndTheSlowlog() {
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            Snapshot snapshot = pollOnce(connector, target(RedisURI.create(server.uri())));
            assertThat(snapshot.info().sections())
                    .containsKeys("server", "memory", "commandstats", "latencystats", "keyspace");
            assertThat(snapshot.latencyEvents().orElseThrow())
                    .extracting(LatencyEvent::event)
                    .contains("command");
            assertThat(snapshot.slowlog().orElseThrow().length()).isPositive();
            assertThat(snapshot.config().orElseThrow().get("maxmemory-policy")).hasValue("noeviction");
            assertThat(snapshot.cluster().unavailableReason()).hasValue("the server is not in cluster mode");
        }
    }

    @Test
    void asksForConfigOnlyEveryFewPolls() {
        try (RedisServer fresh = RedisServer.start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller = new TargetPoller(
                        target(RedisURI.create(fresh.uri())), connector, Clock.systemUTC(), PollOptions.agent(20))) {
            for (int i = 0; i < 25; i++) {
                assertThat(poller.poll()).isInstanceOf(PollResult.Polled.class);
            }
            String commandstats = fresh.commands().info("commandstats");
            assertThat(commandstats).contains("cmdstat_config|get:calls=2,").contains("cmdstat_info:calls=25,");
        }
    }

    @Test
    void anAclUserAllowedOnlyInfoStillGetsASnapshotWithoutTheRefusedParts() {
        server.call("ACL", "SETUSER", "monitor", "on", ">monitor-pass", "+info", "+ping", "+hello", "+client");
        RedisURI uri = RedisURI.create(server.uri());
        uri.setCredentialsProvider(new StaticCredentialsProvider("monitor", "monitor-pass".toCharArray()));
        try (LogCapture logs = new LogCapture();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller =
                        new TargetPoller(target(uri), connector, Clock.systemUTC(), PollOptions.oneOff())) {
            for (int i = 0; i < 3; i++) {
                PollResult result = poller.poll();
                assertThat(result).isInstanceOf(PollResult.Polled.class);
                Snapshot snapshot = ((PollResult.Polled) result).snapshot();
                assertThat(snapshot.info().number("used_memory")).isPresent();
                assertThat(snapshot.memoryStats().unavailableReason())
                        .hasValueSatisfying(r -> assertThat(r)
                                .isEqualTo("MEMORY STATS refused: the user 'monitor' lacks +memory|stats"));
                assertThat(snapshot.slowlog().unavailableReason())
                        .hasValueSatisfying(r ->
                                assertThat(r).isEqualTo("SLOWLOG LEN refused: the user 'monitor' lacks +slowlog|len"));
                assertThat(snapshot.config().unavailableReason())
                        .hasValueSatisfying(r ->
                                assertThat(r).isEqualTo("CONFIG GET refused: the user 'monitor' lacks +config|get"));
            }
            // Each refusal is said once, not on every poll.
            List<String> refusals = logs.lines().stream()
                    .filter(line -> line.contains("refuses"))
                    .toList();
            assertThat(refusals).hasSize(5).allSatisfy(line -> assertThat(line).contains("the user 'monitor' lacks +"));
            assertThat(String.join("\n", refusals))
                    .contains("MEMORY STATS", "LATENCY LATEST", "SLOWLOG LEN", "SLOWLOG GET", "CONFIG GET");
        }
    }
}
