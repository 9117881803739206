package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.Exposition;
import io.steward.testing.ExternalProcess;
import io.steward.testing.FreePort;
import io.steward.testing.Http;
import io.steward.testing.Promtool;
import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs Debian's prometheus-redis-exporter and the agent against the same servers and compares what they
 * expose, so dashboards and alerts written for redis_exporter keep working.
 */
class RedisExporterCompatibilityTest {

    private static final String EXPORTER = "/usr/bin/prometheus-redis-exporter";

    /** The exporter's own series, not Redis's: the agent has its own under steward_. */
    private static final List<String> EXPORTER_SELF = List.of(
            "go_",
            "process_",
            "promhttp_",
            "redis_exporter_",
            "redis_target_scrape_request_errors",
            "redis_last_key_groups_scrape_duration_milliseconds");

    /**
     * Counters that redis_exporter names without {@code _total}. The Prometheus exposition always appends
     * {@code _total} to a counter, so the agent keeps the name and exposes a gauge.
     */
    private static final Set<String> COUNTERS_WITHOUT_TOTAL = Set.of(
            "redis_total_error_replies",
            "redis_unexpected_error_replies",
            "redis_dump_payload_sanitizations",
            "redis_total_reads_processed",
            "redis_total_writes_processed",
            "redis_io_threaded_reads_processed",
            "redis_io_threaded_writes_processed");

    /** Names newer redis_exporter releases use (kept so their dashboards work too); promtool dislikes them. */
    private static final Set<String> NEWER_EXPORTER_NAMES = Set.of(
            "redis_current_eviction_exceeded_time_ms",
            "redis_eviction_exceeded_time_ms_total",
            "redis_expire_cycle_cpu_time_ms_total",
            "redis_memory_used_vm_total",
            "redis_rdb_saves_total");

    private static RedisServer primary;
    private static RedisServer replica;
    private static SentinelGroup sentinels;
    private static Agent agent;

