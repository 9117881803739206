package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a user sees from the {@code steward} command for the things they type wrong. */
class CommandLineTest {

    @TempDir
    Path dir;

    private static Cli.Run run(Map<String, String> env, String... args) {
        return Cli.run(env, args);
    }

    private static Cli.Run run(String... args) {
        return Cli.run(Map.of(), args);
    }

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("steward.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        Cli.Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("serve")
                .contains("version")
                .contains("Exit codes:")
                .contains("usage or configuration error");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        Cli.Run run = run("version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("steward ").doesNotContain("unknown");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Cli.Run run = run("serve", "--no-such-flag");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--no-such-flag'");
    }

    @Test
    void anUnknownConfigKeyIsNamedByItsPath() throws IOException {
        Path file = config("targets:\n  - name: a\n    uri: redis://127.0.0.1:1\n    pol-interval: 5s\n");
        Cli.Run run = run("serve", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(file + ":4:5: targets[0].pol-interval: unknown key (known: ")
                .contains("poll-interval")
                .doesNotContain("\tat ");
    }

    @Test
    void aBadDurationNamesTheKeyAndTheExpectedForm() throws IOException {
        Path file = config("targets:\n  - uri: redis://127.0.0.1:1\n    poll-interval: soon\n");
        Cli.Run run = run("serve", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(file + ":3:5: targets[0].poll-interval: 'soon' is not a duration"
                        + " (write it like 500ms, 15s, 5m or 1h)");
    }

    @Test
    void invalidYamlIsReportedWithItsLine() throws IOException {
        Path file = config("targets:\n\t- uri: redis://x\n");
        Cli.Run run = run("serve", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(file + ":2:1: not valid YAML: found character '\\t(TAB)'");
    }

    @Test
    void aListWhereAValueBelongsIsNamed() throws IOException {
        Path file = config("targets:\n  - uri: [redis://a, redis://b]\n");
        Cli.Run run = run("serve", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(file + ":2:5: targets[0].uri: wrong form (expected a single value)");
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Cli.Run run = run("serve", "--config", dir.resolve("absent.yaml").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("absent.yaml does not exist");
    }

    @Test
    void aPasswordInACommandLineUriIsRefusedWithoutEchoingIt() {
        Cli.Run run = run("serve", "--redis", "redis://:hunter2-secret@127.0.0.1:6390");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("--redis: put the password in --password-file or REDIS_PASSWORD")
                .doesNotContain("hunter2-secret");
    }

    @Test
    void aUriWithAnotherSchemeIsRefused() {
        Cli.Run run = run("serve", "--redis", "http://127.0.0.1:6390");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(
                        "--redis: unsupported scheme 'http' (use redis://, rediss://, redis-socket:// or redis-sentinel://)");
    }

    @Test
    void aPortThatIsNotANumberIsAUsageErrorNamingIt() throws IOException {
        Cli.Run serve = run("serve", "--redis", "redis://127.0.0.1:notaport");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.err())
                .contains("--redis: 'redis://127.0.0.1:notaport' has no valid port ('notaport' is not a number from 1"
                        + " to 65535");
        Cli.Run doctor = run("doctor", "127.0.0.1:63a9", "--sample-seconds", "0");
        assertThat(doctor.exitCode()).isEqualTo(2);
        assertThat(doctor.err()).contains("URI: '127.0.0.1:63a9' has no valid port ('63a9'");
        Cli.Run outOfRange = run("backup", "run", "--redis", "redis://127.0.0.1:99999");
        assertThat(outOfRange.exitCode()).isEqualTo(2);
        assertThat(outOfRange.err()).contains("--redis: 'redis://127.0.0.1:99999' has no valid port ('99999'");
        Path file = config("targets:\n  - uri: rediss://[::1]:port/0\n");
        Cli.Run fromFile = run("serve", "--config", file.toString());
        assertThat(fromFile.exitCode()).isEqualTo(2);
        assertThat(fromFile.err()).contains(file + ":2:5: targets[0].uri: 'rediss://[::1]:port/0' has no valid port");
    }

    @Test
    void anUnsetPasswordVariableIsNamed() throws IOException {
        Path file = config("targets:\n  - uri: redis://127.0.0.1:1\n    password-env: CACHE_PASS\n");
        Cli.Run run = run("serve", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(file + ":3:5: targets[0].password-env: environment variable CACHE_PASS is not set");
    }

    @Test
    void anUnreadablePasswordFileIsNamedWithoutItsContent() {
        Cli.Run run = run("serve", "--password-file", dir.resolve("nope.pass").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("--password-file: cannot read password file")
                .contains("nope.pass");
    }

    @Test
    void twoTargetsWithOneNameAreRefused() throws IOException {
        Path file = config(
                "targets:\n  - name: a\n    uri: redis://127.0.0.1:1\n  - name: a\n    uri: redis://127.0.0.1:2\n");
        Cli.Run run = run("serve", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("two targets are named 'a'");
    }

    @Test
    void aBadListenAddressIsNamed() {
        Cli.Run run = run(Map.of("STEWARD_WEB_LISTEN_ADDRESS", "localhost"), "serve");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("STEWARD_WEB_LISTEN_ADDRESS: 'localhost' is not HOST:PORT");
    }

    @Test
    void aPortInUseMeansCouldNotRun() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Run run = run(
                    "serve",
                    "--redis",
                    "redis://127.0.0.1:1",
                    "--web.listen-address",
                    "127.0.0.1:" + taken.getLocalPort());
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err())
                    .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--web.listen-address");
        }
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFile() throws IOException {
        Path file = config("web:\n  listen-address: \"127.0.0.1:1111\"\n");
        ServeCommand fromFile = serve(Map.of(), "--config", file.toString());
        assertThat(fromFile.settings().listen().getPort()).isEqualTo(1111);
        ServeCommand fromEnv =
                serve(Map.of("STEWARD_WEB_LISTEN_ADDRESS", "127.0.0.1:2222"), "--config", file.toString());
        assertThat(fromEnv.settings().listen().getPort()).isEqualTo(2222);
        ServeCommand fromFlag = serve(
                Map.of("STEWARD_WEB_LISTEN_ADDRESS", "127.0.0.1:2222"),
                "--config",
                file.toString(),
                "--web.listen-address",
                "127.0.0.1:3333");
        assertThat(fromFlag.settings().listen().getPort()).isEqualTo(3333);
    }

    @Test
    void withoutTargetsItWatchesTheLocalDefaultServer() {
        ServeCommand serve = serve(Map.of());
        assertThat(serve.settings().targets())
                .singleElement()
                .satisfies(target -> assertThat(target.address()).isEqualTo("localhost:6379"));
        assertThat(serve.settings().listen().getPort()).isEqualTo(9739);
    }

    private static ServeCommand serve(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand(env);
        new CommandLine(serve).parseArgs(args);
        return serve;
    }
}
