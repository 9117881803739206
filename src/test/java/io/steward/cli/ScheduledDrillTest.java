package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} drills each target's newest backup on the drill's schedule, and keeps what it found in the store. */
class ScheduledDrillTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String NEVER = "0 0 0 1 1 ? 2099";
    /** A drill without {@code redis-server:} loads into the redis-server on the agent's PATH. */
    private static final Map<String, String> ON_PATH = Map.of("PATH", System.getenv("PATH"));

    @TempDir
    Path dir;

    private Path config(RedisServer redis, Path store, String backupCron, String drillCron) {
        return Cli.fileConfig(
                dir,
                store,
                "targets:\n"
                        + "  - name: cache\n"
                        + "    uri: " + redis.uri() + "\n"
                        + "    poll-interval: 1s\n"
                        + "    backup:\n"
                        + "      schedule: \"" + backupCron + "\"\n"
                        + "      source: local\n"
                        + "      drill:\n"
                        + "        schedule: \"" + drillCron + "\"\n");
    }

    private static List<JsonNode> drillRecords(Path store) {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(store)) {
            ObjectMapper json = new ObjectMapper();
            return files.filter(file -> file.getFileName().toString().startsWith("drill-"))
                    .map(file -> {
                        try {
                            return json.readTree(file.toFile());
                        } catch (IOException unreadable) {
                            throw new UncheckedIOException(unreadable);
                        }
                    })
                    .toList();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    @Test
    void drillsTheNewestBackupOnItsScheduleAndAStartedAgainAgentRemembersIt() {
        Path store = dir.resolve("store");
        try (RedisServer redis = RedisServer.start()) {
            for (int i = 0; i < 50; i++) {
                redis.call("SET", "key:" + i, "value");
            }
            try (Agent agent =
                    TestAgents.fromConfig(ON_PATH, config(redis, store, "*/2 * * * * ?", "*/3 * * * * ?"), PATIENCE)) {
                await().atMost(PATIENCE).until(() -> !drillRecords(store).isEmpty());
                await().atMost(PATIENCE).untilAsserted(() -> {
                    String metrics =
                            Http.get(TestAgents.base(agent) + "/metrics").body();
                    assertThat(Metrics.value(
                                    metrics, "steward_backup_drill_last_success_timestamp_seconds{target=\"cache\"}"))
                            .hasValueSatisfying(at -> assertThat(at).isGreaterThan(1.7e9));
                    assertThat(Metrics.value(
                                    metrics, "steward_scheduler_jobs_run_total{kind=\"drill\",target=\"cache\"}"))
                            .hasValueSatisfying(ran -> assertThat(ran).isGreaterThanOrEqualTo(1.0));
                });
            }
            JsonNode passed = drillRecords(store).stream()
                    .filter(record -> record.get("passed").asBoolean())
                    .findFirst()
                    .orElseThrow();
            assertThat(passed.get("target").asText()).isEqualTo("cache");
            assertThat(passed.get("mode").asText()).isEqualTo("redis-server");
            double newestPassed = drillRecords(store).stream()
                    .filter(record -> record.get("passed").asBoolean())
                    .mapToDouble(record ->
                            Instant.parse(record.get("drilledAt").asText()).toEpochMilli() / 1e3)
                    .max()
                    .orElseThrow();

            // A daily drill, not due for hours: what the series say comes from the store.
            try (Agent again = TestAgents.fromConfig(config(redis, store, NEVER, "0 0 3 * * ?"), PATIENCE)) {
                String metrics = Http.get(TestAgents.base(again) + "/metrics").body();
                assertThat(Metrics.value(
                                metrics, "steward_backup_drill_last_success_timestamp_seconds{target=\"cache\"}"))
                        .hasValue(newestPassed);
                assertThat(Metrics.value(metrics, "steward_backup_drill_schedule_interval_seconds{target=\"cache\"}"))
                        .hasValue(86400.0);
            }
        }
    }
}
