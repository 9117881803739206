package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.assertNoFinding;
import static io.steward.diagnostics.DoctorRuns.finding;
import static io.steward.diagnostics.DoctorRuns.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.steward.collector.RedisInfo;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Rules judged on the real capture of a busy primary (see {@link DoctorCaptures}), for the states a test cannot
 * put a real server into: swapping, a disk that fails or lags, a slow hypervisor, a saturated CPU, a big dataset.
 */
class CapturedRulesTest {

    private static final double GIB = 1024.0 * 1024 * 1024;

    private static Report diagnose(Observation observation) {
        return new Diagnosis(Rules.standard()).examine(observation, Instant.parse("2026-11-21T21:18:09Z"));
    }

    @Test
    void isCriticalWhenABacklogOfSecondsMeansMinutesOfFullResync() {
        Observation busy = DoctorCaptures.busyPrimary();
        double rate = busy.delta("master_repl_offset").getAsDouble() / busy.seconds();
        Finding finding = finding(diagnose(bigDataset().build()), "replication-backlog-window");

        assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(rate).isBetween(400_000.0, 600_000.0);
        assertThat(finding.title())
                .isEqualTo("The replication backlog covers only " + Units.duration(1024 * 1024 / rate)
                        + " of writes; after a longer break a full resync takes about 2.6 min");
        long megabytes = (long) Math.ceil(rate * 60 * 2 / (1024 * 1024));
        assertThat(finding.remedy()).startsWith("CONFIG SET repl-backlog-size " + megabytes + "mb\n");
        assertThat(text(finding))
                .contains(
                        "repl_backlog_size 1.0 MiB holds",
                        "target 60 s",
                        "a full sync of 4.0 GiB takes about 2.6 min: save 60 s (rdb_last_bgsave_time_sec)");
    }

    @Test
    void advisesNoBacklogBeyondHalfTheMemoryLeft() {
        Observation busy = DoctorCaptures.busyPrimary();
        long system = (long) busy.number("total_system_memory", 0);
        Finding finding = finding(
                diagnose(bigDataset()
                        .info("used_memory_rss", system - 40L * 1024 * 1024)
                        .build()),
                "replication-backlog-window");

        assertThat(finding.remedy())
                .startsWith("CONFIG SET repl-backlog-size 20mb\n")
                .contains("no more than half the memory left: total_system_memory 23.5 GiB", "leaves 40.0 MiB");
    }

    @Test
    void advisesNoReplicaBufferLimitTheMemoryLeftCannotHold() {
        Observation busy = DoctorCaptures.busyPrimary();
        long system = (long) busy.number("total_system_memory", 0);
        Finding finding = finding(
                diagnose(bigDataset()
                        .info("used_memory_rss", system - 40L * 1024 * 1024)
                        .build()),
                "replication-sync-loop-risk");

        assertThat(finding.remedy())
                .startsWith("The memory left cannot hold what a full sync buffers")
                .contains("diskless replication")
                .doesNotContain("CONFIG SET client-output-buffer-limit");
    }

    /** The capture with 4 GiB of data whose last save took a minute: a full resync costs minutes. */
    private static DoctorCaptures.Builder bigDataset() {
        return DoctorCaptures.builder()
                .info("used_memory_dataset", (long) (4 * GIB))
                .info("used_memory_rss", (long) (5 * GIB))
                .info("rdb_last_bgsave_time_sec", 60);
    }

    @Test
    void predictsAFullSyncLoopWhenTheReplicaBufferLimitIsBelowWriteRateTimesSyncTime() {
        Report report = diagnose(DoctorCaptures.builder()
                .info("used_memory_dataset", (long) (2 * GIB))
                .info("rdb_last_bgsave_time_sec", 12)
                .build());
        Finding finding = finding(report, "replication-sync-loop-risk");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(text(finding))
                .contains(
                        "a full sync of 2.0 GiB takes about",
                        "save 12 s (rdb_last_bgsave_time_sec)",
                        "client-output-buffer-limit replica 2.0 MiB 1.0 MiB 60",
                        "dropped at 2.0 MiB");
        assertThat(finding.remedy()).startsWith("CONFIG SET client-output-buffer-limit \"replica ");
    }

    @Test
    void seesNoSyncLoopRiskWhenTheDatasetSyncsFasterThanTheBufferFills() {
        assertNoFinding(diagnose(DoctorCaptures.busyPrimary()), "replication-sync-loop-risk");
    }

