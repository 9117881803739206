package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.FreePort;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward doctor} on more than one server: a replica given alone is compared with its primary, a cluster is
 * examined whole from one seed, and groups it cannot read fail with the exit code the contract gives.
 */
class GroupDoctorCommandTest {

    @TempDir
    Path dir;

    private static JsonNode json(Cli.Run run) throws Exception {
        return new ObjectMapper().readTree(run.out());
    }

    private static List<String> ids(JsonNode findings) {
        List<String> ids = new ArrayList<>();
        findings.forEach(f -> ids.add(f.get("id").asText()));
        return ids;
    }

    private static JsonNode finding(JsonNode report, String id) {
        for (JsonNode f : report.get("findings")) {
            if (f.get("id").asText().equals(id)) {
                return f;
            }
        }
        throw new AssertionError("no finding " + id + " in " + report.toPrettyString());
    }

    @Test
    void comparesAReplicaGivenAloneWithThePrimaryItFollows() throws Exception {
        try (RedisServer primary =
                        RedisServer.builder().option("maxmemory", "40mb").start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicationLink();
            // The primary counts the replica online from its first acknowledgement, a moment after the replica
            // says its link is up; until then it is rightly no failover candidate.
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> primary.commands().info("replication").contains("state=online"));

            Cli.Run run = Cli.run(Map.of(), "doctor", replica.uri(), "--sample-seconds", "0", "-o", "json");

            assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
            JsonNode report = json(run);
            assertThat(report.get("group").asText()).isEqualTo("replication");
            assertThat(report.get("target").asText()).isEqualTo(replica.address());
            assertThat(report.get("composition").asText()).isEqualTo("1 primary, 1 replica");
            assertThat(finding(report, "drift-maxmemory").get("remedy").asText())
                    .startsWith("on " + replica.address() + ": CONFIG SET maxmemory 40mb");
            assertThat(report.get("members")).hasSize(1);
            assertThat(report.get("members").get(0).get("role").asText()).isEqualTo("slave");
            assertThat(report.get("unread")).isEmpty();

            Cli.Run text = Cli.run(Map.of(), "doctor", replica.uri(), "--sample-seconds", "0");
            assertThat(text.out())
                    .contains("Primary and replicas: 1 primary, 1 replica, examined ")
                    .contains("drift-maxmemory");
        }
    }

    @Test
    void aPrimaryOnItsOwnIsReportedAsBefore() throws Exception {
        try (RedisServer primary = RedisServer.start()) {
            JsonNode report = json(Cli.run(Map.of(), "doctor", primary.uri(), "--sample-seconds", "0", "-o", "json"));

            assertThat(report.has("group")).isFalse();
            assertThat(report.get("role").asText()).isEqualTo("master");
        }
    }

    @Test
    void saysSoWhenTheReplicasPrimaryCannotBeReadAndStillReportsTheReplica() throws Exception {
        int nowhere = FreePort.find();
        try (RedisServer replica = RedisServer.builder()
                .host("127.0.0.2")
                .option("replicaof", "127.0.0.1 " + nowhere)
                .start()) {
            Cli.Run run = Cli.run(Map.of(), "doctor", replica.uri(), "--sample-seconds", "0", "-o", "json");

            assertThat(run.exitCode())
                    .as("the replica's own link-down finding is critical; the primary not read is no failure")
                    .isEqualTo(1);
            JsonNode report = json(run);
            assertThat(finding(report, "group-member-unreadable").get("title").asText())
                    .isEqualTo("The primary this replica follows (127.0.0.1:" + nowhere
                            + ") could not be read: the replica is not compared with it");
            assertThat(report.get("unread").get(0).get("message").asText())
                    .startsWith("cannot connect to 127.0.0.1:" + nowhere);
            assertThat(ids(report.get("members").get(0).get("findings"))).contains("replication-link-down");
        }
    }

    @Test
    void examinesEveryNodeOfAClusterFromOneSeedAndReportsASeedThatIsDown() throws Exception {
        try (RedisCluster cluster = RedisCluster.start()) {
            Cli.Run run =
                    Cli.run(Map.of(), "doctor", "--cluster", cluster.seedUri(), "--sample-seconds", "1", "-o", "json");

            assertThat(run.exitCode()).as(run.err() + run.out()).isIn(0, 1);
            JsonNode report = json(run);
            assertThat(report.get("group").asText()).isEqualTo("cluster");
            assertThat(report.get("composition").asText()).isEqualTo("3 primaries, 3 replicas");
            assertThat(report.get("members")).hasSize(6);
            assertThat(report.get("sampleSeconds").asDouble()).isGreaterThanOrEqualTo(1.0);

            int nowhere = FreePort.find();
            String seed = cluster.seedUri().substring("redis://".length());
            Cli.Run oneDown = Cli.run(
                    Map.of(),
                    "doctor",
                    "--cluster",
                    "redis://127.0.0.1:" + nowhere + "," + seed,
                    "--sample-seconds",
                    "0",
                    "-o",
                    "json");

            assertThat(oneDown.exitCode()).as(oneDown.err()).isIn(0, 1);
            JsonNode partial = json(oneDown);
            assertThat(partial.get("members")).hasSize(6);
            assertThat(partial.get("unread").get(0).get("node").asText()).isEqualTo("127.0.0.1:" + nowhere);
            assertThat(ids(partial.get("findings"))).contains("group-member-unreadable");

            Path config = Files.writeString(
                    dir.resolve("steward.yaml"),
                    "targets:\n  - name: shop\n    cluster: true\n" + "    seeds: [\"" + cluster.seedUri() + "\"]\n");
            JsonNode configured = json(
                    Cli.run(Map.of(), "doctor", "--config", config.toString(), "--sample-seconds", "0", "-o", "json"));
            assertThat(configured.get("target").asText()).isEqualTo("shop");
            assertThat(configured.get("members")).hasSize(6);
        }
    }

    @Test
    void aSeedNotInClusterModeIsAConfigurationError() {
        try (RedisServer alone = RedisServer.start()) {
            Cli.Run run = Cli.run(Map.of(), "doctor", "--cluster", alone.uri(), "--sample-seconds", "0");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err())
                    .contains(alone.address() + " is not in cluster mode (cluster_enabled:0)")
                    .contains("drop cluster: true (--cluster)");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void aClusterNoSeedOfWhichAnswersCannotBeRead() throws Exception {
        int nowhere = FreePort.find();
        Cli.Run run = Cli.run(
                Map.of(),
                "doctor",
                "--cluster",
                "redis://127.0.0.1:" + nowhere,
                "--sample-seconds",
                "0",
                "--timeout",
                "1s");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("no node of 127.0.0.1:" + nowhere + " answered");
    }

    @Test
    void examinesASentinelGroupWholeAndAHealthyOneGetsNoGroupWarning() throws Exception {
        try (SentinelGroup group = SentinelGroup.start()) {
            group.awaitSentinelsAgree();

            Cli.Run run = Cli.run(Map.of(), "doctor", group.sentinelUri(), "--sample-seconds", "1", "-o", "json");

            assertThat(run.exitCode()).as(run.err() + run.out()).isIn(0, 1);
            JsonNode report = json(run);
            assertThat(report.get("group").asText()).isEqualTo("sentinel");
            assertThat(report.get("composition").asText()).isEqualTo("1 primary, 2 replicas, 3 Sentinels");
            assertThat(report.get("members")).hasSize(3);
            assertThat(report.get("unread")).isEmpty();
            assertThat(finding(report, "failover-candidate").get("title").asText())
                    .startsWith("If the primary " + group.primaryAddress() + " failed now, ");
            report.get("findings")
                    .forEach(f -> assertThat(f.get("severity").asText())
                            .as(f.toPrettyString())
                            .isEqualTo("info"));
        }
    }

    @Test
    void aReplicaThatMadeItselfPrimaryInASentinelGroupIsSplitBrain() throws Exception {
        try (SentinelGroup group = SentinelGroup.start()) {
            group.awaitSentinelsAgree();
            RedisServer rogue = group.replicas().get(0);
            // The Sentinels turn it back into a replica some seconds later; the doctor looks before.
            rogue.call("REPLICAOF", "NO", "ONE");

            Cli.Run run = Cli.run(Map.of(), "doctor", group.sentinelUri(), "--sample-seconds", "0", "-o", "json");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            JsonNode primaries = finding(json(run), "group-primaries");
            assertThat(primaries.get("severity").asText()).isEqualTo("critical");
            assertThat(primaries.get("title").asText())
                    .isEqualTo("2 data nodes of the group are primaries: writes split between them and those on the"
                            + " losing side are lost");
            assertThat(primaries.get("evidence").toString()).contains(rogue.address() + " says role:master");
        }
    }

    @Test
    void aMasterNameNoSentinelKnowsIsAConfigurationError() {
        try (SentinelGroup group = SentinelGroup.start()) {
            String wrong = group.sentinelUri().replace("#" + group.masterName(), "#nosuchmaster");

            Cli.Run run = Cli.run(Map.of(), "doctor", wrong, "--sample-seconds", "0");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).contains("nosuchmaster").contains(group.masterName());
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void sentinelsThatAllAreDownCannotBeRead() {
        int nowhere = FreePort.find();
        Cli.Run run = Cli.run(
                Map.of(),
                "doctor",
                "redis-sentinel://127.0.0.1:" + nowhere + "#mymaster",
                "--sample-seconds",
                "0",
                "--timeout",
                "1s");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("no Sentinel of").contains("answered");
    }
}
