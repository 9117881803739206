package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.steward.testing.RedisCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Cluster's backup set is drilled shard by shard, each in a scratch redis-server against its own shard's keys. */
class ClusterSetDrillTest {

    @TempDir
    static Path dir;

    private static RedisCluster source;
    private static Path store;
    private static Path config;
    private static String setId;

    @BeforeAll
    static void backUpACluster() {
        source = RedisCluster.builder().start();
        ClusterBackupSetTest.fill(source);
        store = dir.resolve("store");
        config = Cli.fileConfig(
                dir,
                store,
                "targets:\n  - name: shop\n    uri: " + source.seedUri() + "\n    cluster: true\n    backup: {}\n");
        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--target", "shop");
        assertThat(run.exitCode()).as(run.err()).isZero();
        setId = run.backupId();
    }

    @AfterAll
    static void stop() {
        source.close();
    }

    private static Cli.Run drill(Path scratch) {
        return Cli.run(
                Map.of("PATH", System.getenv("PATH"), "TMPDIR", scratch.toString()),
                "backup",
                "drill",
                "--config",
                config.toString(),
                "--target",
                "shop");
    }

    @Test
    void everyShardOfASetLoadsIntoAScratchServerOfItsOwn(@TempDir Path scratch) throws IOException {
        Cli.Run run = drill(scratch);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith("shop: backup " + setId + ", redis-server, db0 700 of 700 keys loaded, ")
                .contains("PASSED (backup set " + setId + " (3 shards) verified and loaded into redis-server 7.");
        for (int shard = 0; shard < 3; shard++) {
            assertThat(run.out()).containsPattern("\n  shard-" + shard + ": db0 \\d+ of \\d+ keys loaded\n");
        }
        try (var left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aShardWhoseKeysDifferFailsTheSetAndIsNamed(@TempDir Path scratch) throws IOException {
        Path manifestFile = store.resolve("shop").resolve(setId).resolve("manifest.json");
        byte[] original = Files.readAllBytes(manifestFile);
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(original);
        ObjectNode keys = (ObjectNode) manifest.get("shards").get(1).get("keys");
        long recorded = keys.get("db0").asLong();
        keys.put("db0", recorded + 1);
        Files.write(manifestFile, json.writeValueAsBytes(manifest));
        try {
            Cli.Run run = drill(scratch);

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.out())
                    .contains("FAILED (keys-differ): shard-1 of backup set " + setId + " of shop: keys differ: db0: the"
                            + " manifest records " + (recorded + 1) + " keys, the RDB holds " + recorded)
                    .contains("\n  shard-1: db0 " + recorded + " of " + recorded + " keys loaded (manifest: "
                            + (recorded + 1) + "): FAILED (keys-differ)\n");
        } finally {
            Files.write(manifestFile, original);
        }
    }
}
