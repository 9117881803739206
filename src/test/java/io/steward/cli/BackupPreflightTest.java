package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.ReadOnlyDirectory;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code steward backup run} checks before it sends BGSAVE, against real redis-servers: a save that could only
 * fail (and, with save points, leave Redis refusing writes) is never started, and the message says what to fix.
 */
class BackupPreflightTest {

    @TempDir
    Path dir;

    /** The store exists from the start, so that listing it shows what the refused backups left: nothing. */
    @BeforeEach
    void createTheStore() throws IOException {
        Files.createDirectories(dir.resolve("store"));
    }

    private Cli.Run backup(RedisServer redis, String... more) {
        List<String> args = new ArrayList<>(
                List.of("backup", "run", "--to", dir.resolve("store").toUri().toString(), "--redis", redis.uri()));
        args.addAll(List.of(more));
        return Cli.run(Map.of(), args.toArray(String[]::new));
    }

    private String manifest(String id) throws IOException {
        try (var files = Files.walk(dir.resolve("store"))) {
            Path manifest = files.filter(p -> p.endsWith(Path.of(id, "manifest.json")))
                    .findFirst()
                    .orElseThrow();
            return Files.readString(manifest);
        }
    }

    private String listed() {
        return Cli.run(
                        Map.of(),
                        "backup",
                        "list",
                        "-o",
                        "json",
                        "--storage",
                        dir.resolve("store").toUri().toString())
                .out()
                .strip();
    }

    @Test
    void noBgsaveIsSentWhenTheRedisDirectoryCannotHoldAnotherCopyOfTheLastRdb() throws IOException {
        try (RedisServer redis =
                RedisServer.builder().enableDebugCommand().save("3600 1").start()) {
            redis.call("DEBUG", "POPULATE", "1000");
            // The last RDB, larger on paper than all the free space of its disk: a sparse file takes no room.
            long free = Files.getFileStore(redis.dir()).getUsableSpace();
            try (RandomAccessFile last =
                    new RandomAccessFile(redis.dir().resolve("dump.rdb").toFile(), "rw")) {
                last.setLength(free + free / 2 + (1L << 30));
            }

            Cli.Run run = backup(redis);

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.err())
                    .contains(redis.dir() + " has ")
                    .contains("bytes free, less than the last RDB of 127.0.0.1:" + redis.port())
                    .contains("so it was not sent. Free some space there");
            assertThat(redis.calls("bgsave")).isZero();
            assertThat(listed()).isEqualTo("[ ]");
            // No failed save, so no MISCONF: the server still takes writes.
            assertThat(redis.commands().set("still", "writable")).isEqualTo("OK");

            // Once there is room, the same command backs up.
            Files.delete(redis.dir().resolve("dump.rdb"));
            Cli.Run again = backup(redis);
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(redis.calls("bgsave")).isEqualTo(1);
            assertThat(listed()).contains(again.backupId());
        }
    }

    @Test
    void noBgsaveIsSentWhenRedisSavesWhereTheAgentSeesNoDirectory() throws IOException {
        // As a Redis in a container whose data volume is not mounted on the host the agent runs on.
        Path volume = Files.createDirectories(dir.resolve("volume"));
        try (RedisServer redis = RedisServer.builder()
                .savingInPrivateMount(volume)
                .save("3600 1")
                .start()) {
            redis.commands().set("key", "value");
            assertThat(redis.commands().configGet("dir"))
                    .containsEntry("dir", volume.resolve("data").toString());

            Cli.Run run = backup(redis, "--source", "local");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err())
                    .contains("127.0.0.1:" + redis.port() + " saves its RDB in " + volume.resolve("data"))
                    .contains("which the agent cannot read here: run the agent on the Redis host")
                    .contains("Nothing was sent to Redis");
            assertThat(redis.calls("bgsave")).isZero();
            assertThat(listed()).isEqualTo("[ ]");
            assertThat(redis.commands().set("still", "writable")).isEqualTo("OK");
        }
    }

    @ParameterizedTest(name = "--source {0}")
    @ValueSource(strings = {"local", "replication"})
    void aStoreThatCannotBeWrittenCostsTheServerNoFork(String source) throws IOException {
        try (RedisServer redis = RedisServer.start();
                ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(dir.resolve("store"))) {
            redis.commands().set("key", "value");

            Cli.Run run = backup(redis, "--source", source);

            assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.COULD_NOT_RUN);
            assertThat(run.err()).contains(dir.resolve("store").toString());
            String stats = redis.commands().info("stats");
            assertThat(stats).contains("total_forks:0").contains("sync_full:0");
        }
    }

    @Test
    void aServerWhoseDirectoryIsNotVisibleHereIsBackedUpOverReplicationByDefault() throws IOException {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        try (RedisServer redis = RedisServer.builder()
                .savingInPrivateMount(volume)
                .option("repl-diskless-sync-delay", "0")
                .start()) {
            redis.commands().set("key", "value");

            Cli.Run run = backup(redis);

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(redis.calls("bgsave")).isZero();
            assertThat(listed()).contains(run.backupId());
            assertThat(manifest(run.backupId())).contains("\"method\" : \"replication\"");
        }
    }

    @Test
    void noBgsaveIsSentWhenTheDirectoryRedisSavesInWasRemoved() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        try (RedisServer redis = RedisServer.builder()
                .option("enable-protected-configs", "yes")
                .save("3600 1")
                // Stopping must not try to save where it cannot (Redis would refuse to stop).
                .option("shutdown-on-sigterm", "nosave")
                .start()) {
            redis.commands().set("key", "value");
            redis.call("CONFIG", "SET", "dir", data.toString());
            // Removed under the running server (a volume unmounted, a clean-up gone wrong): Redis cannot save now,
            // and CONFIG GET dir answers an empty string, its working directory having no path any more.
            Files.delete(data);

            Cli.Run run = backup(redis, "--source", "local");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err()).contains("127.0.0.1:" + redis.port()).contains("Nothing was sent to Redis");
            assertThat(redis.calls("bgsave")).isZero();
            assertThat(listed()).isEqualTo("[ ]");
            assertThat(redis.commands().set("still", "writable")).isEqualTo("OK");
        }
    }
}
