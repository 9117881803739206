package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.FreePort;
import io.steward.testing.Http;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code steward serve} loads the backup libraries (Quartz, the AWS SDK, zstd-jni, redis-replicator, Tink) only when
 * it has backups to take, and Tink only when they are encrypted: each costs memory for the life of the process, and an agent that only serves metrics should
 * stay small. Each agent runs in a JVM of its own that logs every class it loads.
 */
class LazyBackupLibrariesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final List<String> BACKUP_LIBRARIES = List.of(
            "org.quartz.",
            "software.amazon.",
            "com.github.luben.zstd.",
            "com.moilioncircle.",
            "com.google.crypto.tink.");

    private static final String KEY_VARIABLE = "TEST_BACKUP_KEY";
    private static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    /** A storage.encryption section, its key in {@link #KEY_VARIABLE}; it goes under {@code storage:}. */
    private static final String ENCRYPTION = "  encryption:\n    key-env: " + KEY_VARIABLE + "\n";

    @TempDir
    Path dir;

    @Test
    void serveWithoutABackupScheduleLoadsNoBackupLibrary() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            // A storage section (S3, encryption, retention) but no schedule: nothing is backed up.
            Path config = Cli.s3Config(
                    dir,
                    "http://127.0.0.1:" + FreePort.find(),
                    "backups",
                    ENCRYPTION + "retention:\n  keep-last: 3\n"
                            + TestAgents.yaml(TestAgents.entry("cache", redis.uri())));
            int port = FreePort.find();
            Path classes = dir.resolve("classes.log");
            Process agent = serve(config, port, classes);
            try {
                await().atMost(PATIENCE)
                        .ignoreExceptions()
                        .until(() -> Http.get("http://127.0.0.1:" + port + "/metrics")
                                .body()
                                .contains("redis_up{"));
            } finally {
                stop(agent);
            }
            assertThat(loaded(classes))
                    .as("classes of the backup libraries")
                    .noneMatch(LazyBackupLibrariesTest::ofBackup);
        }
    }

    @Test
    void serveWithABackupScheduleLoadsQuartzTheAwsSdkAndZstdOnceItBacksUpButNotTinkUnencrypted() throws Exception {
        List<String> loaded = loadedByAScheduledBackup("");
        assertThat(loaded).anyMatch(name -> name.startsWith("org.quartz."));
        assertThat(loaded).anyMatch(name -> name.startsWith("software.amazon.awssdk.services.s3."));
        assertThat(loaded).anyMatch(name -> name.startsWith("com.github.luben.zstd."));
        assertThat(loaded).noneMatch(name -> name.startsWith("com.google.crypto.tink."));
    }

    @Test
    void serveLoadsTinkOnceItTakesAnEncryptedBackup() throws Exception {
        List<String> loaded = loadedByAScheduledBackup(ENCRYPTION);
        assertThat(loaded).anyMatch(name -> name.startsWith("com.google.crypto.tink.subtle.AesGcmHkdfStreaming"));
    }

    /** The classes an agent loaded by the time it had stored its first scheduled backup. */
    private List<String> loadedByAScheduledBackup(String storage) throws Exception {
        try (RedisServer redis = RedisServer.start();
                S3Server s3 = S3Server.start()) {
            s3.createBucket("backups");
            redis.commands().set("greeting", "hello");
            Path config = Cli.s3Config(
                    dir,
                    s3.endpoint().toString(),
                    "backups",
                    storage
                            + TestAgents.yaml(new StewardConfig.TargetEntry(
                                    "cache",
                                    redis.uri(),
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    new StewardConfig.Backup("* * * * * ?", null))));
            int port = FreePort.find();
            Path classes = dir.resolve("classes.log");
            Process agent = serve(config, port, classes);
            try (S3Client client = s3.client()) {
                await().atMost(PATIENCE)
                        .until(() -> client.listObjectsV2(list -> list.bucket("backups")).contents().stream()
                                .anyMatch(object -> object.key().endsWith("dump.rdb.zst")));
            } finally {
                stop(agent);
            }
            return loaded(classes);
        }
    }

    private static boolean ofBackup(String className) {
        return BACKUP_LIBRARIES.stream().anyMatch(className::startsWith);
    }

    /** The agent from this test's class path (the jar holds the same classes), logging each class it loads. */
    private static Process serve(Path config, int port, Path classLog) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+UseSerialGC",
                        "-Xmx128m",
                        "-XX:TieredStopAtLevel=1",
                        "-Xlog:class+load=info:file=" + classLog,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "serve",
                        "--config",
                        config.toString(),
                        "--web.listen-address",
                        "127.0.0.1:" + port,
                        "--poll-interval",
                        "1s")
                .redirectErrorStream(true)
                .redirectOutput(classLog.resolveSibling("agent.log").toFile());
        builder.environment()
                .putAll(Map.of(
                        Cli.KEY_VARIABLE,
                        S3Server.ACCESS_KEY,
                        Cli.SECRET_VARIABLE,
                        S3Server.SECRET_KEY,
                        KEY_VARIABLE,
                        KEY));
        return builder.start();
    }

    private static void stop(Process agent) throws InterruptedException {
        agent.destroy();
        if (!agent.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            agent.destroyForcibly();
        }
    }

    /** The names of the classes in a {@code -Xlog:class+load} file: "[...][info][class,load] NAME source: ...". */
    private static List<String> loaded(Path classLog) throws IOException {
        return Files.readAllLines(classLog).stream()
                .filter(line -> line.contains("[class,load] "))
                .map(line -> line.substring(line.indexOf("[class,load] ") + "[class,load] ".length()))
                .map(rest -> rest.split(" ", 2)[0])
                .toList();
    }
}
