package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.backup.Pruner;
import io.steward.backup.RetentionPolicy;
import io.steward.backup.S3Settings;
import io.steward.backup.S3Store;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import io.steward.testing.TcpRelay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code steward backup prune} removes what failed backups left behind only once it is old: an upload begun less
 * than an hour ago, or a backup directory without manifest as young, may be a backup running right now (from this
 * agent or another), and stays.
 */
class BackupPruneLeftoversTest {

    private static final Map<String, String> ENV =
            Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);
    private static final String BUCKET = "leftovers";
    private static final String DANGLING = "redis/other/20261130T010000Z-0000000a/dump.rdb.zst";
    private static final String WITHOUT_MANIFEST = "redis/other/20261130T020000Z-0000000b/dump.rdb.zst";

    @TempDir
    Path dir;

    private static List<String> uploads(S3Client client) {
        return client.listMultipartUploads(list -> list.bucket(BUCKET)).uploads().stream()
                .map(MultipartUpload::key)
                .toList();
    }

    private static List<String> objects(S3Client client) {
        return client.listObjectsV2(list -> list.bucket(BUCKET)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    @Test
    void aFreshUnfinishedUploadAnObjectWithoutManifestAndARunningBackupAreLeftAloneUntilOld() {
        try (RedisServer redis = RedisServer.builder().enableDebugCommand().start();
                S3Server s3 = S3Server.start();
                TcpRelay link = TcpRelay.to(s3.endpoint().getPort());
                S3Client client = s3.client()) {
            s3.createBucket(BUCKET);
            String retention = "retention:\n  keep-last: 1\n";
            Path config = Cli.s3Config(dir, s3.endpoint().toString(), BUCKET, retention);
            redis.call("DEBUG", "POPULATE", "1000");
            Cli.Run older = Cli.run(ENV, "backup", "run", "--config", config.toString(), "--redis", redis.uri());
            assertThat(older.exitCode()).as(older.err()).isZero();

            // What a backup that died a minute ago leaves: an upload never finished, a directory without manifest.
            String uploadId = client.createMultipartUpload(
                            create -> create.bucket(BUCKET).key(DANGLING))
                    .uploadId();
            client.uploadPart(
                    part -> part.bucket(BUCKET).key(DANGLING).uploadId(uploadId).partNumber(1),
                    RequestBody.fromBytes(new byte[5 << 20]));
            client.putObject(put -> put.bucket(BUCKET).key(WITHOUT_MANIFEST), RequestBody.fromString("half"));

            // And a backup running now, held mid-upload: random values make an object of several parts.
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < 24; i++) {
                byte[] noise = new byte[512 * 1024];
                random.nextBytes(noise);
                redis.commands().set("noise:" + i, HexFormat.of().formatHex(noise));
            }
            Restores.Contents source = Restores.Contents.of(redis.commands());
            link.holdAfter(1 << 20);
            Path throughLink = Cli.s3Config(dir, link.endpoint().toString(), BUCKET, retention);
            CompletableFuture<Cli.Run> running = CompletableFuture.supplyAsync(
                    () -> Cli.run(ENV, "backup", "run", "--config", throughLink.toString(), "--redis", redis.uri()));
            String runningUpload = "redis/127.0.0.1_" + redis.port() + "/";
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> link.isStalled()
                            && uploads(client).stream().anyMatch(key -> key.startsWith(runningUpload)));

            Cli.Run prune = Cli.run(ENV, "backup", "prune", "--config", config.toString());

            assertThat(prune.exitCode()).as(prune.err()).isZero();
            assertThat(prune.out())
                    .contains("keep         " + older.backupId())
                    .doesNotContain("incomplete")
                    .doesNotContain("abort");
            assertThat(uploads(client))
                    .contains(DANGLING)
                    .anyMatch(key -> key.startsWith(runningUpload))
                    .hasSize(2);
            assertThat(objects(client)).contains(WITHOUT_MANIFEST);

            link.release();
            Cli.Run finished = running.join();
            assertThat(finished.exitCode()).as(finished.err()).isZero();
            Cli.Run verify = Cli.run(ENV, "backup", "verify", "--config", config.toString(), finished.backupId());
            assertThat(verify.exitCode()).as(verify.err()).isZero();
            assertThat(Restores.restoreAndLoad(ENV, config, finished.backupId(), dir.resolve("restored")))
                    .isEqualTo(source);

            // Two hours on, the leftovers are old: prune removes them, and keeps the newest backup.
            try (S3Store store = new S3Store(
                    BUCKET,
                    "redis",
                    new S3Settings(
                            s3.endpoint(), "us-east-1", true, S3Server.ACCESS_KEY, S3Server.SECRET_KEY, false, 2))) {
                Pruner later = new Pruner(
                        store, new RetentionPolicy(1, 0, 0, 0), Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
                later.execute(later.plan(Optional.empty()));
            }
            assertThat(uploads(client)).isEmpty();
            assertThat(objects(client))
                    .doesNotContain(WITHOUT_MANIFEST)
                    .noneMatch(key -> key.contains(older.backupId()))
                    .anyMatch(key -> key.endsWith(finished.backupId() + "/manifest.json"));
            assertThat(Cli.run(ENV, "backup", "list", "--config", config.toString(), "-o", "json")
                            .out())
                    .contains(finished.backupId())
                    .doesNotContain(older.backupId());
        }
    }

    @Test
    void inADirectoryStoreOnlyLeftoversOlderThanAnHourArePruned() throws IOException {
        Path store = dir.resolve("store");
        Path config = Cli.fileConfig(dir, store, "retention:\n  keep-last: 1\n");
        // A write cut short two hours ago, and one under way now (the temporary name every object is written under).
        Path oldPartial = leftover(store, "cache/20261130T010000Z-0000000c/.partial-1-dump.rdb.zst", 2);
        Path freshPartial = leftover(store, "cache/20261130T020000Z-0000000d/.partial-2-dump.rdb.zst", 0);
        // A backup that died before its manifest two hours ago, and one that may still be writing it.
        Path oldData = leftover(store, "cache/20261130T030000Z-0000000e/dump.rdb.zst", 2);
        Path freshData = leftover(store, "cache/20261130T040000Z-0000000f/dump.rdb.zst", 0);

        Cli.Run prune = Cli.run(Map.of(), "backup", "prune", "--config", config.toString());

        assertThat(prune.exitCode()).as(prune.err()).isZero();
        assertThat(prune.out())
                .contains("delete       cache/20261130T010000Z-0000000c/.partial-1-dump.rdb.zst  (incomplete")
                .contains("delete       cache/20261130T030000Z-0000000e/dump.rdb.zst  (incomplete")
                .doesNotContain("0000000d")
                .doesNotContain("0000000f");
        assertThat(oldPartial).doesNotExist();
        assertThat(oldData).doesNotExist();
        assertThat(freshPartial).exists();
        assertThat(freshData).exists();
    }

    private static Path leftover(Path store, String key, int hoursAgo) throws IOException {
        Path file = store.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "half");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(hoursAgo, ChronoUnit.HOURS)));
        return file;
    }
}
