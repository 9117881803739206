package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that is not there is a mistake to report, not an empty store: a mistyped {@code --storage} must not read
 * as "no backups". Only a first backup creates its directory.
 */
class BackupStoreMissingTest {

    @TempDir
    Path dir;

    private Path missing() {
        return dir.resolve("does-not-exist");
    }

    private static final String ID = "20260101T000000Z-00000000";

    private List<String[]> everyCommandOnStoredBackups(String storage) throws IOException {
        Path retention = Files.writeString(dir.resolve("retention.yaml"), "retention:\n  keep-last: 2\n");
        return List.of(
                new String[] {"backup", "list", "--storage", storage},
                new String[] {"backup", "verify", "--latest", "--storage", storage},
                new String[] {"backup", "verify", ID, "--storage", storage},
                new String[] {
                    "backup", "restore", ID, "--to-dir", dir.resolve("data").toString(), "--storage", storage
                },
                new String[] {"backup", "prune", "--config", retention.toString(), "--storage", storage});
    }

    @Test
    void listVerifyRestoreAndPruneOfADirectoryThatDoesNotExistCouldNotRunAndNameIt() throws IOException {
        for (String[] command : everyCommandOnStoredBackups(missing().toUri().toString())) {
            Cli.Run run = Cli.run(Map.of(), command);
            assertThat(run.exitCode())
                    .as(String.join(" ", command) + "\n" + run.err())
                    .isEqualTo(3);
            assertThat(run.err().strip())
                    .as(String.join(" ", command))
                    .isEqualTo("steward: --storage: the backup store " + missing() + " does not exist; check --storage"
                            + " or storage.url (backup run creates the directory with its first backup)");
            assertThat(run.out()).isEmpty();
        }
        assertThat(missing()).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aStoreUrlFromTheConfigIsNamedByItsKey() throws IOException {
        Path config = Files.writeString(
                dir.resolve("steward.yaml"), "storage:\n  url: " + missing().toUri() + "\n");
        Cli.Run run = Cli.run(Map.of(), "backup", "list", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains(config + ":2:3: storage.url: the backup store " + missing() + " does not exist");
    }

    @Test
    void aFileWhereTheStoreShouldBeIsNotAStore() throws IOException {
        Path file = Files.writeString(dir.resolve("backups"), "not a directory");
        Cli.Run run =
                Cli.run(Map.of(), "backup", "list", "--storage", file.toUri().toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("the backup store " + file + " is not a directory");
    }

    @Test
    void aBucketThatDoesNotExistCouldNotRunEither() throws IOException {
        try (S3Server s3 = S3Server.start()) {
            Path config = Cli.s3Config(dir, s3.endpoint().toString(), "no-such-bucket", "");
            Map<String, String> env =
                    Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);
            Cli.Run run = Cli.run(env, "backup", "list", "--config", config.toString());
            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err()).contains("the bucket of s3://no-such-bucket/redis does not exist");
        }
    }

    @Test
    void theFirstBackupCreatesItsDirectoryAndThenItIsListed() {
        Path store = missing().resolve("nested");
        try (RedisServer redis = RedisServer.start()) {
            Cli.Run run =
                    Cli.run(Map.of(), "backup", "run", "--to", store.toUri().toString(), "--redis", redis.uri());
            assertThat(run.exitCode()).as(run.err()).isZero();
            Cli.Run list = Cli.run(
                    Map.of(), "backup", "list", "--storage", store.toUri().toString());
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains(run.backupId());
        }
    }
}
