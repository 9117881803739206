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

    private static int count(Map<String, AtomicInteger> polls, String name) {
        AtomicInteger count = polls.get(name);
        return count == null ? 0 : count.get();
    }
}
