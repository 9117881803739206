package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent against a real primary and replica, read back over HTTP as Prometheus would. */
class AgentTest {

    private static RedisServer primary;
    private static RedisServer replica;
    private static Agent agent;
    private static String base;

    @BeforeAll
    static void start() {
        primary = RedisServer.builder().appendOnly(true).save("3600 1").start();
        replica = RedisServer.builder().replicaOf(primary).start();
        replica.awaitReplicationLink();
        primary.commands().set("greeting", "hello");
        primary.commands().hset("user:1", "name", "ada");
        primary.commands().get("missing");
        agent = TestAgents.start(
                Map.of(),
                Duration.ofMinutes(1),
                "web:\n  scrape-allow: [\"127.0.0.1:1\"]\n",
                TestAgents.entry("primary", primary.uri()),
                TestAgents.entry("replica", replica.uri()));
        base = TestAgents.base(agent);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Http.get(base + "/-/ready").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private static String metrics() {
        return Http.get(base + "/metrics").body();
    }

    @Test
    void reportsBothTargetsUpWithTheirRoles() {
        String metrics = metrics();
        assertThat(Metrics.value(metrics, "redis_up{target=\"primary\"}")).hasValue(1.0);
        assertThat(Metrics.value(metrics, "redis_up{target=\"replica\"}")).hasValue(1.0);
        assertThat(metrics)
                .containsPattern("redis_instance_info\\{.*role=\"master\".*target=\"primary\"")
                .containsPattern("redis_instance_info\\{.*role=\"slave\".*target=\"replica\"");
    }

    @Test
    void reportsTheReplicationLinkFromBothSides() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(Metrics.value(metrics, "redis_connected_slaves{target=\"primary\"}"))
                    .hasValue(1.0);
            assertThat(metrics)
                    .containsPattern("redis_master_link_up\\{master_host=\"127.0.0.1\",master_port=\"" + primary.port()
                            + "\",target=\"replica\"} 1.0");
            assertThat(metrics)
                    .containsPattern("redis_connected_slave_offset_bytes\\{slave_ip=\"127.0.0.1\",slave_port=\""
                            + replica.port() + "\",slave_state=\"online\",target=\"primary\"}");
        });
    }

    @Test
    void reportsKeysCommandsAndPersistenceOfTheLiveServer() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(Metrics.value(metrics, "redis_db_keys{db=\"db0\",target=\"primary\"}"))
                    .hasValue(2.0);
            assertThat(Metrics.value(metrics, "redis_keyspace_misses_total{target=\"primary\"}"))
                    .hasValueSatisfying(misses -> assertThat(misses).isGreaterThanOrEqualTo(1));
            assertThat(Metrics.value(metrics, "redis_aof_enabled{target=\"primary\"}"))
                    .hasValue(1.0);
            assertThat(Metrics.value(metrics, "redis_aof_enabled{target=\"replica\"}"))
                    .hasValue(0.0);
            assertThat(metrics).contains("redis_commands_total{cmd=\"hset\",target=\"primary\"} 1.0");
        });
    }

    @Test
    void reportsMemoryStatsAndConfigFromTheLiveServer() {
        String metrics = metrics();
        assertThat(Metrics.value(metrics, "redis_memory_stats_keys{target=\"primary\"}"))
                .isPresent();
        assertThat(Metrics.value(metrics, "redis_memory_stats_peak_allocated_bytes{target=\"replica\"}"))
                .isPresent();
        assertThat(Metrics.value(metrics, "redis_config_maxclients{target=\"primary\"}"))
                .hasValue(10000.0);
        assertThat(Metrics.value(metrics, "redis_slowlog_length{target=\"primary\"}"))
                .isPresent();
    }

    /** How long a poll takes is a figure for bench/scrape; here only that each target's poll is timed at all. */
    @Test
    void reportsItsOwnPollingAndBuild() {
        String metrics = metrics();
        for (String target : new String[] {"primary", "replica"}) {
            assertThat(Metrics.value(metrics, "steward_poll_duration_seconds{target=\"" + target + "\"}"))
                    .as("the last poll of %s was timed", target)
                    .hasValueSatisfying(seconds -> assertThat(seconds).isPositive());
            assertThat(Metrics.value(metrics, "steward_poll_last_success_timestamp_seconds{target=\"" + target + "\"}"))
                    .as("%s was polled successfully", target)
                    .hasValueSatisfying(seconds -> assertThat(seconds).isPositive());
        }
        assertThat(Metrics.value(metrics, "steward_poll_errors_total{reason=\"connect\",target=\"primary\"}"))
                .hasValue(0.0);
        assertThat(metrics).containsPattern("steward_build_info\\{version=\"[^\"]+\"} 1");
    }

    @Test
    void scrapesATargetOnDemandWithoutTargetLabel() {
        HttpResponse<String> response = Http.get(base + "/scrape?target=" + replica.uri());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Metrics.value(response.body(), "redis_up")).hasValue(1.0);
        assertThat(response.body())
                .contains("redis_instance_info{")
                .doesNotContain("target=")
                .doesNotContain("steward_");
    }

    @Test
    void scrapeOfADeadButAllowedTargetAnswersWithRedisUpZero() {
        HttpResponse<String> response = Http.get(base + "/scrape?target=redis://127.0.0.1:1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Metrics.value(response.body(), "redis_up")).hasValue(0.0);
    }

    @Test
    void rejectsABadScrapeTargetWithAClearMessage() {
        HttpResponse<String> missing = Http.get(base + "/scrape");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("missing parameter: target");
        HttpResponse<String> bad = Http.get(base + "/scrape?target=http://example:80");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("unsupported scheme 'http'");
        HttpResponse<String> badPort = Http.get(base + "/scrape?target=127.0.0.1:notaport");
        assertThat(badPort.statusCode()).isEqualTo(400);
        assertThat(badPort.body()).contains("has no valid port ('notaport'");
    }

    @Test
    void servesOpenMetricsWhenAsked() {
        HttpResponse<String> response =
                Http.get(base + "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(response.body()).contains("# TYPE redis_instance info").endsWith("# EOF\n");
    }

    @Test
    void compressesForClientsThatAcceptGzipAsPrometheusDoes() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics"))
                .header("Accept-Encoding", "gzip")
                .GET()
                .build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String body = new String(
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body())).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Metrics.value(body, "redis_up{target=\"primary\"}")).hasValue(1.0);
        assertThat(response.body().length).isLessThan(body.length() / 3);
    }

    @Test
    void servesHealthAndALandingPage() {
        assertThat(Http.get(base + "/-/healthy").statusCode()).isEqualTo(200);
        assertThat(Http.get(base + "/").body()).contains("href=\"/metrics\"");
        assertThat(Http.get(base + "/nope").statusCode()).isEqualTo(404);
    }
}
