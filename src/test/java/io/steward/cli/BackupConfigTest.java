package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.backup.RestoreDrill;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes in the backup part of the configuration and command line: exit 2, the key path, what to write. */
class BackupConfigTest {

    @TempDir
    Path dir;

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("steward.yaml"), yaml);
    }

    private Cli.Run run(String... args) {
        return Cli.run(Map.of(), args);
    }

    @Test
    void theBackupCommandsAreListedInHelp() {
        Cli.Run run = run("backup", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("run", "list", "verify", "restore", "prune", "drill");
    }

    @Test
    void aBadCronExpressionNamesItsTarget() throws IOException {
        Path file = config("targets:\n  - uri: redis://127.0.0.1:1\n    backup:\n      schedule: every hour\n");
        Cli.Run run = run("serve", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("targets[0].backup.schedule: 'every hour' is not a Quartz cron expression")
                .contains("\"0 0 * * * ?\" is every hour");
    }

    private Path drillConfig(String drill) throws IOException {
        return config("targets:\n  - name: shop\n    uri: redis://127.0.0.1:1\n    backup:\n      drill:\n" + drill);
    }

    @Test
    void aDrillWithABadOrMissingScheduleNamesItsKey() throws IOException {
        Cli.Run bad = run(
                "backup",
                "list",
                "--config",
                drillConfig("        schedule: nightly\n").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("steward.yaml:6:9: targets[0].backup.drill.schedule: 'nightly' is not a Quartz cron"
                        + " expression")
                .contains("\"0 0 3 * * ?\" is every day at 3:00");

        Cli.Run missing = run(
                "backup",
                "list",
                "--config",
                drillConfig("        redis-server: none\n").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("targets[0].backup.drill.schedule: missing; give a Quartz cron expression");
    }

    @Test
    void aDrillsRedisServerThatIsNoExecutableNamesItsKey() throws IOException {
        Path notThere = dir.resolve("no-such-redis-server");
        Cli.Run missing = run(
                "backup",
                "list",
                "--config",
                drillConfig("        schedule: \"0 0 3 * * ?\"\n        redis-server: " + notThere + "\n")
                        .toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err())
                .contains("steward.yaml:7:9: targets[0].backup.drill.redis-server: " + notThere + " does not exist;"
                        + " give the path of a redis-server, or none to parse the RDB only");

        Path plainFile = Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\n");
        Cli.Run notExecutable = run(
                "backup",
                "list",
                "--config",
                drillConfig("        schedule: \"0 0 3 * * ?\"\n        redis-server: " + plainFile + "\n")
                        .toString());
        assertThat(notExecutable.exitCode()).isEqualTo(2);
        assertThat(notExecutable.err())
                .contains("targets[0].backup.drill.redis-server: " + plainFile + " is not an executable file");

        Cli.Run flag = run("backup", "drill", "--storage", dir.toString(), "--redis-server", notThere.toString());
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.err()).contains("--redis-server: " + notThere + " does not exist");
    }

    @Test
    void aMisspelledDrillKeyIsNamedByItsPath() throws IOException {
        Cli.Run run = run(
                "backup",
                "list",
                "--config",
                drillConfig("        redis_server: /usr/bin/redis-server\n").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("targets[0].backup.drill.redis_server: unknown key (known: redis-server, schedule)");
    }

    @Test
    void theConfiguredDrillsAreExposedWithTheirScheduleAndRedisServer() throws IOException {
        Path redisServer = Path.of(BackupDrillTest.redisServerOnPath());
        Path file = config("targets:\n"
                + "  - name: given\n    uri: redis://127.0.0.1:1\n    backup:\n      drill:\n"
                + "        schedule: \"0 0 3 * * ?\"\n        redis-server: " + redisServer + "\n"
                + "  - name: parse\n    uri: redis://127.0.0.1:2\n    backup:\n      drill:\n"
                + "        schedule: \"0 0 4 * * ?\"\n        redis-server: none\n"
                + "  - name: found\n    uri: redis://127.0.0.1:3\n    backup:\n      drill:\n"
                + "        schedule: \"0 0 5 ? * SUN\"\n"
                + "  - name: undrilled\n    uri: redis://127.0.0.1:4\n    backup:\n      schedule: \"0 0 * * * ?\"\n");
        for (Map<String, String> env :
                List.of(Map.of("PATH", redisServer.getParent().toString()), Map.<String, String>of())) {
            Settings settings = Settings.load(env, file);
            BackupSettings backups =
                    settings.backups(null, "--storage", settings.configuredTargets(java.time.Duration.ofSeconds(1)));
            assertThat(backups.drills())
                    .extracting(drill -> drill.target().name(), RestoreDrill.Scheduled::cron)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("given", "0 0 3 * * ?"),
                            org.assertj.core.groups.Tuple.tuple("parse", "0 0 4 * * ?"),
                            org.assertj.core.groups.Tuple.tuple("found", "0 0 5 ? * SUN"));
            assertThat(backups.drills().get(0).redisServer()).contains(redisServer);
            assertThat(backups.drills().get(1).redisServer()).isEmpty();
            assertThat(backups.drills().get(1).how())
                    .isEqualTo("parse-only: targets[0].backup.drill.redis-server".replace("[0]", "[1]") + " is none");
            io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            io.steward.backup.DrillMetrics metrics = new io.steward.backup.DrillMetrics(registry);
            backups.drills().forEach(drill -> metrics.scheduled(drill, java.time.Instant.now()));
            assertThat(registry.get("steward.backup.drill.schedule.interval")
                            .tag("target", "found")
                            .gauge()
                            .value())
                    .as("a week between Sunday drills, an hour more across a change of summer time")
                    .isBetween(7 * 86400.0, 7 * 86400.0 + 3600);
            if (env.isEmpty()) {
                assertThat(backups.drills().get(2).redisServer()).isEmpty();
                assertThat(backups.drills().get(2).how()).isEqualTo("parse-only: no redis-server on PATH");
            } else {
                assertThat(backups.drills().get(2).redisServer()).contains(redisServer);
                assertThat(backups.drills().get(2).how()).isEqualTo(redisServer + " (on PATH)");
            }
        }
    }

    @Test
    void aStorageUrlOfAnotherKindIsRefused() throws IOException {
        Cli.Run run = run(
                "backup",
                "list",
                "--config",
                config("storage:\n  url: ftp://host/backups\n").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(
                        "storage.url: 'ftp://host/backups' is not a storage URL (use s3://bucket/prefix or file:///dir)");
    }

    @Test
    void aMissingCredentialVariableIsNamed() throws IOException {
        Path file = config("storage:\n  url: s3://backups/redis\n  s3:\n    endpoint: http://127.0.0.1:1\n"
                + "    access-key-env: NO_SUCH_KEY\n    secret-key-env: NO_SUCH_SECRET\n");
        Cli.Run run = run("backup", "list", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("storage.s3.access-key-env: environment variable NO_SUCH_KEY is not set");
    }

    @Test
    void aMisspelledStorageKeyIsNamedByItsPath() throws IOException {
        Cli.Run run = run(
                "backup",
                "list",
                "--config",
                config("storage:\n  s3:\n    endpiont: http://x\n").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("storage.s3.endpiont: unknown key (known: ")
                .contains("endpoint");
    }

    @Test
    void aSharedScheduleNeedsAPostgresUrl() throws IOException {
        Cli.Run run = run(
                "backup",
                "list",
                "--config",
                config("scheduler:\n  store: jdbc\n").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("scheduler.jdbc.url: is required with scheduler.store: jdbc")
                .doesNotContain("Exception");
    }

    @Test
    void anUnknownSchedulerStoreIsNamed() throws IOException {
        Cli.Run run = run(
                "backup",
                "list",
                "--config",
                config("scheduler:\n  store: redis\n").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("scheduler.store: 'redis' is not memory or jdbc");
    }

    @Test
    void aTablePrefixThatIsNoSqlNameIsRefused() throws IOException {
        Cli.Run run = run(
                "backup",
                "list",
                "--config",
                config("scheduler:\n  store: jdbc\n  jdbc:\n    url: jdbc:postgresql://127.0.0.1:5432/x\n"
                                + "    table-prefix: \"qrtz; drop table x\"\n")
                        .toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("scheduler.jdbc.table-prefix: 'qrtz; drop table x' is not a table prefix");
    }

    @Test
    void aPasswordInTheJdbcUrlIsRefused() throws IOException {
        Cli.Run run = run(
                "backup",
                "list",
                "--config",
                config("scheduler:\n  store: jdbc\n  jdbc:\n"
                                + "    url: jdbc:postgresql://127.0.0.1:5432/x?user=a&password=hunter2\n")
                        .toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("scheduler.jdbc.url: holds a password").doesNotContain("hunter2");
    }

    @Test
    void anUnknownKeyUnderJdbcIsAnError() throws IOException {
        Cli.Run run = run(
                "backup",
                "list",
                "--config",
                config("scheduler:\n  store: jdbc\n  jdbc:\n    url: jdbc:postgresql://127.0.0.1:5432/x\n"
                                + "    pasword-file: /etc/x\n")
                        .toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("pasword-file");
    }

    @Test
    void pruneNeedsARetentionPolicy() throws IOException {
        Cli.Run run = run(
                "backup",
                "prune",
                "--config",
                config("storage:\n  url: " + dir.resolve("store") + "\n").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("retention: prune needs a retention section in the config");
    }

    @Test
    void anUnknownTargetIsNamedWithTheKnownOnes() throws IOException {
        Path file = config("targets:\n  - name: cache-1\n    uri: redis://127.0.0.1:1\n");
        Cli.Run run = run("backup", "run", "--config", file.toString(), "--target", "cache-2");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--target: no target named 'cache-2' in " + file + " (known: cache-1)");
    }

    @Test
    void aSecretNeverReachesTheConsoleWhenTheStoreRefusesIt() throws IOException {
        Path file = config("storage:\n  url: s3://backups/redis\n  s3:\n    endpoint: http://127.0.0.1:1\n"
                + "    access-key-env: K\n    secret-key-env: S\n    max-attempts: 1\n");
        Cli.Run run = Cli.run(
                Map.of("K", "AKIAEXAMPLE", "S", "very-secret-value"), "backup", "list", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("cannot reach s3://backups/redis").doesNotContain("very-secret-value");
    }
}
