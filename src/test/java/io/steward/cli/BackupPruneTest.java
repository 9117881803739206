package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** steward backup prune: what it keeps, what it would delete, and the leftovers of backups that never finished. */
class BackupPruneTest {

    @TempDir
    Path dir;

    @Test
    void keepsWhatTheRetentionSaysAndRemovesIncompleteLeftovers() throws IOException {
        Path store = dir.resolve("store");
        Path config = Cli.fileConfig(dir, store, "retention:\n  keep-last: 2\n");
        String[] ids = new String[3];
        try (RedisServer redis = RedisServer.builder().enableDebugCommand().start()) {
            redis.call("DEBUG", "POPULATE", "100");
            for (int i = 0; i < 3; i++) {
                Cli.Run run = Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--redis", redis.uri());
                assertThat(run.exitCode()).as(run.err()).isZero();
                ids[i] = run.backupId();
            }
        }
        // A backup that crashed before its manifest, two hours ago.
        Path leftover = Files.createDirectories(store.resolve("cache/20200101T000000Z-0badc0de"))
                .resolve("dump.rdb.zst");
        Files.writeString(leftover, "half");
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));

        Cli.Run dryRun = Cli.run(Map.of(), "backup", "prune", "--config", config.toString(), "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
        assertThat(dryRun.out())
                .contains("would delete " + ids[0])
                .contains("keep         " + ids[2])
                .contains("would delete cache/20200101T000000Z-0badc0de/dump.rdb.zst  (incomplete: no manifest)")
                .contains("dry run: nothing was deleted");
        assertThat(Cli.run(Map.of(), "backup", "list", "--config", config.toString())
                        .out())
                .contains(ids[0]);

        Cli.Run prune = Cli.run(Map.of(), "backup", "prune", "--config", config.toString());
        assertThat(prune.exitCode()).as(prune.err()).isZero();
        String list = Cli.run(Map.of(), "backup", "list", "--config", config.toString())
                .out();
        assertThat(list).doesNotContain(ids[0]).contains(ids[1]).contains(ids[2]);
        assertThat(store.resolve("cache")).doesNotExist();
    }
}
