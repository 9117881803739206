package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.assertNoFinding;
import static io.steward.diagnostics.DoctorRuns.finding;
import static io.steward.diagnostics.DoctorRuns.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisCommandExecutionException;
import io.steward.collector.InfoParser;
import io.steward.collector.RedisInfo;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Persistence rules against real servers whose saves fail, whose forks copy, and whose settings trade safety. */
class PersistenceDoctorTest {

    private final DoctorRuns doctor = new DoctorRuns();

    @AfterEach
    void close() {
        doctor.close();
    }

    @Test
    void warnsThatPersistenceOffLosesTheDataOfAServerThatIsNotACache() throws Exception {
        try (RedisServer unlimited = RedisServer.start();
                RedisServer noeviction =
                        RedisServer.builder().option("maxmemory", "100mb").start()) {
            for (RedisServer server : List.of(unlimited, noeviction)) {
                Finding finding = finding(doctor.examine(server), "persistence-off");
                assertThat(finding.severity()).isEqualTo(Severity.WARNING);
                assertThat(finding.title()).endsWith("a restart loses data that has no other home");
                assertThat(text(finding)).contains("keys are never evicted, so they are data, not a cache");
            }
        }
    }

    @Test
    void onlyNotesPersistenceOffOnACache() throws Exception {
        try (RedisServer cache = RedisServer.builder()
                .option("maxmemory", "100mb")
                .option("maxmemory-policy", "allkeys-lru")
                .start()) {
            Finding finding = finding(doctor.examine(cache), "persistence-off");
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.title()).isEqualTo("Persistence is off: a restart empties this cache");
        }
    }

    @Test
    void warnsWhenReplicasFollowAnUnpersistedCache() throws Exception {
        try (RedisServer primary = RedisServer.builder()
                        .option("maxmemory", "100mb")
                        .option("maxmemory-policy", "allkeys-lru")
                        .start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start()) {
            replica.awaitReplicationLink();
            Finding finding = finding(doctor.examine(primary), "persistence-off");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.title()).endsWith("a restart empties the replicas too");
        }
    }

    @Test
    void reportsAFailedSnapshotAndThatWritesGoOnWithoutSavePoints() throws Exception {
        Path dir = Files.createTempDirectory("steward-doomed-");
        try (RedisServer server = RedisServer.builder().dir(dir).start()) {
            server.commands().set("k", "v");
            deleteRecursively(dir);
            server.commands().bgsave();
            awaitInfo(server, "rdb_bgsave_in_progress", "0");

            Finding finding = finding(doctor.examine(server), "persistence-rdb-failed");
            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(text(finding))
                    .contains(
                            "rdb_last_bgsave_status err",
                            "writes are still accepted: snapshots fail while the data on disk grows old");
        }
    }

    @Test
    void saysWritesAreRefusedWhenASavePointFails() throws Exception {
        Path dir = Files.createTempDirectory("steward-doomed-");
        try (RedisServer server = RedisServer.builder().dir(dir).save("3600 1").start()) {
            deleteRecursively(dir);
            server.commands().bgsave();
            awaitInfo(server, "rdb_last_bgsave_status", "err");
            assertThatThrownBy(() -> server.commands().set("k", "v")).hasMessageStartingWith("MISCONF");

            Finding finding = finding(doctor.examine(server), "persistence-rdb-failed");
            assertThat(text(finding)).contains("stop-writes-on-bgsave-error yes with save points: writes are refused");
            // Otherwise the server would try, and fail, to save on its way down.
            server.commands().configSet("save", "");
        }
    }

    @Test
    void warnsWhenAnAofRewriteFails() throws Exception {
        Path dir = Files.createTempDirectory("steward-doomed-");
        try (RedisServer server =
                RedisServer.builder().dir(dir).appendOnly(true).start()) {
            deleteRecursively(dir);
            try {
                server.commands().bgrewriteaof();
            } catch (RedisCommandExecutionException refused) {
                // Redis 7 refuses at once when the AOF directory is gone; older ones fail in the child.
            }
            awaitInfo(server, "aof_last_bgrewrite_status", "err");

            Finding finding = finding(doctor.examine(server), "persistence-aof-rewrite-failed");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding)).contains("aof_last_bgrewrite_status err", "BGREWRITEAOF");
        }
    }

    @Test
    void explainsTheTradeOffsOfAlwaysAndNoFsync() throws Exception {
        try (RedisServer always = RedisServer.builder()
                        .appendOnly(true)
                        .option("appendfsync", "always")
                        .start();
                RedisServer never = RedisServer.builder()
                        .appendOnly(true)
                        .option("appendfsync", "no")
                        .start();
                RedisServer everysec = RedisServer.builder().appendOnly(true).start()) {
            Finding slow = finding(doctor.examine(always), "persistence-appendfsync-always");
            assertThat(slow.severity()).isEqualTo(Severity.INFO);
            assertThat(slow.remedy()).startsWith("CONFIG SET appendfsync everysec");

            Finding lossy = finding(doctor.examine(never), "persistence-appendfsync-no");
            assertThat(lossy.severity()).isEqualTo(Severity.INFO);
            assertThat(lossy.title()).contains("30 seconds");

            Report balanced = doctor.examine(everysec);
            assertNoFinding(balanced, "persistence-appendfsync-always");
            assertNoFinding(balanced, "persistence-appendfsync-no");
        }
    }

    @Test
    void warnsWhenMaxmemoryLeavesNoRoomForForks() throws Exception {
        try (RedisServer server = RedisServer.builder().save("3600 1").start()) {
            double system = info(server).number("total_system_memory").getAsDouble();
            server.commands().configSet("maxmemory", String.valueOf((long) (system * 0.9)));

            Finding finding = finding(doctor.examine(server), "persistence-fork-headroom");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains("is 90.0% of total_system_memory", "forks happen for snapshots (save 3600 1)")
                    .containsPattern("CONFIG SET maxmemory \\d+(gb|mb)");
        }
    }

    @Test
    void warnsWhenWritesDuringASaveCopiedMostOfTheData() throws Exception {
        try (RedisServer server = RedisServer.builder().enableDebugCommand().start()) {
            server.call("DEBUG", "POPULATE", "5000", "key", "4096");
            // Slow the save down (100 µs a key) and rewrite every key while the child writes the snapshot.
            server.commands().configSet("rdb-key-save-delay", "100");
            server.commands().bgsave();
            server.call("EVAL", "for i = 0, 4999 do redis.call('SET', 'key:' .. i, string.rep('y', 4096)) end", "0");
            awaitInfo(server, "rdb_bgsave_in_progress", "0");

            Finding finding = finding(doctor.examine(server), "persistence-copy-on-write");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.title()).startsWith("A fork copied").contains("of the data");
        }
    }

    private static RedisInfo info(RedisServer server) {
        return InfoParser.parse(server.commands().info("everything"));
    }

    private static void awaitInfo(RedisServer server, String field, String value) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> info(server).text(field, "").equals(value));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
