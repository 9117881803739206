package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.steward.testing.Captures;
import io.steward.testing.FakeRedis;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Servers older than the Redis 7.0 installed here, imitated on the wire: no HELLO, no {@code INFO everything},
 * one parameter per {@code CONFIG GET}, no {@code MEMORY STATS}.
 */
class OlderServerTest {

    private static final String INFO = Captures.text("redis-7.0/info-all-primary.txt");
    private static final Map<String, String> CONFIG = Map.of("maxclients", "10000", "maxmemory", "0");

    /** How a Redis 5 answers the agent's commands; {@code everythingReply} is its answer to INFO everything. */
    private static String olderRedis(List<String> command, String everythingReply) {
        return switch (command.get(0)) {
            case "HELLO" -> "-ERR unknown command 'HELLO'\r\n";
            case "PING" -> "+PONG\r\n";
            case "CLIENT" -> "+OK\r\n";
            case "INFO" ->
                command.size() > 1 && command.get(1).equals("everything") ? everythingReply : FakeRedis.bulk(INFO);
            case "CONFIG" ->
                command.size() > 3
                        ? "-ERR Unknown subcommand or wrong number of arguments for 'get'\r\n"
                        : CONFIG.containsKey(command.get(2))
                                ? "*2\r\n" + FakeRedis.bulk(command.get(2)) + FakeRedis.bulk(CONFIG.get(command.get(2)))
                                : "*0\r\n";
            case "MEMORY" -> "-ERR unknown command 'MEMORY'\r\n";
            case "SLOWLOG" -> command.get(1).equalsIgnoreCase("LEN") ? ":0\r\n" : "*0\r\n";
            case "LATENCY" -> "*0\r\n";
            default -> "-ERR unknown command '" + command.get(0) + "'\r\n";
        };
    }

    private static List<PollResult> pollTwice(FakeRedis fake) {
        RedisURI uri = RedisURI.create("redis://127.0.0.1:" + fake.port());
        uri.setTimeout(Duration.ofSeconds(2));
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller = new TargetPoller(
                        new Target("old", uri, Duration.ofSeconds(1)),
                        connector,
                        Clock.systemUTC(),
                        PollOptions.oneOff())) {
            return List.of(poller.poll(), poller.poll());
        }
    }

    @Test
    void fallsBackToInfoAllWhenEverythingIsAnErrorAndKeepsAskingThat() throws IOException {
        try (FakeRedis fake = new FakeRedis(command -> olderRedis(command, "-ERR syntax error\r\n"))) {
            List<PollResult> results = pollTwice(fake);
            assertThat(results).extracting(r -> r.getClass().getSimpleName()).containsOnly("Polled");
            Snapshot snapshot = ((PollResult.Polled) results.get(1)).snapshot();
            assertThat(snapshot.info().number("used_memory")).hasValue(52175960);
            List<List<String>> infos = fake.received().stream()
                    .filter(c -> c.get(0).equals("INFO"))
                    .toList();
            assertThat(infos)
                    .containsExactly(List.of("INFO", "everything"), List.of("INFO", "all"), List.of("INFO", "all"));
        }
    }

    @Test
    void endsWithPlainInfoWhenNoSectionArgumentIsAccepted() throws IOException {
        try (FakeRedis fake = new FakeRedis(command -> command.get(0).equals("INFO") && command.size() > 1
                ? "-ERR syntax error\r\n"
                : olderRedis(command, ""))) {
            assertThat(pollTwice(fake))
                    .extracting(r -> r.getClass().getSimpleName())
                    .containsOnly("Polled");
            assertThat(fake.received()).contains(List.of("INFO"));
        }
    }

    @Test
    void fallsBackWhenEverythingComesBackEmpty() throws IOException {
        try (FakeRedis fake = new FakeRedis(command -> olderRedis(command, FakeRedis.bulk("")))) {
            assertThat(pollTwice(fake))
                    .extracting(r -> r.getClass().getSimpleName())
                    .containsOnly("Polled");
        }
    }

    @Test
    void readsConfigOneParameterAtATimeFromServersBefore7() throws IOException {
        try (FakeRedis fake = new FakeRedis(command -> olderRedis(command, "-ERR syntax error\r\n"))) {
            Snapshot snapshot = ((PollResult.Polled) pollTwice(fake).get(1)).snapshot();
            assertThat(snapshot.config().orElseThrow().number("maxclients")).hasValue(10000);
            assertThat(snapshot.memoryStats().unavailableReason())
                    .hasValueSatisfying(reason -> assertThat(reason).startsWith("MEMORY STATS refused"));
            assertThat(snapshot.slowlog().orElseThrow()).isEqualTo(new SlowlogSummary(0, -1, 0));
            long multiParameterGets = fake.received().stream()
                    .filter(c -> c.get(0).equals("CONFIG") && c.size() > 3)
                    .count();
            assertThat(multiParameterGets)
                    .as("the multi-parameter form is tried once, then not again")
                    .isEqualTo(1);
        }
    }

    @Test
    void aServerWhoseInfoIsNotRedisInfoIsAProtocolFailure() throws IOException {
        try (FakeRedis fake = new FakeRedis(
                command -> command.get(0).equals("INFO") ? FakeRedis.bulk("hello world") : olderRedis(command, ""))) {
            PollResult result = pollTwice(fake).get(0);
            assertThat(result)
                    .isInstanceOfSatisfying(
                            PollResult.Failed.class,
                            failed -> assertThat(failed.reason()).isEqualTo(PollFailure.PROTOCOL));
        }
    }
}
