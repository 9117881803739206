package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steward.collector.InfoParser;
import io.steward.collector.PollFailure;
import io.steward.testing.RedisServer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the doctor does as a whole: quiet on a good server, read-only, discreet, and useful on a locked-down one. */
class DoctorTest {

    /** Every command the doctor and its client library may send. */
    private static final Set<String> READ_ONLY = Set.of(
            "info",
            "config|get",
            "memory|stats",
            "memory|doctor",
            "latency|latest",
            "latency|doctor",
            "slowlog|get",
            "slowlog|len",
            "role",
            "client|list",
            "client|setname",
            "client|setinfo",
            "acl|list",
            "hello",
            "ping",
            "cluster|info",
            "cluster|nodes",
            "command|docs");

    private final DoctorRuns doctor = new DoctorRuns();

    @AfterEach
    void close() {
        doctor.close();
    }

    @Test
    void aHealthyWellConfiguredServerGetsNoWarningOrCriticalFinding() throws Exception {
        try (RedisServer primary = wellConfigured().start();
                RedisServer replica = wellConfigured()
                        .replicaOf(primary)
                        .option("masterauth", "s3cret-primary")
                        .start()) {
            replica.awaitReplicationLink();
            primary.commands().set("user:1", "ada");

            Report report = doctor.examine(
                    DoctorRuns.target(primary, null, "s3cret-primary"), Duration.ofSeconds(1), Doctor.SLEEP);

            assertThat(report.findings())
                    .as(new TextReport(false).render(report))
                    .allSatisfy(finding -> assertThat(finding.severity()).isEqualTo(Severity.INFO));
            assertThat(report.skipped()).isEmpty();
            assertThat(report.rulesChecked()).isEqualTo(Rules.standard().size());
        }
    }

