package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import org.junit.jupiter.api.Test;

/** The cluster settings the doctor judges are read with the one CONFIG GET, on any server of 7.0. */
class ClusterSettingsConfigTest {

    @Test
    void aServerNotInClusterModeAnswersTheClusterSettingsWithTheRest() {
        try (RedisServer server =
                RedisServer.builder().option("maxmemory", "64mb").start()) {
            ServerConfig config =
                    ClusterSnapshots.poll("cache", server).config().orElseThrow();

            assertThat(config.number("cluster-node-timeout")).hasValue(15000);
            assertThat(config.get("cluster-require-full-coverage")).hasValue("yes");
            assertThat(config.get("cluster-allow-reads-when-down")).hasValue("no");
            assertThat(config.number("maxmemory")).hasValue(64L * 1024 * 1024);
        }
    }

    @Test
    void aClusterNodeAnswersItsOwnClusterSettings() {
        try (RedisServer node = RedisServer.builder()
                .option("cluster-enabled", "yes")
                .option("cluster-node-timeout", "5000")
                .option("cluster-require-full-coverage", "no")
                .option("cluster-allow-reads-when-down", "yes")
                .start()) {
            ServerConfig config = ClusterSnapshots.poll("shop", node).config().orElseThrow();

            assertThat(config.number("cluster-node-timeout")).hasValue(5000);
            assertThat(config.isYes("cluster-require-full-coverage")).isFalse();
            assertThat(config.isYes("cluster-allow-reads-when-down")).isTrue();
        }
    }
}
