package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.assertNoFinding;
import static io.steward.diagnostics.DoctorRuns.finding;
import static io.steward.diagnostics.DoctorRuns.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.collector.InfoParser;
import io.steward.collector.RedisInfo;
import io.steward.testing.FreePort;
import io.steward.testing.RedisServer;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replication rules against real primaries and replicas: links that break, replicas that stall, a backlog too
 * small for the write stream, and a replica cut off and reconnected into a full resync.
 */
class ReplicationDoctorTest {

    private static final String MEGABYTE = "x".repeat(1024 * 1024);

    private final DoctorRuns doctor = new DoctorRuns();

    @AfterEach
    void close() {
        doctor.close();
    }

    @Test
    void reportsAReplicaThatLostItsPrimary() throws Exception {
        RedisServer primary = RedisServer.start();
        try (RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
            replica.awaitReplicationLink();
            primary.close();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> replica.commands().info("replication").contains("master_link_status:down"));

            Finding finding = finding(doctor.examine(replica), "replication-link-down");
            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(finding.title()).contains("127.0.0.1:" + primary.port());
            assertThat(text(finding))
                    .containsPattern("ROLE says the link is (connect|connecting)")
                    .containsPattern("down for \\d");
        }
    }

    @Test
    void saysWhenAReplicaNeverReachedItsPrimary() throws Exception {
        int nowhere = FreePort.find();
        try (RedisServer replica = RedisServer.builder()
                .option("replicaof", "127.0.0.1 " + nowhere)
                .start()) {
            Report report = doctor.examine(replica);

            assertThat(text(finding(report, "replication-link-down")))
                    .contains("master 127.0.0.1:" + nowhere + ", never linked since this replica started");
            assertThat(new TextReport(false).render(report)).contains(" (replica), examined ");
        }
    }

    @Test
    void warnsAboutAReplicaThatFallsBehindAndTheBufferItLeavesOnThePrimary() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
            replica.awaitReplicationLink();
            replica.suspend();
            try {
                for (int i = 0; i < 40; i++) {
                    primary.commands().set("blob:" + i, MEGABYTE);
                }

                Report report = doctor.examine(primary);
                Finding lag = finding(report, "replication-lag");
                assertThat(lag.severity()).isEqualTo(Severity.WARNING);
                assertThat(text(lag))
                        .containsPattern("replica 127.0.0.1:" + replica.port()
                                + " \\(online\\): last acknowledged \\d+ s ago, \\d+\\.\\d MiB behind");
                Finding buffers = finding(report, "clients-replica-buffers");
                assertThat(buffers.severity()).isEqualTo(Severity.WARNING);
                assertThat(buffers.title())
                        .startsWith("Replication buffers hold")
                        .endsWith("a replica is not keeping up");
            } finally {
                replica.resume();
            }
        }
    }

    @Test
    void advisesNoBacklogLargerThanTheDataAndOnlyNotesItWhenAFullResyncTakesUnderASecond() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
            replica.awaitReplicationLink();

            Report report = doctor.examine(primary, sample -> {
                writeMegabytes(primary, 4);
                Thread.sleep(sample.toMillis());
            });
            Finding finding = finding(report, "replication-backlog-window");
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.title()).containsPattern("a full resync takes about 0\\.\\d s$");
            assertThat(text(finding))
                    .contains("repl_backlog_size 1.0 MiB holds")
                    .containsPattern("master_repl_offset grew 4\\.\\d MiB")
                    .contains("but no larger than the data (used_memory_dataset");
            Matcher advised =
                    Pattern.compile("^CONFIG SET repl-backlog-size (\\d+)mb\n").matcher(finding.remedy());
            assertThat(advised.find()).as(finding.remedy()).isTrue();
            assertThat(Long.parseLong(advised.group(1)) * 1024 * 1024).isLessThanOrEqualTo((long)
                    info(primary).number("used_memory_dataset").getAsDouble());
        }
    }

    @Test
    void warnsAboutAShortBacklogWhenAFullResyncTakesTenSecondsOrMore() throws Exception {
        try (RedisServer primary = RedisServer.builder().enableDebugCommand().start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
            replica.awaitReplicationLink();
            // A save of 5000 keys at 1 ms a key: the server has timed a save of 5 s, so a full resync takes 10 s.
            primary.call("DEBUG", "POPULATE", "5000", "key", "100");
            primary.commands().configSet("rdb-key-save-delay", "1000");
            // The replica's link can come up before the primary has reaped the child that saved for its sync.
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            info(primary).text("rdb_bgsave_in_progress", "").equals("0"));
            primary.commands().bgsave();
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            info(primary).text("rdb_bgsave_in_progress", "").equals("0"));
            primary.commands().configSet("rdb-key-save-delay", "0");

            Report report = doctor.examine(primary, sample -> {
                writeMegabytes(primary, 4);
                Thread.sleep(sample.toMillis());
            });
            Finding finding = finding(report, "replication-backlog-window");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding)).containsPattern("save \\d+(\\.\\d)? s \\(rdb_last_bgsave_time_sec\\)");
        }
    }

    @Test
    void reportsAFullResyncWhenAReplicaIsCutOffLongerThanTheBacklogCovers() throws Exception {
        try (RedisServer primary = RedisServer.builder()
                        .option("repl-backlog-size", "16kb")
                        .start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
            replica.awaitReplicationLink();

            Report report = doctor.examine(primary, sample -> {
                replica.suspend();
                // More than the kernel's socket buffers can hold, so the replica really misses part of the stream.
                for (int i = 0; i < 20; i++) {
                    primary.commands().set("blob:" + i, MEGABYTE);
                }
                primary.call("CLIENT", "KILL", "TYPE", "replica");
                replica.resume();
                await().atMost(Duration.ofSeconds(20)).until(() -> fullSyncs(primary) >= 2);
                replica.awaitReplicationLink();
            });
            Finding finding = finding(report, "replication-full-syncs");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding)).contains("sync_full +1", "sync_partial_err +1", "CONFIG SET repl-backlog-size");
        }
    }

    @Test
    void predictsAFullSyncLoopWhenTheReplicaBufferLimitIsTooSmallForTheWriteStream() throws Exception {
        try (RedisServer primary = RedisServer.builder()
                .enableDebugCommand()
                .option("repl-backlog-size", "16kb")
                .option("client-output-buffer-limit", "replica 64kb 32kb 10")
                .start()) {
            primary.call("DEBUG", "POPULATE", "100000", "key", "100");
            try (RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
                replica.awaitReplicationLink();
            }
            // The replica is gone, the backlog stays: the next one to sync would meet the same limit.

            Report report = doctor.examine(primary, sample -> {
                for (int i = 0; i < 5; i++) {
                    primary.commands().set("blob:" + i, MEGABYTE);
                }
                Thread.sleep(sample.toMillis());
            });
            Finding finding = finding(report, "replication-sync-loop-risk");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains("client-output-buffer-limit replica 64.0 KiB 32.0 KiB 10", "dropped at 64.0 KiB");
            assertThat(finding.remedy())
                    .containsPattern("^CONFIG SET client-output-buffer-limit \"replica \\d+mb \\d+mb \\d+\"");
        }
    }

    @Test
    void notesAPrimaryWithoutReplicas() throws Exception {
        try (RedisServer primary = RedisServer.start()) {
            Finding finding = finding(doctor.examine(primary), "replication-no-replicas");
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.remedy()).contains("REPLICAOF 127.0.0.1 " + primary.port());
        }
    }

    @Test
    void reportsWritesBlockedByMinReplicasToWrite() throws Exception {
        try (RedisServer primary =
                RedisServer.builder().option("min-replicas-to-write", "1").start()) {
            Finding finding = finding(doctor.examine(primary), "replication-min-replicas-blocking");
            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(text(finding))
                    .contains(
                            "min-replicas-to-write 1",
                            "replicas in sync 0",
                            "NOREPLICAS",
                            "CONFIG SET min-replicas-to-write 0");
        }
    }

    @Test
    void warnsAboutAWritableReplica() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder()
                        .replicaOf(primary)
                        .option("replica-read-only", "no")
                        .start()) {
            replica.awaitReplicationLink();

            Finding finding = finding(doctor.examine(replica), "replication-writable-replica");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.remedy()).startsWith("CONFIG SET replica-read-only yes");
            assertNoFinding(doctor.examine(primary), "replication-writable-replica");
        }
    }

    @Test
    void warnsWhenReplTimeoutIsNoLongerThanThePingPeriod() throws Exception {
        try (RedisServer primary =
                RedisServer.builder().option("repl-timeout", "10").start()) {
            Finding finding = finding(doctor.examine(primary), "replication-timeout-too-short");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding)).contains("repl-timeout 10 s, repl-ping-replica-period 10 s");
        }
    }

    private static void writeMegabytes(RedisServer primary, int megabytes) {
        for (int i = 0; i < megabytes; i++) {
            primary.commands().set("blob:" + i, MEGABYTE);
        }
    }

    private static RedisInfo info(RedisServer server) {
        return InfoParser.parse(server.commands().info("everything"));
    }

    private static double fullSyncs(RedisServer primary) {
        return InfoParser.parse(primary.commands().info("stats"))
                .number("sync_full")
                .orElse(0);
    }
}
