package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.assertNoFinding;
import static io.steward.diagnostics.DoctorRuns.finding;
import static io.steward.diagnostics.DoctorRuns.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Latency rules against real servers that stall, log slow commands, or sit on transparent huge pages. */
class LatencyDoctorTest {

    private final DoctorRuns doctor = new DoctorRuns();

    @AfterEach
    void close() {
        doctor.close();
    }

    @Test
    void reportsARecentLatencySpikeWithAdviceForItsKind() throws Exception {
        try (RedisServer server = RedisServer.builder()
                .enableDebugCommand()
                .option("latency-monitor-threshold", "10")
                .start()) {
            server.call("DEBUG", "SLEEP", "0.05");

            Finding finding = finding(doctor.examine(server), "latency-events");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.title()).startsWith("Redis stalled for up to").endsWith("(command)");
            assertThat(text(finding))
                    .containsPattern("command: last spike \\d+ ms")
                    .contains("latency-monitor-threshold 10 ms", "see SLOWLOG GET");
        }
    }

    @Test
    void namesTheApplicationsSlowCommandsAndTheFixForKeysButNotDebug() throws Exception {
        try (RedisServer server = RedisServer.builder()
                .enableDebugCommand()
                .option("slowlog-log-slower-than", "1000")
                .start()) {
            server.call("DEBUG", "POPULATE", "300000", "key", "10");
            server.call("DEBUG", "SLEEP", "0.05");
            server.commands().keys("*");

            Finding finding = finding(doctor.examine(server), "latency-slow-commands");
            assertThat(finding.evidence())
                    .anySatisfy(line -> assertThat(line).startsWith("1 entry in SLOWLOG GET"))
                    .anySatisfy(line -> assertThat(line).startsWith("KEYS: 1 time, slowest"))
                    .noneSatisfy(line -> assertThat(line).startsWith("DEBUG"));
            assertThat(finding.remedy()).contains("use SCAN");
        }
    }

    @Test
    void findsNoSlowCommandsWhenOnlyDebugWasSlow() throws Exception {
        try (RedisServer server = RedisServer.builder().enableDebugCommand().start()) {
            server.call("DEBUG", "SLEEP", "0.05");
            assertThat(server.call("SLOWLOG", "GET")).hasSize(1);

            assertNoFinding(doctor.examine(server), "latency-slow-commands");
        }
    }

    @Test
    void leavesItsOwnCommandsOutOfTheSlowCommands() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("slowlog-log-slower-than", "0").start()) {
            doctor.examine(server);

            Finding finding = finding(doctor.examine(server), "latency-slow-commands");
            assertThat(finding.evidence()).anySatisfy(line -> assertThat(line).startsWith("PING: 1 time"));
            assertThat(finding.evidence())
                    .noneSatisfy(line ->
                            assertThat(line).matches("(INFO|CONFIG|LATENCY|MEMORY|SLOWLOG|CLIENT|ACL|ROLE|HELLO): .*"));
        }
    }

    @Test
    void warnsWhenKeysExpireFasterThanTheExpireCycleRemovesThem() throws Exception {
        try (RedisServer server = RedisServer.builder().enableDebugCommand().start()) {
            server.call("DEBUG", "POPULATE", "500000", "key", "10");

            Report report = doctor.examine(server, sample -> {
                server.call("EVAL", "for i = 0, 499999 do redis.call('PEXPIRE', 'key:' .. i, 100) end", "0");
                Thread.sleep(sample.toMillis());
            });
            Finding finding = finding(report, "latency-expire-cycle");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .containsPattern("expired_time_cap_reached_count \\+\\d+")
                    .contains("hz 10", "CONFIG SET hz 100", "jitter");
        }
    }

    @Test
    void seesTransparentHugePagesThroughLatencyDoctor() throws Exception {
        String thp = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        assertThat(thp)
                .as("this test needs transparent huge pages available in the kernel (always or madvise)")
                .doesNotContain("[never]");
        // jemalloc is asked to back the heap with huge pages, and Redis not to opt itself out.
        try (RedisServer server = RedisServer.builder()
                .enableDebugCommand()
                .environment("MALLOC_CONF", "thp:always")
                .option("disable-thp", "no")
                .option("latency-monitor-threshold", "100")
                .start()) {
            server.call("DEBUG", "POPULATE", "500000", "key", "100");

            Finding finding = finding(doctor.examine(server), "latency-transparent-huge-pages");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.remedy()).contains("transparent_hugepage/enabled", "restart Redis");
        }
    }

    @Test
    void notesThatTheLatencyMonitorIsOff() throws Exception {
        try (RedisServer off = RedisServer.start();
                RedisServer on = RedisServer.builder()
                        .option("latency-monitor-threshold", "100")
                        .start()) {
            Finding finding = finding(doctor.examine(off), "latency-monitor-off");
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.remedy()).startsWith("CONFIG SET latency-monitor-threshold 100");
            assertNoFinding(doctor.examine(on), "latency-monitor-off");
        }
    }

    @Test
    void warnsThatADisabledSlowLogHidesSlowCommands() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("slowlog-log-slower-than", "-1").start()) {
            Finding finding = finding(doctor.examine(server), "latency-slowlog-off");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.remedy()).contains("CONFIG SET slowlog-log-slower-than 10000");
        }
    }
}
