package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.text;
import static io.steward.diagnostics.GroupRuns.assertNoFinding;
import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas whose settings differ from their primary's, against real servers: the memory limit, the backlog,
 * persistence and output buffer limits, each with advice bounded by the data and the host.
 */
class DriftDoctorTest {

    private static final String MEGABYTE = "x".repeat(1024 * 1024);

    private final GroupRuns runs = new GroupRuns();

    @AfterEach
    void close() {
        runs.close();
    }

    @Test
    void warnsWhenAReplicaHasNoMemoryLimitUnderAPrimaryAt40mb() throws Exception {
        try (RedisServer primary =
                        RedisServer.builder().option("maxmemory", "40mb").start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicationLink();

            Finding finding = finding(runs.examine(primary, replica), "drift-maxmemory");

            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains("replica " + replica.address() + " (primary " + primary.address()
                            + "): maxmemory 0 (no limit) on the replica, 40.0 MiB on the primary");
            assertThat(finding.remedy()).startsWith("on " + replica.address() + ": CONFIG SET maxmemory 40mb\n");
        }
    }

    @Test
    void isCriticalWhenAReplicasLimitIsBelowItsPrimarysData() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .option("maxmemory", "2mb")
                        .start()) {
            replica.awaitReplicationLink();
            for (int i = 0; i < 4; i++) {
                primary.commands().set("blob:" + i, MEGABYTE);
            }

            Finding finding = finding(runs.examine(primary, replica), "drift-maxmemory");

            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(text(finding))
                    .contains("maxmemory 2.0 MiB on the replica, 0 (no limit) on the primary")
                    .contains("would be over its limit at once");
            assertThat(finding.remedy())
                    .startsWith("on " + replica.address() + ": CONFIG SET maxmemory 0, as on the" + " primary");
        }
    }

    @Test
    void boundsTheAdvisedLimitByTheMemoryTheReplicasHostHas() throws Exception {
        try (RedisServer primary =
                        RedisServer.builder().option("maxmemory", "40mb").start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicationLink();
            // The replica runs in a container of 32 MiB beside the doctor; the primary elsewhere.
            MemoryLimits memory = snapshot -> snapshot.target().node().equals(replica.address())
                    ? Optional.of(new MemoryLimit(32 * 1024 * 1024, "/sys/fs/cgroup/redis/memory.max"))
                    : Optional.empty();

            Finding finding = finding(GroupRuns.examine(runs.observe(memory, primary, replica)), "drift-maxmemory");

            assertThat(text(finding))
                    .contains("the primary's limit does not fit " + replica.address() + ": no more than 75.0% of the"
                            + " container's memory limit 32.0 MiB (/sys/fs/cgroup/redis/memory.max)");
            assertThat(finding.remedy())
                    .startsWith("on both: CONFIG SET maxmemory 24mb (what " + replica.address() + " can hold, above the"
                            + " data's ");
        }
    }

    @Test
    void advisesABacklogNoLargerThanTheDataAndWeighsItByWhatAFullResyncCosts() throws Exception {
        try (RedisServer primary = RedisServer.builder()
                        .option("repl-backlog-size", "64mb")
                        .start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicationLink();
            for (int i = 0; i < 8; i++) {
                primary.commands().set("blob:" + i, MEGABYTE);
            }

            Finding finding = finding(runs.examine(primary, replica), "drift-backlog");

            assertThat(finding.severity())
                    .as("a full resync of 8 MiB takes well under a second")
                    .isEqualTo(Severity.INFO);
            assertThat(text(finding))
                    .contains("repl-backlog-size 1.0 MiB on the replica, 64.0 MiB on the primary")
                    // The save's own time is what the machine makes of it: only its form is certain.
                    .containsPattern("every reconnect is a full resync: a full sync of \\d+\\.\\d MiB takes about"
                            + " \\d+\\.\\d s");
            // 8 values of 1 MiB take a little more in the allocator's size classes: the dataset, not 64mb.
            assertThat(finding.remedy())
                    .containsPattern("^on " + replica.address().replace(".", "\\.")
                            + ": CONFIG SET repl-backlog-size (9|1[0-6])mb \\(no larger than the data");
        }
    }

    @Test
    void aSmallerBacklogIsNoFindingWhenItAlreadyHoldsMoreThanTheData() throws Exception {
        try (RedisServer primary = RedisServer.builder()
                        .option("repl-backlog-size", "64mb")
                        .start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicationLink();
            primary.commands().set("small", "value");

            assertNoFinding(runs.examine(primary, replica), "drift-backlog");
        }
    }

    @Test
    void warnsWhenAReplicaDoesNotPersistWhileItsPrimaryDoes() throws Exception {
        try (RedisServer primary = RedisServer.builder().appendOnly(true).start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .save("")
                        .start()) {
            replica.awaitReplicationLink();

            Finding finding = finding(runs.examine(primary, replica), "drift-persistence");

            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains("appendonly no on the replica")
                    .contains("appendonly yes on the primary")
                    .contains("a restart after the failover loses it");
            assertThat(finding.remedy())
                    .contains("on " + replica.address() + ": ")
                    .contains("CONFIG SET appendonly yes");
        }
    }

    @Test
    void warnsWhenAReplicasOutputBufferLimitForReplicasIsLowerThanItsPrimarys() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .option("client-output-buffer-limit", "replica 16mb 8mb 30")
                        .start()) {
            replica.awaitReplicationLink();

            Finding finding = finding(runs.examine(primary, replica), "drift-output-buffer");

            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains("client-output-buffer-limit replica 16.0 MiB 8.0 MiB 30 s on the replica, 256.0 MiB 64.0"
                            + " MiB 60 s on the primary");
            assertThat(finding.remedy())
                    .startsWith("on " + replica.address()
                            + ": CONFIG SET client-output-buffer-limit \"replica 256mb 64mb 60\"");
        }
    }
}
