package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Captures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfoParserTest {

    private final RedisInfo primary = InfoParser.parse(Captures.text("redis-7.0/info-all-primary.txt"));
    private final RedisInfo replica = InfoParser.parse(Captures.text("redis-7.0/info-all-replica.txt"));

    @Test
    void keepsEverySectionAndEveryFieldOfARealCapture() {
        assertThat(primary.sections().keySet())
                .containsExactly(
                        "server",
                        "clients",
                        "memory",
                        "persistence",
                        "stats",
                        "replication",
                        "cpu",
                        "modules",
                        "commandstats",
                        "errorstats",
                        "latencystats",
                        "cluster",
                        "keyspace");
        long fieldLines = Captures.text("redis-7.0/info-all-primary.txt")
                .lines()
                .filter(line -> !line.startsWith("#") && line.contains(":"))
                .count();
        assertThat(primary.sections().values().stream().mapToInt(Map::size).sum())
                .isEqualTo((int) fieldLines);
    }

    @Test
    void readsNumbersFromTextWithCarriageReturns() {
        assertThat(primary.number("used_memory")).hasValue(52175960);
        assertThat(primary.number("mem_fragmentation_ratio")).hasValue(1.15);
        assertThat(primary.number("used_cpu_sys")).hasValue(2.638);
        assertThat(primary.get("used_memory_human")).hasValue("49.76M");
    }

    @Test
    void keepsValuesThatContainColons() {
        assertThat(primary.get("executable")).hasValue("/usr/bin/redis-server");
        assertThat(primary.get("os")).hasValue("Linux 6.18.44-fc-v669 x86_64");
    }

    @Test
    void mapsStatusWordsToOneAndZero() {
        assertThat(primary.number("rdb_last_bgsave_status")).hasValue(1);
        assertThat(replica.number("master_link_status")).hasValue(1);
        assertThat(Numbers.number("err")).hasValue(0);
        assertThat(Numbers.number("down")).hasValue(0);
    }

    @Test
    void dropsThePercentSignButKeepsThePercentValue() {
        assertThat(primary.number("used_memory_peak_perc")).hasValue(96.70);
    }

    @Test
    void leavesIdentifiersAsTextNotNumbers() {
        assertThat(primary.number("run_id")).isEmpty();
        assertThat(primary.number("maxmemory_policy")).isEmpty();
        assertThat(Numbers.number("NaN")).isEmpty();
        assertThat(Numbers.number("Infinity")).isEmpty();
    }

    @Test
    void splitsNestedKeyspaceReplicaAndCommandFields() {
        assertThat(InfoParser.nested(primary.get("db0").orElseThrow()))
                .containsEntry("keys", "280998")
                .containsEntry("expires", "2000")
                .containsEntry("avg_ttl", "3518540");
        assertThat(InfoParser.nested(primary.get("slave0").orElseThrow()))
                .containsEntry("ip", "127.0.0.1")
                .containsEntry("state", "online")
                .containsEntry("offset", "13075818");
        assertThat(primary.section("commandstats")).containsKey("cmdstat_config|get");
        assertThat(InfoParser.nested(primary.get("latency_percentiles_usec_get").orElseThrow()))
                .containsEntry("p50", "1.003")
                .containsEntry("p99.9", "4.015");
        assertThat(InfoParser.nested(primary.get("errorstat_WRONGTYPE").orElseThrow()))
                .containsEntry("count", "1");
    }

    @Test
    void readsRoleAndVersion() {
        assertThat(Replication.from(primary).role()).isEqualTo(Role.PRIMARY);
        assertThat(Replication.from(replica).role()).isEqualTo(Role.REPLICA);
        assertThat(primary.version()).isEqualTo("7.0.15");
    }

    @Test
    void readsAClusterNodeCapture() {
        RedisInfo cluster = InfoParser.parse(Captures.text("redis-7.0/info-everything-cluster.txt"));
        assertThat(cluster.get("redis_mode")).hasValue("cluster");
        assertThat(cluster.number("cluster_enabled")).hasValue(1);
    }

    @Test
    void keepsFieldsItHasNeverSeenAndValkeyVersions() {
        RedisInfo info = InfoParser.parse("# Server\r\nvalkey_version:8.1.0\r\nserver_name:valkey\r\n"
                + "# Newsection\r\nbrand_new_counter:42\r\nbrand_new_nested:a=1,b=x\r\n");
        assertThat(info.version()).isEqualTo("8.1.0");
        assertThat(info.section("newsection")).containsEntry("brand_new_counter", "42");
        assertThat(info.number("brand_new_counter")).hasValue(42);
        assertThat(InfoParser.nested(info.get("brand_new_nested").orElseThrow()))
                .containsEntry("b", "x");
    }

    @Test
    void skipsLinesThatAreNotFieldsInsteadOfFailing() {
        RedisInfo info = InfoParser.parse("garbage without colon\n:leading colon\n# Server\nredis_version:7.2.4\n\n");
        assertThat(info.version()).isEqualTo("7.2.4");
        assertThat(info.sections()).containsOnlyKeys("server");
    }

    @Test
    void keepsEveryModuleLineOfTheModulesSection() {
        RedisInfo info = InfoParser.parse("# Modules\nmodule:name=search,ver=20809\nmodule:name=ReJSON,ver=20607\n");
        assertThat(info.section("modules")).hasSize(2);
    }

    @Test
    void repliesOfOneServerHoldTheirFieldNamesOnceAndKeepTheirOwnValues() {
        InfoParser parser = new InfoParser();
        RedisInfo first = parser.read("# Server\r\nredis_version:7.0.15\r\n# Stats\r\ntotal_commands_processed:10\r\n");
        RedisInfo second =
                parser.read("# Server\r\nredis_version:7.0.15\r\n# Stats\r\ntotal_commands_processed:12\r\n");
        RedisInfo grown = parser.read(
                "# Server\r\nredis_version:7.0.15\r\n# Stats\r\ntotal_commands_processed:15\r\nexpired_keys:1\r\n");

        assertThat(first.number("total_commands_processed")).hasValue(10);
        assertThat(second.number("total_commands_processed")).hasValue(12);
        assertThat(grown.number("expired_keys")).hasValue(1);
        assertThat(nameOf(second, "stats")).isSameAs(nameOf(first, "stats"));
        assertThat(nameOf(grown, "stats")).isSameAs(nameOf(first, "stats"));
        assertThat(second.section("stats")).isEqualTo(Map.of("total_commands_processed", "12"));
    }

    @Test
    void aFieldRepeatedInALaterSectionIsFoundThereAndFirstByName() {
        RedisInfo info = InfoParser.parse("# One\r\nx:1\r\n# Two\r\ny:2\r\nx:3\r\n");

        assertThat(info.text("x", "")).isEqualTo("1");
        assertThat(info.section("two")).containsEntry("x", "3").containsEntry("y", "2");
        assertThat(info.section("one")).doesNotContainKey("y");
    }

    private static String nameOf(RedisInfo info, String section) {
        return info.section(section).keySet().iterator().next();
    }
}
