package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of three primaries and three replicas, backed up over replication as one set, comes back whole three
 * ways: a directory per shard, loaded; into one running server; into a running cluster of another shape. Every
 * key's value ({@code DEBUG DIGEST-VALUE}) and expiry ({@code PEXPIRETIME}) is the source's.
 */
class ClusterSetRoundTripTest {

    @TempDir
    static Path dir;

    private static RedisCluster source;
    private static Path store;
    private static String setId;
    private static Map<String, String> sourceKeys;

    @BeforeAll
    static void backUpAClusterOverReplication() {
        source = RedisCluster.builder().option("enable-debug-command", "yes").start();
        ClusterBackupSetTest.fill(source);
        sourceKeys = keysOf(source.primaries());
        store = dir.resolve("store");
        Path config = Cli.fileConfig(
                dir,
                store,
                "targets:\n  - name: shop\n    uri: " + source.seedUri() + "\n    cluster: true\n"
                        + "    backup:\n      source: replication\n");
        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--target", "shop");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 shards");
        setId = run.backupId();
    }

    @AfterAll
    static void stop() {
        source.close();
    }

    /** Every key of the servers' database 0: its value's digest and its expiry time (-1: none). */
    private static Map<String, String> keysOf(List<RedisServer> servers) {
        Map<String, String> keys = new TreeMap<>();
        for (RedisServer server : servers) {
            RedisCommands<String, String> redis = server.commands();
            List<String> found = new ArrayList<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                var page = redis.scan(cursor, ScanArgs.Builder.limit(1000));
                found.addAll(page.getKeys());
                cursor = page;
            } while (!cursor.isFinished());
            for (String key : found) {
                keys.put(
                        key,
                        server.call("DEBUG", "DIGEST-VALUE", key).get(0) + " expires "
                                + server.call("PEXPIRETIME", key).get(0));
            }
        }
        return keys;
    }

    @Test
    void everyShardWasCopiedOverReplication() throws IOException {
        JsonNode manifest = ClusterBackupSetTest.manifest(store, setId);
        assertThat(manifest.get("shards")).hasSize(3);
        manifest.get("shards")
                .forEach(shard ->
                        assertThat(shard.get("source").get("method").asText()).isEqualTo("replication"));
    }

    @Test
    void aSetRestoredToDirectoriesLoadsAsTheSourceShards() {
        Path restored = dir.resolve("restored");
        Cli.Run restore = LiveRestores.restore(Map.of(), store, setId, "--to-dir", restored.toString());
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        List<RedisServer> shards = new ArrayList<>();
        try {
            for (int shard = 0; shard < 3; shard++) {
                shards.add(RedisServer.builder()
                        .enableDebugCommand()
                        .dir(restored.resolve("shard-" + shard))
                        .start());
            }
            assertThat(keysOf(shards)).isEqualTo(sourceKeys);
        } finally {
            shards.forEach(RedisServer::close);
        }
    }

    @Test
    void aSetLoadedIntoOneRunningServerHoldsEveryKeyOfTheCluster() {
        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            Cli.Run load = LiveRestores.restore(Map.of(), store, setId, "--to", target.uri());

            assertThat(load.exitCode()).as(load.err()).isZero();
            assertThat(keysOf(List.of(target))).isEqualTo(sourceKeys);
        }
    }

    @Test
    void anEncryptedSetRestoresShardByShardWithItsKeyAndAShardChangedInTheStoreFailsAuthentication()
            throws IOException {
        Path encryptedStore = dir.resolve("encrypted-store");
        Map<String, String> env = Map.of("SET_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        Path config = Cli.fileConfig(
                dir,
                encryptedStore,
                "  encryption:\n    key-env: SET_KEY\n"
                        + "targets:\n  - name: shop\n    uri: " + source.seedUri() + "\n    cluster: true\n"
                        + "    backup:\n      source: replication\n");
        Cli.Run run = Cli.run(env, "backup", "run", "--config", config.toString(), "--target", "shop");
        assertThat(run.exitCode()).as(run.err()).isZero();
        String id = run.backupId();
        JsonNode manifest = ClusterBackupSetTest.manifest(encryptedStore, id);
        manifest.get("shards")
                .forEach(shard -> assertThat(
                                shard.at("/stored/encryption/scheme").asText())
                        .isEqualTo("tink-aes256-gcm-hkdf-1mb"));

        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            Cli.Run load = Cli.run(env, "backup", "restore", "--config", config.toString(), id, "--to", target.uri());
            assertThat(load.exitCode()).as(load.err()).isZero();
            assertThat(keysOf(List.of(target))).isEqualTo(sourceKeys);
        }

        Path shard2 = encryptedStore.resolve("shop").resolve(id).resolve("shard-2.rdb.zst");
        byte[] bytes = java.nio.file.Files.readAllBytes(shard2);
        bytes[bytes.length - 20] ^= 0x01;
        java.nio.file.Files.write(shard2, bytes);
        Path restored = dir.resolve("encrypted-restored");
        Cli.Run restore =
                Cli.run(env, "backup", "restore", "--config", config.toString(), id, "--to-dir", restored.toString());
        assertThat(restore.exitCode()).as(restore.err()).isEqualTo(1);
        assertThat(restore.err()).contains("shard-2 of backup set " + id).contains("failed authentication");
        try (var files = java.nio.file.Files.walk(restored)) {
            assertThat(files.filter(java.nio.file.Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aSetLoadedIntoAClusterOfAnotherShapePutsEveryKeyOnTheNodeOwningItsSlot() {
        try (RedisCluster target = RedisCluster.builder()
                .option("enable-debug-command", "yes")
                .shard("127.0.0.1")
                .shard("127.0.0.2")
                .start()) {
            Cli.Run load = LiveRestores.restore(Map.of(), store, setId, "--to-cluster", target.seedUri());

            assertThat(load.exitCode()).as(load.err()).isZero();
            assertThat(target.primaries()).hasSize(2);
            assertThat(keysOf(target.primaries())).isEqualTo(sourceKeys);
        }
    }
}
