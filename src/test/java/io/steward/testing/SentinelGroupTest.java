package io.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Sentinel group fixture starts a group whose Sentinels know each other and the replicas, and fails over. */
class SentinelGroupTest {

    @Test
    void sentinelsOnThreeAddressesFindEachOtherAndTheReplicasAndFailOverWhenThePrimaryDiesOrOnDemand() {
        try (SentinelGroup group = SentinelGroup.start()) {
            assertThat(group.sentinelUri())
                    .matches(
                            "redis-sentinel://127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.2:\\d+,127\\.0\\.0\\.3:\\d+#mymaster");
            assertThat(group.primary().address()).startsWith("127.0.0.1:");
            assertThat(group.replicas()).extracting(RedisServer::host).containsExactly("127.0.0.2", "127.0.0.3");
            for (RedisServer sentinel : group.sentinels()) {
                List<String> peers = sentinel.call("SENTINEL", "SENTINELS", "mymaster").stream()
                        .map(String::valueOf)
                        .toList();
                List<String> others = group.sentinels().stream()
                        .filter(other -> other != sentinel)
                        .map(other -> "ip, " + other.host() + ", port, " + other.port())
                        .toList();
                assertThat(others).allSatisfy(other -> assertThat(peers).anyMatch(peer -> peer.contains(other)));
            }

            RedisServer killed = group.killPrimary();
            RedisServer promoted = group.awaitNewPrimary(killed.address());
            assertThat(promoted).isNotEqualTo(killed);
            assertThat(promoted.commands().info("replication")).contains("role:master");
            assertThat(group.replicas()).hasSize(1).doesNotContain(promoted);

            RedisServer next = group.failover();
            assertThat(next).isNotIn(killed, promoted);
            assertThat(group.replicas()).containsExactly(promoted);
        }
    }

    @Test
    void sentinelsWithPasswordsWatchDataNodesWithPasswords() {
        try (SentinelGroup group = SentinelGroup.builder()
                .sentinelPassword("sentinel-secret")
                .dataPassword("data-secret")
                .dataHosts("127.0.0.1", "127.0.0.2")
                .start()) {
            assertThat(group.sentinels().get(0).call("SENTINEL", "CKQUORUM", "mymaster"))
                    .singleElement()
                    .asString()
                    .startsWith("OK 3 usable Sentinels");
            assertThat(group.replicas()).hasSize(1);
        }
    }
}
