package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup of a Redis Cluster (three primaries, three replicas) is one backup set: an RDB per shard, copied from
 * the shards' replicas side by side, with the slot map, committed by one manifest; listed, verified, restored and
 * pruned as one backup. A set with a shard missing does not exist.
 */
class ClusterBackupSetTest {

    @TempDir
    static Path dir;

    private static RedisCluster cluster;
    private static Path store;
    private static Path config;
    private static String setId;
    private static Map<String, Long> forksBefore;
    private static Map<String, Long> forksAfter;

    @BeforeAll
    static void backUpAClusterHoldingEveryType() {
        cluster = RedisCluster.builder().option("enable-debug-command", "yes").start();
        fill(cluster);
        store = dir.resolve("store");
        config = config(store, "");
        forksBefore = forksOfPrimaries();
        Cli.Run run = backUp(config);
        forksAfter = forksOfPrimaries();
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 shards");
        setId = run.backupId();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Keys of every type, some with a TTL, over every shard; then every replica has caught up. */
    static void fill(RedisCluster cluster) {
        RedisClusterClient client = RedisClusterClient.create(cluster.seedUri());
        try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            RedisAdvancedClusterCommands<String, String> redis = connection.sync();
            for (int i = 0; i < 100; i++) {
                redis.set("string:" + i, "value-" + i);
                redis.set("expiring:" + i, "soon gone", SetArgs.Builder.ex(3600));
                redis.hset("hash:" + i, Map.of("name", "ada", "n", String.valueOf(i)));
                redis.rpush("list:" + i, "a", "b", "c");
                redis.sadd("set:" + i, "x", "y");
                redis.zadd("zset:" + i, 1.5, "one", 2.5, "two");
                redis.xadd("stream:" + i, Map.of("event", "created"));
                redis.pexpire("zset:" + i, 7_200_000);
            }
        } finally {
            client.shutdown();
        }
        for (RedisServer primary : cluster.primaries()) {
            assertThat(primary.commands().dbsize()).as(primary.address()).isPositive();
            assertThat(primary.commands().waitForReplication(1, 10_000)).isEqualTo(1);
        }
    }

    static Path config(Path store, String backupSettings) {
        return Cli.fileConfig(
                dir,
                store,
                "targets:\n"
                        + "  - name: shop\n"
                        + "    uri: " + cluster.seedUri() + "\n"
                        + "    cluster: true\n"
                        + (backupSettings.isEmpty() ? "" : "    backup:\n" + backupSettings));
    }

    static Cli.Run backUp(Path config, String... more) {
        List<String> args =
                new ArrayList<>(List.of("backup", "run", "--config", config.toString(), "--target", "shop"));
        args.addAll(List.of(more));
        return Cli.run(Map.of(), args.toArray(String[]::new));
    }

    static JsonNode manifest(Path store, String id) throws IOException {
        return new ObjectMapper()
                .readTree(Files.readString(store.resolve("shop").resolve(id).resolve("manifest.json")));
    }

    @Test
    void theSetHoldsAnRdbPerShardFromItsReplicaAndNoPrimaryForked() throws IOException {
        JsonNode manifest = manifest(store, setId);

        assertThat(manifest.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.get("shards")).hasSize(3);
        List<String> slots = new ArrayList<>();
        for (JsonNode shard : manifest.get("shards")) {
            JsonNode source = shard.get("source");
            assertThat(source.get("role").asText()).isEqualTo("slave");
            assertThat(source.get("why").asText())
                    .startsWith("replica " + source.get("address").asText() + ": link up");
            assertThat(shard.get("stored").get("object").asText())
                    .isEqualTo("shop/" + setId + "/shard-" + shard.get("shard").asInt() + ".rdb.zst");
            shard.get("slots").forEach(range -> slots.add(range.asText()));
        }
        assertThat(slots).containsExactly("0-5460", "5461-10922", "10923-16383");
        assertThat(forksAfter).as("total_forks of each primary").isEqualTo(forksBefore);
    }

