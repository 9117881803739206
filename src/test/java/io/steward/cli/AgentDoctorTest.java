package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The doctor inside {@code steward serve}: findings as metrics that come and go, and the report over HTTP. */
class AgentDoctorTest {

    private static final String VOLATILE_FINDING =
            "steward_doctor_finding{rule=\"memory-volatile-policy-without-ttl\",severity=\"warning\",target=\"cache\"}";

    @TempDir
    Path dir;

    @Test
    void exposesFindingsAsMetricsAndWithdrawsThemWhenFixed() {
        try (RedisServer server = RedisServer.builder()
                .option("maxmemory", "64mb")
                .option("maxmemory-policy", "volatile-lru")
                .start()) {
            server.commands().set("user:1", "ada");
            try (Agent agent =
                    TestAgents.start(Map.of(), Duration.ofMillis(500), TestAgents.entry("cache", server.uri()))) {
                String base = TestAgents.base(agent);
                await().atMost(Duration.ofSeconds(20))
                        .until(() ->
                                Metrics.value(metrics(base), VOLATILE_FINDING).isPresent());
                assertThat(Metrics.value(metrics(base), VOLATILE_FINDING)).hasValue(1.0);
                assertThat(metrics(base))
                        .containsPattern("steward_doctor_last_run_timestamp_seconds\\{target=\"cache\"} \\d");

                server.commands().expire("user:1", 3600);
                await().atMost(Duration.ofSeconds(20))
                        .until(() ->
                                Metrics.value(metrics(base), VOLATILE_FINDING).isEmpty());
            }
        }
    }

    @Test
    void diagnosesEveryIntervalButReadsTheCostlyExtrasRarely() {
        try (RedisServer server = RedisServer.start();
                Agent agent =
                        TestAgents.start(Map.of(), Duration.ofMillis(500), TestAgents.entry("cache", server.uri()))) {
            String base = TestAgents.base(agent);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Http.get(base + "/doctor?target=cache").statusCode() == 200);
            double first = Metrics.value(metrics(base), "steward_doctor_last_run_timestamp_seconds{target=\"cache\"}")
                    .orElseThrow();
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            Metrics.value(metrics(base), "steward_doctor_last_run_timestamp_seconds{target=\"cache\"}")
                                            .orElseThrow()
                                    > first + 1);
            // Several diagnoses, one CLIENT LIST and one LATENCY DOCTOR: the rest stand for fifteen minutes.
            String commandstats = server.commands().info("commandstats");
            assertThat(commandstats)
                    .contains("cmdstat_client|list:calls=1,")
                    .contains("cmdstat_latency|doctor:calls=1,");
        }
    }

    @Test
    void withTheDoctorOnTheAgentHoldsOneConnectionPerTarget() {
        try (RedisServer server = RedisServer.start();
                Agent agent =
                        TestAgents.start(Map.of(), Duration.ofMillis(500), TestAgents.entry("cache", server.uri()))) {
            String base = TestAgents.base(agent);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Http.get(base + "/doctor?target=cache").statusCode() == 200);
            // The doctor's reads (CLIENT LIST among them) went out on the poller's connection.
            assertThat(server.commands().info("commandstats")).contains("cmdstat_client|list:calls=1,");
            long agentConnections = server.commands()
                    .clientList()
                    .lines()
                    .filter(line -> line.contains(" name=redis-steward "))
                    .count();
            assertThat(agentConnections).isEqualTo(1);
        }
    }

    @Test
    void servesTheLatestReportAsJsonWithRatesMeasuredBetweenPolls() throws IOException {
        try (RedisServer server = RedisServer.start();
                Agent agent =
                        TestAgents.start(Map.of(), Duration.ofMillis(500), TestAgents.entry("cache", server.uri()))) {
            String base = TestAgents.base(agent);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Http.get(base + "/doctor?target=cache").statusCode() == 200);

            HttpResponse<String> response = Http.get(base + "/doctor?target=cache");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            JsonNode report = new ObjectMapper().readTree(response.body());
            assertThat(report.get("target").asText()).isEqualTo("cache");
            assertThat(report.get("sampleSeconds").asDouble()).isPositive();
            assertThat(report.get("skipped")).isEmpty();
            assertThat(report.get("findings").findValuesAsText("id")).contains("security-no-password");
        }
    }

    @Test
    void answersClearlyForAnUnknownTargetAndAMissingName() {
        try (RedisServer server = RedisServer.start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.entry("cache", server.uri()))) {
            String base = TestAgents.base(agent);

            HttpResponse<String> unknown = Http.get(base + "/doctor?target=queue");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("no configured target is named 'queue'");
            assertThat(Http.get(base + "/doctor").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void withdrawsTheFindingsOfATargetThatGoesDown() {
        RedisServer server = RedisServer.start();
        try (Agent agent =
                TestAgents.start(Map.of(), Duration.ofMillis(500), TestAgents.entry("cache", server.uri()))) {
            String base = TestAgents.base(agent);
            String noPassword =
                    "steward_doctor_finding{rule=\"security-no-password\",severity=\"warning\",target=\"cache\"}";
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Metrics.value(metrics(base), noPassword).isPresent());

            server.close();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Metrics.value(metrics(base), noPassword).isEmpty());
            HttpResponse<String> report = Http.get(base + "/doctor?target=cache");
            assertThat(report.statusCode()).isEqualTo(503);
            assertThat(report.body()).startsWith("no diagnosis: cannot connect to 127.0.0.1:" + server.port());
        }
    }

    @Test
    void theIntervalComesFromTheFlagTheEnvironmentOrTheConfigFile() throws IOException {
        Path config = Files.writeString(dir.resolve("steward.yaml"), "doctor:\n  interval: 30s\n");

        assertThat(serve("--config", config.toString()).settings().doctorInterval())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(serve("--config", config.toString(), "--doctor.interval", "5m")
                        .settings()
                        .doctorInterval())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(serve(Map.of("STEWARD_DOCTOR_INTERVAL", "2m"), "--config", config.toString())
                        .settings()
                        .doctorInterval())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(serve().settings().doctorInterval()).isEqualTo(Duration.ofMinutes(1));

        Path wrong = Files.writeString(dir.resolve("wrong.yaml"), "doctor:\n  interval: soon\n");
        CommandLine commandLine = Main.commandLine(Map.of());
        java.io.StringWriter err = new java.io.StringWriter();
        commandLine.setErr(new java.io.PrintWriter(err, true));
        assertThat(commandLine.execute("serve", "--config", wrong.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("doctor.interval: 'soon' is not a duration");
    }

    private static ServeCommand serve(String... args) {
        return serve(Map.of(), args);
    }

    private static ServeCommand serve(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand(env);
        new CommandLine(serve).parseArgs(args);
        return serve;
    }

    private static String metrics(String base) {
        return Http.get(base + "/metrics").body();
    }
}