    @Test
    void warnsWhenRedisHoldsMostOfTheHostsMemory() {
        Observation busy = DoctorCaptures.busyPrimary();
        long system = (long) busy.number("total_system_memory", 0);
        Finding finding = finding(
                diagnose(DoctorCaptures.builder()
                        .info("used_memory_rss", (long) (system * 0.95))
                        .build()),
                "memory-near-system-memory");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).isEqualTo("Redis holds 95.0% of the host's memory");
    }

    @Test
    void reportsSwappingWhenResidentMemoryIsBelowTheData() {
        Report report = diagnose(DoctorCaptures.builder()
                .info("used_memory", (long) (2 * GIB))
                .info("used_memory_rss", (long) (1.5 * GIB))
                .info("mem_fragmentation_ratio", "0.75")
                .build());
        Finding finding = finding(report, "memory-swapping");

        assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(text(finding)).contains("used_memory_rss 1.5 GiB < used_memory 2.0 GiB", "grep VmSwap /proc/");
    }

    @Test
    void notesFreedPagesTheAllocatorKeeps() {
        Finding finding = finding(
                diagnose(DoctorCaptures.builder()
                        .info("allocator_rss_ratio", "1.30")
                        .info("allocator_rss_bytes", 52_428_800)
                        .build()),
                "memory-allocator-rss");

        assertThat(finding.severity()).isEqualTo(Severity.INFO);
        assertThat(finding.remedy()).contains("MEMORY PURGE");
    }

    @Test
    void warnsAboutMemoryOutsideTheAllocator() {
        Finding finding = finding(
                diagnose(DoctorCaptures.builder()
                        .info("rss_overhead_ratio", "1.50")
                        .info("rss_overhead_bytes", 83_886_080)
                        .build()),
                "memory-rss-overhead");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).contains("80.0 MiB outside the allocator");
    }

    @Test
    void reportsRefusedWritesWhenTheAofCannotBeWritten() {
        Finding finding = finding(
                diagnose(DoctorCaptures.builder()
                        .info("aof_enabled", 1)
                        .info("aof_last_write_status", "err")
                        .build()),
                "persistence-aof-write-failed");

        assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(text(finding)).contains("aof_last_write_status err", "MISCONF");
    }

    @Test
    void warnsWhenFsyncsWereDelayedDuringTheSample() {
        Finding finding = finding(
                diagnose(DoctorCaptures.builder()
                        .info("aof_enabled", 1)
                        .info("aof_delayed_fsync", 3)
                        .later("aof_delayed_fsync", 10)
                        .build()),
                "persistence-aof-delayed-fsync");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).endsWith("fsync was late 7 times");
    }

    @Test
    void ignoresDelayedFsyncsThatHappenedBeforeTheSample() {
        assertNoFinding(
                diagnose(DoctorCaptures.builder()
                        .info("aof_enabled", 1)
                        .info("aof_delayed_fsync", 3)
                        .build()),
                "persistence-aof-delayed-fsync");
    }

    @Test
    void gradesTheForkTimePerGigabyteOfMemory() {
        Finding terrible = finding(
                diagnose(DoctorCaptures.builder()
                        .info("used_memory", (long) (8 * GIB))
                        .info("latest_fork_usec", 850_000)
                        .build()),
                "persistence-slow-fork");
        Finding poor = finding(
                diagnose(DoctorCaptures.builder()
                        .info("used_memory", (long) (4 * GIB))
                        .info("latest_fork_usec", 200_000)
                        .build()),
                "persistence-slow-fork");

        assertThat(terrible.severity()).isEqualTo(Severity.WARNING);
        assertThat(terrible.title()).endsWith("850 ms");
        assertThat(text(terrible)).contains("106 ms per GB");
        assertThat(poor.severity()).isEqualTo(Severity.INFO);
        assertThat(text(poor)).contains("50 ms per GB");
    }

    @Test
    void doesNotGradeTheForkOfASmallInstance() {
        assertNoFinding(
                diagnose(DoctorCaptures.builder()
                        .info("used_memory", 40_000_000)
                        .info("latest_fork_usec", 9000)
                        .build()),
                "persistence-slow-fork");
    }

    @Test
    void flagsAnOldSnapshotWithUnsavedChangesAsCriticalWithoutAof() {
        Observation busy = DoctorCaptures.busyPrimary();
        long threeDaysAgo = (long) busy.serverTime() - 3 * 86400;
        Finding withoutAof = finding(
                diagnose(DoctorCaptures.builder()
                        .info("rdb_last_save_time", threeDaysAgo)
                        .info("rdb_changes_since_last_save", 5000)
                        .build()),
                "persistence-stale-save");
        Finding withAof = finding(
                diagnose(DoctorCaptures.builder()
                        .info("rdb_last_save_time", threeDaysAgo)
                        .info("rdb_changes_since_last_save", 5000)
                        .info("aof_enabled", 1)
                        .build()),
                "persistence-stale-save");

        assertThat(withoutAof.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(withoutAof.title()).isEqualTo("The last snapshot is 3.0 days old and 5000 changes are not in it");
        assertThat(text(withoutAof)).contains("save point \"300 100\" asks for a snapshot", "a crash now loses");
        assertThat(withAof.severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void warnsWhenTheMainThreadIsBusyAlmostAllTheTime() {
        Observation busy = DoctorCaptures.busyPrimary();
        RedisInfo earlier = busy.earlier().orElseThrow().info();
        double user = earlier.number("used_cpu_user_main_thread").getAsDouble();
        double sys = earlier.number("used_cpu_sys_main_thread").getAsDouble();
        double window = busy.seconds();
        Finding finding = finding(
                diagnose(DoctorCaptures.builder()
                        .later(
                                "used_cpu_user_main_thread",
                                String.format(java.util.Locale.ROOT, "%.6f", user + 0.8 * window))
                        .later(
                                "used_cpu_sys_main_thread",
                                String.format(java.util.Locale.ROOT, "%.6f", sys + 0.15 * window))
                        .build()),
                "latency-cpu-saturated");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).startsWith("The main thread is busy 95.0% of the time");
    }

    @Test
    void readsTransparentHugePagesFromLatencyDoctor() {
        Finding finding = finding(
                diagnose(DoctorCaptures.builder()
                        .latencyDoctor("latency-doctor-thp.txt")
                        .build()),
                "latency-transparent-huge-pages");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.remedy()).contains("echo never > /sys/kernel/mm/transparent_hugepage/enabled");
        assertNoFinding(diagnose(DoctorCaptures.busyPrimary()), "latency-transparent-huge-pages");
    }

    @Test
    void namesTheSlowCommandsAndAdvisesScanForKeys() {
        Finding slow = finding(diagnose(DoctorCaptures.busyPrimary()), "latency-slow-commands");

        assertThat(slow.severity()).isEqualTo(Severity.WARNING);
        assertThat(slow.evidence()).anySatisfy(line -> assertThat(line).startsWith("KEYS: 1 time, slowest"));
        assertThat(slow.remedy()).contains("use SCAN");
    }

    @Test
    void skipsTheRateRulesWithTheReasonWhenThereIsOneSample() {
        Report report = diagnose(DoctorCaptures.builder().oneSample().build());

        assertThat(report.skipped())
                .extracting(Skipped::id)
                .contains(
                        "replication-backlog-window",
                        "replication-full-syncs",
                        "memory-evictions",
                        "clients-rejected",
                        "security-auth-failures");
        assertThat(report.skipped())
                .allSatisfy(s -> assertThat(s.reason()).isEqualTo("one INFO sample only (--sample-seconds 0)"));
        assertNoFinding(report, "replication-backlog-window");
    }

    @Test
    void measuresNoRatesAcrossARestart() {
        Report report = diagnose(
                DoctorCaptures.builder().later("run_id", "0123456789abcdef").build());

        assertThat(report.skipped())
                .filteredOn(s -> s.id().equals("replication-backlog-window"))
                .singleElement()
                .extracting(Skipped::reason)
                .isEqualTo("the server restarted between the two INFO samples");
    }

    @Test
    void skipsOnlyTheRulesThatNeedARefusedCommand() {
        Report report = diagnose(DoctorCaptures.builder()
                .unavailable(
                        Source.ACL,
                        "ACL LIST refused: NOPERM this user has no permissions to run the 'acl|list' command")
                .build());

        assertThat(report.skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.id()).isEqualTo("security-no-password");
            assertThat(skipped.reason()).startsWith("ACL LIST refused: NOPERM");
        });
        assertThat(report.findings()).isNotEmpty();
    }
}
