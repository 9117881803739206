package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.RedisServer;
import io.steward.testing.TestCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code steward doctor} as a user runs it: what it prints where, and the exit codes a CI gate relies on. */
class DoctorCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(Map<String, String> env, boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(env, () -> terminal);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run(Map.of(), false, args);
    }

    @Test
    void helpShowsTheDoctorWithItsOptionsAndExitCodes() {
        assertThat(run("--help").out()).contains("doctor");
        Run help = run("doctor", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains(
                        "--fail-on",
                        "--sample-seconds",
                        "-o, --output",
                        "--target",
                        "Exit codes:",
                        "1   findings at or above --fail-on");
    }

    @Test
    void exitsOneOnlyWhenAFindingReachesFailOn() {
        try (RedisServer server = RedisServer.start()) {
            // A default server: no password and no persistence (warnings) and notes, nothing critical.
            assertThat(run("doctor", server.uri(), "--sample-seconds", "0").exitCode())
                    .isZero();
            assertThat(run("doctor", server.uri(), "--sample-seconds", "0", "--fail-on", "warning")
                            .exitCode())
                    .isEqualTo(1);
            assertThat(run("doctor", server.uri(), "--sample-seconds", "0", "--fail-on", "info")
                            .exitCode())
                    .isEqualTo(1);
        }
    }

    @Test
    void printsAVerdictLineFirstAndFindingsByArea() {
        try (RedisServer server = RedisServer.start()) {
            Run run = run("doctor", server.uri(), "--sample-seconds", "0");

            assertThat(run.out())
                    .startsWith("WARNING  127.0.0.1:" + server.port() + ": 2 warnings, ")
                    .contains("\nSecurity\n  WARNING   Anyone who can reach the port can use Redis without a password")
                    .contains("    fix       ACL SETUSER default on");
            assertThat(run.out()).doesNotContain("\u001b[");
        }
    }

    @Test
    void usesColourOnATerminalUnlessNoColorIsSet() {
        try (RedisServer server = RedisServer.start()) {
            assertThat(run(Map.of(), true, "doctor", server.uri(), "--sample-seconds", "0")
                            .out())
                    .startsWith("\u001b[1;33mWARNING\u001b[0m");
            assertThat(run(Map.of("NO_COLOR", "1"), true, "doctor", server.uri(), "--sample-seconds", "0")
                            .out())
                    .doesNotContain("\u001b[");
            assertThat(run(Map.of(), true, "doctor", server.uri(), "--sample-seconds", "0", "-o", "json")
                            .out())
                    .doesNotContain("\u001b[");
        }
    }

    @Test
    void writesJsonWithMeasuredRatesForScripts() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            Run run = run("doctor", server.uri(), "-o", "json", "--sample-seconds", "1");

            JsonNode report = new ObjectMapper().readTree(run.out());
            assertThat(report.get("target").asText()).isEqualTo("127.0.0.1:" + server.port());
            assertThat(report.get("sampleSeconds").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(report.get("skipped")).isEmpty();
            assertThat(report.get("summary").get("warning").asInt()).isEqualTo(2);
        }
    }

    @Test
    void writesMarkdownForATicket() {
        try (RedisServer server = RedisServer.start()) {
            Run run = run("doctor", server.uri(), "-o", "markdown", "--sample-seconds", "0");

            assertThat(run.out())
                    .startsWith("# Redis doctor: 127.0.0.1:" + server.port() + "\n\n**WARNING**: 2 warnings")
                    .contains("\n## Security\n", "Rule `security-no-password`", "\n## Skipped\n");
        }
    }

    @Test
    void examinesEveryTargetOfTheConfigInOneRunOrTheNamedOnes() throws IOException {
        try (RedisServer cache = RedisServer.start();
                RedisServer queue = RedisServer.start()) {
            Path config = Files.writeString(
                    dir.resolve("steward.yaml"),
                    "targets:\n"
                            + "  - name: cache\n    uri: " + cache.uri() + "\n"
                            + "  - name: queue\n    uri: " + queue.uri() + "\n");

            JsonNode both = new ObjectMapper()
                    .readTree(run("doctor", "--config", config.toString(), "-o", "json", "--sample-seconds", "0")
                            .out());
            assertThat(both.isArray()).isTrue();
            assertThat(both.findValuesAsText("target")).containsExactly("cache", "queue");

            JsonNode one = new ObjectMapper()
                    .readTree(run(
                                    "doctor",
                                    "--config",
                                    config.toString(),
                                    "--target",
                                    "queue",
                                    "-o",
                                    "json",
                                    "--sample-seconds",
                                    "0")
                            .out());
            assertThat(one.get("target").asText()).isEqualTo("queue");
        }
    }

    @Test
    void aServerThatCannotBeReachedExitsThreeWithOneLineAndNoReport() {
        Run run = run("doctor", "redis://127.0.0.1:1", "--sample-seconds", "0");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("steward: cannot connect to 127.0.0.1:1")
                .doesNotContain("\tat ");
    }

    @Test
    void theReachableTargetsAreStillReportedWhenOneIsDown() throws IOException {
        try (RedisServer cache = RedisServer.start()) {
            Path config = Files.writeString(
                    dir.resolve("steward.yaml"),
                    "targets:\n"
                            + "  - name: cache\n    uri: " + cache.uri() + "\n"
                            + "  - name: gone\n    uri: redis://127.0.0.1:1\n");

            Run run = run("doctor", "--config", config.toString(), "--sample-seconds", "0");
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.out()).contains("cache (" + cache.uri().substring("redis://".length()) + ")");
            assertThat(run.err()).contains("steward: cannot connect to 127.0.0.1:1");
        }
    }

    @Test
    void aWrongPasswordExitsThreeWithoutShowingIt() {
        try (RedisServer server =
                RedisServer.builder().password("right-password").start()) {
            Run run = run(
                    Map.of("REDIS_PASSWORD", "wrong-password"), false, "doctor", server.uri(), "--sample-seconds", "0");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err())
                    .contains("authentication to 127.0.0.1:" + server.port() + " failed")
                    .doesNotContain("wrong-password")
                    .doesNotContain("right-password");
        }
    }

    @Test
    void readsThePasswordFromAFile() throws IOException {
        // Password and snapshots: nothing to warn about.
        try (RedisServer server =
                RedisServer.builder().password("file-password").save("3600 1").start()) {
            Path file = Files.writeString(dir.resolve("redis.pass"), "file-password\n");

            Run run = run("doctor", server.uri(), "--password-file", file.toString(), "--sample-seconds", "0");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).startsWith("OK  127.0.0.1:" + server.port()).doesNotContain("file-password");
        }
    }

    @Test
    void examinesATlsServerWithTheGivenCa() {
        TestCertificates certificates = TestCertificates.create(dir);
        try (RedisServer server = RedisServer.builder().tls(certificates, false).start()) {
            String uri = "rediss://127.0.0.1:" + server.port();

            Run trusted =
                    run("doctor", uri, "--tls-ca-file", certificates.caCert().toString(), "--sample-seconds", "0");
            assertThat(trusted.exitCode()).isZero();
            assertThat(trusted.out()).startsWith("WARNING  127.0.0.1:" + server.port());

            Run untrusted = run("doctor", uri, "--sample-seconds", "0");
            assertThat(untrusted.exitCode()).isEqualTo(3);
            assertThat(untrusted.err()).startsWith("steward: TLS with 127.0.0.1:" + server.port() + " failed");
        }
    }

    @Test
    void usageMistakesExitTwoNamingTheFlag() throws IOException {
        assertThat(run("doctor", "-o", "yaml")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--output: 'yaml' is not a format (use text, markdown or json)");
        });
        assertThat(run("doctor", "--fail-on", "major")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--fail-on: 'major' is not a severity (use info, warning or critical)");
        });
        assertThat(run("doctor", "--sample-seconds", "-1").err()).contains("--sample-seconds: -1 is out of range");
        assertThat(run("doctor", "--target", "cache").err()).contains("--target: names a target of the config file");
        assertThat(run("doctor", "redis://:hunter2@127.0.0.1:6390").err())
                .contains("URI: put the password in --password-file or REDIS_PASSWORD")
                .doesNotContain("hunter2");

        Path config = Files.writeString(
                dir.resolve("steward.yaml"), "targets:\n  - name: cache\n    uri: redis://127.0.0.1:1\n");
        Run unknown = run("doctor", "--config", config.toString(), "--target", "queue");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--target: no target named 'queue' in " + config + " (known: cache)");
    }
}
