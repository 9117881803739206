package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How often the scheduler polls what it is given. */
class PollSchedulerTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);

    @Test
    void pollsAGroupsEntryPointOncePerIntervalLikeAnyServer() {
        // The same server twice: once on its own, once as the seed of a cluster target. It is not in cluster mode,
        // so the group finds no other member and the seed stays polled as its entry point.
        try (RedisServer server = RedisServer.builder().start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            Target alone = new Target("alone", RedisURI.create(server.uri()), INTERVAL);
            Target cluster = new Target(
                    "cluster",
                    RedisURI.create(server.uri()),
                    INTERVAL,
                    TlsFiles.NONE,
                    "",
                    new Group.Cluster(List.of(server.address())));
            Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
            try (PollScheduler scheduler = new PollScheduler(
                    List.of(alone, cluster),
                    connector,
                    new SimpleMeterRegistry(),
                    Clock.systemUTC(),
                    PollOptions.agent(20))) {
                scheduler.addListener(
                        result -> polls.computeIfAbsent(result.target().name(), name -> new AtomicInteger())
                                .incrementAndGet());
                scheduler.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> count(polls, "alone") >= 20);
            }
            // Counted against each other, not against the clock: both run on the same scheduler and interval.
            assertThat(count(polls, "cluster")).isBetween(count(polls, "alone") - 3, count(polls, "alone") + 3);
        }
    }

    @Test
    void spreadsTheFirstPollsOfManyTargetsEvenlyOverTheInterval() {
        Duration interval = Duration.ofSeconds(15);
        List<Long> offsets = java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> PollScheduler.firstPollOffset(i, 1000, interval))
                .toList();
        assertThat(offsets.get(0)).isZero();
        assertThat(offsets.get(999)).isLessThan(interval.toNanos()).isGreaterThan(interval.toNanos() * 99 / 100);
        // 1000 targets at 15 s: one poll starts every 15 ms, never a crowd
        for (int i = 1; i < offsets.size(); i++) {
            assertThat(offsets.get(i) - offsets.get(i - 1))
                    .isEqualTo(Duration.ofMillis(15).toNanos());
        }
    }

    @Test
    void spreadsTheEntriesOfOneServerOverTheIntervalByTakingTurnsWithTheOtherServers() {
        List<String> entries = List.of("a:1", "a:2", "a:3", "b:1", "b:2", "c:1");
        assertThat(PollScheduler.interleaved(entries, entry -> entry.substring(0, 1)))
                .containsExactly("a:1", "b:1", "c:1", "a:2", "b:2", "a:3");
    }

    @Test
    void keepsATargetOnItsGridWhenAPollStartsALittleLate() {
        long interval = seconds(15);
        assertThat(PollScheduler.nextDue(seconds(100), seconds(100), interval, interval))
                .isEqualTo(seconds(115));
        // started 2 s late: the next is still due on the grid, not 15 s after this late start
        assertThat(PollScheduler.nextDue(seconds(100), seconds(102), interval, interval))
                .isEqualTo(seconds(115));
    }

    @Test
    void neverPollsATargetAgainSoonerThanHalfAnIntervalAfterAVeryLateStart() {
        long interval = seconds(15);
        assertThat(PollScheduler.nextDue(seconds(100), seconds(112), interval, interval))
                .isEqualTo(seconds(112) + seconds(15) / 2);
    }

    @Test
    void timesARetryAfterAFailureFromTheFailedPoll() {
        assertThat(PollScheduler.nextDue(seconds(100), seconds(101), seconds(2), seconds(15)))
                .isEqualTo(seconds(103));
    }

    @Test
    void countsPollsKeptWaitingByBusyPollersAsLate() {
        // Five targets on a server that stops answering keep every poller thread waiting; the one target on a
        // healthy server then starts its polls after they were due.
        try (RedisServer stuck = RedisServer.builder().start();
                RedisServer healthy = RedisServer.builder().start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            Duration interval = Duration.ofMillis(300);
            List<Target> targets = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                targets.add(new Target("stuck-" + i, uriWithTimeout(stuck, Duration.ofSeconds(20)), interval));
            }
            targets.add(new Target("healthy", uriWithTimeout(healthy, Duration.ofSeconds(20)), interval));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
            try (PollScheduler scheduler =
                    new PollScheduler(targets, connector, registry, Clock.systemUTC(), PollOptions.agent(20))) {
                scheduler.addListener(
                        result -> polls.computeIfAbsent(result.target().name(), name -> new AtomicInteger())
                                .incrementAndGet());
                scheduler.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> count(polls, "healthy") >= 3);
                assertThat(registry.counter("steward.polls.started").count()).isPositive();
                double lateBefore =
                        registry.counter("steward.polls.started.late").count();
                stuck.suspend();
                try {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> registry.counter("steward.polls.started.late")
                                            .count()
                                    > lateBefore);
                } finally {
                    stuck.resume();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> count(polls, "stuck-0") >= 4);
            }
        }
    }

    private static RedisURI uriWithTimeout(RedisServer server, Duration timeout) {
        RedisURI uri = RedisURI.create(server.uri());
        uri.setTimeout(timeout);
        return uri;
    }

    private static long seconds(long seconds) {
        return Duration.ofSeconds(seconds).toNanos();
    }

    private static int count(Map<String, AtomicInteger> polls, String name) {
        AtomicInteger count = polls.get(name);
        return count == null ? 0 : count.get();
    }
}
