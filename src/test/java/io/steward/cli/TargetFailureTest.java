package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.FreePort;
import io.steward.testing.Http;
import io.steward.testing.LogCapture;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an operator sees when a target goes down, refuses the password, or is not Redis at all. */
class TargetFailureTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static Agent startAgent(Map<String, String> env, StewardConfig.TargetEntry... entries) {
        return TestAgents.start(env, entries);
    }

    private static StewardConfig.TargetEntry entry(String name, String uri, String passwordEnv) {
        return TestAgents.entry(name, uri, passwordEnv);
    }

    private static String metrics(Agent agent) {
        return Http.get(TestAgents.base(agent) + "/metrics").body();
    }

    @Test
    void aStoppedServerIsReportedDownWithItsSeriesWithdrawnAndComesBackWhenRestarted() {
        RedisServer server = RedisServer.start();
        int port = server.port();
        try (LogCapture logs = new LogCapture();
                Agent agent = startAgent(Map.of(), entry("cache", server.uri(), null))) {
            await().atMost(PATIENCE)
                    .until(() -> Metrics.value(metrics(agent), "redis_up{target=\"cache\"}")
                                    .orElse(0.0)
                            == 1.0);
            assertThat(metrics(agent)).contains("redis_memory_used_bytes{target=\"cache\"}");

            server.stop();
            await().atMost(PATIENCE)
                    .until(() -> Metrics.value(metrics(agent), "redis_up{target=\"cache\"}")
                                    .orElse(1.0)
                            == 0.0);
            String down = metrics(agent);
            assertThat(down)
                    .doesNotContain("redis_memory_used_bytes{target=\"cache\"}")
                    .doesNotContain("redis_db_keys{");
            assertThat(Metrics.value(down, "steward_poll_errors_total{reason=\"connect\",target=\"cache\"}"))
                    .hasValueSatisfying(errors -> assertThat(errors).isGreaterThanOrEqualTo(1));
            assertThat(logs.lines())
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("WARN")
                            .contains("cache (127.0.0.1:" + port + ") is down (connect)"));

            try (RedisServer restarted =
                    RedisServer.builder().port(port).dir(server.dir()).start()) {
                await().atMost(PATIENCE)
                        .until(() -> Metrics.value(metrics(agent), "redis_up{target=\"cache\"}")
                                        .orElse(0.0)
                                == 1.0);
                assertThat(metrics(agent)).contains("redis_memory_used_bytes{target=\"cache\"}");
                assertThat(logs.lines())
                        .anySatisfy(line -> assertThat(line).startsWith("INFO").contains("is back after"));
            }
        } finally {
            server.close();
        }
    }

    @Test
    void aWrongPasswordIsAnAuthFailureAndTheSecretAppearsNowhere() {
        String secret = "wrong-Secret-4711";
        try (RedisServer server =
                        RedisServer.builder().password("right-Secret-0815").start();
                LogCapture logs = new LogCapture();
                Agent agent =
                        startAgent(Map.of("CACHE_PASSWORD", secret), entry("cache", server.uri(), "CACHE_PASSWORD"))) {
            await().atMost(PATIENCE)
                    .until(() ->
                            Metrics.value(metrics(agent), "steward_poll_errors_total{reason=\"auth\",target=\"cache\"}")
                                            .orElse(0.0)
                                    >= 2);
            String metrics = metrics(agent);
            assertThat(Metrics.value(metrics, "redis_up{target=\"cache\"}")).hasValue(0.0);
            assertThat(metrics).doesNotContain(secret).doesNotContain("right-Secret");
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("is down (auth)"));
            assertThat(logs.lines()).allSatisfy(line -> assertThat(line).doesNotContain(secret));
            // Rate-limited: one warning for the outage, not one per failed poll.
            assertThat(logs.lines().stream().filter(line -> line.contains("is down (auth)")))
                    .hasSize(1);
        }
    }

    @Test
    void theRightPasswordFromAnEnvironmentVariableWorks() {
        try (RedisServer server =
                        RedisServer.builder().password("right-Secret-0815").start();
                Agent agent = startAgent(
                        Map.of("CACHE_PASSWORD", "right-Secret-0815"),
                        entry("cache", server.uri(), "CACHE_PASSWORD"))) {
            await().atMost(PATIENCE)
                    .until(() -> Metrics.value(metrics(agent), "redis_up{target=\"cache\"}")
                                    .orElse(0.0)
                            == 1.0);
        }
    }

    @Test
    void aServerThatIsNotRedisIsAProtocolFailureAndTheAgentKeepsRunning() throws IOException {
        try (ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> answerLikeAWebServer(http), "fake-http");
            responder.setDaemon(true);
            responder.start();
            try (LogCapture logs = new LogCapture();
                    Agent agent =
                            startAgent(Map.of(), entry("web", "redis://127.0.0.1:" + http.getLocalPort(), null))) {
                await().atMost(PATIENCE)
                        .until(() -> Metrics.value(
                                                metrics(agent),
                                                "steward_poll_errors_total{reason=\"protocol\",target=\"web\"}")
                                        .orElse(0.0)
                                >= 1);
                assertThat(Metrics.value(metrics(agent), "redis_up{target=\"web\"}"))
                        .hasValue(0.0);
                assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("is down (protocol)"));
            }
        }
    }

    @Test
    void aServerThatNeverAnswersIsATimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Agent agent =
                        startAgent(Map.of(), entry("silent", "redis://127.0.0.1:" + silent.getLocalPort(), null))) {
            await().atMost(PATIENCE)
                    .until(() -> Metrics.value(
                                            metrics(agent),
                                            "steward_poll_errors_total{reason=\"timeout\",target=\"silent\"}")
                                    .orElse(0.0)
                            >= 1);
            assertThat(Metrics.value(metrics(agent), "redis_up{target=\"silent\"}"))
                    .hasValue(0.0);
        }
    }

    @Test
    void aHungServerHoldsUpNeitherMetricsNorTheOtherTargetsAndIsDownAfterItsTimeout() {
        try (RedisServer good = RedisServer.start();
                RedisServer hung = RedisServer.start();
                Agent agent = startAgent(
                        Map.of(),
                        entry("good", good.uri(), null),
                        // A long timeout, so a scrape can be seen while its poll still waits on the frozen server.
                        new StewardConfig.TargetEntry("hung", hung.uri(), null, null, null, "300ms", "10s", null))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                assertThat(Metrics.value(metrics, "redis_up{target=\"good\"}")).hasValue(1.0);
                assertThat(Metrics.value(metrics, "redis_up{target=\"hung\"}")).hasValue(1.0);
            });
            hung.suspend();
            try {
                double frozenAt = System.currentTimeMillis() / 1000.0;
                // While the hung target's poll waits out its timeout (it still shows its last good poll), /metrics
                // answers and the good target goes on being polled: polls of one target do not wait on another's.
                await().atMost(PATIENCE).untilAsserted(() -> {
                    String metrics = metrics(agent);
                    assertThat(Metrics.value(metrics, "redis_up{target=\"hung\"}"))
                            .as("hung is not reported down yet")
                            .hasValue(1.0);
                    assertThat(Metrics.value(metrics, "steward_poll_last_success_timestamp_seconds{target=\"good\"}"))
                            .as("good was polled well after hung froze")
                            .hasValueSatisfying(polledAt -> assertThat(polledAt).isGreaterThan(frozenAt + 1.5));
                });
                await().atMost(PATIENCE).untilAsserted(() -> {
                    String metrics = metrics(agent);
                    assertThat(Metrics.value(metrics, "redis_up{target=\"hung\"}"))
                            .hasValue(0.0);
                    assertThat(Metrics.value(metrics, "steward_poll_errors_total{reason=\"timeout\",target=\"hung\"}"))
                            .hasValueSatisfying(errors -> assertThat(errors).isGreaterThanOrEqualTo(1));
                    assertThat(Metrics.value(metrics, "redis_up{target=\"good\"}"))
                            .hasValue(1.0);
                    assertThat(metrics)
                            .contains("redis_memory_used_bytes{target=\"good\"}")
                            .doesNotContain("redis_memory_used_bytes{target=\"hung\"}");
                });
            } finally {
                hung.resume();
            }
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(Metrics.value(metrics(agent), "redis_up{target=\"hung\"}"))
                            .hasValue(1.0));
        }
    }

    @Test
    void oneBadTargetDoesNotHideTheGoodOnes() {
        try (RedisServer good = RedisServer.start();
                Agent agent = startAgent(
                        Map.of(),
                        entry("good", good.uri(), null),
                        entry("gone", "redis://127.0.0.1:" + FreePort.find(), null))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                assertThat(Metrics.value(metrics, "redis_up{target=\"good\"}")).hasValue(1.0);
                assertThat(Metrics.value(metrics, "redis_up{target=\"gone\"}")).hasValue(0.0);
            });
        }
    }

    private static void answerLikeAWebServer(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                InputStream in = client.getInputStream();
                in.read(new byte[1024]);
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(200);
            } catch (IOException | InterruptedException closed) {
                return;
            }
        }
    }
}
