package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.steward.backup.BackupCatalog;
import io.steward.backup.DrillFailure;
import io.steward.backup.DrillMetrics;
import io.steward.backup.DrillResult;
import io.steward.backup.FileStore;
import io.steward.backup.Manifest;
import io.steward.backup.Progress;
import io.steward.backup.RestoreDrill;
import io.steward.collector.RedisConnector;
import io.steward.dashboards.Dashboards;
import io.steward.testing.AlertRules;
import io.steward.testing.PrometheusServer;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus scrapes a running agent that watches real servers. Every dashboard query must return data, in
 * the unit its panel shows; every alert expression must stay quiet on the healthy targets and return data once its
 * fault is made real on a server of its own.
 */
class DashboardsEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** When the class started, before any server: no age or uptime the servers report can be older. */
    private static final Instant STARTED = Instant.now();

    /** The queries of every dashboard but the groups', which has its own test: {@link GroupDashboardsEndToEndTest}. */
    private static final List<Dashboards.Query> SINGLE_SERVER_QUERIES =
            Dashboards.queries(file -> !file.equals(Dashboards.GROUPS));

    /** The targets no test puts at fault: a primary with steady traffic and its replica. */
    private static final String HEALTHY = "primary|replica";

    /**
     * Ratios that are factors (RSS over allocated, and the like), above 1 when there is fragmentation; every other
     * {@code _ratio} family is a share, within 0..1.
     */
    private static final Set<String> FACTOR_RATIOS = Set.of(
            "redis_mem_fragmentation_ratio",
            "redis_allocator_frag_ratio",
            "redis_allocator_rss_ratio",
            "redis_rss_overhead_ratio",
            "redis_memory_stats_fragmentation_ratio",
            "redis_memory_stats_allocator_fragmentation_ratio",
            "redis_memory_stats_allocator_rss_ratio",
            "redis_memory_stats_rss_overhead_ratio");

    /**
     * Redis updates its memory peak lazily, so the used share of the peak can pass 100 % by a hair
     * ({@code peak.percentage 100.0008}); a percentage exposed unconverted would be a hundred times off.
     */
    private static final double SHARE_SLACK = 0.01;

    /**
     * Alerts whose fault cannot be produced on a test server: their logic is proven by promtool's unit tests
     * (alerts_test.yml) and the series they read are checked here to exist.
     */
    private static final Map<String, String> NOT_INDUCIBLE = Map.of(
            "RedisSlowFork", "a fork of over 100 ms per GB needs a large RSS on a slow hypervisor",
            "RedisAofWriteFailed", "an AOF write error needs a full disk, which root in the sandbox cannot make");

    private static final List<RedisServer> servers = new ArrayList<>();
    private static RedisServer primary;
    private static RedisServer replica;
    private static RedisServer victimReplica;
    private static RedisServer victim;
    private static RedisServer fragmented;
    private static RedisServer full;
    private static RedisServer failingSave;
    private static RedisServer crowded;
    private static RedisServer resyncing;
    private static RedisServer resyncReplica;
    private static Agent agent;

    @org.junit.jupiter.api.io.TempDir
    static Path backups;

    private static PrometheusServer prometheus;
    private static DrillMetrics drills;
    private static final AtomicBoolean trafficOn = new AtomicBoolean(true);
    private static Thread traffic;

    private static RedisServer server(RedisServer.Builder builder) {
        RedisServer server = builder.start();
        servers.add(server);
        return server;
    }

    @BeforeAll
    static void start() throws IOException {
        primary = server(RedisServer.builder()
                .appendOnly(true)
                .save("3600 1")
                .enableDebugCommand()
                .option("maxmemory", "256mb")
                .option("latency-monitor-threshold", "1")
                .option("slowlog-log-slower-than", "0"));
        replica = server(RedisServer.builder().replicaOf(primary));
        victim = server(RedisServer.builder());
        victimReplica = server(RedisServer.builder().replicaOf(victim));
        fragmented = server(RedisServer.builder().enableDebugCommand());
        full = server(RedisServer.builder().enableDebugCommand());
        failingSave = server(RedisServer.builder().appendOnly(true).option("enable-protected-configs", "yes"));
        crowded = server(RedisServer.builder());
        resyncing = server(RedisServer.builder());
        resyncReplica = server(RedisServer.builder().replicaOf(resyncing));
        for (RedisServer r : List.of(replica, victimReplica, resyncReplica)) {
            r.awaitReplicationLink();
        }
        primary.call("DEBUG", "SLEEP", "0.01");
        try {
            primary.commands().lpush("greeting", "x");
            primary.commands().set("greeting", "hello");
            primary.commands().lpush("greeting", "x");
        } catch (RuntimeException wrongType) {
            // an error reply for errorstats
        }
        traffic = new Thread(DashboardsEndToEndTest::steadyTraffic, "traffic");
        traffic.setDaemon(true);
        traffic.start();

        // Every target but the replicas is backed up every 2 seconds into a directory; failing-save's backups fail.
        StringBuilder config =
                new StringBuilder("storage:\n  url: file://" + backups.toAbsolutePath() + "\ntargets:\n");
        Map<String, RedisServer> watched = new java.util.LinkedHashMap<>();
        watched.put("primary", primary);
        watched.put("replica", replica);
        watched.put("victim", victim);
        watched.put("victim-replica", victimReplica);
        watched.put("fragmented", fragmented);
        watched.put("full", full);
        watched.put("failing-save", failingSave);
        watched.put("crowded", crowded);
        watched.put("resyncing", resyncing);
        watched.put("resync-replica", resyncReplica);
        watched.forEach((name, server) -> {
            config.append("  - name: ")
                    .append(name)
                    .append("\n    uri: ")
                    .append(server.uri())
                    .append("\n    poll-interval: 300ms\n    timeout: 2s\n");
            if (name.equals("primary") || name.equals("failing-save")) {
                config.append("    backup:\n      schedule: \"*/2 * * * * ?\"\n");
            }
        });
        Path configFile = backups.resolve("steward.yaml");
        java.nio.file.Files.writeString(configFile, config);
        agent = TestAgents.fromConfig(configFile, Duration.ofSeconds(2));
        prometheus = PrometheusServer.start("127.0.0.1:" + agent.port(), Path.of("dashboards/prometheus/alerts.yml"));
        // Enough samples for a rate over 10 s.
        await().atMost(PATIENCE)
                .until(() -> !prometheus
                        .query("count_over_time(redis_up{target=\"primary\"}[20s]) >= 12")
                        .isEmpty());
        drillThePrimary();
    }

    /**
     * Restore drills as the agent's scheduler will run them (serve does not schedule them yet): on the agent's own
     * registry, the primary drilled every day and passing; "victim", which has no backup, drilled every 2 seconds.
     * The primary's traffic writes 100 keys over and over: a backup taken once they all exist holds what its manifest
     * says (one taken while they were being created may not, as INFO counts keys after the save).
     */
    private static void drillThePrimary() {
        drills = new DrillMetrics(agent.registry());
        drills.register("primary");
        drills.scheduled("primary", Duration.ofDays(1));
        drills.register("victim");
        drills.scheduled("victim", Duration.ofSeconds(2));
        Instant settled = Instant.now();
        try (FileStore store = new FileStore(backups)) {
            BackupCatalog catalog = new BackupCatalog(store);
            Manifest settledBackup = await().atMost(PATIENCE)
                    .until(
                            () -> catalog.list(Optional.of("primary")).stream()
                                    .filter(backup -> backup.started().isAfter(settled))
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            DrillResult drilled = drill(store, settledBackup.id());
            assertThat(drilled.passed()).as(drilled.message()).isTrue();
        }
    }

    /** Not the store's directory: the drill's scratch directories hold data of their own. */
    private static Path scratchRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static DrillResult drill(FileStore store, String id) {
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            return new RestoreDrill(store, connector::openScratchServer, drills, Clock.systemUTC(), scratchRoot())
                    .drillBackup(id, Optional.of(Path.of(BackupDrillTest.redisServerOnPath())), Progress.NONE);
        }
    }

    /** Reads and writes on the primary for the hit ratio and per-command panels; bounded, stops with the test. */
    private static void steadyTraffic() {
        try (RedisClient client = RedisClient.create(primary.uri());
                StatefulRedisConnection<String, String> c = client.connect()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            for (int i = 0; trafficOn.get() && System.nanoTime() < deadline; i++) {
                c.sync().set("key:" + (i % 100), "v" + i);
                c.sync().get("key:" + (i % 200));
                Thread.sleep(20);
            }
        } catch (InterruptedException | RuntimeException stopped) {
            // the servers are going away
        }
    }

    @AfterAll
    static void stop() {
        trafficOn.set(false);
        if (prometheus != null) {
            prometheus.close();
        }
        if (agent != null) {
            agent.close();
        }
        servers.forEach(RedisServer::close);
    }

    private static List<String> targetsOf(JsonNode result) {
        List<String> targets = new ArrayList<>();
        result.forEach(
                series -> targets.add(series.path("metric").path("target").asText()));
        return targets;
    }

    @Test
    void everyDashboardQueryReturnsData() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<String> empty = new ArrayList<>();
            for (Dashboards.Query query : SINGLE_SERVER_QUERIES) {
                if (prometheus.query(Dashboards.resolve(query.expr(), "10s")).isEmpty()) {
                    empty.add(query.toString());
                }
            }
            assertThat(empty).isEmpty();
        });
    }

    @Test
    void everyDashboardValueOnTheHealthyTargetsIsInTheUnitItsPanelShows() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            double secondsSinceStart = Duration.between(STARTED, Instant.now()).toMillis() / 1000.0;
            List<String> problems = new ArrayList<>();
            for (Dashboards.Query query : SINGLE_SERVER_QUERIES) {
                JsonNode result = prometheus.query(Dashboards.resolve(query.expr(), "10s", HEALTHY));
                if (result.isEmpty()) {
                    problems.add(query + ": no data on the healthy targets, so nothing to check");
                }
                double largest = Double.NEGATIVE_INFINITY;
                for (JsonNode series : result) {
                    double value = series.path("value").get(1).asDouble();
                    String problem = PanelValues.implausible(query, value, secondsSinceStart);
                    if (problem != null) {
                        problems.add(query + " -> " + series.path("metric") + " = " + value + ": " + problem);
                    }
                    largest = Math.max(largest, value);
                }
                String scale = PanelValues.implausibleScale(query, largest);
                if (!result.isEmpty() && scale != null) {
                    problems.add(query + " -> largest value " + largest + ": " + scale);
                }
            }
            assertThat(problems).isEmpty();
        });
    }

    @Test
    void everyShareRatioOfTheHealthyTargetsIsBetweenZeroAndOneAndEveryFactorPositive() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode ratios = prometheus.query("{__name__=~\"redis_.+_ratio\",target=~\"" + HEALTHY + "\"}");
            Set<String> names = new java.util.TreeSet<>();
            List<String> problems = new ArrayList<>();
            for (JsonNode series : ratios) {
                String name = series.path("metric").path("__name__").asText();
                double value = series.path("value").get(1).asDouble();
                names.add(name);
                boolean plausible = FACTOR_RATIOS.contains(name)
                        ? value > 0 && Double.isFinite(value)
                        : value >= 0 && value <= 1 + SHARE_SLACK;
                if (!plausible) {
                    problems.add(series.path("metric") + " = " + value);
                }
            }
            assertThat(names)
                    .contains("redis_memory_used_peak_ratio", "redis_memory_stats_dataset_ratio")
                    .contains("redis_mem_fragmentation_ratio");
            assertThat(problems).isEmpty();
        });
    }

    @Test
    void noAlertFiresOnTheHealthyPrimaryAndReplica() throws IOException {
        Map<String, String> alerts = alertExpressions();
        assertThat(alerts).isNotEmpty();
        Map<String, List<String>> firing = new java.util.TreeMap<>();
        alerts.forEach((alert, expr) -> {
            List<String> healthy = targetsOf(prometheus.query(expr)).stream()
                    .filter(target -> target.matches(HEALTHY))
                    .toList();
            if (!healthy.isEmpty()) {
                firing.put(alert, healthy);
            }
        });
        assertThat(firing).isEmpty();
    }

    @Test
    void theSeriesOfAlertsThatCannotBeInducedExist() throws IOException {
        Map<String, String> expressions = alertExpressions();
        assertThat(expressions.keySet()).containsAll(NOT_INDUCIBLE.keySet());
        assertThat(prometheus.query("redis_latest_fork_seconds{target=\"primary\"}"))
                .isNotEmpty();
        assertThat(prometheus.query("redis_memory_used_rss_bytes{target=\"primary\"}"))
                .isNotEmpty();
        assertThat(prometheus.query("redis_aof_last_write_status{target=\"primary\"}"))
                .isNotEmpty();
    }

    @Test
    void redisDownAndReplicationLinkDownFireWhenAPrimaryStops() throws IOException {
        Map<String, String> alerts = alertExpressions();
        victim.stop();
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(targetsOf(prometheus.query(alerts.get("RedisDown")))).contains("victim");
            assertThat(targetsOf(prometheus.query(alerts.get("RedisReplicationLinkDown"))))
                    .contains("victim-replica");
        });
    }

    @Test
    void memoryNearMaxmemoryFiresWhenTheLimitIsClose() throws IOException {
        Map<String, String> alerts = alertExpressions();
        full.call("DEBUG", "POPULATE", "20000");
        long used = Long.parseLong(full.commands()
                .info("memory")
                .lines()
                .filter(l -> l.startsWith("used_memory:"))
                .findFirst()
                .orElseThrow()
                .split(":")[1]
                .strip());
        full.commands().configSet("maxmemory", String.valueOf(used * 105 / 100));
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(targetsOf(prometheus.query(alerts.get("RedisMemoryNearMaxmemory"))))
                        .contains("full"));
    }

    @Test
    void highFragmentationFiresWhenMostKeysOfABigDatasetAreDeleted() throws IOException {
        Map<String, String> alerts = alertExpressions();
        fragmented.call("DEBUG", "POPULATE", "1500000", "key", "64");
        try (RedisClient client = RedisClient.create(fragmented.uri());
                StatefulRedisConnection<String, String> c = client.connect()) {
            c.setAutoFlushCommands(false);
            List<io.lettuce.core.RedisFuture<Long>> deletes = new ArrayList<>();
            for (int i = 0; i < 1_500_000; i++) {
                if (i % 10 != 0) {
                    deletes.add(c.async().del("key:" + i));
                }
                if (deletes.size() == 10_000) {
                    c.flushCommands();
                    io.lettuce.core.LettuceFutures.awaitAll(
                            Duration.ofSeconds(30), deletes.toArray(new io.lettuce.core.RedisFuture[0]));
                    deletes.clear();
                }
            }
            c.flushCommands();
            io.lettuce.core.LettuceFutures.awaitAll(
                    Duration.ofSeconds(30), deletes.toArray(new io.lettuce.core.RedisFuture[0]));
        }
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(targetsOf(prometheus.query(alerts.get("RedisHighFragmentation"))))
                        .contains("fragmented"));
    }

    @Test
    void bgsaveRewriteAndDoctorAlertsFireWhenTheServerCannotWriteItsFiles() throws IOException {
        Map<String, String> alerts = alertExpressions();
        // Not even root can create files in /proc: the next save and rewrite fail as they would on a broken disk.
        failingSave.commands().configSet("dir", "/proc");
        failingSave.commands().bgsave();
        await().atMost(PATIENCE)
                .until(() -> failingSave.commands().info("persistence").contains("rdb_last_bgsave_status:err"));
        try {
            failingSave.commands().bgrewriteaof();
        } catch (RuntimeException refused) {
            // Redis 7 opens the next AOF part before forking; that already fails here, as a failed rewrite.
        }
        await().atMost(PATIENCE)
                .until(() -> failingSave.commands().info("persistence").contains("aof_last_bgrewrite_status:err"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(targetsOf(prometheus.query(alerts.get("RedisBgsaveFailed"))))
                    .contains("failing-save");
            assertThat(targetsOf(prometheus.query(alerts.get("RedisAofRewriteFailed"))))
                    .contains("failing-save");
            // The agent's doctor sees it too, as a critical finding.
            assertThat(targetsOf(prometheus.query(alerts.get("StewardDoctorCritical"))))
                    .contains("failing-save");
        });
    }

    @Test
    void rejectedConnectionsFireWhenMaxclientsIsReached() throws IOException {
        Map<String, String> alerts = alertExpressions();
        crowded.commands().configSet("maxclients", "3");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Socket socket = new Socket("127.0.0.1", crowded.port());
                socket.getOutputStream().write("PING\r\n".getBytes());
                sockets.add(socket);
            }
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(targetsOf(prometheus.query(alerts.get("RedisRejectedConnections"))))
                            .contains("crowded"));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void fullResyncStormFiresWhenReplicasKeepNeedingFullSyncs() throws IOException {
        Map<String, String> alerts = alertExpressions();
        for (int i = 0; i < 4; i++) {
            long before = fullSyncs();
            // A replica promoted and re-attached has a history its primary does not know: only a full sync helps.
            resyncReplica.commands().replicaofNoOne();
            resyncReplica.commands().replicaof("127.0.0.1", resyncing.port());
            await().atMost(PATIENCE).until(() -> fullSyncs() > before);
            resyncReplica.awaitReplicationLink();
        }
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(targetsOf(prometheus.query(alerts.get("RedisFullResyncStorm"))))
                        .contains("resyncing"));
    }

    @Test
    void backupFailingFiresForATargetWhoseSavesFailAndMissingFollowsTheSchedule() throws IOException {
        Map<String, String> alerts = alertExpressions();
        failingSave.commands().configSet("dir", "/proc");
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(targetsOf(prometheus.query(alerts.get("StewardBackupFailing"))))
                    .contains("failing-save");
            // Backed up every 2 s, the primary is not missing; failing-save has no success at all, so it is.
            assertThat(targetsOf(prometheus.query(alerts.get("StewardBackupMissing"))))
                    .contains("failing-save")
                    .doesNotContain("primary");
        });
    }

    @Test
    void drillAlertsFireForATargetWithoutABackupToDrillAndNotForTheDrilledPrimary() throws IOException {
        Map<String, String> alerts = alertExpressions();
        try (FileStore store = new FileStore(backups);
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            DrillResult drilled = new RestoreDrill(
                            store, connector::openScratchServer, drills, Clock.systemUTC(), scratchRoot())
                    .drill("victim", Optional.of(Path.of(BackupDrillTest.redisServerOnPath())), Progress.NONE);
            assertThat(drilled.reason()).isEqualTo(DrillFailure.NO_BACKUP);
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(targetsOf(prometheus.query(alerts.get("StewardBackupDrillFailing"))))
                    .containsExactly("victim");
            assertThat(targetsOf(prometheus.query(alerts.get("StewardBackupDrillMissing"))))
                    .containsExactly("victim");
        });
    }

    private static long fullSyncs() {
        return resyncing
                .commands()
                .info("stats")
                .lines()
                .filter(l -> l.startsWith("sync_full:"))
                .mapToLong(l -> Long.parseLong(l.split(":")[1].strip()))
                .findFirst()
                .orElse(0);
    }

    private static Map<String, String> alertExpressions() {
        return AlertRules.expressions();
    }
}
