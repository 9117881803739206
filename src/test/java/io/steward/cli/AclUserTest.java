package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ACL user of the config file ({@code username:}), made on a real server with the permissions the README gives,
 * on a server whose default user has a password the agent does not know.
 */
class AclUserTest {

    private static final String PASSWORD = "monitor-Secret-2718";

    /** The README's least-privilege user for the doctor (its Least privilege table). */
    private static final List<String> DOCTOR_PERMISSIONS = LeastPrivilege.rule(LeastPrivilege.DOCTOR);

    /** The README's user for the agent's polls. */
    private static final List<String> AGENT_PERMISSIONS = LeastPrivilege.rule(LeastPrivilege.SERVE);

    private static RedisServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startWithTwoAclUsers() {
        server = RedisServer.builder().password("default-Secret-1414").start();
        createUser("doctor", DOCTOR_PERMISSIONS);
        createUser("monitor", AGENT_PERMISSIONS);
    }

    private static void createUser(String name, List<String> permissions) {
        List<String> args = new java.util.ArrayList<>(List.of("SETUSER", name, "on", ">" + PASSWORD));
        args.addAll(permissions);
        server.call("ACL", args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Path config(String username, String password) throws IOException {
        Path passwordFile = Files.writeString(Files.createTempFile(dir, "redis-", ".pass"), password + "\n");
        return Files.writeString(
                Files.createTempFile(dir, "steward-", ".yaml"),
                "targets:\n"
                        + "  - name: cache\n"
                        + "    uri: " + server.uri() + "\n"
                        + "    username: " + username + "\n"
                        + "    password-file: " + passwordFile + "\n");
    }

    @Test
    void theDoctorAuthenticatesAsTheConfiguredUserAndItsPermissionsCoverEveryRule() throws IOException {
        Cli.Run run = Cli.run(
                Map.of(),
                "doctor",
                "--config",
                config("doctor", PASSWORD).toString(),
                "--sample-seconds",
                "1",
                "-o",
                "json");
        assertThat(run.exitCode()).as(run.err()).isIn(0, 1);
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.path("target").asText()).isEqualTo("cache");
        assertThat(report.path("skipped").findValuesAsText("reason"))
                .as("rules skipped for want of a permission")
                .noneSatisfy(reason -> assertThat(reason).containsIgnoringCase("permission"));
    }

    @Test
    void theAgentPollsAsTheConfiguredUserWithEverySeriesItsPermissionsAllow() {
        try (Agent agent = TestAgents.start(
                Map.of("MONITOR_PASSWORD", PASSWORD),
                new StewardConfig.TargetEntry(
                        "cache", server.uri(), "monitor", null, "MONITOR_PASSWORD", "300ms", "2s", null))) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String metrics = Http.get(TestAgents.base(agent) + "/metrics").body();
                assertThat(Metrics.value(metrics, "redis_up{target=\"cache\"}")).hasValue(1.0);
                // One series from each command the agent sends: INFO, MEMORY STATS, SLOWLOG, CONFIG GET.
                assertThat(metrics)
                        .contains("redis_memory_used_bytes{target=\"cache\"}")
                        .contains("redis_memory_stats_keys{target=\"cache\"}")
                        .contains("redis_slowlog_length{target=\"cache\"}")
                        .contains("redis_config_maxclients{target=\"cache\"}");
                assertThat(Metrics.value(metrics, "steward_poll_errors_total{reason=\"refused\",target=\"cache\"}"))
                        .hasValue(0.0);
            });
        }
    }

    @Test
    void aWrongPasswordIsExit3WithAClearMessageThatNeverShowsThePassword() throws IOException {
        String wrong = "wrong-Secret-1618";
        Cli.Run run =
                Cli.run(Map.of(), "doctor", "--config", config("doctor", wrong).toString(), "--sample-seconds", "0");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err())
                .contains("authentication to 127.0.0.1:" + server.port() + " failed")
                .contains("check the username and the password");
        assertThat(run.out() + run.err()).doesNotContain(wrong).doesNotContain(PASSWORD);
    }

    @Test
    void anUnknownUsernameIsExit3WithAClearMessageThatNeverShowsThePassword() throws IOException {
        Cli.Run run = Cli.run(
                Map.of(), "doctor", "--config", config("nobody", PASSWORD).toString(), "--sample-seconds", "0");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err())
                .contains("authentication to 127.0.0.1:" + server.port() + " failed")
                .contains("check the username and the password");
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
    }
}
