package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.RedisURI;
import io.steward.collector.InfoParser;
import io.steward.collector.PollOptions;
import io.steward.collector.RedisConnector;
import io.steward.collector.RedisInfo;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import io.steward.diagnostics.Diagnosis;
import io.steward.diagnostics.Doctor;
import io.steward.diagnostics.Finding;
import io.steward.diagnostics.Report;
import io.steward.diagnostics.Rules;
import io.steward.diagnostics.TextReport;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor beside a local Redis judges it by the memory its cgroup really has. The servers and their processes
 * are real; the cgroup file system is a copy in a temporary directory with the limit a container would have, at
 * the path the server's /proc/PID/cgroup names.
 */
class CgroupMemoryTest {

    private static final double MIB = 1024 * 1024;

    @TempDir
    Path cgroups;

    private final RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));

    @AfterEach
    void close() {
        connector.close();
    }

    @Test
    void judgesALocalServerByTheMemoryLimitOfItsContainer() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            long limit = (long) (info(server).number("used_memory_rss").getAsDouble() * 1.05);
            limitCgroupOf(server, limit);

            Report report = examine(server, new CgroupMemory(Path.of("/proc"), cgroups));
            Finding unset = finding(report, "memory-maxmemory-unset");
            assertThat(unset.title())
                    .isEqualTo("maxmemory is not set: Redis grows until its container runs out of memory");
            assertThat(String.join("\n", unset.evidence()))
                    .containsPattern("the container's memory limit \\d+\\.\\d MiB \\(cgroup v[12] memory\\.");
            assertThat(unset.remedy()).startsWith("CONFIG SET maxmemory " + megabytesDown(limit * 0.75) + "mb ");
            assertThat(finding(report, "memory-near-system-memory").title())
                    .startsWith("Redis holds")
                    .endsWith("of its container's memory limit");
        }
    }

    @Test
    void raisesNoMaxmemoryBeyondWhatTheContainerHas() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("maxmemory", "10mb").start()) {
            for (int i = 0; i < 60; i++) {
                server.commands().set("ballast:" + i, "b".repeat(100_000));
            }
            limitCgroupOf(server, 12 * 1024 * 1024);

            Finding finding =
                    finding(examine(server, new CgroupMemory(Path.of("/proc"), cgroups)), "memory-near-maxmemory");
            assertThat(finding.remedy())
                    .startsWith("If the data must grow: no higher limit fits (no more than 75.0% of the container's"
                            + " memory limit 12.0 MiB")
                    .endsWith("or give it a TTL (EXPIRE)");
        }
    }

    @Test
    void leavesAServerWhoseProcessItCannotSeeToTheHostsMemory(@TempDir Path elsewhere) throws Exception {
        try (RedisServer server = RedisServer.start()) {
            limitCgroupOf(server, 64 * 1024 * 1024);

            // A /proc without the server's process: the server runs in another PID namespace.
            Finding finding = finding(examine(server, new CgroupMemory(elsewhere, cgroups)), "memory-maxmemory-unset");
            assertThat(String.join("\n", finding.evidence())).contains("total_system_memory");
        }
    }

    @Test
    void readsTheMemoryLineOfBothCgroupVersions() {
        assertThat(CgroupMemory.memoryCgroup("0::/system.slice/redis-server.service\n"))
                .contains(new CgroupMemory.Membership(false, "/system.slice/redis-server.service"));
        assertThat(CgroupMemory.memoryCgroup("5:cpuset:/\n4:memory:/docker/abc\n1:name=systemd:/docker/abc\n0::/\n"))
                .contains(new CgroupMemory.Membership(true, "/docker/abc"));
        assertThat(CgroupMemory.memoryCgroup("3:cpu,cpuacct:/\n")).isEmpty();
        assertThat(CgroupMemory.limitBytes("536870912\n")).isEqualTo(OptionalLong.of(536_870_912));
        assertThat(CgroupMemory.limitBytes("max\n")).isEmpty();
        assertThat(CgroupMemory.limitBytes("9223372036854771712\n")).isEmpty();
    }

    @Test
    void countsSocketsLoopbackAndThisHostsAddressesAsLocal() {
        assertThat(CgroupMemory.isLocal("/var/run/redis/redis.sock")).isTrue();
        assertThat(CgroupMemory.isLocal("127.0.0.2:6379")).isTrue();
        assertThat(CgroupMemory.isLocal("localhost:6379")).isTrue();
        assertThat(CgroupMemory.isLocal("::1:6379")).isTrue();
        // TEST-NET-1 (RFC 5737): an address no host here has.
        assertThat(CgroupMemory.isLocal("192.0.2.10:6379")).isFalse();
    }

    /** Writes the limit for the server's memory cgroup, v1 or v2, as /proc/PID/cgroup names it. */
    private void limitCgroupOf(RedisServer server, long bytes) throws IOException {
        long pid = (long) info(server).number("process_id").getAsDouble();
        String membership = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
        Optional<CgroupMemory.Membership> memory = CgroupMemory.memoryCgroup(membership);
        assertThat(memory).as(membership).isPresent();
        String relative = memory.get().path().replaceFirst("^/+", "");
        Path dir = (memory.get().v1() ? cgroups.resolve("memory") : cgroups).resolve(relative);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(memory.get().v1() ? "memory.limit_in_bytes" : "memory.max"), bytes + "\n");
    }

    private Report examine(RedisServer server, CgroupMemory limits) throws Exception {
        RedisURI uri = RedisURI.create(server.uri());
        uri.setClientName("redis-steward");
        Target target = new Target("test", uri, Duration.ofSeconds(15));
        try (TargetPoller poller = new TargetPoller(target, connector, Clock.systemUTC(), PollOptions.doctor())) {
            return new Doctor(Doctor.SLEEP, new Diagnosis(Rules.standard()), limits)
                    .examine(poller::poll, Duration.ZERO);
        }
    }

    private static Finding finding(Report report, String rule) {
        return report.findings().stream()
                .filter(f -> f.id().equals(rule))
                .findFirst()
                .orElseGet(() -> fail("no finding " + rule + " in:\n" + new TextReport(false).render(report)));
    }

    private static long megabytesDown(double bytes) {
        return (long) Math.floor(bytes / MIB);
    }

    private static RedisInfo info(RedisServer server) {
        return InfoParser.parse(server.commands().info("everything"));
    }
}
