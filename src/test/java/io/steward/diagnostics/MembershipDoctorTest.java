package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.text;
import static io.steward.diagnostics.GroupRuns.assertNoFinding;
import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Captures;
import io.steward.testing.FakeRedis;
import io.steward.testing.FreePort;
import io.steward.testing.RedisServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a group is made of, against real servers on loopback addresses standing in for hosts: members not read,
 * a primary and its replicas on one host, members on different versions, and a healthy group that gets no warning.
 */
class MembershipDoctorTest {

    private final GroupRuns runs = new GroupRuns();

    @AfterEach
    void close() {
        runs.close();
    }

    @Test
    void aHealthyGroupOnThreeHostsGetsNoWarningOrCriticalFromTheGroupRules() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer second = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start();
                RedisServer third = RedisServer.builder()
                        .host("127.0.0.3")
                        .replicaOf(primary)
                        .start()) {
            second.awaitReplicationLink();
            third.awaitReplicationLink();
            primary.commands().set("k", "v");

            GroupReport report = runs.examine(primary, second, third);

            assertThat(report.findings())
                    .as(new TextReport(false).render(report))
                    .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.INFO));
            assertThat(report.skipped())
                    .as(new TextReport(false).render(report))
                    .isEmpty();
            assertThat(report.findings())
                    .extracting(Finding::id)
                    .containsExactlyInAnyOrder("failover-candidate", "failover-async-writes");
            assertThat(report.composition()).isEqualTo("1 primary, 2 replicas");
        }
    }

    @Test
    void warnsWhenThePrimaryAndAllItsReplicasShareOneHost() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
            replica.awaitReplicationLink();

            Finding finding = finding(runs.examine(primary, replica), "group-one-host");

            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.evidence().get(0))
                    .isEqualTo("primary " + primary.address() + " and its 1 replica (" + replica.address()
                            + ") are all on 127.0.0.1");
        }
    }

    @Test
    void oneReplicaOnAnotherHostIsEnough() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer beside = RedisServer.builder().replicaOf(primary).start();
                RedisServer away = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            beside.awaitReplicationLink();
            away.awaitReplicationLink();

            assertNoFinding(runs.examine(primary, beside, away), "group-one-host");
        }
    }

    @Test
    void saysWhenThePrimaryAReplicaFollowsCannotBeRead() throws Exception {
        int nowhere = FreePort.find();
        try (RedisServer replica = RedisServer.builder()
                .host("127.0.0.2")
                .option("replicaof", "127.0.0.1 " + nowhere)
                .start()) {
            GroupReport report = GroupRuns.examine(
                    runs.observe(MemoryLimits.UNKNOWN, List.of("127.0.0.1:" + nowhere, replica.address())));

            Finding finding = finding(report, "group-member-unreadable");
            assertThat(finding.title())
                    .isEqualTo("The primary this replica follows (127.0.0.1:" + nowhere
                            + ") could not be read: the replica is not compared with it");
            assertThat(text(finding))
                    .contains("127.0.0.1:" + nowhere + " (primary): cannot connect to 127.0.0.1:" + nowhere);
            assertThat(report.unread()).extracting(GroupReport.Unread::node).containsExactly("127.0.0.1:" + nowhere);
            assertThat(report.skipped()).extracting(Skipped::id).contains("drift-maxmemory", "failover-candidate");
            assertThat(report.members()).extracting(Report::address).containsExactly(replica.address());
        }
    }

    @Test
    void warnsWhenAReplicaRunsAnOlderRedisThanItsPrimary() throws Exception {
        try (RedisServer primary = RedisServer.start();
                FakeRedis older = new FakeRedis(command -> olderReplica(command, primary.port()))) {
            GroupReport report = GroupRuns.examine(
                    runs.observe(MemoryLimits.UNKNOWN, List.of(primary.address(), "127.0.0.1:" + older.port())));

            Finding finding = finding(report, "group-versions");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains("Redis 7.0.15: " + primary.address() + " (primary)")
                    .contains("Redis 6.2.14: 127.0.0.1:" + older.port() + " (replica)")
                    .contains("replica 127.0.0.1:" + older.port() + " runs 6.2.14, its primary " + primary.address()
                            + " 7.0.15");
        }
    }

    /** A Redis 6.2 replica of the primary, as far as its INFO goes: a capture with its version and primary changed. */
    private static String olderReplica(List<String> command, int primaryPort) {
        return switch (command.get(0)) {
            case "HELLO" -> "-ERR unknown command 'HELLO'\r\n";
            case "PING" -> "+PONG\r\n";
            case "CLIENT" -> "+OK\r\n";
            case "INFO" ->
                FakeRedis.bulk(Captures.text("redis-7.0/info-all-replica.txt")
                        .replaceAll("redis_version:[0-9.]+", "redis_version:6.2.14")
                        .replaceAll("master_host:[^\r\n]+", "master_host:127.0.0.1")
                        .replaceAll("master_port:[0-9]+", "master_port:" + primaryPort));
            default -> "-ERR unknown command '" + command.get(0) + "'\r\n";
        };
    }
}
