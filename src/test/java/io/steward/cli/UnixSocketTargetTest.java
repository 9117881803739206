package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A target reached over a Unix socket ({@code redis-socket:///path}), as on a host where Redis listens on no port. */
class UnixSocketTargetTest {

    @TempDir
    Path dir;

    @Test
    void aRedisSocketTargetIsPolledAndExposesItsMetrics() {
        Path socket = dir.resolve("redis.sock");
        try (RedisServer server = RedisServer.builder()
                        .dir(dir)
                        .option("unixsocket", socket.toString())
                        .option("unixsocketperm", "700")
                        .start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.entry("local", "redis-socket://" + socket))) {
            server.commands().set("greeting", "hello");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String metrics = Http.get(TestAgents.base(agent) + "/metrics").body();
                assertThat(Metrics.value(metrics, "redis_up{target=\"local\"}")).hasValue(1.0);
                assertThat(Metrics.value(metrics, "redis_db_keys{db=\"db0\",target=\"local\"}"))
                        .hasValue(1.0);
                assertThat(metrics).contains("redis_memory_used_bytes{target=\"local\"}");
            });
            // The server saw the agent on its socket, not on its TCP port.
            assertThat(server.commands().clientList())
                    .containsPattern("laddr=" + Pattern.quote(socket.toString()) + "\\S* .*name=redis-steward ");
        }
    }
}
