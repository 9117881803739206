package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward backup restore ID --to redis://...}: a backup loaded into a running server with RESTORE, as an
 * operator would run it, against real servers.
 */
class BackupLoadIntoServerTest {

    private static RedisServer source;
    private static Path store;
    private static String id;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void backUpAServerHoldingEveryType() {
        source = RedisServer.builder().enableDebugCommand().start();
        LiveRestores.fillWithEveryType(source, 50_000, true);
        store = shared.resolve("store");
        id = LiveRestores.backUp(source, store);
    }

    @AfterAll
    static void stop() {
        source.close();
    }

    private static Cli.Run restore(String... more) {
        return LiveRestores.restore(Map.of(), store, id, more);
    }

    @Test
    void aBackupLoadedIntoAnEmptyServerHoldsExactlyTheSourcesDataWithItsTtls() {
        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            Cli.Run run = restore("--to", target.uri());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(Restores.Contents.of(target.commands())).isEqualTo(Restores.Contents.of(source.commands()));
            assertThat(run.out())
                    .contains("loaded backup " + id + " of 127.0.0.1:" + source.port())
                    .contains("into 127.0.0.1:" + target.port())
                    .contains("db1: 1001 keys")
                    .contains("db2: 2001 keys")
                    .contains("0 keys had expired and were left out")
                    .containsPattern("took [0-9.]+ s \\(checking [0-9.]+ s, loading [0-9.]+ s\\), [0-9]+ keys/s");
            // RESTORE ... ABSTTL keeps each key's expiry time to the millisecond.
            for (String key : LiveRestores.KEYS_WITH_TTL) {
                assertThat(target.call("PEXPIRETIME", key))
                        .as(key)
                        .isEqualTo(source.call("PEXPIRETIME", key))
                        .doesNotContain(-1L);
            }
            assertThat(target.call("XINFO", "GROUPS", "stream").toString()).contains("workers");
        }
    }

    @Test
    void keysThatExistInTheTargetAreRefusedAndOnlyReplacedWithReplace() {
        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            target.commands().set("string", "the operator's own");
            target.commands().rpush("list", "z");
            target.call("SELECT", "2");
            target.commands().set("only-in-db2", "no");
            target.call("SELECT", "0");
            Restores.Contents before = Restores.Contents.of(target.commands());

            Cli.Run refused = restore("--to", target.uri());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("3 keys of backup " + id + " already exist in 127.0.0.1:" + target.port())
                    .contains("'string'")
                    .contains("nothing was changed. Give --replace");
            assertThat(Restores.Contents.of(target.commands())).isEqualTo(before);

            Cli.Run replaced = restore("--to", target.uri(), "--replace");
            assertThat(replaced.exitCode()).as(replaced.err()).isZero();
            assertThat(Restores.Contents.of(target.commands())).isEqualTo(Restores.Contents.of(source.commands()));
        }
    }

    @Test
    void aCorruptStoredBackupChangesNothingInTheTarget() throws IOException {
        Path damaged = copy(store, dir.resolve("damaged"));
        Path object;
        try (Stream<Path> files = Files.walk(damaged)) {
            object = files.filter(p -> p.getFileName().toString().equals("dump.rdb.zst"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(object, bytes);

        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            target.commands().set("mine", "kept");
            Restores.Contents before = Restores.Contents.of(target.commands());

            Cli.Run run = LiveRestores.restore(Map.of(), damaged, id, "--to", target.uri());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("backup " + id).contains("does not match its manifest");
            assertThat(Restores.Contents.of(target.commands())).isEqualTo(before);
            assertThat(target.calls("restore")).isZero();
        }
    }

    @Test
    void aUserWithoutTheRestorePermissionIsToldWhichPermissionIsMissing() {
        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            target.call("ACL", "SETUSER", "loader", "on", ">loader-secret", "~*", "&*", "+@all", "-restore");

            Cli.Run run = LiveRestores.restore(
                    Map.of("REDIS_PASSWORD", "loader-secret"), store, id, "--to", target.uri(), "--username", "loader");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err())
                    .contains("127.0.0.1:" + target.port() + " refused RESTORE")
                    .contains("NOPERM")
                    .contains("grant the user +restore")
                    .contains("no key was loaded")
                    .doesNotContain("loader-secret");
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(target.commands().dbsize()).isZero();
        }
    }

    @Test
    void keysWhoseTtlRanOutBeforeTheRestoreAreLeftOutAndCounted() {
        try (RedisServer expiring = RedisServer.builder().enableDebugCommand().start();
                RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            // Without active expiry an expired key stays in memory, and in the RDB, until something touches it.
            expiring.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            expiring.commands().set("kept", "yes");
            expiring.commands().set("lasting", "yes", io.lettuce.core.SetArgs.Builder.ex(3600));
            long expireAt = System.currentTimeMillis() + 50;
            expiring.commands().set("gone", "soon", io.lettuce.core.SetArgs.Builder.pxAt(expireAt));
            await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > expireAt + 1);
            Path expiringStore = dir.resolve("expiring");
            String backup = LiveRestores.backUp(expiring, expiringStore);

            Cli.Run run = LiveRestores.restore(Map.of(), expiringStore, backup, "--to", target.uri());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("db0: 2 keys").contains("1 keys had expired and were left out");
            assertThat(target.commands().keys("*")).containsExactlyInAnyOrder("kept", "lasting");
        }
    }

    @Test
    void aServerThatCannotBeReachedOrSignedInToIsOneLine() {
        try (RedisServer target =
                RedisServer.builder().password("right-password").start()) {
            Cli.Run wrong = LiveRestores.restore(
                    Map.of("REDIS_PASSWORD", "wrong-password"),
                    store,
                    id,
                    "--to",
                    "redis://127.0.0.1:" + target.port());
            assertThat(wrong.exitCode()).isEqualTo(3);
            assertThat(wrong.err())
                    .contains("authentication to 127.0.0.1:" + target.port() + " failed")
                    .contains("nothing was changed")
                    .doesNotContain("wrong-password");
            assertThat(wrong.err().strip().lines()).hasSize(1);
        }
        int closed = io.steward.testing.FreePort.find();
        Cli.Run unreachable = restore("--to", "redis://127.0.0.1:" + closed);
        assertThat(unreachable.exitCode()).isEqualTo(3);
        assertThat(unreachable.err())
                .contains("cannot reach 127.0.0.1:" + closed)
                .contains("nothing was changed");
    }

    @Test
    void aServerNotInClusterModeIsPointedFromToClusterToTo() {
        try (RedisServer target = RedisServer.builder().start()) {
            Cli.Run run = restore("--to-cluster", target.uri());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err())
                    .contains("127.0.0.1:" + target.port() + " is not in cluster mode")
                    .contains("use --to redis://127.0.0.1:" + target.port())
                    .contains("nothing was changed");
        }
    }

    @Test
    void exactlyOneDestinationIsGiven() {
        for (List<String> args : List.of(
                List.<String>of(),
                List.of("--to", "redis://127.0.0.1:1", "--to-dir", "x"),
                List.of("--to", "redis://127.0.0.1:1", "--to-cluster", "redis://127.0.0.1:2"))) {
            Cli.Run run = restore(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(String.valueOf(args)).isEqualTo(2);
            assertThat(run.err()).contains("give exactly one of --to-dir DIR, --to redis://host:port and --to-cluster");
        }
        Cli.Run force = restore("--to", "redis://127.0.0.1:1", "--force");
        assertThat(force.exitCode()).isEqualTo(2);
        assertThat(force.err()).contains("--force: is for --to-dir");
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path copied = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copied);
                } else {
                    Files.copy(path, copied);
                }
            }
        }
        return to;
    }
}
