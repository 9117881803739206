package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.backup.BackupCatalog;
import io.steward.backup.FileStore;
import io.steward.backup.Manifest;
import io.steward.testing.Http;
import io.steward.testing.LogCapture;
import io.steward.testing.Metrics;
import io.steward.testing.Postgres;
import io.steward.testing.PostgresServer;
import io.steward.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scheduler.store: jdbc} against a real PostgreSQL: the agent makes the schedule's tables once and never drops
 * them, keeps polling while the database cannot be used, and names what is wrong with it.
 */
class SharedScheduleTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private RedisServer redis;
    private Path store;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        redis.call("SET", "k", "v");
        store = dir.resolve("store");
    }

    @AfterEach
    void stop() {
        redis.close();
    }

    private Path config(String jdbc, String cron) {
        return Cli.fileConfig(
                dir,
                store,
                "targets:\n"
                        + "  - name: cache\n"
                        + "    uri: " + redis.uri() + "\n"
                        + "    poll-interval: 1s\n"
                        + "    backup:\n"
                        + "      schedule: \"" + cron + "\"\n"
                        + "      source: local\n"
                        + "scheduler:\n"
                        + "  store: jdbc\n"
                        + "  jdbc:\n"
                        + jdbc);
    }

    private static String jdbc(String url) {
        return "    url: " + url + "\n    username: postgres\n    checkin-interval: 2s\n";
    }

    private List<Manifest> backups() {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        return new BackupCatalog(new FileStore(store)).list(Optional.of("cache"));
    }

    private static String metrics(Agent agent) {
        return Http.get(TestAgents.base(agent) + "/metrics").body();
    }

    @Test
    void createsTheScheduleTablesOnceAndTakesTheScheduledBackups() {
        try (Postgres database = Postgres.database()) {
            Path config = config(jdbc(database.jdbcUrl()), "*/2 * * * * ?");
            try (Agent agent = TestAgents.fromConfig(config, Duration.ofMinutes(1))) {
                await().atMost(PATIENCE).until(() -> backups().size() >= 2);
                String metrics = metrics(agent);
                assertThat(Metrics.value(metrics, "steward_scheduler_up")).hasValue(1.0);
                assertThat(metrics).containsPattern("steward_scheduler_info\\{agent=\"[^\"]+\",store=\"jdbc\"} 1");
                assertThat(Metrics.value(metrics, "steward_scheduler_jobs_run_total{kind=\"backup\",target=\"cache\"}"))
                        .hasValueSatisfying(ran -> assertThat(ran).isGreaterThanOrEqualTo(2.0));
            }
            assertThat(database.tables())
                    .contains("qrtz_job_details", "qrtz_triggers", "qrtz_cron_triggers", "qrtz_locks")
                    .contains("qrtz_scheduler_state", "qrtz_fired_triggers", "qrtz_steward_schema");
            assertThat(database.column("SELECT version FROM qrtz_steward_schema"))
                    .containsExactly("1");
            String created = database.column("SELECT created_at FROM qrtz_steward_schema")
                    .get(0);
            database.execute("CREATE TABLE qrtz_kept (note text)");

            try (Agent again = TestAgents.fromConfig(config, Duration.ofMinutes(1))) {
                int before = backups().size();
                await().atMost(PATIENCE).until(() -> backups().size() > before);
            }
            assertThat(database.column("SELECT created_at FROM qrtz_steward_schema"))
                    .as("the schema was not made again")
                    .containsExactly(created);
            assertThat(database.column("SELECT count(*) FROM qrtz_triggers")).containsExactly("1");
            assertThat(database.tables()).contains("qrtz_kept");
        }
    }

    @Test
    void tablesOfAnotherProgramUnderThePrefixAreNamedAndLeftAlone() {
        try (Postgres database = Postgres.database();
                LogCapture log = new LogCapture()) {
            database.execute("CREATE TABLE qrtz_job_details (owner text)");
            database.execute("INSERT INTO qrtz_job_details VALUES ('billing')");
            try (Agent agent = TestAgents.fromConfig(config(jdbc(database.jdbcUrl()), "*/2 * * * * ?"), PATIENCE)) {
                await().atMost(PATIENCE)
                        .until(() -> log.lines().stream()
                                .anyMatch(line -> line.contains("tables with the prefix qrtz_ exist that"
                                        + " redis-steward did not create (qrtz_job_details)")));
                String metrics = metrics(agent);
                assertThat(Metrics.value(metrics, "steward_scheduler_up")).hasValue(0.0);
                assertThat(Metrics.value(metrics, "redis_up{target=\"cache\"}")).hasValue(1.0);
            }
            assertThat(database.tables()).containsExactly("qrtz_job_details");
            assertThat(database.column("SELECT owner FROM qrtz_job_details")).containsExactly("billing");
            assertThat(backups()).isEmpty();
        }
    }

    @Test
    void aDatabaseDownAtStartIsTriedAgainWhileTheAgentPolls() {
        try (PostgresServer server = PostgresServer.created();
                LogCapture log = new LogCapture()) {
            String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";
            Path config = config(jdbc(url) + "    password-env: PG_PASSWORD\n", "*/2 * * * * ?");
            try (Agent agent = TestAgents.fromConfig(
                    Map.of("PG_PASSWORD", PostgresServer.PASSWORD), config, Duration.ofMinutes(1))) {
                await().atMost(PATIENCE)
                        .until(() -> log.lines().stream()
                                .anyMatch(line -> line.contains(
                                        "the schedule database " + url + " as postgres cannot" + " be reached")));
                String metrics = metrics(agent);
                assertThat(Metrics.value(metrics, "steward_scheduler_up")).hasValue(0.0);
                assertThat(Metrics.value(metrics, "redis_up{target=\"cache\"}")).hasValue(1.0);
                assertThat(backups()).isEmpty();

                server.resume();
                await().atMost(PATIENCE).until(() -> backups().size() >= 1);
                assertThat(Metrics.value(metrics(agent), "steward_scheduler_up"))
                        .hasValue(1.0);
            }
            assertThat(String.join("\n", log.lines()))
                    .doesNotContain(PostgresServer.PASSWORD)
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aWrongPasswordIsNamedAndNeverShown() {
        try (PostgresServer server = PostgresServer.start();
                LogCapture log = new LogCapture()) {
            String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";
            Path config = config(jdbc(url) + "    password-env: PG_PASSWORD\n", "*/2 * * * * ?");
            try (Agent agent =
                    TestAgents.fromConfig(Map.of("PG_PASSWORD", "not-the-password"), config, Duration.ofMinutes(1))) {
                await().atMost(PATIENCE)
                        .until(() -> log.lines().stream()
                                .anyMatch(line -> line.contains("the schedule database " + url + " as postgres refused"
                                        + " the login (password authentication failed for user \"postgres\"): check"
                                        + " scheduler.jdbc.username and its password-file or password-env")));
                assertThat(Metrics.value(metrics(agent), "steward_scheduler_up"))
                        .hasValue(0.0);
            }
            assertThat(String.join("\n", log.lines())).doesNotContain("not-the-password");
            assertThat(backups()).isEmpty();
        }
    }

    @Test
    void twoBackupsOfOneServerCannotOverlapThroughTheDatabaseLock() throws Exception {
        try (Postgres database = Postgres.database()) {
            Path config = config(jdbc(database.jdbcUrl()), "0 0 0 1 1 ? 2099");
            for (int i = 0; i < 10; i++) {
                redis.call("SET", "key:" + i, "value");
            }
            // Half a second per key: the first backup's save takes about five seconds.
            redis.call("CONFIG", "SET", "rdb-key-save-delay", "500000");
            AtomicReference<Cli.Run> first = new AtomicReference<>();
            Thread running = new Thread(() ->
                    first.set(Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--target", "cache")));
            running.start();
            await().atMost(PATIENCE)
                    .until(() -> redis.commands().info("persistence").contains("rdb_bgsave_in_progress:1"));
            redis.call("CONFIG", "SET", "rdb-key-save-delay", "0");
            // With a shared schedule no lock file is taken: only the database keeps the two apart.
            Cli.Run second = Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--target", "cache");
            assertThat(second.exitCode()).as(second.err()).isEqualTo(1);
            assertThat(second.err())
                    .contains("a backup of " + redis.address() + " is already running (agents sharing "
                            + database.jdbcUrl() + " as postgres hold its lock); this one was not started");
            running.join(PATIENCE.toMillis());
            assertThat(first.get().exitCode()).as(first.get().err()).isZero();
            assertThat(backups()).hasSize(1);
        }
    }
}
