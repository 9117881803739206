package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.backup.BackupException;
import io.steward.backup.BackupFailure;
import io.steward.backup.BackupMetrics;
import io.steward.backup.BackupOptions;
import io.steward.backup.BackupRunner;
import io.steward.backup.BackupStore;
import io.steward.backup.Compression;
import io.steward.backup.FileBackupLock;
import io.steward.backup.FileStore;
import io.steward.backup.ObjectWriter;
import io.steward.backup.Progress;
import io.steward.backup.Pruner;
import io.steward.backup.RetentionPolicy;
import io.steward.backup.S3Settings;
import io.steward.backup.S3Store;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.testing.FakeRedis;
import io.steward.testing.FreePort;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a backup can fail: each gives one clear line and the right exit code, counts a failure with its
 * reason, and leaves nothing incomplete listed.
 */
class BackupFaultsTest {

    private static final Map<String, String> ENV =
            Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);

    @TempDir
    Path dir;

    private RedisServer redis;
    private S3Server s3;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));

    @BeforeEach
    void start() {
        redis = RedisServer.builder().enableDebugCommand().start();
        redis.call("DEBUG", "POPULATE", "1000");
        s3 = S3Server.start();
        s3.createBucket("backups");
    }

    @AfterEach
    void stop() {
        connector.close();
        s3.close();
        redis.close();
    }

    private Target target(RedisServer server) {
        return new Target("cache", RedisURI.create(server.uri()), Duration.ofSeconds(15));
    }

    private S3Store s3Store(String bucket, String accessKey, String secretKey, java.net.URI endpoint) {
        return new S3Store(
                bucket, "redis", new S3Settings(endpoint, "us-east-1", true, accessKey, secretKey, false, 2));
    }

    private S3Store s3Store() {
        return s3Store("backups", S3Server.ACCESS_KEY, S3Server.SECRET_KEY, s3.endpoint());
    }

    private BackupRunner runner(BackupStore store) {
        return new BackupRunner(
                connector::openSaveControl,
                GroupSurveys.polledBy(connector, Clock.systemUTC()),
                store,
                Compression.ZSTD,
                new BackupMetrics(registry),
                Clock.systemUTC(),
                new FileBackupLock(dir),
                "test");
    }

    /** Runs a backup that must fail, and checks the failure counter of its reason went to 1. */
    private BackupException failingBackup(BackupStore store, Target target, BackupFailure reason, Progress progress) {
        BackupException failure = (BackupException) org.assertj.core.api.Assertions.catchThrowable(() -> runner(store)
                .run(
                        target,
                        BackupOptions.defaults()
                                .withSource(BackupOptions.Source.LOCAL)
                                .withTimeout(Duration.ofSeconds(30)),
                        progress));
        assertThat(failure).isNotNull();
        assertThat(failure.reason()).isEqualTo(reason);
        assertThat(registry.get("steward.backup.failures")
                        .tag("target", target.name())
                        .tag("reason", reason.label())
                        .counter()
                        .count())
                .isEqualTo(1.0);
        // A refused second backup leaves the running one's in_progress alone.
        assertThat(registry.get("steward.backup.in.progress")
                        .tag("target", target.name())
                        .gauge()
                        .value())
                .isEqualTo(reason == BackupFailure.BUSY ? 1.0 : 0.0);
        return failure;
    }

    private Cli.Run cliBackup(Path config) {
        return Cli.run(ENV, "backup", "run", "--config", config.toString(), "--redis", redis.uri());
    }

    private List<String> objectsInBucket() {
        try (var client = s3.client()) {
            return client.listObjectsV2(list -> list.bucket("backups")).contents().stream()
                    .map(o -> o.key())
                    .toList();
        }
    }

    @Test
    void wrongS3CredentialsAreNamedAndNothingIsStored() {
        Path config = Cli.s3Config(dir, s3.endpoint().toString(), "backups", "");
        Cli.Run run = Cli.run(
                Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, "not-the-secret"),
                "backup",
                "run",
                "--config",
                config.toString(),
                "--redis",
                redis.uri());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err())
                .contains("refused the credentials")
                .contains("access-key-env")
                .doesNotContain("not-the-secret")
                .doesNotContain("\tat ");

        failingBackup(
                s3Store("backups", S3Server.ACCESS_KEY, "not-the-secret", s3.endpoint()),
                target(redis),
                BackupFailure.STORE_AUTH,
                Progress.NONE);
        assertThat(objectsInBucket()).isEmpty();
    }

    @Test
    void aMissingBucketIsNamed() {
        Path config = Cli.s3Config(dir, s3.endpoint().toString(), "no-such-bucket", "");
        Cli.Run run = cliBackup(config);
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("the bucket of s3://no-such-bucket/redis does not exist");
        failingBackup(
                s3Store("no-such-bucket", S3Server.ACCESS_KEY, S3Server.SECRET_KEY, s3.endpoint()),
                target(redis),
                BackupFailure.STORE_BUCKET,
                Progress.NONE);
    }

    @Test
    void anUnreachableEndpointIsRetriedThenReported() {
        String nowhere = "http://127.0.0.1:" + FreePort.find();
        Cli.Run run = cliBackup(Cli.s3Config(dir, nowhere, "backups", ""));
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("cannot reach s3://backups/redis at " + nowhere + " after 2 attempts");
        failingBackup(
                s3Store("backups", S3Server.ACCESS_KEY, S3Server.SECRET_KEY, java.net.URI.create(nowhere)),
                target(redis),
                BackupFailure.STORE_UNREACHABLE,
                Progress.NONE);
    }

    @Test
    void s3DyingMidUploadLeavesNoBackupListed() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 24; i++) {
            byte[] noise = new byte[512 * 1024];
            random.nextBytes(noise);
            redis.commands().set("noise:" + i, HexFormat.of().formatHex(noise));
        }
        // The store dies once the first 8 MiB part is on its way: the multipart upload exists, the backup cannot end.
        BackupException failure = failingBackup(
                new StoreDyingAfter(s3Store(), 9 << 20, s3::stop),
                target(redis),
                BackupFailure.STORE_UNREACHABLE,
                Progress.NONE);
        assertThat(failure.getMessage()).contains("cannot reach s3://backups/redis");

        s3.restart();
        Path config = Cli.s3Config(dir, s3.endpoint().toString(), "backups", "");
        Cli.Run list = Cli.run(ENV, "backup", "list", "--config", config.toString(), "-o", "json");
        assertThat(list.out().strip()).isEqualTo("[ ]");
        assertThat(objectsInBucket()).noneMatch(key -> key.endsWith("manifest.json"));

        // The abort could not reach the dead store; an hour later, prune finishes the job.
        try (S3Store store = s3Store()) {
            Pruner later = new Pruner(
                    store, new RetentionPolicy(1, 0, 0, 0), Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
            Pruner.Plan plan = later.plan(java.util.Optional.empty());
            assertThat(plan.unfinished())
                    .singleElement()
                    .satisfies(upload -> assertThat(upload.key()).endsWith("/dump.rdb.zst"));
            later.execute(plan);
            assertThat(later.plan(java.util.Optional.empty()).unfinished()).isEmpty();
        }
    }

    @Test
    void aManifestStoredWhoseAnswerWasLostLeavesNoBackupListed() {
        // The store keeps the manifest but its answer never comes (it died right after, or a retry of the write
        // found the manifest there): the backup failed, so neither its manifest nor its object may stay.
        BackupException failure = failingBackup(
                new ManifestAnswerLost(s3Store()), target(redis), BackupFailure.STORE_UNREACHABLE, Progress.NONE);
        assertThat(failure.getMessage()).contains("answer");

        Path config = Cli.s3Config(dir, s3.endpoint().toString(), "backups", "");
        Cli.Run list = Cli.run(ENV, "backup", "list", "--config", config.toString(), "-o", "json");
        assertThat(list.out().strip()).isEqualTo("[ ]");
        assertThat(objectsInBucket()).isEmpty();
    }

    /** The real S3 store, which stores a manifest and then fails as if its answer had been lost on the way. */
    private static final class ManifestAnswerLost extends StoreDyingAfter {
        ManifestAnswerLost(BackupStore store) {
            super(store, Long.MAX_VALUE, () -> {});
        }

        @Override
        public void createSmall(String key, byte[] content) {
            super.createSmall(key, content);
            throw new BackupException(BackupFailure.STORE_UNREACHABLE, "no answer from the store after writing " + key);
        }
    }

    /** The real S3 store, whose server is stopped once so many bytes of an object were written to it. */
    private static class StoreDyingAfter implements BackupStore {
        private final BackupStore store;
        private final long bytes;
        private final Runnable kill;

        StoreDyingAfter(BackupStore store, long bytes, Runnable kill) {
            this.store = store;
            this.bytes = bytes;
            this.kill = kill;
        }

        @Override
        public ObjectWriter create(String key, long expectedSize) {
            ObjectWriter writer = store.create(key, expectedSize);
            return new ObjectWriter() {
                private long written;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writer.write(b, off, len);
                    if (written < bytes && written + len >= bytes) {
                        kill.run();
                    }
                    written += len;
                }

                @Override
                public long commit() {
                    return writer.commit();
                }

                @Override
                public void abort() {
                    writer.abort();
                }
            };
        }

        @Override
        public String location() {
            return store.location();
        }

        @Override
        public void checkWritable() {
            store.checkWritable();
        }

        @Override
        public void createSmall(String key, byte[] content) {
            store.createSmall(key, content);
        }

        @Override
        public java.io.InputStream open(String key) {
            return store.open(key);
        }

        @Override
        public List<io.steward.backup.StoredObject> list(String keyPrefix) {
            return store.list(keyPrefix);
        }

        @Override
        public void delete(java.util.Collection<String> keys) {
            store.delete(keys);
        }

        @Override
        public List<io.steward.backup.UnfinishedUpload> unfinishedUploads(java.time.Instant before) {
            return store.unfinishedUploads(before);
        }

        @Override
        public void abort(io.steward.backup.UnfinishedUpload upload) {
            store.abort(upload);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void aRedisThatIsDownIsACouldNotRun() {
        redis.stop();
        Cli.Run run = cliBackup(Cli.fileConfig(dir, dir.resolve("store"), ""));
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("127.0.0.1:" + redis.port()).contains("connect");
        failingBackup(new FileStore(dir.resolve("store")), target(redis), BackupFailure.REDIS_CONNECT, Progress.NONE);
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void aWrongRedisPasswordIsNamedWithoutEchoingIt() throws IOException {
        try (RedisServer locked =
                RedisServer.builder().password("right-password").start()) {
            Path passwordFile = Files.writeString(dir.resolve("pass"), "wrong-password");
            Cli.Run run = Cli.run(
                    ENV,
                    "backup",
                    "run",
                    "--config",
                    Cli.fileConfig(dir, dir.resolve("store"), "").toString(),
                    "--redis",
                    locked.uri(),
                    "--password-file",
                    passwordFile.toString());
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err())
                    .contains("authentication to 127.0.0.1:" + locked.port() + " failed")
                    .doesNotContain("wrong-password")
                    .doesNotContain("right-password");
        }
    }

    @Test
    void redisStoppingDuringTheSaveFailsTheBackupAndStoresNothing() {
        redis.call("CONFIG", "SET", "rdb-key-save-delay", "20000"); // 20 ms per key: the save takes 20 s
        CompletableFuture<Throwable> backup = CompletableFuture.supplyAsync(() ->
                org.assertj.core.api.Assertions.catchThrowable(() -> runner(new FileStore(dir.resolve("store")))
                        .run(
                                target(redis),
                                BackupOptions.defaults()
                                        .withSource(BackupOptions.Source.LOCAL)
                                        .withTimeout(Duration.ofSeconds(60)),
                                Progress.NONE)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> redis.commands().info("persistence").contains("rdb_bgsave_in_progress:1"));
        redis.stop();
        Throwable failure = backup.join();
        assertThat(failure)
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("lost 127.0.0.1:" + redis.port())
                .hasMessageContaining("nothing was stored");
        assertThat(((BackupException) failure).reason()).isEqualTo(BackupFailure.REDIS_CONNECT);
        assertThat(registry.get("steward.backup.failures")
                        .tag("reason", "redis_connect")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void aFailingBgsaveIsReportedWithTheServerState() throws IOException {
        // Redis writes its temp file, then cannot rename it over a directory named dump.rdb: the save fails.
        Files.createDirectories(redis.dir().resolve("dump.rdb").resolve("blocker"));
        redis.call("CONFIG", "SET", "save", "3600 1");
        Cli.Run run = cliBackup(Cli.fileConfig(dir, dir.resolve("store"), ""));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("BGSAVE on 127.0.0.1:" + redis.port() + " failed (rdb_last_bgsave_status:err)")
                .contains("Redis refuses writes (MISCONF) until a save succeeds");
        failingBackup(new FileStore(dir.resolve("store")), target(redis), BackupFailure.BGSAVE_FAILED, Progress.NONE);
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void aCorruptRdbIsNeverStored() throws IOException {
        Path rdbDir = Files.createDirectories(dir.resolve("fake-redis-dir"));
        redis.call("SAVE");
        byte[] real = Files.readAllBytes(redis.dir().resolve("dump.rdb"));
        Files.write(rdbDir.resolve("dump.rdb"), Arrays.copyOf(real, real.length - 20)); // cut short on disk
        AtomicInteger saves = new AtomicInteger(1);
        try (FakeRedis fake = new FakeRedis(command -> savingRedis(command, saves, rdbDir))) {
            Cli.Run run = Cli.run(
                    ENV,
                    "backup",
                    "run",
                    "--config",
                    Cli.fileConfig(dir, dir.resolve("store"), "").toString(),
                    "--redis",
                    "redis://127.0.0.1:" + fake.port());
            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.err()).contains(rdbDir.resolve("dump.rdb") + " is not a valid RDB file");
            Target fakeTarget =
                    new Target("cache", RedisURI.create("redis://127.0.0.1:" + fake.port()), Duration.ofSeconds(15));
            failingBackup(new FileStore(dir.resolve("store")), fakeTarget, BackupFailure.RDB_CORRUPT, Progress.NONE);
        }
        Cli.Run list = Cli.run(
                ENV, "backup", "list", "--storage", dir.resolve("store").toUri().toString());
        assertThat(list.out()).isEmpty();
        try (var files = Files.walk(dir.resolve("store"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    /** A Redis whose disk returns a damaged RDB: BGSAVE succeeds, the file is not what it wrote. */
    private static String savingRedis(List<String> command, AtomicInteger saves, Path rdbDir) {
        return switch (command.get(0)) {
            case "HELLO" -> "-ERR unknown command 'HELLO'\r\n";
            case "PING" -> "+PONG\r\n";
            case "CLIENT" -> "+OK\r\n";
            case "CONFIG" ->
                command.get(2).equals("dir") ? pair("dir", rdbDir.toString()) : pair(command.get(2), "dump.rdb");
            case "BGSAVE" -> {
                saves.incrementAndGet();
                yield "+Background saving started\r\n";
            }
            case "INFO" ->
                FakeRedis.bulk("# Server\r\nredis_version:7.0.15\r\nrun_id:f00d\r\n# Persistence\r\n"
                        + "rdb_bgsave_in_progress:0\r\nrdb_saves:" + saves.get() + "\r\nrdb_last_save_time:"
                        + saves.get()
                        + "\r\nrdb_last_bgsave_status:ok\r\n# Replication\r\nrole:master\r\n");
            default -> "-ERR unknown command\r\n";
        };
    }

    private static String pair(String name, String value) {
        return "*2\r\n" + FakeRedis.bulk(name) + FakeRedis.bulk(value);
    }

    @Test
    void aSecondBackupOfTheSameServerIsRefusedWhileOneRuns() {
        redis.call("CONFIG", "SET", "rdb-key-save-delay", "3000"); // 3 s for the 1000 keys
        CompletableFuture<?> first = CompletableFuture.runAsync(() -> runner(new FileStore(dir.resolve("store")))
                .run(
                        target(redis),
                        BackupOptions.defaults()
                                .withSource(BackupOptions.Source.LOCAL)
                                .withTimeout(Duration.ofSeconds(60)),
                        Progress.NONE));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> redis.commands().info("persistence").contains("rdb_bgsave_in_progress:1"));
        BackupException busy =
                failingBackup(new FileStore(dir.resolve("store")), target(redis), BackupFailure.BUSY, Progress.NONE);
        assertThat(busy.getMessage()).contains("a backup of 127.0.0.1:" + redis.port() + " is already running");
        first.join();
        assertThat(Cli.run(
                                ENV,
                                "backup",
                                "list",
                                "--storage",
                                dir.resolve("store").toUri().toString())
                        .out())
                .hasLineCount(2);
    }

    @Test
    void aBgsaveThatTakesTooLongTimesOutWithoutStoringAnything() {
        redis.call("CONFIG", "SET", "rdb-key-save-delay", "10000"); // 10 s for the 1000 keys
        BackupException failure = (BackupException) org.assertj.core.api.Assertions.catchThrowable(
                () -> runner(new FileStore(dir.resolve("store")))
                        .run(
                                target(redis),
                                BackupOptions.defaults()
                                        .withSource(BackupOptions.Source.LOCAL)
                                        .withTimeout(Duration.ofSeconds(1)),
                                Progress.NONE));
        assertThat(failure.reason()).isEqualTo(BackupFailure.BGSAVE_TIMEOUT);
        assertThat(failure.getMessage()).contains("did not finish within 1 s").contains("nothing was stored");
        assertThat(dir.resolve("store")).doesNotExist();
        redis.call("CONFIG", "SET", "rdb-key-save-delay", "0");
    }

    @Test
    void aBackupDuringAnAofRewriteIsScheduledAfterIt() {
        try (RedisServer aof =
                RedisServer.builder().appendOnly(true).enableDebugCommand().start()) {
            aof.call("DEBUG", "POPULATE", "2000");
            aof.call("CONFIG", "SET", "rdb-key-save-delay", "1000"); // the rewrite (RDB preamble) takes 2 s
            aof.call("BGREWRITEAOF");
            // A plain BGSAVE is refused while the rewrite runs; BGSAVE SCHEDULE has Redis save right after it.
            var manifest = runner(new FileStore(dir.resolve("store")))
                    .run(
                            target(aof),
                            BackupOptions.defaults()
                                    .withSource(BackupOptions.Source.LOCAL)
                                    .withTimeout(Duration.ofSeconds(60)),
                            Progress.NONE);
            assertThat(manifest.keys()).containsEntry("db0", 2000L);
            assertThat(aof.commands().info("persistence")).contains("aof_rewrites:1");
        }
    }

    @Test
    void progressFollowsTheSaveInKeysAndTheUploadInBytes() {
        redis.call("CONFIG", "SET", "rdb-key-save-delay", "500"); // half a second for the 1000 keys
        List<String> updates = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        runner(new FileStore(dir.resolve("store")))
                .run(
                        target(redis),
                        BackupOptions.defaults()
                                .withSource(BackupOptions.Source.LOCAL)
                                .withTimeout(Duration.ofSeconds(30)),
                        (phase, done, total) -> updates.add(phase + " " + done + "/" + total));
        assertThat(updates).anyMatch(update -> update.matches("SAVING \\d+/1000"));
        assertThat(updates.get(updates.size() - 1)).matches("UPLOADING (\\d+)/\\1");
    }

    @Test
    void aSaveAlreadyRunningIsWaitedForAndUsed() {
        redis.call("CONFIG", "SET", "rdb-key-save-delay", "1000"); // 1 s for the 1000 keys
        redis.call("BGSAVE");
        var manifest = runner(new FileStore(dir.resolve("store")))
                .run(
                        target(redis),
                        BackupOptions.defaults()
                                .withSource(BackupOptions.Source.LOCAL)
                                .withTimeout(Duration.ofSeconds(30)),
                        Progress.NONE);
        assertThat(redis.commands().info("persistence")).contains("rdb_saves:1\r");
        assertThat(manifest.keys()).containsEntry("db0", 1000L);
    }
}
