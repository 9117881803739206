package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.steward.testing.Datasets;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward backup restore ID --to-cluster redis://seed:port}: a backup of one server loaded into a Redis
 * Cluster of three primaries, each key on the node that serves its slot.
 */
class BackupLoadIntoClusterTest {

    private static RedisCluster cluster;
    private static RedisServer source;
    private static Path store;
    private static String id;

    @TempDir
    static Path shared;

    @BeforeAll
    static void startAClusterAndBackUpAServer() {
        cluster = RedisCluster.builder()
                .shard("127.0.0.1")
                .shard("127.0.0.1")
                .shard("127.0.0.1")
                .option("enable-debug-command", "yes")
                .start();
        source = RedisServer.builder().enableDebugCommand().start();
        Datasets.everyType(source, 5_000, false);
        store = shared.resolve("store");
        id = LiveRestores.backUp(source, store);
    }

    @AfterAll
    static void stop() {
        source.close();
        cluster.close();
    }

    @AfterEach
    void emptyTheCluster() {
        cluster.primaries().forEach(node -> node.commands().flushall());
    }

    @Test
    void aBackupOfOneServerLoadedIntoAClusterPutsEveryKeyOnTheNodeThatServesItsSlot() {
        Cli.Run run = LiveRestores.restore(Map.of(), store, id, "--to-cluster", cluster.seedUri());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("db0: " + source.commands().dbsize() + " keys");
        Map<Integer, RedisServer> owners = slotOwners();
        Map<String, String> loaded = new TreeMap<>();
        for (RedisServer primary : cluster.primaries()) {
            Map<String, String> held = LiveRestores.digests(primary);
            assertThat(held).as("keys on %s", primary.address()).isNotEmpty();
            held.keySet()
                    .forEach(key -> assertThat(owners.get(slot(key)))
                            .as("the node serving the slot of %s", key)
                            .isSameAs(primary));
            loaded.putAll(held);
        }
        // DEBUG DIGEST-VALUE per key, and PEXPIRETIME for the keys with a TTL.
        assertThat(loaded).isEqualTo(LiveRestores.digests(source));
    }

    /** The user README.md gives for live restores into a cluster. */
    @Test
    void aUserWithTheReadmesPermissionsLoadsIntoACluster() {
        for (RedisServer node : cluster.nodes()) {
            node.call(
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
                    "+restore",
                    "+dbsize",
                    "+cluster|info",
                    "+cluster|nodes");
        }
        try {
            Cli.Run run = LiveRestores.restore(
                    Map.of("REDIS_PASSWORD", "restorer-secret"),
                    store,
                    id,
                    "--to-cluster",
                    cluster.seedUri(),
                    "--username",
                    "restorer");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(totalKeys()).isEqualTo(source.commands().dbsize());
        } finally {
            cluster.nodes().forEach(node -> node.call("ACL", "DELUSER", "restorer"));
        }
    }

    @Test
    void aBackupWithKeysInOtherDatabasesIsRefusedByAClusterWithNothingChanged(@TempDir Path dir) {
        try (RedisServer manyDatabases =
                RedisServer.builder().enableDebugCommand().start()) {
            Datasets.everyType(manyDatabases, 100, true);
            Path otherStore = dir.resolve("store");
            String backup = LiveRestores.backUp(manyDatabases, otherStore);

            Cli.Run run = LiveRestores.restore(Map.of(), otherStore, backup, "--to-cluster", cluster.seedUri());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err())
                    .contains("backup " + backup + " holds keys in databases other than 0 (db1: 1001 keys, db2: 2001"
                            + " keys), and a Redis Cluster has database 0 only; nothing was changed");
            assertThat(totalKeys()).isZero();
        }
    }

    @Test
    void aClusterNodeGivenAsOneServerIsPointedToToCluster() {
        RedisServer node = cluster.primaries().get(0);
        Cli.Run run = LiveRestores.restore(Map.of(), store, id, "--to", node.uri());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains(node.address() + " is a Redis Cluster node: use --to-cluster redis://" + node.address())
                .contains("nothing was changed");
        assertThat(totalKeys()).isZero();
    }

    private static long totalKeys() {
        return cluster.primaries().stream()
                .mapToLong(node -> node.commands().dbsize())
                .sum();
    }

    private static int slot(String key) {
        return SlotHash.getSlot(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Which primary serves each slot, from CLUSTER NODES as the first node sees it. */
    private static Map<Integer, RedisServer> slotOwners() {
        Map<String, RedisServer> byAddress = new HashMap<>();
        cluster.primaries().forEach(node -> byAddress.put(node.address(), node));
        Map<Integer, RedisServer> owners = new HashMap<>();
        for (String line : cluster.primaries().get(0).commands().clusterNodes().split("\n")) {
            String[] fields = line.trim().split(" ");
            String address = fields[1].substring(0, fields[1].indexOf('@'));
            for (int i = 8; i < fields.length; i++) {
                String[] range = fields[i].split("-");
                for (int slot = Integer.parseInt(range[0]); slot <= Integer.parseInt(range[range.length - 1]); slot++) {
                    owners.put(slot, byAddress.get(address));
                }
            }
        }
        return owners;
    }
}
