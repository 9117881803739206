package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.steward.testing.Captures;
import io.steward.testing.FakeRedis;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The costly, slow-changing parts are asked for every few polls; every snapshot still carries them. */
class InfoCadenceTest {

    private static final String FULL = Captures.text("redis-7.0/info-all-primary.txt");
    private static final String WITHOUT_PERCENTILES = FULL.replaceAll("(?m)^latency_percentiles_usec_.*\\r?\\n", "");

    private static List<Snapshot> poll(int port, int times) {
        RedisURI uri = RedisURI.create("redis://127.0.0.1:" + port);
        uri.setTimeout(Duration.ofSeconds(2));
        List<Snapshot> snapshots = new ArrayList<>();
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller = new TargetPoller(
                        new Target("t", uri, Duration.ofSeconds(1)),
                        connector,
                        Clock.systemUTC(),
                        PollOptions.agent(20))) {
            for (int i = 0; i < times; i++) {
                PollResult result = poller.poll();
                assertThat(result)
                        .as(result instanceof PollResult.Failed failed ? failed.message() : "polled")
                        .isInstanceOf(PollResult.Polled.class);
                snapshots.add(((PollResult.Polled) result).snapshot());
            }
        }
        return snapshots;
    }

    /** Every command the poller sent, oldest first, as the server's own slow log recorded it (threshold 0). */
    private static List<List<String>> sentCommands(RedisServer server) {
        List<List<String>> sent = new ArrayList<>();
        for (Object entry : server.call("SLOWLOG", "GET", "-1")) {
            List<?> fields = (List<?>) entry;
            List<String> args =
                    ((List<?>) fields.get(3)).stream().map(String::valueOf).toList();
            sent.add(0, args);
        }
        return sent;
    }

    @Test
    void asksForEverythingEveryFourthPollAndForTheCheapSectionsOtherwise() {
        try (RedisServer server = RedisServer.builder()
                .option("slowlog-log-slower-than", "0")
                .option("slowlog-max-len", "1000")
                .start()) {
            server.commands().set("k", "v");
            server.call("SLOWLOG", "RESET");
            List<Snapshot> snapshots = poll(server.port(), 6);
            List<List<String>> sent = sentCommands(server);
            List<List<String>> infos =
                    sent.stream().filter(c -> c.get(0).equalsIgnoreCase("INFO")).toList();
            assertThat(infos).hasSize(6);
            assertThat(infos.get(0)).containsExactly("INFO", "everything");
            assertThat(infos.get(1))
                    .startsWith("INFO", "server")
                    .contains("commandstats", "keyspace")
                    .doesNotContain("latencystats");
            assertThat(infos.get(4)).containsExactly("INFO", "everything");
            assertThat(snapshots)
                    .allSatisfy(snapshot -> assertThat(snapshot.info().section("latencystats"))
                            .containsKey("latency_percentiles_usec_set"));
            // MEMORY STATS and the newest slow log entry ride with the full polls only; LEN and LATENCY go every time.
            assertThat(sent.stream().filter(c -> c.get(0).equalsIgnoreCase("MEMORY")))
                    .hasSize(2);
            assertThat(sent.stream().filter(c -> c.equals(List.of("SLOWLOG", "GET", "1"))))
                    .hasSize(2);
            assertThat(sent.stream()
                            .filter(c -> c.get(0).equalsIgnoreCase("SLOWLOG")
                                    && c.get(1).equalsIgnoreCase("LEN")))
                    .hasSize(6);
            assertThat(sent.stream().filter(c -> c.get(0).equalsIgnoreCase("LATENCY")))
                    .hasSize(6);
        }
    }

    /** A stand-in: no real Redis claims 7.0 and takes one INFO section only, as some proxies and forks do. */
    @Test
    void aServerThatTakesOneSectionOnlyGetsTheFullFormFromThenOn() throws IOException {
        try (FakeRedis fake = new FakeRedis(command -> switch (command.get(0)) {
            case "INFO" -> command.size() > 2 ? "-ERR syntax error\r\n" : FakeRedis.bulk(FULL);
            case "HELLO" -> "-ERR unknown command 'HELLO'\r\n";
            case "CLIENT" -> "+OK\r\n";
            case "SLOWLOG" -> command.get(1).equalsIgnoreCase("LEN") ? ":0\r\n" : "*0\r\n";
            default -> "*0\r\n";
        })) {
            assertThat(poll(fake.port(), 6)).hasSize(6);
            long lightAttempts = fake.received().stream()
                    .filter(c -> c.get(0).equals("INFO") && c.size() > 2)
                    .count();
            assertThat(lightAttempts).isEqualTo(1);
        }
    }

    @Test
    void aRealRedisAnswersTheCheapFormWithEverySectionButThePercentiles() {
        try (RedisServer server = RedisServer.start()) {
            server.commands().set("k", "v");
            List<Snapshot> snapshots = poll(server.port(), 2);
            assertThat(snapshots.get(1).info().sections())
                    .containsKeys(
                            "server",
                            "clients",
                            "memory",
                            "persistence",
                            "stats",
                            "replication",
                            "cpu",
                            "commandstats",
                            "errorstats",
                            "cluster",
                            "keyspace",
                            "latencystats");
            assertThat(snapshots.get(1).info().section("latencystats"))
                    .isEqualTo(snapshots.get(0).info().section("latencystats"));
            assertThat(snapshots.get(1).memoryStats())
                    .isEqualTo(snapshots.get(0).memoryStats());
            assertThat(snapshots.get(1).memoryStats().orElseThrow().values()).containsKey("keys.count");
        }
    }
}
