package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(run.out()).contains("run", "list", "verify", "restore", "prune");
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
