package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.Datasets;
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
        Datasets.everyType(source, 50_000, true);
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
            for (String key : Datasets.KEYS_WITH_TTL) {
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
        Restores.damageTheStoredObject(damaged);

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
                    .contains("the user 'loader' lacks +restore")
                    .contains("no key was loaded")
                    .doesNotContain("loader-secret");
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(target.commands().dbsize()).isZero();
        }
    }

    /** The user README.md gives for live restores. */
    @Test
    void aUserWithTheReadmesPermissionsLoadsTheBackup() {
        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            target.commands().set("already-there", "yes");
            target.call(
                    "ACL",
                    "SETUSER",
                    "restorer",
                    "on",
                    ">restorer-secret",
                    "~*",
                    "resetchannels",
                    "-@all",
                    "+info",
                    "+exists",
                    "+select",
                    "+restore");

            Cli.Run run = LiveRestores.restore(
                    Map.of("REDIS_PASSWORD", "restorer-secret"),
                    store,
                    id,
                    "--to",
                    target.uri(),
                    "--username",
                    "restorer");

            assertThat(run.exitCode()).as(run.err()).isZero();
            target.commands().del("already-there");
            assertThat(Restores.Contents.of(target.commands())).isEqualTo(Restores.Contents.of(source.commands()));
        }
    }

    @Test
    void aServerThatRunsOutOfMemoryStopsTheRestoreSayingHowManyKeysWereLoaded() {
        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            long used = Long.parseLong(target.commands()
                    .info("memory")
                    .lines()
                    .filter(line -> line.startsWith("used_memory:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("used_memory:".length())
                    .strip());
            target.call("CONFIG", "SET", "maxmemory", String.valueOf(used + (4 << 20)));
            target.call("CONFIG", "SET", "maxmemory-policy", "noeviction");

            Cli.Run run = restore("--to", target.uri());

            assertThat(run.exitCode()).isEqualTo(1);
            java.util.regex.Matcher loaded = java.util.regex.Pattern.compile(
                            "; (\\d+) keys were loaded before it stopped")
                    .matcher(run.err());
            assertThat(loaded.find()).as(run.err()).isTrue();
            assertThat(run.err())
                    .contains("127.0.0.1:" + target.port() + " is out of memory (OOM")
                    .contains("raise its maxmemory")
                    .contains("run the restore again with --replace");
            long keys = 0;
            for (int db = 0; db < 3; db++) {
                target.call("SELECT", String.valueOf(db));
                keys += target.commands().dbsize();
            }
            assertThat(keys).isEqualTo(Long.parseLong(loaded.group(1))).isPositive();
        }
    }

    @Test
    void aBackupNewerThanTheServerIsRefusedNamingBothVersions() throws IOException {
        try (RedisServer newer =
                        RedisServer.builder().option("rdbchecksum", "no").start();
                RedisServer target = RedisServer.builder().start()) {
            newer.commands().set("a", "1");
            newer.commands().set("b", "2");
            Path newerStore = dir.resolve("newer");
            Cli.Run backup = Cli.run(
                    Map.of(),
                    "backup",
                    "run",
                    "--config",
                    Cli.fileConfig(dir, newerStore, "  compression: none\n").toString(),
                    "--redis",
                    newer.uri());
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            String backupId = backup.backupId();
            asIfWrittenByRedis72(newerStore);

            Cli.Run run = LiveRestores.restore(Map.of(), newerStore, backupId, "--to", target.uri());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err())
                    .contains("127.0.0.1:" + target.port() + " (Redis 7.")
                    .contains("cannot read the backup's values (ERR DUMP payload version or checksum are wrong)")
                    .contains("backup " + backupId + " is RDB version 11, written by Redis 7.2.4")
                    .contains("load it into that Redis version or a later one; no key was loaded");
            assertThat(target.commands().dbsize()).isZero();
        }
    }

    /**
     * Rewrites a stored backup (uncompressed, without an RDB checksum) as Redis 7.2 would have written it: RDB
     * version 11 in the header, and a manifest to match.
     */
    private static void asIfWrittenByRedis72(Path store) throws IOException {
        Path rdb;
        Path manifest;
        try (Stream<Path> files = Files.walk(store)) {
            List<Path> all = files.toList();
            rdb = all.stream()
                    .filter(p -> p.getFileName().toString().equals("dump.rdb"))
                    .findFirst()
                    .orElseThrow();
            manifest = all.stream()
                    .filter(p -> p.getFileName().toString().equals("manifest.json"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(rdb);
        assertThat(new String(bytes, 0, 9, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("REDIS0010");
        bytes[8] = '1';
        Files.write(rdb, bytes);
        String sha256;
        try {
            sha256 = java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(manifest.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("rdb"))
                .put("version", 11)
                .put("sha256", sha256);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("stored")).put("sha256", sha256);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("source")).put("redisVersion", "7.2.4");
        json.writeValue(manifest.toFile(), tree);
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
