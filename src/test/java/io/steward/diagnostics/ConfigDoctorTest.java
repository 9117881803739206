package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.finding;
import static io.steward.diagnostics.DoctorRuns.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Configuration and cluster rules against real servers. */
class ConfigDoctorTest {

    private final DoctorRuns doctor = new DoctorRuns();

    @AfterEach
    void close() {
        doctor.close();
    }

    @Test
    void warnsThatWithoutKeepaliveAndTimeoutDeadConnectionsStayForever() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("tcp-keepalive", "0").start()) {
            Finding finding = finding(doctor.examine(server), "config-tcp-keepalive-off");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.remedy()).startsWith("CONFIG SET tcp-keepalive 300");
        }
    }

    @Test
    void notesKeysInSeveralLogicalDatabases() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.commands().set("a", "1");
            server.commands().select(3);
            server.commands().set("b", "2");

            Finding finding = finding(doctor.examine(server), "config-multiple-databases");
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.evidence()).containsExactly("db0: 1 key", "db3: 1 key");
        }
    }

    @Test
    void warnsThatKeysIsInUseAndStillBeingCalled() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.commands().keys("*");

            Report report = doctor.examine(server, sample -> server.commands().keys("user:*"));
            Finding finding = finding(report, "config-keys-command");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains(
                            "cmdstat_keys: 2 calls since start",
                            "still in use: 1 call during the",
                            "SCAN 0 MATCH pattern COUNT 1000");
        }
    }

    @Test
    void catchesAMaxmemoryWrittenWithoutItsUnit() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("maxmemory", "100").start()) {
            Finding finding = finding(doctor.examine(server), "config-maxmemory-tiny");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.title()).isEqualTo("maxmemory is 100 B: probably a unit mistake");
            assertThat(finding.remedy()).isEqualTo("Write the unit: CONFIG SET maxmemory 100mb (or gb)");
        }
    }

    @Test
    void reportsAClusterNodeWhoseSlotsAreNotCovered() throws Exception {
        try (RedisServer node =
                RedisServer.builder().option("cluster-enabled", "yes").start()) {
            Finding finding = finding(doctor.examine(node), "cluster-state");
            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(finding.title()).isEqualTo("The cluster is fail: some keys cannot be served");
            assertThat(text(finding)).contains("slots assigned 0", "redis-cli --cluster fix 127.0.0.1:" + node.port());
        }
    }
}
