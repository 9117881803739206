package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.backup.BackupCatalog;
import io.steward.backup.FileStore;
import io.steward.backup.Manifest;
import io.steward.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server written to while its backup is taken: the RDB holds the keys of the moment the save began, INFO keyspace
 * those of its end. A drilled target's backup records the RDB's own count, so its drill passes.
 */
class DrillOfABusyServerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Backs up while 30 keys are added during the save; returns the manifest. */
    private Manifest backUpWhileWritten(RedisServer redis, Path config, Path store) throws InterruptedException {
        AtomicReference<Cli.Run> run = new AtomicReference<>();
        Thread backup = new Thread(
                () -> run.set(Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--target", "cache")));
        backup.start();
        await().atMost(PATIENCE)
                .until(() -> redis.commands().info("persistence").contains("rdb_bgsave_in_progress:1"));
        for (int i = 0; i < 30; i++) {
            redis.call("SET", "new:" + i, "written during the save");
        }
        backup.join(PATIENCE.toMillis());
        assertThat(run.get().exitCode()).as(run.get().err()).isZero();
        return new BackupCatalog(new FileStore(store))
                .list(Optional.of("cache")).stream().findFirst().orElseThrow();
    }

    private Path config(RedisServer redis, Path store, boolean drilled) {
        return Cli.fileConfig(
                dir,
                store,
                "targets:\n"
                        + "  - name: cache\n"
                        + "    uri: " + redis.uri() + "\n"
                        + "    backup:\n"
                        + "      source: local\n"
                        + (drilled
                                ? "      drill:\n        schedule: \"0 0 3 * * ?\"\n        redis-server: none\n"
                                : ""));
    }

    private static RedisServer slowSaving() {
        RedisServer redis = RedisServer.start();
        for (int i = 0; i < 20; i++) {
            redis.call("SET", "key:" + i, "value");
        }
        // A fifth of a second per key: the save takes about four seconds.
        redis.call("CONFIG", "SET", "rdb-key-save-delay", "200000");
        return redis;
    }

    @Test
    void aDrilledTargetsBackupRecordsTheKeysItsRdbHoldsAndPassesItsDrill() throws Exception {
        Path store = dir.resolve("drilled");
        try (RedisServer redis = slowSaving()) {
            Path config = config(redis, store, true);
            Manifest backup = backUpWhileWritten(redis, config, store);
            assertThat(backup.keysExact()).isTrue();
            assertThat(backup.keys()).containsExactly(Map.entry("db0", 20L));

            Cli.Run drill = Cli.run(Map.of(), "backup", "drill", "--config", config.toString(), "--target", "cache");
            assertThat(drill.exitCode()).as(drill.out() + drill.err()).isZero();
        }
    }

    @Test
    void anUndrilledTargetsBackupRecordsInfoAndItsDrillSaysWhyTheCountsDiffer() throws Exception {
        Path store = dir.resolve("undrilled");
        try (RedisServer redis = slowSaving()) {
            Manifest backup = backUpWhileWritten(redis, config(redis, store, false), store);
            assertThat(backup.keysExact()).isFalse();
            assertThat(backup.keys()).containsExactly(Map.entry("db0", 50L));

            Cli.Run drill = Cli.run(
                    Map.of(),
                    "backup",
                    "drill",
                    "--storage",
                    store.toUri().toString(),
                    "--redis-server",
                    "none",
                    backup.id());
            assertThat(drill.exitCode()).isEqualTo(1);
            assertThat(drill.out())
                    .contains("db0: the manifest records 50 keys, the RDB holds 20")
                    .contains("backups of a target with backup.drill record the RDB's own count");
        }
    }
}
