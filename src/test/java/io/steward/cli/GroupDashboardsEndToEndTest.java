package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.steward.dashboards.Dashboards;
import io.steward.testing.PrometheusServer;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes an agent that watches a real Sentinel group and a real cluster, which the tests drive
 * from healthy through one fault after another, in order. While they are healthy, every query of the groups
 * dashboard returns data in its panel's unit and no group alert fires; then each fault makes its alert fire.
 *
 * <p>Prometheus loads a copy of alerts.yml in which every {@code for:} is 2 s, so that an alert goes from pending to
 * firing within the test; the expressions are the shipped ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupDashboardsEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Instant STARTED = Instant.now();
    private static final Path ALERTS = Path.of("dashboards/prometheus/alerts.yml");
    private static final String GROUP_RULES = "redis-steward-groups";

    /** The alerts of the groups' rules this class makes fire, each in a test of its own below. */
    private static final Set<String> INDUCED = Set.of(
            "RedisGroupFailover",
            "RedisPrimaryWithoutPromotableReplica",
            "RedisSentinelsDisagree",
            "RedisSentinelQuorumLost",
            "RedisClusterNodeFailing",
            "RedisClusterStateFail",
            "RedisClusterSlotsNotOk",
            "RedisClusterSlotsNotCovered");

    private static SentinelGroup sessions;
    private static RedisCluster orders;
    /** A standalone server that one Sentinel is made to monitor under the group's master name. */
    private static RedisServer impostor;

    private static Agent agent;
    private static PrometheusServer prometheus;

    /** The primary of the cluster shard whose replica is killed first, then itself. */
    private static RedisServer doomedPrimary;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        sessions = SentinelGroup.start();
        orders = RedisCluster.start();
        impostor = RedisServer.builder().host("127.0.0.3").start();
        agent = TestAgents.start(
                Map.of(),
                TestAgents.entry("sessions", sessions.sentinelUri()),
                TestAgents.cluster("orders", orders.seedUri()));
        Path rules = dir.resolve("alerts.yml");
        Files.writeString(rules, Files.readString(ALERTS).replaceAll("(?m)^(\\s+for: )\\S+$", "$12s"));
        prometheus = PrometheusServer.start("127.0.0.1:" + agent.port(), rules);
        // Enough samples of both groups for a rate or an increase over 10 s.
        await().atMost(PATIENCE)
                .until(() -> !prometheus
                                .query("count_over_time(redis_group_discovered{target=\"sessions\"}[20s]) >= 12")
                                .isEmpty()
                        && !prometheus
                                .query("count_over_time(redis_group_discovered{target=\"orders\"}[20s]) >= 12")
                                .isEmpty());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {prometheus, agent, sessions, orders, impostor}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // the others still go
            }
        }
    }

    @Test
    @Order(0)
    void everyAlertOfTheGroupsRulesIsMadeToFireHere() throws IOException {
        assertThat(groupAlerts()).containsExactlyInAnyOrderElementsOf(INDUCED);
    }

    @Test
    @Order(1)
    void everyGroupsDashboardQueryReturnsDataInTheUnitItsPanelShows() {
        List<Dashboards.Query> queries = Dashboards.queries(Dashboards.GROUPS::equals);
        assertThat(queries).isNotEmpty();
        await().atMost(PATIENCE).untilAsserted(() -> {
            double secondsSinceStart = Duration.between(STARTED, Instant.now()).toMillis() / 1000.0;
            List<String> problems = new ArrayList<>();
            for (Dashboards.Query query : queries) {
                JsonNode result = prometheus.query(Dashboards.resolve(query.expr(), "10s"));
                if (result.isEmpty()) {
                    problems.add(query + ": no data");
                }
                for (JsonNode series : result) {
                    double value = series.path("value").get(1).asDouble();
                    String problem = PanelValues.implausible(query, value, secondsSinceStart);
                    if (problem != null) {
                        problems.add(query + " -> " + series.path("metric") + " = " + value + ": " + problem);
                    }
                }
            }
            assertThat(problems).isEmpty();
        });
    }

    @Test
    @Order(2)
    void noGroupAlertFiresOnAHealthySentinelGroupAndCluster() throws IOException {
        Set<String> alerts = groupAlerts();
        // Right after the agent starts, a replica not yet polled counts as not promotable: that passes.
        await().atMost(PATIENCE).untilAsserted(() -> {
            Map<String, String> firing = new TreeMap<>();
            for (JsonNode series : prometheus.query("ALERTS{target=~\"sessions|orders\"}")) {
                String alert = series.path("metric").path("alertname").asText();
                if (alerts.contains(alert)) {
                    firing.put(alert, series.path("metric").toString());
                }
            }
            assertThat(firing).isEmpty();
        });
    }

    @Test
    @Order(3)
    void aSentinelMonitoringAnotherServerUnderTheMasterNameFiresRedisSentinelsDisagree() {
        // Before any failover: a Sentinel adopts the configuration of a newer epoch from its peers' hellos.
        RedisServer rogue = sessions.sentinels().get(2);
        RedisServer primary = sessions.primary();
        monitor(rogue, impostor);
        awaitFiring("RedisSentinelsDisagree", "sessions", Map.of());

        monitor(rogue, primary);
        sessions.awaitSentinelsAgree();
        awaitNotFiring("RedisSentinelsDisagree", "sessions");
    }

    @Test
    @Order(4)
    void aSentinelFailoverFiresRedisGroupFailover() {
        sessions.failover();
        awaitFiring("RedisGroupFailover", "sessions", Map.of());
    }

    @Test
    @Order(5)
    void replicasThatCanNeverBePromotedFireRedisPrimaryWithoutPromotableReplica() {
        RedisServer primary = sessions.primary();
        for (RedisServer node : sessions.dataNodes()) {
            if (node != primary) {
                node.commands().configSet("replica-priority", "0");
            }
        }
        awaitFiring("RedisPrimaryWithoutPromotableReplica", "sessions", Map.of("shard", sessions.masterName()));
    }

    @Test
    @Order(6)
    void twoOfThreeSentinelsStoppedFireRedisSentinelQuorumLost() {
        sessions.sentinels().get(1).stop();
        sessions.sentinels().get(2).stop();
        awaitFiring("RedisSentinelQuorumLost", "sessions", Map.of());
    }

    @Test
    @Order(7)
    void aKilledReplicaFiresRedisClusterNodeFailingAndLeavesItsPrimaryWithoutAPromotableReplica() {
        doomedPrimary = orders.primaries().get(0);
        RedisServer replica = orders.replicaOf(doomedPrimary);
        orders.kill(replica);
        awaitFiring("RedisClusterNodeFailing", "orders", Map.of("node", replica.address(), "flag", "fail"));
        awaitFiring("RedisPrimaryWithoutPromotableReplica", "orders", Map.of("shard", orders.nodeId(doomedPrimary)));
    }

    @Test
    @Order(8)
    void aShardThatLostItsPrimaryAndReplicaFiresRedisClusterStateFailAndSlotsNotOk() {
        orders.kill(doomedPrimary);
        awaitFiring("RedisClusterStateFail", "orders", Map.of());
        awaitFiring("RedisClusterSlotsNotOk", "orders", Map.of("flag", "fail"));
    }

    @Test
    @Order(9)
    void slotsOfAForgottenPrimaryFireRedisClusterSlotsNotCovered() {
        // As an operator does once a node is gone for good: every node forgets it, and its slots have no owner.
        String id = orders.nodeId(doomedPrimary);
        for (RedisServer node : orders.nodes()) {
            if (node.isAlive()) {
                node.call("CLUSTER", "FORGET", id);
            }
        }
        awaitFiring("RedisClusterSlotsNotCovered", "orders", Map.of());
    }

    /** Has {@code sentinel} monitor {@code server} as the group's master, with the group's settings. */
    private static void monitor(RedisServer sentinel, RedisServer server) {
        String name = sessions.masterName();
        sentinel.call("SENTINEL", "REMOVE", name);
        sentinel.call("SENTINEL", "MONITOR", name, server.host(), String.valueOf(server.port()), "2");
        // SentinelGroup's defaults, which the other Sentinels have.
        sentinel.call("SENTINEL", "SET", name, "down-after-milliseconds", "1000", "failover-timeout", "10000");
    }

    private static void awaitNotFiring(String alert, String target) {
        await().atMost(PATIENCE)
                .until(() -> prometheus
                        .query("ALERTS{alertname=\"" + alert + "\",target=\"" + target + "\"}")
                        .isEmpty());
    }

    /** Waits until the alert fires for the target, with these labels among its own. */
    private static void awaitFiring(String alert, String target, Map<String, String> labels) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<Map<String, String>> firing = new ArrayList<>();
            for (JsonNode series : prometheus.query("ALERTS{alertstate=\"firing\",alertname=\"" + alert + "\"}")) {
                Map<String, String> seriesLabels = new TreeMap<>();
                series.path("metric")
                        .fields()
                        .forEachRemaining(label -> seriesLabels.put(
                                label.getKey(), label.getValue().asText()));
                firing.add(seriesLabels);
            }
            assertThat(firing)
                    .as(alert + " firing")
                    .anySatisfy(seriesLabels -> assertThat(seriesLabels)
                            .containsEntry("target", target)
                            .containsAllEntriesOf(labels));
        });
    }

    private static Set<String> groupAlerts() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group :
                new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile()).path("groups")) {
            if (group.path("name").asText().equals(GROUP_RULES)) {
                group.path("rules")
                        .forEach(rule -> alerts.add(rule.path("alert").asText()));
            }
        }
        return alerts;
    }
}
