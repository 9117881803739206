package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.assertNoFinding;
import static io.steward.diagnostics.DoctorRuns.finding;
import static io.steward.diagnostics.DoctorRuns.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.collector.InfoParser;
import io.steward.testing.RawClient;
import io.steward.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Security rules against real servers: open to anyone, open to every network, generous with commands, attacked. */
class SecurityDoctorTest {

    private final DoctorRuns doctor = new DoctorRuns();

    @AfterEach
    void close() {
        doctor.close();
    }

    @Test
    void warnsAboutNoPasswordOnALoopbackOnlyServer() throws Exception {
        try (RedisServer open = RedisServer.start();
                RedisServer guarded = RedisServer.builder().password("s3cret").start()) {
            Finding finding = finding(doctor.examine(open), "security-no-password");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains("ACL user default is on with nopass", "bind 127.0.0.1: reachable from this host only");

            assertNoFinding(
                    doctor.examine(DoctorRuns.target(guarded, null, "s3cret"), Duration.ZERO, Doctor.SLEEP),
                    "security-no-password");
        }
    }

    @Test
    void isCriticalWhenAPasswordlessServerListensOnEveryInterfaceWithoutProtectedMode() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("bind", "0.0.0.0").start()) {
            Report report = doctor.examine(server);

            Finding exposed = finding(report, "security-exposed");
            assertThat(exposed.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(text(exposed))
                    .contains("protected-mode no and bind \"0.0.0.0\"", "CONFIG SET protected-mode yes");
            Finding noPassword = finding(report, "security-no-password");
            assertThat(noPassword.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(text(noPassword)).contains("reachable from other hosts");
        }
    }

    @Test
    void protectedModeOffIsFineOnceThereIsAPassword() throws Exception {
        try (RedisServer server = RedisServer.builder()
                .option("bind", "0.0.0.0")
                .password("s3cret")
                .start()) {
            assertNoFinding(
                    doctor.examine(DoctorRuns.target(server, null, "s3cret"), Duration.ZERO, Doctor.SLEEP),
                    "security-exposed");
        }
    }

    @Test
    void warnsAboutDebugCommandsForRemoteClientsAndNotesBroadAclUsers() throws Exception {
        try (RedisServer server = RedisServer.builder().enableDebugCommand().start()) {
            server.call("ACL", "SETUSER", "reporting", "on", ">report-pass", "~*", "+@all");

            Finding finding = finding(doctor.examine(server), "security-dangerous-commands");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding))
                    .contains(
                            "enable-debug-command yes: any client may use it",
                            "ACL users with @dangerous commands (CONFIG, FLUSHALL, DEBUG, KEYS, SHUTDOWN...): reporting",
                            "enable-debug-command local",
                            "ACL SETUSER reporting -@dangerous");
        }
    }

    @Test
    void warnsAboutFailedAuthenticationsDuringTheSample() throws Exception {
        try (RedisServer server = RedisServer.builder().password("s3cret").start()) {
            server.commands().ping();
            Report report = doctor.examine(DoctorRuns.target(server, null, "s3cret"), Duration.ofSeconds(1), sample -> {
                try (RawClient guesser = new RawClient(server.port())) {
                    for (String guess : new String[] {"admin", "redis", "123456"}) {
                        guesser.send("AUTH " + guess);
                    }
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> InfoParser.parse(server.commands().info("errorstats"))
                                    .get("errorstat_WRONGPASS")
                                    .orElse("")
                                    .startsWith("count=3"));
                }
            });

            Finding finding = finding(report, "security-auth-failures");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.title()).isEqualTo("3 failed authentications during the sample");
            assertThat(finding.remedy()).contains("ACL LOG");
        }
    }
}
