package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code serve} watches a Sentinel group or a cluster as one target: every member, followed as it changes. */
class GroupAgentTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static String metrics(Agent agent) {
        return Http.get(TestAgents.base(agent) + "/metrics").body();
    }

    private static double up(String metrics, String group, RedisServer node) {
        return Metrics.value(metrics, "redis_up{node=\"" + node.address() + "\",target=\"" + group + "\"}")
                .orElse(-1.0);
    }

    private static String roleOf(String metrics, String group, RedisServer node) {
        return metrics.lines()
                .filter(line -> line.startsWith("redis_instance_info{")
                        && line.contains("node=\"" + node.address() + "\"")
                        && line.contains("target=\"" + group + "\""))
                .map(line -> line.replaceAll(".*role=\"([a-z]+)\".*", "$1"))
                .findFirst()
                .orElse("");
    }

    @Test
    void watchesEveryMemberOfASentinelGroupUnderTheGroupsName() {
        try (SentinelGroup group = SentinelGroup.start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.entry("sessions", group.sentinelUri()))) {
            List<RedisServer> everyone = new ArrayList<>(group.dataNodes());
            everyone.addAll(group.sentinels());
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                for (RedisServer member : everyone) {
                    assertThat(up(metrics, "sessions", member))
                            .as(member.address())
                            .isEqualTo(1.0);
                }
                assertThat(roleOf(metrics, "sessions", group.primary())).isEqualTo("master");
                for (RedisServer replica : group.replicas()) {
                    assertThat(roleOf(metrics, "sessions", replica)).isEqualTo("slave");
                }
                assertThat(metrics)
                        .contains("redis_group_discovered{target=\"sessions\"} 1.0")
                        .contains("redis_group_members{kind=\"data\",target=\"sessions\"} 3.0")
                        .contains("redis_group_members{kind=\"sentinel\",target=\"sessions\"} 3.0")
                        .contains("redis_group_promotable_replicas{shard=\"mymaster\",target=\"sessions\"} 2.0")
                        .contains("redis_sentinel_group_sentinels_agree{target=\"sessions\"} 1.0")
                        .contains("redis_sentinel_group_sentinels_answering{target=\"sessions\"} 3.0");
            });
        }
    }

    @Test
    void followsASentinelFailoverAndCountsIt() {
        try (SentinelGroup group = SentinelGroup.start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.entry("sessions", group.sentinelUri()))) {
            RedisServer before = group.primary();
            await().atMost(PATIENCE)
                    .until(() -> roleOf(metrics(agent), "sessions", before).equals("master"));
            RedisServer after = group.failover();
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                assertThat(roleOf(metrics, "sessions", after)).isEqualTo("master");
                assertThat(roleOf(metrics, "sessions", before)).isEqualTo("slave");
                assertThat(Metrics.value(metrics, "redis_group_failovers_total{target=\"sessions\"}"))
                        .contains(1.0);
            });
        }
    }

    @Test
    void aKilledPrimaryIsDownAsANodeWhileTheGroupGoesOn() {
        try (SentinelGroup group = SentinelGroup.start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.entry("sessions", group.sentinelUri()))) {
            RedisServer before = group.primary();
            await().atMost(PATIENCE).until(() -> up(metrics(agent), "sessions", before) == 1.0);
            group.killPrimary();
            RedisServer after = group.awaitNewPrimary(before.address());
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                assertThat(up(metrics, "sessions", before)).isEqualTo(0.0);
                assertThat(roleOf(metrics, "sessions", after)).isEqualTo("master");
                assertThat(metrics).contains("redis_group_discovered{target=\"sessions\"} 1.0");
            });
        }
    }

    @Test
    void listsEveryMemberForPrometheusServiceDiscovery() throws Exception {
        try (SentinelGroup group = SentinelGroup.start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.entry("sessions", group.sentinelUri()))) {
            List<RedisServer> everyone = new ArrayList<>(group.dataNodes());
            everyone.addAll(group.sentinels());
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode entries = new ObjectMapper()
                        .readTree(Http.get(TestAgents.base(agent) + "/discover").body());
                assertThat(entries).hasSize(everyone.size());
                for (JsonNode entry : entries) {
                    assertThat(entry.get("labels").get("target").asText()).isEqualTo("sessions");
                }
                JsonNode primary = find(entries, group.primary().address());
                assertThat(primary.get("targets").get(0).asText())
                        .isEqualTo("redis://" + group.primary().address());
                assertThat(primary.get("labels").get("role").asText()).isEqualTo("master");
                assertThat(primary.get("labels").get("shard").asText()).isEqualTo(group.masterName());
                assertThat(find(entries, group.sentinels().get(0).address())
                                .get("labels")
                                .get("role")
                                .asText())
                        .isEqualTo("sentinel");
            });
            // The multi-target pattern: each member scraped through the agent, with the group's credentials.
            String member = Http.get(TestAgents.base(agent) + "/scrape?target=redis://"
                            + group.replicas().get(0).address())
                    .body();
            assertThat(member)
                    .contains("redis_up{node=\"" + group.replicas().get(0).address() + "\"} 1.0");
        }
    }

    private static JsonNode find(JsonNode entries, String node) {
        for (JsonNode entry : entries) {
            if (entry.get("labels").get("node").asText().equals(node)) {
                return entry;
            }
        }
        throw new AssertionError("no entry for " + node + " in " + entries);
    }

    @Test
    void scrapesAWholeGroupOnDemandByItsName() {
        try (SentinelGroup group = SentinelGroup.start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.entry("sessions", group.sentinelUri()))) {
            String scraped =
                    Http.get(TestAgents.base(agent) + "/scrape?target=sessions").body();
            for (RedisServer node : group.dataNodes()) {
                assertThat(scraped).contains("redis_up{node=\"" + node.address() + "\"} 1.0");
            }
            assertThat(scraped).doesNotContain("target=\"");
        }
    }

    @Test
    void aMasterNameNoSentinelKnowsIsTheGroupsProblemAndTheAgentKeepsRunning() {
        try (SentinelGroup group = SentinelGroup.start();
                Agent agent = TestAgents.start(
                        Map.of(),
                        TestAgents.entry("typo", group.sentinelUri().replace("#" + group.masterName(), "#mymastr")))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                assertThat(metrics).contains("redis_group_discovered{target=\"typo\"} 0.0");
                assertThat(up(metrics, "typo", group.sentinels().get(0))).isEqualTo(1.0);
                assertThat(up(metrics, "typo", group.primary())).isEqualTo(-1.0);
            });
            assertThat(Http.get(TestAgents.base(agent) + "/-/healthy").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void watchesEveryNodeOfAClusterAndFollowsAFailover() {
        try (RedisCluster cluster = RedisCluster.start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.cluster("orders", cluster.seedUri()))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                for (RedisServer node : cluster.nodes()) {
                    assertThat(up(metrics, "orders", node)).as(node.address()).isEqualTo(1.0);
                }
                assertThat(metrics)
                        .contains("redis_cluster_shards{target=\"orders\"} 3.0")
                        .contains("redis_cluster_slots_not_covered{target=\"orders\"} 0.0");
                assertThat(metrics.lines()
                                .filter(line -> line.startsWith("redis_group_promotable_replicas{")
                                        && line.contains("target=\"orders\"")
                                        && line.endsWith(" 1.0")))
                        .hasSize(3);
            });
            RedisServer primary = cluster.primaries().get(0);
            RedisServer replica = cluster.replicaOf(primary);
            cluster.failover(replica);
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                assertThat(roleOf(metrics, "orders", replica)).isEqualTo("master");
                assertThat(roleOf(metrics, "orders", primary)).isEqualTo("slave");
                assertThat(Metrics.value(metrics, "redis_group_failovers_total{target=\"orders\"}"))
                        .contains(1.0);
            });
        }
    }

    private static String ready(Agent agent) {
        return Http.get(TestAgents.base(agent) + "/-/ready").body();
    }

    @Test
    void aSeedNotInClusterModeIsTheGroupsProblemAndSaysWhatToFix() {
        try (RedisServer plain = RedisServer.start();
                Agent agent = TestAgents.start(Map.of(), TestAgents.cluster("orders", plain.uri()))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(metrics(agent)).contains("redis_group_discovered{target=\"orders\"} 0.0");
                assertThat(ready(agent))
                        .contains(plain.address() + " is not in cluster mode")
                        .contains("drop cluster: true");
            });
        }
    }

    @Test
    void aSeedThatIsDownDoesNotKeepTheOthersFromFindingTheCluster() {
        int dead = io.steward.testing.FreePort.find();
        try (RedisCluster cluster = RedisCluster.start();
                Agent agent = TestAgents.start(
                        Map.of(),
                        TestAgents.cluster(
                                "orders",
                                "redis://127.0.0.1:" + dead + ","
                                        + cluster.seedUri().substring(8)))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                String metrics = metrics(agent);
                for (RedisServer node : cluster.nodes()) {
                    assertThat(up(metrics, "orders", node)).as(node.address()).isEqualTo(1.0);
                }
                assertThat(metrics).contains("redis_group_discovered{target=\"orders\"} 1.0");
            });
            // Once the cluster is known, a seed that is not one of its nodes is no longer polled.
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(metrics(agent)
                                    .lines()
                                    .filter(line -> line.contains("node=\"127.0.0.1:" + dead + "\"")))
                            .isEmpty());
        }
    }

    @Test
    void sentinelsThatAreAllDownAreTheGroupsProblemWhileTheAgentRetries() {
        int one = io.steward.testing.FreePort.find();
        int two = io.steward.testing.FreePort.find();
        try (Agent agent = TestAgents.start(
                Map.of(),
                TestAgents.entry(
                        "sessions", "redis-sentinel://127.0.0.1:" + one + ",127.0.0.1:" + two + "#mymaster"))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(metrics(agent))
                        .contains("redis_group_discovered{target=\"sessions\"} 0.0")
                        .contains("redis_up{node=\"127.0.0.1:" + one + "\",target=\"sessions\"} 0.0");
                assertThat(ready(agent))
                        .contains("not ready")
                        .contains("no Sentinel of sessions answered")
                        .contains("127.0.0.1:" + one);
            });
        }
    }
}
