package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.text;
import static io.steward.diagnostics.GroupRuns.assertNoFinding;
import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover readiness against real primaries and replicas: which replica would take over and what it would lose,
 * none that could, and writes that asynchronous replication can lose.
 */
class FailoverDoctorTest {

    private final GroupRuns runs = new GroupRuns();

    @AfterEach
    void close() {
        runs.close();
    }

    @Test
    void namesTheReplicaWithTheLowestPriorityAsTheOneThatWouldTakeOverAndWhatItWouldLose() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer usual = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start();
                RedisServer preferred = RedisServer.builder()
                        .host("127.0.0.3")
                        .replicaOf(primary)
                        .option("replica-priority", "10")
                        .start()) {
            usual.awaitReplicationLink();
            preferred.awaitReplicationLink();
            primary.commands().set("k", "v");

            Finding finding = finding(runs.examine(primary, usual, preferred), "failover-candidate");

            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.title())
                    .startsWith("If the primary " + primary.address() + " failed now, " + preferred.address()
                            + " would take over ");
            assertThat(text(finding))
                    .contains(preferred.address() + ": replica-priority 10, offset ")
                    .contains(usual.address() + ": replica-priority 100, offset ")
                    .containsPattern(
                            "writes lost: \\d+ B \\(the primary's offset minus " + preferred.address() + "'s\\)")
                    .contains("lowest non-zero replica-priority, then largest offset");
            assertThat(finding.evidence()
                            .indexOf(finding.evidence().stream()
                                    .filter(l -> l.startsWith(preferred.address()))
                                    .findFirst()
                                    .orElseThrow()))
                    .as("the preferred replica is ranked first")
                    .isLessThan(finding.evidence()
                            .indexOf(finding.evidence().stream()
                                    .filter(l -> l.startsWith(usual.address()))
                                    .findFirst()
                                    .orElseThrow()));
        }
    }

    @Test
    void isCriticalWhenEveryReplicaHasPriorityZero() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .option("replica-priority", "0")
                        .start()) {
            replica.awaitReplicationLink();

            GroupReport report = runs.examine(primary, replica);

            Finding finding = finding(report, "failover-no-candidate");
            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(finding.title())
                    .isEqualTo("If the primary " + primary.address() + " failed now, no replica could take over: the"
                            + " group would stop taking writes");
            assertThat(text(finding))
                    .contains(replica.address() + ": replica-priority 0, offset ")
                    .contains("cannot be promoted, replica-priority 0");
            assertNoFinding(report, "failover-candidate");
        }
    }

    @Test
    void isCriticalWhenTheOnlyReplicaIsDown() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicationLink();
            replica.stop();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> primary.commands().info("replication").contains("connected_slaves:0"));

            GroupReport report = runs.examine(primary, replica);

            assertThat(text(finding(report, "failover-no-candidate")))
                    .contains(replica.address() + ": replica-priority unknown (not read)")
                    .contains("cannot be promoted, not read (cannot connect to " + replica.address());
            assertThat(finding(report, "group-member-unreadable").title())
                    .isEqualTo("1 member of 2 could not be read: the group is judged without it");
        }
    }

    @Test
    void isCriticalWhenTheReplicasLinkIsDown() throws Exception {
        try (RedisServer primary = RedisServer.builder().password("s3cret").start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .password("s3cret")
                        .option("masterauth", "wrong")
                        .start();
                GroupRuns withPassword = new GroupRuns("s3cret")) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> replica.commands().info("replication").contains("master_link_status:down"));

            GroupReport report = GroupRuns.examine(withPassword.observe(primary, replica));

            assertThat(text(finding(report, "failover-no-candidate")))
                    .contains("cannot be promoted, its link to the primary is down (master_link_status down)");
            assertThat(new TextReport(false).render(report)).doesNotContain("s3cret");
        }
    }

    @Test
    void saysWritesCanBeLostWithAsynchronousReplicationAndHowToBoundTheLoss() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicationLink();

            Finding finding = finding(runs.examine(primary, replica), "failover-async-writes");

            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.evidence().get(0))
                    .isEqualTo("primary " + primary.address()
                            + ": min-replicas-to-write 0, 1 replica, no WAIT calls since it started");
            assertThat(finding.remedy())
                    .startsWith("CONFIG SET min-replicas-to-write 1\nCONFIG SET min-replicas-max-lag 10\n")
                    .contains("WAIT 1 100")
                    .contains("With one replica, writes then stop while it is down or behind");
        }
    }

    @Test
    void saysNothingOfAsynchronousWritesWhenMinReplicasIsSetOrThereIsNoReplica() throws Exception {
        try (RedisServer bounded = RedisServer.builder()
                        .option("min-replicas-to-write", "1")
                        .start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(bounded)
                        .start();
                RedisServer alone = RedisServer.start()) {
            replica.awaitReplicationLink();

            assertNoFinding(runs.examine(bounded, replica), "failover-async-writes");
            GroupReport lonely = runs.examine(alone);
            assertNoFinding(lonely, "failover-async-writes");
            assertNoFinding(lonely, "failover-candidate");
        }
    }
}
