package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.collector.ServerConfig;
import io.steward.collector.ServerConfig.OutputBufferLimit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small judgements and formats behind the rules. */
class RuleHelpersTest {

    @Test
    void readsTheReplicaClassOfTheOutputBufferLimitAndRaisesItToTheBacklog() {
        OutputBufferLimit limit = config(
                        "client-output-buffer-limit",
                        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
                .outputBufferLimits()
                .get("replica");

        assertThat(limit).isEqualTo(new OutputBufferLimit(268_435_456, 67_108_864, 60));
        assertThat(SyncLoopRisk.atLeast(new OutputBufferLimit(65536, 0, 10), 1_048_576))
                .isEqualTo(new OutputBufferLimit(1_048_576, 0, 10));
        assertThat(config("client-output-buffer-limit", "normal 0 0 0").outputBufferLimits())
                .doesNotContainKey("replica");
    }

    @Test
    void tellsLoopbackBindsFromOpenOnes() {
        assertThat(SecurityRules.loopbackOnly("127.0.0.1 -::1")).isTrue();
        assertThat(SecurityRules.loopbackOnly("127.0.0.1 10.0.0.5")).isFalse();
        assertThat(SecurityRules.allInterfaces("* -::*")).isTrue();
        assertThat(SecurityRules.allInterfaces("0.0.0.0")).isTrue();
        assertThat(SecurityRules.allInterfaces("")).isTrue();
        assertThat(SecurityRules.allInterfaces("10.0.0.5")).isFalse();
    }

    @Test
    void writesSizesAsPeopleAndAsRedisConfigReadThem() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(43_300_000)).isEqualTo("41.3 MiB");
        assertThat(Units.configSize(60.2 * 1024 * 1024)).isEqualTo("61mb");
        assertThat(Units.configSize(2048.0 * 1024 * 1024)).isEqualTo("2gb");
        assertThat(Units.configSizeDown(17.9 * 1024 * 1024 * 1024)).isEqualTo("17gb");
        assertThat(Units.duration(0.84)).isEqualTo("0.8 s");
        assertThat(Units.duration(3 * 86400)).isEqualTo("3.0 days");
        assertThat(Units.count(1, "call")).isEqualTo("1 call");
        assertThat(Units.count(2, "call")).isEqualTo("2 calls");
        assertThat(Units.count(1, "entry")).isEqualTo("1 entry");
        assertThat(Units.count(3, "entry")).isEqualTo("3 entries");
        assertThat(Units.count(2, "reply")).isEqualTo("2 replies");
        assertThat(Units.count(2, "key")).isEqualTo("2 keys");
    }

    @Test
    void findsTheEarliestSavePointThatShouldHaveFired() {
        assertThat(PersistenceRules.missedSavePoint(savePoints("3600 1 300 100 60 10000"), 1000, 500))
                .hasValue("save point \"300 100\" asks for a snapshot after 5.0 min and 100 changes: none was taken");
        assertThat(PersistenceRules.missedSavePoint(savePoints("3600 1 300 100"), 100, 500))
                .isEmpty();
        assertThat(PersistenceRules.missedSavePoint(savePoints(""), 100_000, 500))
                .isEmpty();
    }

    private static ServerConfig config(String parameter, String value) {
        return new ServerConfig(Map.of(parameter, value));
    }

    private static List<ServerConfig.SavePoint> savePoints(String save) {
        return config("save", save).savePoints();
    }
}