    @Test
    void aSetTakenOverReplicationRecordsEachShardsOffsetAndReplicationIdAndNoPrimaryForks() throws IOException {
        Path replicatedStore = dir.resolve("replicated");
        Map<String, Long> before = forksOfPrimaries();

        Cli.Run run = backUp(config(replicatedStore, "      source: replication\n"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(forksOfPrimaries()).as("total_forks of each primary").isEqualTo(before);
        for (JsonNode shard : manifest(replicatedStore, run.backupId()).get("shards")) {
            JsonNode source = shard.get("source");
            assertThat(source.get("method").asText()).isEqualTo("replication");
            assertThat(source.get("role").asText()).isEqualTo("slave");
            assertThat(source.get("replicationId").asText()).hasSize(40);
            assertThat(source.get("replicationOffset").asLong()).isPositive();
        }
    }

    @Test
    void theSetIsListedOnceWithItsShardsSizesSummed() throws IOException {
        Cli.Run text = Cli.run(Map.of(), "backup", "list", "--config", config.toString(), "--target", "shop");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out().lines().filter(line -> line.contains(setId)))
                .singleElement()
                .satisfies(row -> assertThat(row).contains(" shop ").endsWith("complete, 3 shards"));

        Cli.Run json =
                Cli.run(Map.of(), "backup", "list", "--config", config.toString(), "--target", "shop", "-o", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode entry = null;
        for (JsonNode each : new ObjectMapper().readTree(json.out())) {
            if (each.get("id").asText().equals(setId)) {
                entry = each;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.get("shards")).hasSize(3);
        long summed = 0;
        for (JsonNode shard : entry.get("shards")) {
            summed += shard.get("rdbSize").asLong();
            assertThat(shard.get("role").asText()).isEqualTo("slave");
        }
        assertThat(entry.get("rdbSize").asLong()).isEqualTo(summed);
    }

    @Test
    void everyShardOfTheSetVerifies() {
        Cli.Run run = Cli.run(Map.of(), "backup", "verify", "--config", config.toString(), setId);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("backup set " + setId + " of shop verified: 3 shards")
                .contains("shard-0 (slots 0-5460): RDB version")
                .contains("shard-1 (slots 5461-10922): RDB version")
                .contains("shard-2 (slots 10923-16383): RDB version");
    }

    @Test
    void aShardWhoseObjectWasDamagedFailsTheSetsVerifyNamingTheShard() throws IOException {
        Path damagedStore = dir.resolve("damaged");
        Path damaged = config(damagedStore, "");
        Cli.Run run = backUp(damaged);
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path shard1 = damagedStore.resolve("shop").resolve(run.backupId()).resolve("shard-1.rdb.zst");
        byte[] bytes = Files.readAllBytes(shard1);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(shard1, bytes);

        Cli.Run verify = Cli.run(Map.of(), "backup", "verify", "--config", damaged.toString(), run.backupId());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("shard-1 of backup set " + run.backupId() + " of shop");
    }

    @Test
    void aRestoredSetIsADirectoryPerShardHoldingThatShardsDataBesideItsSlots() throws IOException {
        Path restored = dir.resolve("restored");
        Cli.Run run = Cli.run(
                Map.of(), "backup", "restore", "--config", config.toString(), setId, "--to-dir", restored.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        JsonNode manifest = manifest(store, setId);
        for (JsonNode shard : manifest.get("shards")) {
            Path shardDir = restored.resolve("shard-" + shard.get("shard").asInt());
            String range = shard.get("slots").get(0).asText();
            assertThat(Files.readString(shardDir.resolve("slots.txt"))).isEqualTo(range + "\n");
            RedisServer primary = primaryServing(Integer.parseInt(range.split("-")[0]));
            try (RedisServer copy =
                    RedisServer.builder().enableDebugCommand().dir(shardDir).start()) {
                assertThat(Restores.Contents.of(copy.commands()))
                        .as("shard %s restored, against its primary %s", range, primary.address())
                        .isEqualTo(Restores.Contents.of(primary.commands()));
            }
        }
    }

    @Test
    void aMigratingSlotRefusesTheSetNamingTheSlotUnlessAllowed() throws IOException {
        Path refusedStore = dir.resolve("migrating");
        Path migrating = config(refusedStore, "");
        RedisServer owner = primaryServing(0);
        RedisServer other = primaryServing(16383);
        try {
            owner.call("CLUSTER", "SETSLOT", "7", "MIGRATING", cluster.nodeId(other));

            Cli.Run refused = backUp(migrating);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("slot 7 migrating from " + owner.address() + " to " + other.address())
                    .contains("--allow-migrating");
            assertThat(filesIn(refusedStore)).isEmpty();

            Cli.Run allowed = backUp(migrating, "--allow-migrating");
            assertThat(allowed.exitCode()).as(allowed.err()).isZero();
            JsonNode shard0 =
                    manifest(refusedStore, allowed.backupId()).get("shards").get(0);
            assertThat(shard0.get("openSlots").get(0).asText()).isEqualTo("[7->-" + cluster.nodeId(other) + "]");
        } finally {
            owner.call("CLUSTER", "SETSLOT", "7", "STABLE");
        }
    }

    @Test
    void aShardThatFailsLeavesNothingListedAndNoObjectsInTheStore() {
        Path failingStore = dir.resolve("failing");
        Path failing = config(failingStore, "");
        RedisServer replica = cluster.replicaOf(primaryServing(5461));
        try {
            replica.call("ACL", "SETUSER", "default", "-bgsave", "-sync", "-psync");

            Cli.Run run = backUp(failing);

            assertThat(run.exitCode()).isNotZero();
            assertThat(run.err())
                    .contains("shard 1 (slots 5461-10922) of shop")
                    .contains("from " + replica.address() + ": ")
                    .contains("The backup set was not kept")
                    .contains("run the backup again");
            assertThat(filesIn(failingStore)).isEmpty();
            Cli.Run list = Cli.run(Map.of(), "backup", "list", "--config", failing.toString());
            assertThat(list.out()).isEmpty();
        } finally {
            replica.call("ACL", "SETUSER", "default", "+@all");
        }
    }

    @Test
    void pruneRemovesAWholeSetAndRetentionCountsASetAsOneBackup() throws IOException {
        Path pruneStore = dir.resolve("pruned");
        Path pruned = Cli.fileConfig(
                dir,
                pruneStore,
                "targets:\n  - name: shop\n    uri: " + cluster.seedUri() + "\n    cluster: true\n"
                        + "retention:\n  keep-last: 1\n");
        Cli.Run older = backUp(pruned);
        Cli.Run newer = backUp(pruned);
        assertThat(older.exitCode()).as(older.err()).isZero();
        assertThat(newer.exitCode()).as(newer.err()).isZero();

        Cli.Run prune = Cli.run(Map.of(), "backup", "prune", "--config", pruned.toString());

        assertThat(prune.exitCode()).as(prune.err()).isZero();
        assertThat(Files.exists(pruneStore.resolve("shop").resolve(older.backupId())))
                .isFalse();
        assertThat(filesIn(pruneStore))
                .extracting(file -> pruneStore.relativize(file).toString())
                .containsExactlyInAnyOrder(
                        "shop/" + newer.backupId() + "/manifest.json",
                        "shop/" + newer.backupId() + "/shard-0.rdb.zst",
                        "shop/" + newer.backupId() + "/shard-1.rdb.zst",
                        "shop/" + newer.backupId() + "/shard-2.rdb.zst");
    }

    /** Every regular file under {@code root}, none when it does not exist. */
    static List<Path> filesIn(Path root) {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException failure) {
            throw new java.io.UncheckedIOException(failure);
        }
    }

    /** The primary whose own CLUSTER NODES line lists a slot range holding {@code slot}. */
    static RedisServer primaryServing(int slot) {
        for (RedisServer primary : cluster.primaries()) {
            for (String line : primary.commands().clusterNodes().split("\n")) {
                String[] fields = line.trim().split(" ");
                if (!fields[2].contains("myself")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    String[] range = fields[i].split("-");
                    if (!fields[i].startsWith("[")
                            && Integer.parseInt(range[0]) <= slot
                            && slot <= Integer.parseInt(range[range.length - 1])) {
                        return primary;
                    }
                }
            }
        }
        throw new IllegalStateException("no primary serves slot " + slot);
    }

    private static Map<String, Long> forksOfPrimaries() {
        Map<String, Long> forks = new HashMap<>();
        for (RedisServer primary : cluster.primaries()) {
            Matcher total = Pattern.compile("total_forks:(\\d+)")
                    .matcher(primary.commands().info("stats"));
            assertThat(total.find()).isTrue();
            forks.put(primary.address(), Long.parseLong(total.group(1)));
        }
        return forks;
    }
}
