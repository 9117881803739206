package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupMetrics;
import io.steward.backup.BackupOptions;
import io.steward.backup.BackupRunner;
import io.steward.backup.Compression;
import io.steward.backup.FileBackupLock;
import io.steward.backup.FileStore;
import io.steward.backup.Manifest;
import io.steward.backup.Progress;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups on a schedule inside the running agent: distinct backups, retention after each, health on /metrics. */
class BackupScheduleTest {

    @TempDir
    Path dir;

    private RedisServer redis;
    private Path store;

    @BeforeEach
    void start() {
        redis = RedisServer.builder().enableDebugCommand().start();
        redis.call("DEBUG", "POPULATE", "2000");
        store = dir.resolve("store");
    }

    @AfterEach
    void stop() {
        redis.close();
    }

    private Agent agent(String cron, String retention) throws Exception {
        Path config = Cli.fileConfig(
                dir,
                store,
                "targets:\n"
                        + "  - name: cache\n"
                        + "    uri: " + redis.uri() + "\n"
                        + "    poll-interval: 1s\n"
                        + "    backup:\n"
                        + "      schedule: \"" + cron + "\"\n"
                        + retention);
        return TestAgents.fromConfig(config, Duration.ofMinutes(1));
    }

    private List<Manifest> backups() {
        return new BackupCatalog(new FileStore(store)).list(Optional.of("cache"));
    }

    @Test
    void aCronOfEveryFewSecondsMakesDistinctBackupsAndRetentionKeepsExactlyTheNewestTwo() throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        try (Agent agent = agent("*/2 * * * * ?", "retention:\n  keep-last: 2\n")) {
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        backups().forEach(backup -> seen.add(backup.id()));
                        return seen.size() >= 4;
                    });
            String metrics = Http.get(TestAgents.base(agent) + "/metrics").body();
            assertThat(Metrics.value(metrics, "steward_backup_last_success_timestamp_seconds{target=\"cache\"}"))
                    .hasValueSatisfying(value -> assertThat(value).isGreaterThan(1.7e9));
            assertThat(Metrics.value(metrics, "steward_backup_last_size_bytes{target=\"cache\"}"))
                    .hasValueSatisfying(value -> assertThat(value).isGreaterThan(1000));
            assertThat(Metrics.value(metrics, "steward_backup_last_duration_seconds{target=\"cache\"}"))
                    .isPresent();
            assertThat(Metrics.value(
                            metrics, "steward_backup_failures_total{reason=\"bgsave_failed\",target=\"cache\"}"))
                    .hasValue(0.0);
            assertThat(metrics).contains("steward_backup_in_progress{target=\"cache\"}");
        }
        List<Manifest> left = backups();
        List<String> newestSeen = new ArrayList<>(seen);
        newestSeen.sort(java.util.Comparator.reverseOrder());
        assertThat(left).extracting(Manifest::id).hasSize(2).isEqualTo(newestSeen.subList(0, 2));
    }

    @Test
    void aBackupMissedWhileTheAgentWasDownIsTakenAtStart() throws Exception {
        // A backup two hours old, and an hourly schedule: the agent was down when the last one was due.
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            new BackupRunner(
                            connector::openSaveControl,
                            GroupSurveys.polledBy(connector, Clock.systemUTC()),
                            new FileStore(store),
                            Compression.ZSTD,
                            new BackupMetrics(new SimpleMeterRegistry()),
                            Clock.offset(Clock.systemUTC(), Duration.ofHours(-2)),
                            new FileBackupLock(dir),
                            "test")
                    .run(
                            new Target("cache", RedisURI.create(redis.uri()), Duration.ofSeconds(15)),
                            BackupOptions.defaults()
                                    .withSource(BackupOptions.Source.LOCAL)
                                    .withTimeout(Duration.ofSeconds(30)),
                            Progress.NONE);
        }
        try (Agent agent = agent("0 0 * * * ?", "")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> backups().size() == 2);
            String metrics = Http.get(TestAgents.base(agent) + "/metrics").body();
            assertThat(Metrics.value(metrics, "steward_backup_last_success_timestamp_seconds{target=\"cache\"}"))
                    .hasValueSatisfying(
                            value -> assertThat(value).isGreaterThan(System.currentTimeMillis() / 1e3 - 60));
        }
        assertThat(Files.exists(store)).isTrue();
    }
}
