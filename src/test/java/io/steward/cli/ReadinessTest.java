package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.FreePort;
import io.steward.testing.Http;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /-/ready}: 200 only once every configured target has answered a poll; the body tells each one's state. */
class ReadinessTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static HttpResponse<String> ready(Agent agent) {
        return Http.get(TestAgents.base(agent) + "/-/ready");
    }

    @Test
    void notReadyWhileATargetHasNeverAnsweredAndTheBodySaysWhereEachStands() throws IOException {
        int gonePort = FreePort.find();
        // Accepts connections and never answers: with a one-hour timeout its first poll does not end in this test.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                RedisServer good = RedisServer.start();
                Agent agent = TestAgents.start(
                        Map.of(),
                        TestAgents.entry("good", good.uri()),
                        TestAgents.entry("gone", "redis://127.0.0.1:" + gonePort),
                        new StewardConfig.TargetEntry(
                                "silent",
                                "redis://127.0.0.1:" + silent.getLocalPort(),
                                null,
                                null,
                                null,
                                "300ms",
                                "1h",
                                null,
                                null))) {
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(ready(agent).body())
                            .contains("good (127.0.0.1:" + good.port() + "): up\n")
                            .contains("gone (127.0.0.1:" + gonePort + "): down (connect): cannot connect to 127.0.0.1:"
                                    + gonePort));
            HttpResponse<String> response = ready(agent);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body())
                    .startsWith("not ready: 2 of 3 targets not yet polled successfully\n")
                    .contains("silent (127.0.0.1:" + silent.getLocalPort() + "): not yet polled\n");
        }
    }

    @Test
    void readyOnceEveryTargetHasAnsweredAndStillReadyWhenOneGoesDownLater() {
        int latePort = FreePort.find();
        try (RedisServer early = RedisServer.start();
                Agent agent = TestAgents.start(
                        Map.of(),
                        TestAgents.entry("early", early.uri()),
                        TestAgents.entry("late", "redis://127.0.0.1:" + latePort))) {
            await().atMost(PATIENCE)
                    .untilAsserted(
                            () -> assertThat(ready(agent).body()).contains("late (127.0.0.1:" + latePort + "): down"));
            assertThat(ready(agent).statusCode()).isEqualTo(503);

            try (RedisServer late = RedisServer.builder().port(latePort).start()) {
                await().atMost(PATIENCE).until(() -> ready(agent).statusCode() == 200);
                assertThat(ready(agent).body())
                        .startsWith("ready: every target has been polled successfully at least once\n")
                        .contains("early (127.0.0.1:" + early.port() + "): up\n");

                early.stop();
                await().atMost(PATIENCE)
                        .untilAsserted(() -> assertThat(ready(agent).body())
                                .contains("early (127.0.0.1:" + early.port() + "): down (connect)"));
                assertThat(ready(agent).statusCode()).isEqualTo(200);
            }
        }
    }
}
