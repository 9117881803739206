package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.steward.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each probe goes out on its own cadence, and a refusal is taken once per connection; counted by a real server. */
class ProbeCadenceTest {

    private static RedisServer server;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static Target target(RedisURI uri) {
        uri.setTimeout(Duration.ofSeconds(2));
        return new Target("t", uri, Duration.ofSeconds(1));
    }

    /** How often the server ran a command (or subcommand, {@code client|list}), from its own commandstats. */
    private static long calls(RedisServer redis, String command) {
        return calls(redis.commands().info("commandstats"), command);
    }

    private static long calls(String commandstats, String command) {
        Matcher m = Pattern.compile("cmdstat_" + Pattern.quote(command) + ":calls=(\\d+)")
                .matcher(commandstats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Snapshot polled(PollResult result) {
        assertThat(result).isInstanceOf(PollResult.Polled.class);
        return ((PollResult.Polled) result).snapshot();
    }

    @Test
    void theDoctorsReadsGoOutOnlyOnThePollsThatAskForThem() {
        try (RedisServer fresh = RedisServer.start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller = new TargetPoller(
                        target(RedisURI.create(fresh.uri())), connector, Clock.systemUTC(), PollOptions.doctor())) {
            Snapshot inspected = polled(poller.poll(true));
            Snapshot plain = polled(poller.poll(false));
            polled(poller.poll(false));
            String stats = fresh.commands().info("commandstats");
            for (String command : new String[] {"memory|doctor", "latency|doctor", "client|list", "acl|list", "role"}) {
                assertThat(calls(stats, command)).as(command).isEqualTo(1);
            }
            assertThat(calls(stats, "slowlog|get"))
                    .as("SLOWLOG GET 128 and the first poll's GET 1")
                    .isEqualTo(2);
            assertThat(calls(stats, "config|get"))
                    .as("CONFIG on the first poll only")
                    .isEqualTo(1);
            assertThat(calls(stats, "info")).isEqualTo(3);
            assertThat(inspected.inspection().clients().orElseThrow().total()).isPositive();
            assertThat(inspected.inspection().aclUsers().orElseThrow())
                    .extracting(AclUser::name)
                    .contains("default");
            assertThat(inspected.inspection().replicaLinkState().orElseThrow()).isEmpty();
            // Between reads the last values stand.
            assertThat(plain.inspection()).isEqualTo(inspected.inspection());
        }
    }

    @Test
    void inTheAgentTheDoctorsReadsGoOutAtMostOncePerInterval() {
        HandClock clock = new HandClock();
        try (RedisServer fresh = RedisServer.start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller = new TargetPoller(
                        target(RedisURI.create(fresh.uri())),
                        connector,
                        clock,
                        PollOptions.agent(20).inspectingEvery(Duration.ofMinutes(15)))) {
            for (int i = 0; i < 10; i++) {
                polled(poller.poll());
                clock.advance(Duration.ofMinutes(1));
            }
            assertThat(calls(fresh, "client|list")).isEqualTo(1);
            clock.advance(Duration.ofMinutes(5));
            polled(poller.poll());
            assertThat(calls(fresh, "client|list")).isEqualTo(2);
        }
    }

    @Test
    void withoutTheDoctorNoneOfItsReadsIsSent() {
        try (RedisServer fresh = RedisServer.start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller = new TargetPoller(
                        target(RedisURI.create(fresh.uri())), connector, Clock.systemUTC(), PollOptions.agent(20))) {
            Snapshot snapshot = polled(poller.poll(true));
            assertThat(calls(fresh, "client|list")).isZero();
            assertThat(calls(fresh, "memory|doctor")).isZero();
            assertThat(snapshot.inspection().clients().unavailableReason()).hasValue("the doctor is off");
        }
    }

    @Test
    void aRefusedProbeIsNotSentAgainOnTheSameConnectionAndItsReadingSaysWhy() {
        server.call("ACL", "SETUSER", "nomemory", "on", ">pass", "+@all", "-memory");
        RedisURI uri = RedisURI.create(server.uri());
        uri.setCredentialsProvider(new StaticCredentialsProvider("nomemory", "pass".toCharArray()));
        long rejectedBefore = rejected(server, "memory|stats");
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller =
                        new TargetPoller(target(uri), connector, Clock.systemUTC(), PollOptions.oneOff())) {
            for (int i = 0; i < 8; i++) {
                Snapshot snapshot = polled(poller.poll());
                assertThat(snapshot.memoryStats().unavailableReason())
                        .hasValueSatisfying(reason -> assertThat(reason)
                                .isEqualTo("MEMORY STATS refused: the user 'nomemory' lacks +memory|stats"));
                assertThat(snapshot.config().optional()).isPresent();
            }
        }
        assertThat(rejected(server, "memory|stats") - rejectedBefore).isEqualTo(1);
    }

    @Test
    void clusterInfoIsAskedOnlyOfClusterNodes() {
        try (RedisServer plain = RedisServer.start();
                RedisServer node =
                        RedisServer.builder().option("cluster-enabled", "yes").start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller plainPoller = new TargetPoller(
                        target(RedisURI.create(plain.uri())), connector, Clock.systemUTC(), PollOptions.oneOff());
                TargetPoller nodePoller = new TargetPoller(
                        target(RedisURI.create(node.uri())), connector, Clock.systemUTC(), PollOptions.oneOff())) {
            assertThat(polled(plainPoller.poll()).cluster().unavailableReason())
                    .hasValue("the server is not in cluster mode");
            assertThat(polled(nodePoller.poll()).cluster().orElseThrow()).containsKey("cluster_state");
            assertThat(polled(nodePoller.poll()).cluster().orElseThrow()).containsKey("cluster_state");
            assertThat(calls(plain, "cluster|info")).isZero();
            assertThat(calls(node, "cluster|info")).isEqualTo(2);
        }
    }

    @Test
    void pollingWithTheDoctorsReadsAddsNoErrorReplyToTheServersErrorStats() {
        try (RedisServer fresh = RedisServer.start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                TargetPoller poller = new TargetPoller(
                        TargetUri.parse(fresh.uri())
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
            // The test's own connection is made (and its handshake counted) before the counts start.
            fresh.commands().configResetstat();
            polled(poller.poll(true));
            polled(poller.poll(false));
            assertThat(fresh.commands().info("errorstats")).doesNotContain("errorstat_");
        }
    }

    private static long rejected(RedisServer redis, String command) {
        Matcher m = Pattern.compile("cmdstat_" + Pattern.quote(command)
                        + ":calls=\\d+,usec=\\d+,usec_per_call=[\\d.]+,rejected_calls=(\\d+)")
                .matcher(redis.commands().info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
