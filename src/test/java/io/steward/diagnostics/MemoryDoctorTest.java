package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.assertNoFinding;
import static io.steward.diagnostics.DoctorRuns.finding;
import static io.steward.diagnostics.DoctorRuns.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisCommandExecutionException;
import io.steward.collector.InfoParser;
import io.steward.collector.RedisInfo;
import io.steward.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Memory rules against real servers driven to their limits, into eviction and into fragmentation. */
class MemoryDoctorTest {

    private final DoctorRuns doctor = new DoctorRuns();

    @AfterEach
    void close() {
        doctor.close();
    }

    @Test
    void warnsWhenMemoryNearsMaxmemoryAndThePolicyCannotEvict() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("maxmemory", "10mb").start()) {
            fillTo(server, 0.8);

            Finding finding = finding(doctor.examine(server), "memory-near-maxmemory");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.title())
                    .startsWith("Memory is at 8")
                    .endsWith("the policy noeviction makes room for nothing");
            assertThat(finding.remedy()).contains("CONFIG SET maxmemory", "allkeys-lru");
            assertThat(finding.evidence()).anySatisfy(line -> assertThat(line).startsWith("MEMORY STATS: the data is"));
        }
    }

    @Test
    void isCriticalAbove90PercentWhenOnlyKeysWithATtlCanBeEvicted() throws Exception {
        try (RedisServer server = RedisServer.builder()
                .option("maxmemory", "10mb")
                .option("maxmemory-policy", "volatile-lru")
                .start()) {
            fillTo(server, 0.95);

            Finding finding = finding(doctor.examine(server), "memory-near-maxmemory");
            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(finding.title()).endsWith("volatile-lru can evict only keys with a TTL");
        }
    }

    @Test
    void reportsWritesFailingWhenNoevictionHitsTheLimit() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("maxmemory", "4mb").start()) {
            fillTo(server, 1.05);

            Report report = doctor.examine(server, sample -> {
                for (int i = 0; i < 3; i++) {
                    assertThatThrownBy(() -> server.commands().set("more", "x"))
                            .isInstanceOf(RedisCommandExecutionException.class)
                            .hasMessageStartingWith("OOM");
                }
            });
            Finding finding = finding(report, "memory-noeviction-at-limit");
            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(text(finding)).contains("errorstat_OOM grew by 3");
            assertNoFinding(report, "memory-near-maxmemory");
        }
    }

    @Test
    void notesAMissingLimitAndWarnsWhenTheServerIsACache() throws Exception {
        try (RedisServer plain = RedisServer.start();
                RedisServer cache = RedisServer.builder()
                        .option("maxmemory-policy", "allkeys-lru")
                        .start()) {
            assertThat(finding(doctor.examine(plain), "memory-maxmemory-unset").severity())
                    .isEqualTo(Severity.INFO);

            Finding finding = finding(doctor.examine(cache), "memory-maxmemory-unset");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains("this looks like a cache", "CONFIG SET maxmemory-policy allkeys-lru")
                    .containsPattern("CONFIG SET maxmemory \\d+(gb|mb)");
        }
    }

    @Test
    void advisesAReplicaWithoutALimitToTakeItsPrimarysRatherThanOneFromTheHost() throws Exception {
        try (RedisServer primary =
                        RedisServer.builder().option("maxmemory", "100mb").start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
            replica.awaitReplicationLink();

            Finding finding = finding(doctor.examine(replica), "memory-maxmemory-unset");
            assertThat(finding.remedy())
                    .startsWith("Give it its primary's limit (CONFIG GET maxmemory on " + primary.address() + ")")
                    .contains("CONFIG SET maxmemory <the primary's>, at most ");
        }
    }

    @Test
    void warnsThatAVolatilePolicyEvictsNothingWithoutTtls() throws Exception {
        try (RedisServer server = RedisServer.builder()
                .option("maxmemory", "100mb")
                .option("maxmemory-policy", "volatile-lru")
                .start()) {
            server.commands().set("user:1", "ada");

            Finding finding = finding(doctor.examine(server), "memory-volatile-policy-without-ttl");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding)).contains("keyspace: 1 key, 0 with a TTL");

            server.commands().expire("user:1", 3600);
            assertNoFinding(doctor.examine(server), "memory-volatile-policy-without-ttl");
        }
    }

    @Test
    void notesEvictionsOfACacheDuringTheSample() throws Exception {
        try (RedisServer server = RedisServer.builder()
                .option("maxmemory", "3mb")
                .option("maxmemory-policy", "allkeys-lru")
                .start()) {
            String value = "v".repeat(50_000);

            Report report = doctor.examine(server, sample -> {
                for (int i = 0; i < 200; i++) {
                    server.commands().set("page:" + i, value);
                }
            });
            Finding finding = finding(report, "memory-evictions");
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.title()).startsWith("Redis is evicting keys");
            assertThat(text(finding)).contains("maxmemory-policy allkeys-lru");
        }
    }

    @Test
    void warnsAboutThousandsOfCachedScripts() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            for (int i = 0; i <= 1000; i++) {
                server.commands().scriptLoad("return " + i);
            }

            Finding finding = finding(doctor.examine(server), "memory-lua-scripts");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.title()).startsWith("1001 Lua scripts are cached");
            assertThat(finding.remedy()).contains("EVALSHA", "SCRIPT FLUSH");
        }
    }

    @Test
    void warnsAboutFragmentationThatNoPeakExplains() throws Exception {
        try (RedisServer server = RedisServer.builder().enableDebugCommand().start()) {
            populateAndDeleteMostKeys(server);
            // New data in a bigger size class cannot reuse the holes: fragmentation stays, the peak is matched.
            server.call("DEBUG", "POPULATE", "30000", "big", "1000");
            awaitFragmentationAbove(server, 1.4);

            Report report = doctor.examine(server);
            Finding fragmentation = finding(report, "memory-fragmentation");
            assertThat(fragmentation.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(fragmentation))
                    .contains(
                            "allocator jemalloc",
                            "CONFIG SET activedefrag yes",
                            "MEMORY DOCTOR agrees: \"High total RSS\"");
            Finding allocator = finding(report, "memory-allocator-fragmentation");
            assertThat(allocator.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(allocator)).contains("allocator_frag_ratio", "MEMORY DOCTOR agrees");
            assertThat(allocator.title())
                    .matches(
                            "The allocator holds \\d+\\.\\d\\dx the memory the data needs \\(\\d+\\.\\d MiB more\\): .*");
        }
    }

    @Test
    void explainsFragmentationLeftByAPeakAsHarmless() throws Exception {
        try (RedisServer server = RedisServer.builder().enableDebugCommand().start()) {
            populateAndDeleteMostKeys(server);
            awaitFragmentationAbove(server, 1.4);

            Report report = doctor.examine(server);
            Finding peak = finding(report, "memory-peak");
            assertThat(peak.severity()).isEqualTo(Severity.INFO);
            assertThat(peak.remedy()).contains("MEMORY PURGE");
            Finding fragmentation = finding(report, "memory-fragmentation");
            assertThat(fragmentation.severity()).isEqualTo(Severity.INFO);
            assertThat(fragmentation.title()).endsWith("left over from a peak");
        }
    }

    /**
     * Writes 100 KB values until used_memory reaches the fraction of maxmemory, or writes are refused. One big value
     * would not do: Redis counts the command's own query buffer against maxmemory.
     */
    private static void fillTo(RedisServer server, double fraction) {
        String chunk = "b".repeat(100_000);
        for (int i = 0; usedFraction(server) < fraction; i++) {
            try {
                server.commands().set("ballast:" + i, chunk);
            } catch (RedisCommandExecutionException refused) {
                return;
            }
        }
    }

    private static double usedFraction(RedisServer server) {
        RedisInfo memory = InfoParser.parse(server.commands().info("memory"));
        return memory.number("used_memory").getAsDouble()
                / memory.number("maxmemory").getAsDouble();
    }

    private static void populateAndDeleteMostKeys(RedisServer server) {
        server.call("DEBUG", "POPULATE", "300000", "key", "100");
        server.call("EVAL", "for i = 0, 299999 do if i % 10 ~= 0 then redis.call('DEL', 'key:' .. i) end end", "0");
    }

    /** Redis refreshes its fragmentation figures in the background, a few times a second. */
    private static void awaitFragmentationAbove(RedisServer server, double ratio) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> InfoParser.parse(server.commands().info("memory"))
                                .number("mem_fragmentation_ratio")
                                .orElse(0)
                        > ratio);
    }
}
