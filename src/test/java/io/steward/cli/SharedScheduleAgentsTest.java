package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.backup.BackupCatalog;
import io.steward.backup.FileStore;
import io.steward.backup.Manifest;
import io.steward.testing.Metrics;
import io.steward.testing.Postgres;
import io.steward.testing.PostgresServer;
import io.steward.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code steward serve} processes sharing one schedule in PostgreSQL: each fire is one backup on one agent,
 * a backup whose agent is killed is finished by another, and the agents go on after the database comes back.
 */
class SharedScheduleAgentsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private RedisServer redis;
    private Path store;
    private final List<ServeProcess> agents = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        for (int i = 0; i < 20; i++) {
            redis.call("SET", "key:" + i, "value " + i);
        }
        store = dir.resolve("store");
    }

    @AfterEach
    void stop() {
        agents.forEach(ServeProcess::kill);
        redis.close();
    }

    private Path config(String jdbcUrl, String cron, String passwordEnv) {
        return Cli.fileConfig(
                dir,
                store,
                "targets:\n"
                        + "  - name: cache\n"
                        + "    uri: " + redis.uri() + "\n"
                        + "    poll-interval: 2s\n"
                        + "    backup:\n"
                        + "      schedule: \"" + cron + "\"\n"
                        + "      source: local\n"
                        + "scheduler:\n"
                        + "  store: jdbc\n"
                        + "  jdbc:\n"
                        + "    url: " + jdbcUrl + "\n"
                        + "    username: postgres\n"
                        + (passwordEnv.isEmpty() ? "" : "    password-env: " + passwordEnv + "\n")
                        + "    checkin-interval: 2s\n");
    }

    private void startAgents(int count, Path config, Map<String, String> env) {
        for (int i = 0; i < count; i++) {
            agents.add(ServeProcess.start(config, dir.resolve("agent-" + i + ".log"), env));
        }
        for (ServeProcess agent : agents) {
            await().atMost(PATIENCE)
                    .ignoreExceptions()
                    .until(() -> Metrics.value(agent.metrics(), "steward_scheduler_up")
                                    .orElse(0.0)
                            == 1.0);
        }
    }

    private List<Manifest> backups() {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        return new BackupCatalog(new FileStore(store)).list(Optional.of("cache"));
    }

    private static double sum(List<ServeProcess> agents, String series) {
        return agents.stream()
                .mapToDouble(agent -> Metrics.value(agent.metrics(), series).orElse(0.0))
                .sum();
    }

    private static void pause(Duration length) {
        try {
            Thread.sleep(length.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each backup's scheduled fire: two backups for one fire would be a doubled backup. */
    private static void assertOneBackupPerFire(List<Manifest> backups) {
        Map<String, List<String>> byFire = backups.stream()
                .collect(Collectors.groupingBy(
                        backup -> backup.scheduled().fireTime(),
                        Collectors.mapping(Manifest::id, Collectors.toList())));
        assertThat(byFire.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
    }

    @Test
    void threeAgentsTakeEachScheduledBackupExactlyOnce() {
        try (Postgres database = Postgres.database()) {
            startAgents(3, config(database.jdbcUrl(), "*/5 * * * * ?", ""), Map.of());
            int before = backups().size();
            await().atMost(PATIENCE).until(() -> backups().size() >= before + 12);
            for (ServeProcess agent : agents) {
                String metrics = agent.metrics();
                assertThat(Metrics.value(metrics, "steward_scheduler_members")).hasValue(3.0);
                assertThat(Metrics.value(metrics, "steward_backup_failures_total{reason=\"busy\",target=\"cache\"}"))
                        .as("no agent tried a backup another was taking")
                        .hasValue(0.0);
            }
            List<Manifest> backups = backups();
            assertOneBackupPerFire(backups);
            assertThat(backups)
                    .allSatisfy(backup -> assertThat(backup.scheduled().agent()).isNotEmpty());
            assertThat(sum(agents, "steward_scheduler_jobs_run_total{kind=\"backup\",target=\"cache\"}"))
                    .isGreaterThanOrEqualTo(backups.size());
        }
    }

    @Test
    void anotherAgentFinishesTheBackupOfAnAgentKilledInTheMiddleOfIt() {
        try (Postgres database = Postgres.database()) {
            // One fire, half a minute from now; its save takes about eight seconds.
            ZonedDateTime at = ZonedDateTime.now().plusSeconds(30);
            String once = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " "
                    + at.getMonthValue() + " ? " + at.getYear();
            redis.call("CONFIG", "SET", "rdb-key-save-delay", "400000");
            startAgents(3, config(database.jdbcUrl(), once, ""), Map.of());
            ServeProcess running = await().atMost(PATIENCE)
                    .until(
                            () -> agents.stream()
                                    .filter(agent -> Metrics.value(
                                                            agent.metrics(),
                                                            "steward_backup_in_progress{target=\"cache\"}")
                                                    .orElse(0.0)
                                            == 1.0)
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            running.kill();
            List<ServeProcess> survivors =
                    agents.stream().filter(ServeProcess::isAlive).toList();
            await().atMost(PATIENCE).until(() -> backups().size() == 1);
            Manifest backup = backups().get(0);
            assertThat(backup.scheduled().recovered()).isTrue();
            assertThat(backup.keys()).containsEntry("db0", 20L);
            assertThat(sum(survivors, "steward_scheduler_jobs_recovered_total{kind=\"backup\",target=\"cache\"}"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void agentsGoOnWithTheScheduleOnceTheStoppedDatabaseIsBack() {
        try (PostgresServer server = PostgresServer.start()) {
            String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";
            startAgents(2, config(url, "*/3 * * * * ?", "PG_PASSWORD"), Map.of("PG_PASSWORD", PostgresServer.PASSWORD));
            await().atMost(PATIENCE).until(() -> backups().size() >= 2);

            server.stop();
            for (ServeProcess agent : agents) {
                await().atMost(PATIENCE)
                        .ignoreExceptions()
                        .until(() -> Metrics.value(agent.metrics(), "steward_scheduler_up")
                                        .orElse(1.0)
                                == 0.0);
            }
            int duringOutage = backups().size();
            pause(Duration.ofSeconds(10));
            server.resume();
            await().atMost(PATIENCE).until(() -> backups().size() >= duringOutage + 3);
            for (ServeProcess agent : agents) {
                assertThat(agent.isAlive()).isTrue();
                await().atMost(PATIENCE)
                        .ignoreExceptions()
                        .until(() -> Metrics.value(agent.metrics(), "steward_scheduler_up")
                                        .orElse(0.0)
                                == 1.0);
                assertThat(agent.log()).doesNotContain(PostgresServer.PASSWORD);
                assertThat(agent.log())
                        .as("the outage is told in the agent's words, without stack traces")
                        .contains("cannot be reached")
                        .doesNotContain("\tat ");
            }
            assertOneBackupPerFire(backups());
        }
    }
}
