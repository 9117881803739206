package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.text;
import static io.steward.diagnostics.GroupRuns.assertNoFinding;
import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.Range;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Cluster rules on one real, healthy cluster of three primaries and three replicas on three hosts, put into each
 * state for a moment and brought back: slots uncovered, a slot left open, data piled on one shard, settings changed.
 */
class ClusterDoctorTest {

    private static final String MEGABYTE = "x".repeat(1024 * 1024);

    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        // Started with the fixture's short timeout, which joins the nodes fast; then Redis's default, as in production.
        cluster = RedisCluster.start();
        setEverywhere("cluster-node-timeout", "15000");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aHealthyClusterOnThreeHostsGetsNoWarning() {
        GroupReport report = ClusterRuns.examine(cluster);

        assertThat(report.skipped()).as(new TextReport(false).render(report)).isEmpty();
        assertThat(report.findings())
                .as(new TextReport(false).render(report))
                .allSatisfy(finding -> assertThat(finding.severity()).isEqualTo(Severity.INFO));
        assertNoFinding(report, "cluster-shard-one-host");
        assertNoFinding(report, "cluster-primaries-one-host");
        assertNoFinding(report, "cluster-shard-without-replica");
    }

    @Test
    void aPrimaryAndItsReplicaOutsideAClusterAreNeitherJudgedNorSkipped() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start();
                GroupRuns runs = new GroupRuns()) {
            replica.awaitReplicationLink();

            GroupReport report = ClusterRuns.DIAGNOSIS.examine(runs.observe(primary, replica), Instant.now());

            assertThat(report.findings()).isEmpty();
            assertThat(report.skipped()).isEmpty();
        }
    }

    @Test
    void slotsServedByNoPrimaryAreCriticalAndTakeTheClusterDown() {
        RedisServer owner = servingSlotZero();
        // The owner first, so that no node takes the slots back from its gossip.
        owner.commands().clusterDelSlotsRange(Range.create(0, 9));
        for (RedisServer node : cluster.nodes()) {
            if (!node.equals(owner)) {
                node.commands().clusterDelSlotsRange(Range.create(0, 9));
            }
        }
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                GroupReport report = ClusterRuns.examine(cluster);

                Finding uncovered = finding(report, "cluster-slots-uncovered");
                assertThat(uncovered.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(uncovered.title())
                        .isEqualTo("10 slots are served by no primary: their keys are unavailable");
                assertThat(uncovered.evidence()).contains("10 slots of 16384 served by no primary: 0-9");
                assertThat(uncovered.remedy())
                        .startsWith("redis-cli --cluster fix 127.0.0.")
                        .contains("CLUSTER ADDSLOTSRANGE 0 9");

                Finding down = finding(report, "cluster-state-fail");
                assertThat(down.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(down.title()).contains("cluster_state:fail, slots not covered");
                assertThat(text(down))
                        .contains("all 6 nodes read: cluster_state:fail, slots assigned 16374, ok 16374, pfail 0,"
                                + " fail 0 (of 16384)")
                        .contains("why: 10 slots served by no primary (0-9)");
            });
        } finally {
            owner.commands().clusterAddSlotsRange(Range.create(0, 9));
            // The other primaries are told too: gossip alone takes seconds at a 15 s node timeout.
            for (RedisServer primary : cluster.primaries()) {
                for (int slot = 0; slot <= 9 && !primary.equals(owner); slot++) {
                    primary.commands().clusterSetSlotNode(slot, cluster.nodeId(owner));
                }
            }
            cluster.awaitClusterOk();
        }
    }

    @Test
    void aSlotLeftMigratingIsAWarningWithTheCommandsThatCloseIt() {
        RedisServer from = cluster.ownerOf("cart:1");
        RedisServer to = cluster.primaries().stream()
                .filter(primary -> !primary.equals(from))
                .findFirst()
                .orElseThrow();
        int slot = Math.toIntExact(from.commands().clusterKeyslot("cart:1"));
        to.commands().clusterSetSlotImporting(slot, cluster.nodeId(from));
        from.commands().clusterSetSlotMigrating(slot, cluster.nodeId(to));
        try {
            Finding open = finding(ClusterRuns.examine(cluster), "cluster-open-slots");

            assertThat(open.severity()).isEqualTo(Severity.WARNING);
            assertThat(open.title()).startsWith("1 slot is left open (migrating or importing)");
            assertThat(open.evidence())
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("slot " + slot + ": ")
                            .contains(from.address() + " migrating it to " + to.address())
                            .contains(to.address() + " importing it from " + from.address()));
            assertThat(open.remedy())
                    .contains("redis-cli --cluster fix ")
                    .contains("on " + from.address() + ": CLUSTER SETSLOT " + slot + " STABLE")
                    .contains("on " + to.address() + ": CLUSTER SETSLOT " + slot + " STABLE");
        } finally {
            from.commands().clusterSetSlotStable(slot);
            to.commands().clusterSetSlotStable(slot);
        }
        assertNoFinding(ClusterRuns.examine(cluster), "cluster-open-slots");
    }

    @Test
    void dataPiledOnOneShardIsAWarningWithEachShardsNumbers() {
        RedisServer crowded = cluster.ownerOf("{orders}");
        try {
            for (int i = 0; i < 20; i++) {
                crowded.commands().set("{orders}blob:" + i, MEGABYTE);
            }

            Finding uneven = finding(ClusterRuns.examine(cluster), "cluster-uneven-shards");

            assertThat(uneven.severity()).isEqualTo(Severity.WARNING);
            assertThat(uneven.title()).contains(crowded.address() + " fills its memory first");
            assertThat(uneven.evidence())
                    .hasSize(4)
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("shard of primary " + crowded.address() + ": ")
                            .contains("20 keys, 2")
                            .contains("MiB of data"))
                    .anySatisfy(line -> assertThat(line).startsWith("data: 2").contains(" on " + crowded.address()));
            assertThat(uneven.remedy())
                    .startsWith("The slots are even (5461 to 5462 per shard), so the keys are not")
                    .contains("redis-cli -h " + crowded.host() + " -p " + crowded.port() + " --bigkeys");
        } finally {
            crowded.commands().flushall();
        }
    }

    @Test
    void keysSpreadEvenlyPassButKeysPiledOnOneShardAreANote() {
        try {
            for (RedisServer primary : cluster.primaries()) {
                primary.commands().mset(keys(tagServedBy(primary), "even", 1500));
            }
            assertNoFinding(ClusterRuns.examine(cluster), "cluster-uneven-shards");

            RedisServer crowded = cluster.primaries().get(0);
            crowded.commands().mset(keys(tagServedBy(crowded), "more", 3000));
            Finding uneven = finding(ClusterRuns.examine(cluster), "cluster-uneven-shards");

            assertThat(uneven.severity()).isEqualTo(Severity.INFO);
            assertThat(uneven.title()).isEqualTo("The keys are spread unevenly over the shards");
            assertThat(uneven.evidence())
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("keys: 4500 on " + crowded.address() + ", 1500 on ")
                            .endsWith("(3.00 times as much)"));
        } finally {
            cluster.primaries().forEach(primary -> primary.commands().flushall());
        }
    }

    @Test
    void fullCoverageIsANoteThatGoesWhenTheClusterServesWhatItCan() {
        Finding coverage = finding(ClusterRuns.examine(cluster), "cluster-require-full-coverage");
        assertThat(coverage.severity()).isEqualTo(Severity.INFO);
        assertThat(coverage.title())
                .isEqualTo("One lost shard stops the whole cluster (cluster-require-full-coverage yes)");
        assertThat(coverage.evidence())
                .containsExactly(
                        "cluster-require-full-coverage yes on all 6 nodes read: when a shard loses its primary and no"
                                + " replica takes over, these nodes refuse every key (CLUSTERDOWN), not only that"
                                + " shard's",
                        "cluster-allow-reads-when-down no on all 6 nodes read: reads stop too while the cluster is"
                                + " down");
        assertThat(coverage.remedy())
                .contains("CONFIG SET cluster-require-full-coverage no on every node")
                .contains("CONFIG SET cluster-allow-reads-when-down yes");

        setEverywhere("cluster-require-full-coverage", "no");
        try {
            assertNoFinding(ClusterRuns.examine(cluster), "cluster-require-full-coverage");
        } finally {
            setEverywhere("cluster-require-full-coverage", "yes");
        }
    }

    @Test
    void aNodeTimeoutOfOneSecondFailsNodesOverOnABlipAndTwoMinutesKeepsThemDown() {
        assertNoFinding(ClusterRuns.examine(cluster), "cluster-node-timeout");
        try {
            cluster.nodes().get(0).commands().configSet("cluster-node-timeout", "1000");
            Finding low = finding(ClusterRuns.examine(cluster), "cluster-node-timeout");
            assertThat(low.severity()).isEqualTo(Severity.WARNING);
            assertThat(low.title())
                    .isEqualTo("cluster-node-timeout 1000 ms is so low that a short pause fails a node over");
            assertThat(low.evidence())
                    .contains("cluster-node-timeout 1000 (ms) on "
                            + cluster.nodes().get(0).address())
                    .anySatisfy(line -> assertThat(line).startsWith("cluster-node-timeout 15000 (ms) on 127.0.0."));
            assertThat(low.remedy()).startsWith("CONFIG SET cluster-node-timeout 15000 on every node");

            setEverywhere("cluster-node-timeout", "120000");
            Finding high = finding(ClusterRuns.examine(cluster), "cluster-node-timeout");
            assertThat(high.severity()).isEqualTo(Severity.WARNING);
            assertThat(high.title())
                    .isEqualTo("cluster-node-timeout 120000 ms is so high that a dead primary's slots stay down for"
                            + " 2.0 min before its replica takes over");
        } finally {
            setEverywhere("cluster-node-timeout", "15000");
        }
    }

    private static void setEverywhere(String parameter, String value) {
        cluster.nodes().forEach(node -> node.commands().configSet(parameter, value));
    }

    /** A hash tag whose slot {@code primary} serves. */
    private static String tagServedBy(RedisServer primary) {
        for (int i = 0; ; i++) {
            if (cluster.ownerOf("{t" + i + "}").equals(primary)) {
                return "t" + i;
            }
        }
    }

    /** {@code count} keys all in the slot of {@code tag}. */
    private static Map<String, String> keys(String tag, String prefix, int count) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            keys.put("{" + tag + "}" + prefix + ":" + i, "v");
        }
        return keys;
    }

    /** The primary that serves slot 0, as it says itself. */
    private static RedisServer servingSlotZero() {
        return cluster.primaries().stream()
                .filter(primary -> primary.commands()
                        .clusterNodes()
                        .lines()
                        .anyMatch(line -> line.contains("myself") && line.matches(".* 0-[0-9]+( .*)?")))
                .findFirst()
                .orElseThrow();
    }
}
