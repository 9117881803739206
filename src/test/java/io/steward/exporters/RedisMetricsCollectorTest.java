package io.steward.exporters;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.steward.collector.InfoParser;
import io.steward.collector.LatencyEvent;
import io.steward.collector.MemoryStatsParser;
import io.steward.collector.PollFailure;
import io.steward.collector.PollResult;
import io.steward.collector.Reading;
import io.steward.collector.ServerConfig;
import io.steward.collector.SlowlogSummary;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import io.steward.testing.Captures;
import io.steward.testing.RespReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics a real capture turns into, as Prometheus would read them. */
class RedisMetricsCollectorTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private final Target target =
            new Target("cache-1", RedisURI.create("redis://127.0.0.1:16379"), Duration.ofSeconds(15));

    private Snapshot snapshot(String info) {
        return Snapshot.builder(target, NOW, InfoParser.parse(Captures.text(info)))
                .pollDuration(Duration.ofMillis(3))
                .memoryStats(Reading.of(
                        MemoryStatsParser.parse(RespReader.read(Captures.text("redis-7.0/memory-stats-primary.resp")))))
                .latencyEvents(
                        Reading.of(List.of(new LatencyEvent("command", Instant.ofEpochSecond(1795292278), 24, 84))))
                .slowlog(Reading.of(new SlowlogSummary(10, 9, 24266)))
                .config(Reading.of(new ServerConfig(Map.of(
                        "maxclients",
                        "10000",
                        "maxmemory",
                        "0",
                        "io-threads",
                        "1",
                        "databases",
                        "16",
                        "client-output-buffer-limit",
                        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"))))
                .build();
    }

    private static String render(RedisMetricsCollector collector) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, collector.collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    private String primaryMetrics() throws IOException {
        return render(new RedisMetricsCollector(
                () -> List.of(new PollResult.Polled(snapshot("redis-7.0/info-all-primary.txt"))), List::of, true));
    }

    @Test
    void exposesMemoryUnderRedisExporterNames() throws IOException {
        assertThat(primaryMetrics())
                .contains("# TYPE redis_memory_used_bytes gauge\n")
                .contains("redis_memory_used_bytes{target=\"cache-1\"} 5.217596E7\n")
                .contains("redis_mem_fragmentation_ratio{target=\"cache-1\"} 1.15\n")
                .contains("redis_allocator_frag_bytes{target=\"cache-1\"} 705104.0\n");
    }

    @Test
    void convertsForkTimeToSecondsAndAddsForkCounters() throws IOException {
        assertThat(primaryMetrics())
                .contains("redis_latest_fork_seconds{target=\"cache-1\"} 0.005673\n")
                .contains("# TYPE redis_forks_total counter\n")
                .contains("redis_forks_total{target=\"cache-1\"} 5.0\n");
    }

    @Test
    void exposesCumulativeCountsAsCountersWithTotalSuffix() throws IOException {
        assertThat(primaryMetrics())
                .contains("# TYPE redis_keyspace_hits_total counter\n")
                .contains("redis_keyspace_hits_total{target=\"cache-1\"} 19605.0\n")
                .contains("# TYPE redis_aof_rewrites_total counter\n");
    }

    @Test
    void keepsRedisExporterQuirksSoDashboardsMatch() throws IOException {
        assertThat(primaryMetrics())
                .contains("# TYPE redis_rdb_saves_total gauge\n")
                .contains("# TYPE redis_total_error_replies gauge\n")
                .contains("redis_rdb_last_bgsave_duration_sec{target=\"cache-1\"} 0.0\n");
    }

    @Test
    void listsEveryDatabaseUpToTheConfiguredCountWithZerosForEmptyOnes() throws IOException {
        String metrics = primaryMetrics();
        assertThat(metrics)
                .contains("redis_db_keys{db=\"db0\",target=\"cache-1\"} 280998.0\n")
                .contains("redis_db_keys{db=\"db15\",target=\"cache-1\"} 0.0\n")
                .contains("redis_db_avg_ttl_seconds{db=\"db0\",target=\"cache-1\"} 3518.54\n")
                .doesNotContain("db=\"db16\"");
    }

    @Test
    void exposesCommandStatsErrorsAndPercentiles() throws IOException {
        assertThat(primaryMetrics())
                .contains("redis_commands_total{cmd=\"config|get\",target=\"cache-1\"} 903.0\n")
                .contains("redis_commands_duration_seconds_total{cmd=\"config|get\",target=\"cache-1\"} 0.167118\n")
                .contains("redis_errors_total{err=\"WRONGTYPE\",target=\"cache-1\"} 1.0\n")
                .contains("redis_latency_percentiles_usec{cmd=\"get\",target=\"cache-1\",quantile=\"0.99\"} 2.007\n")
                .contains("redis_latency_percentiles_usec_count{cmd=\"get\",target=\"cache-1\"} 50000\n");
    }

    @Test
    void exposesReplicasAsThePrimarySeesThem() throws IOException {
        assertThat(primaryMetrics())
                .contains(
                        "redis_connected_slave_offset_bytes{slave_ip=\"127.0.0.1\",slave_port=\"16380\",slave_state=\"online\",target=\"cache-1\"} 1.3075818E7\n");
    }

    @Test
    void exposesThePrimaryAsTheReplicaSeesIt() throws IOException {
        String metrics = render(new RedisMetricsCollector(
                () -> List.of(new PollResult.Polled(snapshot("redis-7.0/info-all-replica.txt"))), List::of, false));
        assertThat(metrics)
                .contains("redis_master_link_up{master_host=\"127.0.0.1\",master_port=\"16379\"} 1.0\n")
                .contains("redis_slave_info{master_host=\"127.0.0.1\",master_port=\"16379\",read_only=\"1\"} 1\n")
                .contains("role=\"slave\"");
    }

    @Test
    void exposesAllOfMemoryStatsInBaseUnits() throws IOException {
        assertThat(primaryMetrics())
                .contains("redis_memory_stats_peak_allocated_bytes{target=\"cache-1\"} 5.3954264E7\n")
                .contains("redis_memory_stats_keys{target=\"cache-1\"} 285998.0\n")
                .contains("redis_memory_stats_fragmentation_ratio{target=\"cache-1\"} 1.14979")
                .contains("redis_memory_stats_dataset_ratio{target=\"cache-1\"} 0.67201")
                .contains(
                        "redis_memory_stats_db_overhead_hashtable_main_bytes{db=\"db0\",target=\"cache-1\"} 1.5434224E7\n");
    }

    @Test
    void exposesSlowlogLatencySpikesAndConfig() throws IOException {
        assertThat(primaryMetrics())
                .contains("redis_slowlog_length{target=\"cache-1\"} 10.0\n")
                .contains("redis_last_slow_execution_duration_seconds{target=\"cache-1\"} 0.024266\n")
                .contains("redis_latency_spike_duration_seconds{event_name=\"command\",target=\"cache-1\"} 0.024\n")
                .contains("redis_config_maxclients{target=\"cache-1\"} 10000.0\n")
                .contains(
                        "redis_config_client_output_buffer_limit_bytes{class=\"replica\",limit=\"hard\",target=\"cache-1\"} 2.68435456E8\n");
    }

    @Test
    void computesStartTimeFromUptime() throws IOException {
        assertThat(primaryMetrics())
                .contains("redis_start_time_seconds{target=\"cache-1\"} " + (double) (NOW.getEpochSecond() - 90));
    }

    @Test
    void aFailedPollLeavesOnlyRedisUpZero() throws IOException {
        String metrics = render(new RedisMetricsCollector(
                () -> List.of(new PollResult.Failed(target, NOW, PollFailure.CONNECT, "cannot connect")),
                List::of,
                true));
        assertThat(metrics).contains("redis_up{target=\"cache-1\"} 0.0\n");
        assertThat(metrics.lines().filter(line -> !line.startsWith("#"))).hasSize(1);
    }
}
