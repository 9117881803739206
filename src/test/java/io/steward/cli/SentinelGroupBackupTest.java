package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backup of a Sentinel group (a primary, two replicas, three Sentinels): one RDB under the group's name, copied
 * from a replica whose link is up and whose lag is within backup.max-lag, so the primary never forks for it; from
 * the primary when asked to, or when no replica qualifies, the manifest saying why.
 */
class SentinelGroupBackupTest {

    private static SentinelGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void startAGroupHoldingData() {
        group = SentinelGroup.start();
        RedisServer primary = group.primary();
        for (int i = 0; i < 200; i++) {
            primary.commands().set("session:" + i, "user-" + i);
        }
        primary.commands().hset("settings", Map.of("theme", "dark"));
        assertThat(primary.commands().waitForReplication(2, 10_000)).isEqualTo(2);
        group.awaitSentinelsAgree();
    }

    @AfterAll
    static void stop() {
        group.close();
    }

    @ParameterizedTest(name = "source {0}")
    @ValueSource(strings = {"local", "replication"})
    void theBackupComesFromAReplicaAndThePrimaryDoesNotFork(String method) throws IOException {
        RedisServer primary = group.primary();
        long forks = totalForks(primary);

        JsonNode manifest = backUp("replica", method);

        JsonNode source = manifest.get("source");
        List<String> replicas =
                group.replicas().stream().map(RedisServer::address).toList();
        assertThat(source.get("address").asText()).isIn(replicas);
        assertThat(source.get("role").asText()).isEqualTo("slave");
        assertThat(source.get("why").asText())
                .startsWith("replica " + source.get("address").asText() + ": link up, lag ");
        assertThat(manifest.get("target").asText()).isEqualTo("sessions");
        assertThat(manifest.get("keys").get("db0").asLong()).isEqualTo(201);
        assertThat(totalForks(primary)).as("the primary's total_forks").isEqualTo(forks);
        assertThat(source.get("method").asText()).isEqualTo(method);
        try (RedisServer empty = RedisServer.start()) {
            Cli.Run load = LiveRestores.restore(
                    Map.of(), dir.resolve("store"), manifest.get("id").asText(), "--to", empty.uri());
            assertThat(load.exitCode()).as(load.err()).isZero();
            assertThat(empty.commands().dbsize()).isEqualTo(201);
            assertThat(empty.commands().get("session:7")).isEqualTo("user-7");
            assertThat(empty.commands().hgetall("settings")).isEqualTo(Map.of("theme", "dark"));
        }
    }

    @Test
    void withPreferPrimaryTheBackupComesFromThePrimary() throws IOException {
        JsonNode source = backUp("primary", "auto").get("source");

        assertThat(source.get("address").asText()).isEqualTo(group.primary().address());
        assertThat(source.get("role").asText()).isEqualTo("master");
        assertThat(source.get("why").asText()).contains("backup.prefer is primary");
    }

    @Test
    void withEveryReplicasLinkDownTheBackupComesFromThePrimaryAndSaysWhy() throws IOException {
        List<RedisServer> replicas = group.replicas();
        try {
            // The primary has no password: a replica that sends one is refused at every reconnect.
            for (RedisServer replica : replicas) {
                replica.call("CONFIG", "SET", "masterauth", "not-the-primarys");
                replica.call("CLIENT", "KILL", "TYPE", "master");
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> replicas.stream()
                            .allMatch(replica ->
                                    replica.commands().info("replication").contains("master_link_status:down")));

            JsonNode source = backUp("replica", "auto").get("source");

            assertThat(source.get("address").asText()).isEqualTo(group.primary().address());
            assertThat(source.get("role").asText()).isEqualTo("master");
            assertThat(source.get("why").asText())
                    .startsWith("no replica with its link up and lag under 10 s (")
                    .contains(replicas.get(0).address() + ": link down")
                    .contains(replicas.get(1).address() + ": link down")
                    .endsWith("): the primary " + group.primary().address());
        } finally {
            for (RedisServer replica : replicas) {
                replica.call("CONFIG", "SET", "masterauth", "");
            }
            replicas.forEach(RedisServer::awaitReplicationLink);
        }
    }

    /** {@code backup run} of the group with {@code backup.prefer} and {@code backup.source}, then its manifest. */
    private JsonNode backUp(String prefer, String method) throws IOException {
        Path store = dir.resolve("store");
        Path config = Cli.fileConfig(
                dir,
                store,
                "targets:\n"
                        + "  - name: sessions\n"
                        + "    uri: \"" + group.sentinelUri() + "\"\n"
                        + "    backup:\n"
                        + "      prefer: " + prefer + "\n"
                        + "      source: " + method + "\n");
        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--target", "sessions");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path manifest = store.resolve("sessions").resolve(run.backupId()).resolve("manifest.json");
        return new ObjectMapper().readTree(Files.readString(manifest));
    }

    private static long totalForks(RedisServer server) {
        Matcher forks =
                Pattern.compile("total_forks:(\\d+)").matcher(server.commands().info("stats"));
        assertThat(forks.find()).isTrue();
        return Long.parseLong(forks.group(1));
    }
}