    @Test
    void sendsOnlyReadOnlyCommands() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("latency-monitor-threshold", "100").start()) {
            doctor.examine(server, sample -> {});

            Set<String> sent =
                    InfoParser.parse(server.commands().info("commandstats")).section("commandstats").keySet().stream()
                            .map(field -> field.substring("cmdstat_".length()))
                            .collect(Collectors.toSet());
            assertThat(sent)
                    .contains(
                            "info",
                            "config|get",
                            "memory|doctor",
                            "latency|doctor",
                            "slowlog|get",
                            "client|list",
                            "acl|list",
                            "role");
            assertThat(sent).allSatisfy(command -> assertThat(READ_ONLY).contains(command));
        }
    }

    @Test
    void skipsTheRulesARestrictedUserCannotFeedAndReportsTheRest() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.call(
                    "ACL",
                    "SETUSER",
                    "monitor",
                    "on",
                    ">monitor-pass",
                    "+info",
                    "+config|get",
                    "+ping",
                    "+hello",
                    "+client|setname");

            Report report =
                    doctor.examine(DoctorRuns.target(server, "monitor", "monitor-pass"), Duration.ZERO, Doctor.SLEEP);

            assertThat(report.skipped())
                    .extracting(Skipped::id)
                    .containsExactlyInAnyOrder(
                            "memory-evictions",
                            "persistence-aof-delayed-fsync",
                            "replication-backlog-window",
                            "replication-full-syncs",
                            "replication-sync-loop-risk",
                            "latency-events",
                            "latency-slow-commands",
                            "latency-expire-cycle",
                            "latency-transparent-huge-pages",
                            "latency-cpu-saturated",
                            "clients-rejected",
                            "clients-output-buffers",
                            "clients-error-replies",
                            "security-no-password",
                            "security-auth-failures");
            assertThat(report.skipped())
                    .filteredOn(s -> s.id().equals("security-no-password"))
                    .singleElement()
                    .extracting(Skipped::reason)
                    .asString()
                    .isEqualTo("ACL LIST refused: the user 'monitor' lacks +acl|list");
            assertThat(report.findings()).extracting(Finding::id).contains("memory-maxmemory-unset", "persistence-off");
        }
    }

    @Test
    void theLeastPrivilegeUserOfTheReadmeSkipsNothing() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.call(
                    "ACL",
                    "SETUSER",
                    "doctor",
                    "on",
                    ">doctor-pass",
                    "+info",
                    "+config|get",
                    "+memory|stats",
                    "+memory|doctor",
                    "+latency|latest",
                    "+latency|doctor",
                    "+slowlog|get",
                    "+slowlog|len",
                    "+role",
                    "+client|list",
                    "+client|setname",
                    "+acl|list",
                    "+cluster|info",
                    "+cluster|nodes",
                    "+ping",
                    "+hello");

            Report report = doctor.examine(
                    DoctorRuns.target(server, "doctor", "doctor-pass"), Duration.ofSeconds(1), Doctor.SLEEP);

            assertThat(report.skipped()).isEmpty();
        }
    }

    @Test
    void aServerWithoutConfigGetLikeAManagedRedisStillGetsAReport() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("rename-command", "CONFIG \"\"").start()) {
            Report report = doctor.examine(server);

            assertThat(report.skipped())
                    .filteredOn(s -> s.id().equals("persistence-off"))
                    .singleElement()
                    .extracting(Skipped::reason)
                    .asString()
                    .startsWith("CONFIG GET refused: ERR unknown command");
            assertThat(report.findings())
                    .extracting(Finding::id)
                    .contains("security-no-password", "memory-maxmemory-unset");
        }
    }

    @Test
    void neverShowsPasswordsOrTheirHashes() throws Exception {
        String primaryPassword = "primary-pw-7f3a";
        String userPassword = "app-pw-91c2";
        try (RedisServer primary =
                        RedisServer.builder().password(primaryPassword).start();
                RedisServer replica = RedisServer.builder()
                        .replicaOf(primary)
                        .password(primaryPassword)
                        .option("masterauth", primaryPassword)
                        .start()) {
            replica.awaitReplicationLink();
            primary.call("ACL", "SETUSER", "app", "on", ">" + userPassword, "~*", "+@all");
            Report onPrimary = doctor.examine(
                    DoctorRuns.target(primary, null, primaryPassword), Duration.ofSeconds(1), Doctor.SLEEP);
            Report onReplica =
                    doctor.examine(DoctorRuns.target(replica, null, primaryPassword), Duration.ZERO, Doctor.SLEEP);

            for (Report report : List.of(onPrimary, onReplica)) {
                for (String output : List.of(
                        new TextReport(true).render(report),
                        new MarkdownReport().render(report),
                        new JsonReport().render(report))) {
                    assertThat(output)
                            .doesNotContain(
                                    primaryPassword, userPassword, sha256(primaryPassword), sha256(userPassword));
                }
            }
        }
    }

    @Test
    void anUnreachableServerIsAConnectFailureNamingTheAddress() {
        RedisServer gone = RedisServer.start();
        gone.close();

        assertThatThrownBy(() -> doctor.examine(gone)).isInstanceOfSatisfying(DoctorException.class, failure -> {
            assertThat(failure.reason()).isEqualTo(PollFailure.CONNECT);
            assertThat(failure.getMessage()).startsWith("cannot connect to 127.0.0.1:" + gone.port());
        });
    }

    @Test
    void aWrongPasswordIsAnAuthFailureWithoutThePassword() throws Exception {
        try (RedisServer server = RedisServer.builder().password("right-one").start()) {
            assertThatThrownBy(() ->
                            doctor.examine(DoctorRuns.target(server, null, "wrong-one"), Duration.ZERO, Doctor.SLEEP))
                    .isInstanceOfSatisfying(DoctorException.class, failure -> {
                        assertThat(failure.reason()).isEqualTo(PollFailure.AUTH);
                        assertThat(failure.getMessage())
                                .contains("authentication to 127.0.0.1:" + server.port() + " failed")
                                .doesNotContain("wrong-one")
                                .doesNotContain("right-one");
                    });
        }
    }

    /** Persistence on, a limit and a policy, a password, keepalive, the latency monitor: what a careful operator sets. */
    private static RedisServer.Builder wellConfigured() {
        return RedisServer.builder()
                .password("s3cret-primary")
                .appendOnly(true)
                .save("3600 1 300 100 60 10000")
                .option("maxmemory", "256mb")
                .option("maxmemory-policy", "allkeys-lru")
                .option("latency-monitor-threshold", "100")
                .option("repl-backlog-size", "64mb");
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
