package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.backup.BackupException;
import io.steward.backup.BackupFailure;
import io.steward.backup.BackupMetrics;
import io.steward.backup.BackupOptions;
import io.steward.backup.BackupRunner;
import io.steward.backup.Compression;
import io.steward.backup.FileBackupLock;
import io.steward.backup.FileStore;
import io.steward.backup.Progress;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.testing.Datasets;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Backups taken over the replication protocol, as a replica receives a full sync: every data type comes back, from
 * a disk-based and a diskless sync alike; a diskless one leaves nothing on the Redis host; the least-privileged user
 * that can take one; and every way the transfer can break stores nothing.
 */
class BackupOverReplicationTest {

    @TempDir
    Path dir;

    private final RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
    private RedisServer redis;

    @AfterEach
    void stop() {
        connector.close();
        if (redis != null) {
            redis.close();
        }
    }

    private Path store() {
        return dir.resolve("store");
    }

    private Cli.Run backup(String uri, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "backup", "run", "--to", store().toUri().toString(), "--redis", uri, "--source", "replication"));
        args.addAll(List.of(more));
        return Cli.run(Map.of(), args.toArray(String[]::new));
    }

    private BackupRunner runner() {
        return new BackupRunner(
                connector::openSaveControl,
                GroupSurveys.polledBy(connector, Clock.systemUTC()),
                new FileStore(store()),
                Compression.ZSTD,
                new BackupMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                new FileBackupLock(dir),
                "test");
    }

    private static BackupOptions replication(Duration timeout) {
        return BackupOptions.defaults()
                .withSource(BackupOptions.Source.REPLICATION)
                .withTimeout(timeout);
    }

    private Target target() {
        return new Target("cache", RedisURI.create(redis.uri()), Duration.ofSeconds(15));
    }

    private List<Path> storedFiles() throws IOException {
        if (!Files.exists(store())) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(store())) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private String manifest(String id) throws IOException {
        return Files.readString(storedFiles().stream()
                .filter(p -> p.endsWith(Path.of(id, "manifest.json")))
                .findFirst()
                .orElseThrow());
    }

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void aBackupOverReplicationRestoresEveryTypeTtlAndDatabaseToADirectoryAndIntoARunningServer(String diskless)
            throws IOException {
        redis = RedisServer.builder()
                .enableDebugCommand()
                .option("repl-diskless-sync", diskless)
                .option("repl-diskless-sync-delay", "0")
                .start();
        Datasets.everyType(redis, 20_000, true);
        Restores.Contents source = Restores.Contents.of(redis.commands());

        Cli.Run run = backup(redis.uri());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String manifest = manifest(run.backupId());
        assertThat(manifest)
                .contains("\"method\" : \"replication\"")
                .contains("\"replicationId\" : \""
                        + redis.commands()
                                .info("replication")
                                .lines()
                                .filter(line -> line.startsWith("master_replid:"))
                                .findFirst()
                                .orElseThrow()
                                .substring("master_replid:".length())
                                .trim()
                        + "\"")
                .doesNotContain("\"file\"");
        Path restored = Files.createDirectories(dir.resolve("restored"));
        Path config = Cli.fileConfig(dir, store(), "");
        assertThat(Restores.restoreAndLoad(Map.of(), config, run.backupId(), restored))
                .isEqualTo(source);
        try (RedisServer empty = RedisServer.builder().enableDebugCommand().start()) {
            Cli.Run load = LiveRestores.restore(Map.of(), store(), run.backupId(), "--to", empty.uri());
            assertThat(load.exitCode()).as(load.err()).isZero();
            assertThat(Restores.Contents.of(empty.commands())).isEqualTo(source);
        }
    }

    @Test
    void aDisklessBackupLeavesNoFileOnTheRedisHost() throws IOException {
        redis = RedisServer.builder()
                .enableDebugCommand()
                .option("repl-diskless-sync", "yes")
                .option("repl-diskless-sync-delay", "0")
                .start();
        Datasets.everyType(redis, 5_000, true);

        Cli.Run run = backup(redis.uri());

        assertThat(run.exitCode()).as(run.err()).isZero();
        try (Stream<Path> left = Files.list(redis.dir())) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".rdb"));
        }
        assertThat(redis.commands().info("persistence")).contains("rdb_saves:0");
    }

    @Test
    void aUserWithOnlyInfoPsyncAndReplconfCanTakeABackup() throws IOException {
        redis = RedisServer.builder().option("repl-diskless-sync-delay", "0").start();
        redis.commands().set("key", "value");
        redis.call("ACL", "SETUSER", "backup", "on", ">backup-secret", "-@all", "+info", "+psync", "+replconf");
        Path password = Files.writeString(dir.resolve("password"), "backup-secret");

        Cli.Run run = backup(redis.uri(), "--username", "backup", "--password-file", password.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out() + run.err()).doesNotContain("backup-secret");
    }

    @Test
    void aWrongPasswordIsToldWithoutTheSecret() throws IOException {
        redis = RedisServer.builder().password("the-right-one").start();
        Path password = Files.writeString(dir.resolve("password"), "not-the-right-one");

        Cli.Run run = backup(redis.uri(), "--password-file", password.toString());

        assertThat(run.exitCode()).isEqualTo(Main.COULD_NOT_RUN);
        assertThat(run.err())
                .contains("authentication to " + redis.address() + " failed")
                .doesNotContain("not-the-right-one")
                .doesNotContain("the-right-one")
                .doesNotContain("Exception");
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void aUserWithoutPsyncIsToldWhichPermissionsABackupNeeds() throws IOException {
        redis = RedisServer.builder().start();
        redis.call("ACL", "SETUSER", "watcher", "on", ">watcher-secret", "-@all", "+info", "+replconf");
        Path password = Files.writeString(dir.resolve("password"), "watcher-secret");

        Cli.Run run = backup(redis.uri(), "--username", "watcher", "--password-file", password.toString());

        assertThat(run.exitCode()).isEqualTo(Main.COULD_NOT_RUN);
        assertThat(run.err())
                .contains("refused the replication sync")
                .contains("+psync +replconf")
                .doesNotContain("watcher-secret")
                .doesNotContain("Exception");
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void aSyncConnectionKilledMidTransferStoresNothing() throws IOException {
        redis = RedisServer.builder()
                .enableDebugCommand()
                .option("repl-diskless-sync", "no")
                .start();
        redis.call("DEBUG", "POPULATE", "400000", "key", "200");
        AtomicBoolean killed = new AtomicBoolean();
        Progress killOnFirstChunk = (phase, done, total) -> {
            if (phase == Progress.Phase.UPLOADING && killed.compareAndSet(false, true)) {
                redis.call("CLIENT", "KILL", "TYPE", "replica");
            }
        };

        BackupException failure = catchThrowableOfType(
                () -> runner().run(target(), replication(Duration.ofSeconds(60)), killOnFirstChunk),
                BackupException.class);

        assertThat(killed).isTrue();
        assertThat(failure.reason()).isEqualTo(BackupFailure.SYNC_FAILED);
        assertThat(failure.getMessage())
                .contains("the copy from " + redis.address() + " broke after")
                .contains("nothing was stored")
                .contains("CLIENT KILL");
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void aServerThatFallsSilentMidTransferFailsAfterItsReplTimeout() throws IOException {
        redis = RedisServer.builder()
                .enableDebugCommand()
                .option("repl-diskless-sync", "no")
                .option("repl-timeout", "2")
                .start();
        redis.call("DEBUG", "POPULATE", "400000", "key", "200");
        AtomicBoolean frozen = new AtomicBoolean();
        Progress freezeOnFirstChunk = (phase, done, total) -> {
            if (phase == Progress.Phase.UPLOADING && frozen.compareAndSet(false, true)) {
                redis.suspend();
            }
        };

        BackupException failure;
        try {
            failure = catchThrowableOfType(
                    () -> runner().run(target(), replication(Duration.ofSeconds(60)), freezeOnFirstChunk),
                    BackupException.class);
        } finally {
            redis.resume();
        }

        assertThat(failure.reason()).isEqualTo(BackupFailure.SYNC_FAILED);
        assertThat(failure.getMessage()).contains("repl-timeout").contains("nothing was stored");
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void aChildAlreadyRunningIsWaitedForWhileTheServerSendsKeepalives() throws IOException {
        // Each save takes about 4.5 s, longer than the 2 s of silence this server's repl-timeout allows: only the
        // newlines it sends while the replica waits keep the copy alive.
        redis = RedisServer.builder()
                .enableDebugCommand()
                .option("repl-diskless-sync", "no")
                .option("repl-timeout", "2")
                .option("rdb-key-save-delay", "3000")
                .start();
        redis.call("DEBUG", "POPULATE", "1500");
        redis.call("BGSAVE");

        Cli.Run run = backup(redis.uri());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(manifest(run.backupId())).contains("\"keys\" : {\n    \"db0\" : 1500");
    }

    @Test
    void anRdbThatDoesNotBeginWithinTheTimeoutStoresNothing() throws IOException {
        redis = RedisServer.builder()
                .option("repl-diskless-sync", "yes")
                .option("repl-diskless-sync-delay", "30")
                .start();
        redis.commands().set("key", "value");

        BackupException failure = catchThrowableOfType(
                () -> runner().run(target(), replication(Duration.ofSeconds(2)), Progress.NONE), BackupException.class);

        assertThat(failure.reason()).isEqualTo(BackupFailure.BGSAVE_TIMEOUT);
        assertThat(failure.getMessage()).contains("within 2 s").contains("Raise the backup timeout");
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void oneServerUnderTwoNamesIsNotBackedUpTwiceAtOnce() throws Exception {
        redis = RedisServer.builder()
                .option("repl-diskless-sync", "yes")
                .option("repl-diskless-sync-delay", "4")
                .start();
        redis.commands().set("key", "value");
        CompletableFuture<Cli.Run> first = CompletableFuture.supplyAsync(() -> backup(redis.uri()));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> redis.commands().info("replication").contains("connected_slaves:1"));

        Cli.Run second = backup("redis://localhost:" + redis.port());

        assertThat(second.exitCode()).isEqualTo(Main.FAILED);
        assertThat(second.err()).contains("is already running").contains("this one was not started");
        Cli.Run done = first.get(60, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
    }
}