    @BeforeAll
    static void start() {
        primary = RedisServer.builder()
                .appendOnly(true)
                .save("3600 1")
                .enableDebugCommand()
                .option("latency-monitor-threshold", "1")
                .start();
        replica = RedisServer.builder().replicaOf(primary).start();
        replica.awaitReplicationLink();
        sentinels = SentinelGroup.start();
        var redis = primary.commands();
        redis.set("plain", "1");
        redis.setex("expiring", 3600, "2");
        redis.select(3);
        redis.rpush("list", "a", "b");
        redis.select(0);
        try {
            redis.lpush("plain", "x");
        } catch (RuntimeException wrongType) {
            // an error reply, so errorstats and failed calls have something to show
        }
        primary.call("DEBUG", "SLEEP", "0.02");
        try {
            primary.call("BGSAVE");
        } catch (RuntimeException alreadySaving) {
            // the replica's first sync is saving already: that save fills the same fields
        }
        // The replica and the cluster node are scraped on demand, as hosts the config allows.
        agent = TestAgents.start(
                Map.of(),
                Duration.ofMinutes(1),
                "web:\n  scrape-allow: [\"127.0.0.1:*\"]\n",
                TestAgents.entry("primary", primary.uri()));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !primary.commands().info("persistence").contains("rdb_bgsave_in_progress:1"));
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        replica.close();
        primary.close();
        sentinels.close();
    }

    private static String exporterMetrics(RedisServer server) {
        return withExporter(server, url -> Http.get(url).body());
    }

    /** Runs redis_exporter against the server for as long as {@code scrapes} uses its metrics URL. */
    private static <T> T withExporter(RedisServer server, Function<String, T> scrapes) {
        int port = FreePort.find();
        String url = "http://127.0.0.1:" + port + "/metrics";
        try (ExternalProcess exporter = ExternalProcess.start(
                EXPORTER,
                "prometheus-redis-exporter",
                List.of("--redis.addr=" + server.uri(), "--web.listen-address=127.0.0.1:" + port),
                () -> ExternalProcess.answers(url))) {
            return scrapes.apply(url);
        }
    }

    private static String agentMetrics(RedisServer server) {
        return Http.get(TestAgents.base(agent) + "/scrape?target=" + server.uri())
                .body();
    }

    private static void assertCompatible(RedisServer server) {
        Exposition theirs = Exposition.parse(exporterMetrics(server));
        assertThat(theirs.types()).as("redis_exporter exposed something").hasSizeGreaterThan(50);
        assertCompatible(theirs, Exposition.parse(agentMetrics(server)), "redis_");
    }

    /** Every family of redis_exporter's whose name starts with {@code prefix} is the agent's too, as typed and labelled. */
    private static void assertCompatible(Exposition theirs, Exposition ours, String prefix) {
        List<String> problems = new ArrayList<>();
        theirs.types().forEach((name, type) -> {
            if (!name.startsWith(prefix) || EXPORTER_SELF.stream().anyMatch(name::startsWith)) {
                return;
            }
            String ourType = ours.types().get(name);
            if (ourType == null) {
                problems.add("missing " + name + " (" + type + ")");
            } else if (!ourType.equals(type) && !(COUNTERS_WITHOUT_TOTAL.contains(name) && ourType.equals("gauge"))) {
                problems.add(name + " is " + ourType + ", redis_exporter has " + type);
            } else if (!ours.labelNames()
                    .getOrDefault(name, Set.of())
                    .containsAll(theirs.labelNames().getOrDefault(name, Set.of()))) {
                problems.add(name + " has labels " + ours.labelNames().get(name) + ", redis_exporter has "
                        + theirs.labelNames().get(name));
            }
        });
        assertThat(problems).isEmpty();
    }

    /**
     * Reads redis_exporter and the agent one right after the other and compares every series both have: equal, or
     * within the tolerance of a family that moves between two reads. A unit that differs (bytes and kB, seconds and
     * milliseconds, a ratio and a percentage) is a factor of 100 or more, far outside every tolerance. Retried for a
     * while, as a slow command or a latency spike between the two reads moves a value once; a unit never settles.
     */
    private static void assertSameValues(RedisServer server) {
        assertSameValues(
                server,
                List.of(
                        "redis_config_maxmemory",
                        "redis_config_maxclients",
                        "redis_db_keys",
                        "redis_connected_clients",
                        "redis_memory_used_bytes",
                        "redis_memory_used_rss_bytes",
                        "redis_uptime_in_seconds",
                        "redis_commands_duration_seconds_total",
                        "redis_replication_backlog_bytes"));
    }

    /** @param mustCompare families both must have, whose values are compared */
    private static void assertSameValues(RedisServer server, List<String> mustCompare) {
        withExporter(server, url -> {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        Exposition theirs = Exposition.parse(Http.get(url).body());
                        Exposition ours = Exposition.parse(agentMetrics(server));
                        Set<String> compared = new java.util.TreeSet<>();
                        List<String> problems = new ArrayList<>();
                        theirs.values().forEach((sample, value) -> {
                            Double our = ours.values().get(sample);
                            if (our == null || !comparable(sample)) {
                                return;
                            }
                            compared.add(sample.name());
                            Tolerance tolerance = toleranceOf(sample.name());
                            if (!tolerance.allows(value, our)) {
                                problems.add(sample + ": redis_exporter " + value + ", agent " + our + " " + tolerance);
                            }
                        });
                        assertThat(compared).containsAll(mustCompare);
                        assertThat(problems).isEmpty();
                    });
            return null;
        });
    }

    /** How far the agent's value may be from redis_exporter's. */
    private record Tolerance(double absolute, double relative) {
        /** Equal, but for the last digit of a float printed by Go and parsed by Java. */
        static final Tolerance EXACT = new Tolerance(0, 1e-9);

        boolean allows(double theirs, double ours) {
            double bound = Math.max(absolute, relative * Math.max(Math.abs(theirs), Math.abs(ours)));
            return Math.abs(theirs - ours) <= bound;
        }

        @Override
        public String toString() {
            return this == EXACT ? "(must be equal)" : "(tolerance " + absolute + " or " + relative * 100 + " %)";
        }
    }

    /** Families of memory that client buffers and allocations move between two reads (every INFO reply is one). */
    private static final List<String> MEMORY =
            List.of("redis_memory_used_", "redis_allocator_", "redis_mem_", "redis_rss_", "redis_client_recent_max_");

    private static Tolerance toleranceOf(String name) {
        if (name.equals("redis_connected_clients")) {
            return new Tolerance(3, 0); // the exporter's connection, the agent's on-demand one, the test's
        }
        if (name.equals("redis_uptime_in_seconds") || name.equals("redis_start_time_seconds")) {
            return new Tolerance(2, 0);
        }
        if (name.startsWith("redis_cpu_")) {
            return new Tolerance(0.05, 0.5);
        }
        if (name.equals("redis_db_avg_ttl_seconds")) {
            return new Tolerance(1, 0.1); // counts down, and Redis estimates it from samples
        }
        if (MEMORY.stream().anyMatch(name::startsWith)) {
            return name.endsWith("_ratio") ? new Tolerance(0, 0.25) : new Tolerance(256 * 1024, 0.25);
        }
        return Tolerance.EXACT;
    }

    /** Counters of connections and traffic that each read adds to, and the exporter opens a connection per scrape. */
    private static final Set<String> MOVED_BY_EVERY_READ = Set.of(
            "redis_commands_processed_total",
            "redis_connections_received_total",
            "redis_net_input_bytes_total",
            "redis_net_output_bytes_total",
            "redis_total_reads_processed",
            "redis_total_writes_processed",
            "redis_total_error_replies");

    /** The commands this test sent; the others are the pollers' own (INFO, CONFIG GET, ...) and grow with each. */
    private static final Set<String> COMMANDS_OF_THE_TEST =
            Set.of("set", "setex", "rpush", "lpush", "select", "debug", "bgsave", "cluster|addslotsrange");

    private static boolean comparable(Exposition.Sample sample) {
        if (MOVED_BY_EVERY_READ.contains(sample.name())) {
            return false;
        }
        String command = sample.labels().get("cmd");
        if (command != null && !COMMANDS_OF_THE_TEST.contains(command)) {
            return false;
        }
        // Refusals of the pollers' own commands (errorstat_ERR); the test's WRONGTYPE is compared.
        return !"ERR".equals(sample.labels().get("err"));
    }

    @Test
    void aPrimaryReportsTheSameValuesAsRedisExporter() {
        assertSameValues(primary);
    }

    @Test
    void aReplicaReportsTheSameValuesAsRedisExporter() {
        assertSameValues(replica);
    }

    @Test
    void aClusterNodeReportsTheSameValuesAsRedisExporter() {
        try (RedisServer node =
                RedisServer.builder().option("cluster-enabled", "yes").start()) {
            node.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            assertSameValues(node);
        }
    }

    @Test
    void promtoolFindsNothingWrongWithTheFamiliesThatAreOurOwn() throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Http.get(TestAgents.base(agent) + "/-/ready").statusCode() == 200);
        Set<String> theirs = Exposition.parse(exporterMetrics(primary)).types().keySet();
        String ours = Http.get(TestAgents.base(agent) + "/metrics").body();
        assertThat(ours).contains("redis_memory_stats_").contains("steward_poll_duration_seconds");
        List<String> problems = Promtool.checkMetrics(ours).stream()
                .filter(problem -> theirs.stream().noneMatch(name -> problem.startsWith(name + " ")))
                .filter(problem -> NEWER_EXPORTER_NAMES.stream().noneMatch(name -> problem.startsWith(name + " ")))
                .toList();
        assertThat(problems).isEmpty();
    }

    @Test
    void aPrimaryExposesEveryRedisExporterFamilyUnderTheSameNameTypeAndLabels() {
        assertCompatible(primary);
    }

    @Test
    void aClusterNodeExposesEveryRedisExporterFamilyIncludingClusterInfo() {
        try (RedisServer node =
                RedisServer.builder().option("cluster-enabled", "yes").start()) {
            node.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            assertCompatible(node);
            assertThat(agentMetrics(node))
                    .contains("redis_cluster_slots_assigned 16384.0")
                    .contains("redis_cluster_enabled 1.0");
        }
    }

    @Test
    void aReplicaExposesEveryRedisExporterFamilyUnderTheSameNameTypeAndLabels() {
        assertCompatible(replica);
    }

    /** The families redis_exporter exposes for a Sentinel, all gauges; the settings came in releases after 1.45. */
    private static final List<String> SENTINEL_FAMILIES = List.of(
            "redis_sentinel_masters",
            "redis_sentinel_tilt",
            "redis_sentinel_running_scripts",
            "redis_sentinel_scripts_queue_length",
            "redis_sentinel_simulate_failure_flags",
            "redis_sentinel_master_status",
            "redis_sentinel_master_slaves",
            "redis_sentinel_master_sentinels",
            "redis_sentinel_master_ok_sentinels",
            "redis_sentinel_master_ok_slaves",
            "redis_sentinel_master_ckquorum_status");

    @Test
    void aSentinelExposesEveryRedisExporterFamilyIncludingTheSentinelOnesUnderTheSameNameTypeAndLabels() {
        RedisServer sentinel = sentinels.sentinels().get(0);
        Exposition theirs = Exposition.parse(exporterMetrics(sentinel));
        Exposition ours = Exposition.parse(agentMetrics(sentinel));
        assertThat(theirs.types().keySet()).containsAll(SENTINEL_FAMILIES);
        assertCompatible(theirs, ours, "redis_");
        assertThat(ours.types())
                .containsEntry("redis_sentinel_master_setting_ckquorum", "gauge")
                .containsEntry("redis_sentinel_master_setting_failover_timeout", "gauge")
                .containsEntry("redis_sentinel_master_setting_parallel_syncs", "gauge")
                .containsEntry("redis_sentinel_master_setting_down_after_milliseconds", "gauge")
                .containsEntry("redis_sentinel_master_config_epoch", "gauge")
                .containsEntry("redis_sentinel_master_last_ok_ping_reply_seconds", "gauge")
                .containsEntry("redis_sentinel_peer_info", "gauge")
                .containsEntry("redis_sentinel_config_key_value", "gauge");
        assertThat(ours.labelNames().get("redis_sentinel_peer_info"))
                .containsExactlyInAnyOrder("master_name", "master_address", "name", "ip", "port", "runid", "flags");
        assertThat(ours.labelNames().get("redis_sentinel_config_key_value")).containsExactlyInAnyOrder("key", "value");
        assertThat(ours.values().keySet())
                .extracting(Exposition.Sample::labels)
                .noneMatch(labels -> labels.containsValue("sentinel-pass"));
    }

    @Test
    void promtoolFindsNothingWrongWithTheSentinelFamiliesThatAreOurOwn() throws Exception {
        String ours = agentMetrics(sentinels.sentinels().get(0));
        assertThat(ours)
                .contains("redis_sentinel_master_slave_link_up")
                .contains("redis_sentinel_master_failover_in_progress");
        List<String> problems = Promtool.checkMetrics(ours).stream()
                .filter(problem -> problem.startsWith("redis_sentinel_master_slave_")
                        || problem.startsWith("redis_sentinel_master_failover_in_progress"))
                .toList();
        assertThat(problems).isEmpty();
    }

    @Test
    void aSentinelReportsTheSameValuesAsRedisExporter() {
        assertSameValues(sentinels.sentinels().get(0), SENTINEL_FAMILIES);
    }
}
