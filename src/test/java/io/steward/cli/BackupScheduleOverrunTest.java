package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.backup.Pruner;
import io.steward.backup.RetentionPolicy;
import io.steward.backup.S3Settings;
import io.steward.backup.S3Store;
import io.steward.testing.FreePort;
import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import io.steward.testing.TcpRelay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Scheduled backups in the running agent when a backup takes longer than its schedule allows, and when the agent
 * is shut down in the middle of one (the upload is aborted, as on SIGTERM). The schedules fire at given seconds of the coming minute, so the test knows
 * which firings a long backup overran.
 */
class BackupScheduleOverrunTest {

    private static final Map<String, String> ENV =
            Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);

    @TempDir
    Path dir;

    /** A moment at least {@code seconds} ahead with room for two more firings, 2 and 4 s later, in the same minute. */
    private static ZonedDateTime soon(int seconds) {
        ZonedDateTime at = ZonedDateTime.now(ZoneId.systemDefault())
                .truncatedTo(ChronoUnit.SECONDS)
                .plusSeconds(seconds);
        return at.getSecond() <= 55 ? at : at.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    }

    /**
     * A Quartz cron firing at these seconds of {@code at}'s minute and never again (Quartz reads it in the JVM's
     * zone).
     */
    private static String firingAt(ZonedDateTime at, int... seconds) {
        StringBuilder list = new StringBuilder();
        for (int second : seconds) {
            list.append(list.isEmpty() ? "" : ",").append(second);
        }
        return list + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " " + at.getMonthValue()
                + " ? " + at.getYear();
    }

    private static String target(RedisServer redis, String cron) {
        return "targets:\n"
                + "  - name: cache\n"
                + "    uri: " + redis.uri() + "\n"
                + "    poll-interval: 1s\n"
                + "    backup:\n"
                + "      schedule: \"" + cron + "\"\n";
    }

    /** The backups {@code backup list} shows, oldest first. */
    private static List<JsonNode> listed(Path config) throws IOException {
        Cli.Run list = Cli.run(ENV, "backup", "list", "--config", config.toString(), "-o", "json");
        List<JsonNode> backups = new ArrayList<>();
        new ObjectMapper().readTree(list.out()).forEach(backups::add);
        backups.sort(Comparator.comparing(
                backup -> Instant.parse(backup.get("startedAt").asText())));
        return backups;
    }

    private static Instant at(JsonNode backup, String field) {
        return Instant.parse(backup.get(field).asText());
    }

    @Test
    void aBackupThatOverrunsTheNextFiringsIsFollowedByOneCatchUpNeitherConcurrentNorABurst() throws Exception {
        try (RedisServer redis = RedisServer.builder().enableDebugCommand().start()) {
            redis.call("DEBUG", "POPULATE", "2000");
            redis.call("CONFIG", "SET", "rdb-key-save-delay", "5000"); // 5 ms a key: the first save takes 10 s
            ZonedDateTime first = soon(6);
            int second = first.getSecond();
            Path config = Cli.fileConfig(
                    dir, dir.resolve("store"), target(redis, firingAt(first, second, second + 2, second + 4)));

            try (Agent agent = TestAgents.fromConfig(config, Duration.ofMinutes(1))) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> redis.commands().info("persistence").contains("rdb_bgsave_in_progress:1"));
                // Later saves are quick; the one running keeps its pace (the forked child has its own config).
                redis.call("CONFIG", "SET", "rdb-key-save-delay", "0");
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> listed(config).size() >= 2);
                // The two firings the first backup overran make one catch-up, not one run each.
                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> listed(config).size() == 2);
                String metrics = Http.get(TestAgents.base(agent) + "/metrics").body();
                assertThat(Metrics.value(metrics, "steward_backup_failures_total{reason=\"busy\",target=\"cache\"}"))
                        .hasValue(0.0);
            }

            List<JsonNode> backups = listed(config);
            Instant firstFiring = first.toInstant();
            // The first backup ran past both later firings, by more than Quartz's 5 s misfire threshold.
            assertThat(at(backups.get(0), "startedAt")).isAfterOrEqualTo(firstFiring);
            assertThat(at(backups.get(0), "finishedAt")).isAfter(firstFiring.plusSeconds(4 + 5));
            // The catch-up waited for it: the two never ran at once.
            assertThat(at(backups.get(1), "startedAt")).isAfterOrEqualTo(at(backups.get(0), "finishedAt"));
            assertThat(redis.calls("bgsave")).isEqualTo(2);
        }
    }

    @Test
    void shuttingTheAgentDownMidUploadAbortsTheScheduledBackupAndLeavesNothingPartial() throws Exception {
        try (RedisServer redis = RedisServer.builder().enableDebugCommand().start();
                S3Server s3 = S3Server.start();
                TcpRelay link = TcpRelay.to(s3.endpoint().getPort());
                S3Client client = s3.client()) {
            s3.createBucket("scheduled");
            // Random values: an object of several parts, which the link holds after the first MiB.
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < 24; i++) {
                byte[] noise = new byte[512 * 1024];
                random.nextBytes(noise);
                redis.commands().set("noise:" + i, HexFormat.of().formatHex(noise));
            }
            Restores.Contents source = Restores.Contents.of(redis.commands());
            link.holdAfter(1 << 20);
            ZonedDateTime first = soon(6);
            String schedule = target(redis, firingAt(first, first.getSecond()));
            Path throughLink = Cli.s3Config(dir, link.endpoint().toString(), "scheduled", schedule);
            Path direct = Cli.s3Config(dir, s3.endpoint().toString(), "scheduled", "");

            Agent agent = TestAgents.fromConfig(ENV, throughLink, Duration.ofMinutes(1));
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> link.isStalled()
                                && !client.listMultipartUploads(list -> list.bucket("scheduled"))
                                        .uploads()
                                        .isEmpty());
            } finally {
                // Stopping does not wait for the held upload: it aborts it, so nothing partial is left.
                Thread shutdown = new Thread(agent::close, "shutdown");
                shutdown.start();
                shutdown.join(Duration.ofSeconds(60).toMillis());
                assertThat(shutdown.isAlive()).isFalse();
                link.release();
            }

            // Nothing is listed; the abort itself could not pass the held link, and a dangling upload is prune's to
            // remove (BackupPruneLeftoversTest).
            assertThat(listed(direct)).isEmpty();
            assertThat(client.listObjectsV2(list -> list.bucket("scheduled")).contents())
                    .noneMatch(object -> object.key().endsWith("manifest.json"));
            // The lock went with the agent: the next backup runs, and restores the same data.
            Cli.Run next = Cli.run(ENV, "backup", "run", "--config", direct.toString(), "--redis", redis.uri());
            assertThat(next.exitCode()).as(next.err()).isZero();
            assertThat(Restores.restoreAndLoad(ENV, direct, next.backupId(), dir.resolve("restored")))
                    .isEqualTo(source);
        }
    }

    @Test
    void anAgentKilledMidUploadLeavesNothingListedAndTheNextBackupRuns() throws Exception {
        try (RedisServer redis = RedisServer.builder().enableDebugCommand().start();
                S3Server s3 = S3Server.start();
                TcpRelay link = TcpRelay.to(s3.endpoint().getPort());
                S3Client client = s3.client()) {
            s3.createBucket("killed");
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < 24; i++) {
                byte[] noise = new byte[512 * 1024];
                random.nextBytes(noise);
                redis.commands().set("noise:" + i, HexFormat.of().formatHex(noise));
            }
            link.holdAfter(1 << 20);
            // Every second, so the first backup starts whenever the new JVM is up; later firings wait for it.
            Path throughLink = Cli.s3Config(dir, link.endpoint().toString(), "killed", target(redis, "* * * * * ?"));
            Path direct = Cli.s3Config(dir, s3.endpoint().toString(), "killed", "retention:\n  keep-last: 1\n");

            // steward serve in a process of its own, killed (as by the OOM killer or kill -9) mid-upload.
            ProcessBuilder command = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            Main.class.getName(),
                            "serve",
                            "--config",
                            throughLink.toString(),
                            "--web.listen-address",
                            "127.0.0.1:" + FreePort.find())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("serve.log").toFile());
            command.environment().putAll(ENV);
            Process serve = command.start();
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> link.isStalled()
                                && !client.listMultipartUploads(list -> list.bucket("killed"))
                                        .uploads()
                                        .isEmpty());
            } catch (ConditionTimeoutException notUploading) {
                throw new AssertionError(
                        "serve did not start the upload:\n" + Files.readString(dir.resolve("serve.log")));
            } finally {
                serve.destroyForcibly().waitFor();
                link.release();
            }

            assertThat(listed(direct))
                    .as(Files.readString(dir.resolve("serve.log")))
                    .isEmpty();
            assertThat(client.listObjectsV2(list -> list.bucket("killed")).contents())
                    .noneMatch(object -> object.key().endsWith("manifest.json"));
            // The dead agent's lock went with it.
            Cli.Run next = Cli.run(ENV, "backup", "run", "--config", direct.toString(), "--redis", redis.uri());
            assertThat(next.exitCode()).as(next.err()).isZero();
            assertThat(listed(direct))
                    .extracting(backup -> backup.get("id").asText())
                    .containsExactly(next.backupId());
            // The upload it left is invisible, and an hour later prune aborts it.
            try (S3Store store = new S3Store(
                    "killed",
                    "redis",
                    new S3Settings(
                            s3.endpoint(), "us-east-1", true, S3Server.ACCESS_KEY, S3Server.SECRET_KEY, false, 2))) {
                Pruner later = new Pruner(
                        store, new RetentionPolicy(1, 0, 0, 0), Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
                Pruner.Plan plan = later.plan(Optional.empty());
                assertThat(plan.unfinished()).hasSize(1);
                later.execute(plan);
            }
            assertThat(client.listMultipartUploads(list -> list.bucket("killed"))
                            .uploads())
                    .isEmpty();
            assertThat(listed(direct))
                    .extracting(backup -> backup.get("id").asText())
                    .containsExactly(next.backupId());
        }
    }
}
