package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore never replaces the dump.rdb of a Redis that is running in the directory (it would not load it, and would
 * write its own over it) unless told to, and says which process it is.
 */
class RestoreBesideRunningRedisTest {

    private static RedisServer source;

    @TempDir
    static Path store;

    private static String id;

    @TempDir
    Path dir;

    @BeforeAll
    static void backUpASource() {
        source = RedisServer.start();
        source.commands().set("from", "the backup");
        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--to", store.toString(), "--redis", source.uri());
        assertThat(run.exitCode()).as(run.err()).isZero();
        id = run.backupId();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    private static Cli.Run restore(Path to, String... more) {
        List<String> args = new ArrayList<>(
                List.of("backup", "restore", "--storage", store.toString(), id, "--to-dir", to.toString()));
        args.addAll(List.of(more));
        return Cli.run(Map.of(), args.toArray(String[]::new));
    }

    private static long pid(RedisServer redis) {
        return Long.parseLong(redis.commands()
                .info("server")
                .lines()
                .filter(line -> line.startsWith("process_id:"))
                .findFirst()
                .orElseThrow()
                .substring("process_id:".length())
                .strip());
    }

    @Test
    void theDumpOfARunningRedisIsNotReplacedEvenWithForce() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        RedisServer running = RedisServer.builder().dir(data).start();
        try {
            running.commands().set("live", "data");
            running.commands().save();
            byte[] itsOwn = Files.readAllBytes(data.resolve("dump.rdb"));

            Cli.Run refused = restore(data, "--force");

            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
            assertThat(refused.err().strip())
                    .isEqualTo("steward: a running redis-server works in " + data + " (pid " + pid(running) + ", port "
                            + running.port() + "); nothing was changed. Stop it first (it loads dump.rdb only at"
                            + " start, and would write its own data over it when it saves), or give --even-if-running");
            assertThat(Files.readAllBytes(data.resolve("dump.rdb"))).isEqualTo(itsOwn);
        } finally {
            running.stop();
        }
    }

    @Test
    void aDirectoryReachedThroughASymbolicLinkIsRecognised() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), data);
        RedisServer running = RedisServer.builder().dir(data).start();
        try {
            Cli.Run refused = restore(link);
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
            assertThat(refused.err()).contains("(pid " + pid(running) + ", port " + running.port() + ")");
            assertThat(data.resolve("dump.rdb")).doesNotExist();
        } finally {
            running.stop();
        }
    }

    @Test
    void evenIfRunningReplacesItWithAWarningAndOnceStoppedForceIsEnough() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        RedisServer running = RedisServer.builder().dir(data).start();
        byte[] itsOwn;
        try {
            running.commands().save();
            itsOwn = Files.readAllBytes(data.resolve("dump.rdb"));

            Cli.Run told = restore(data, "--force", "--even-if-running");

            assertThat(told.exitCode()).as(told.err()).isZero();
            assertThat(told.err()).contains("warning: a running redis-server works in " + data);
            assertThat(Files.readAllBytes(data.resolve("dump.rdb"))).isNotEqualTo(itsOwn);
        } finally {
            running.stop();
        }

        Files.write(data.resolve("dump.rdb"), itsOwn);
        Cli.Run stopped = restore(data, "--force");
        assertThat(stopped.exitCode()).as(stopped.err()).isZero();
        assertThat(stopped.err()).doesNotContain("redis-server works in");
        assertThat(Files.readAllBytes(data.resolve("dump.rdb"))).isNotEqualTo(itsOwn);
        try (RedisServer restored = RedisServer.builder().dir(data).start()) {
            assertThat(restored.commands().get("from")).isEqualTo("the backup");
        }
    }
}
