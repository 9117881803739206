package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.collector.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command reads its settings the same way: flags, environment, config file, defaults. */
class SettingsTest {

    @TempDir
    Path dir;

    private Path config(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    /** Each command, with what it needs besides the config file to get as far as reading it. */
    private List<String[]> everyCommand() {
        String store = dir.resolve("store").toUri().toString();
        return List.of(
                new String[] {"serve"},
                new String[] {"doctor"},
                new String[] {"backup", "run"},
                new String[] {"backup", "list", "--storage", store},
                new String[] {"backup", "verify", "--latest", "--storage", store},
                new String[] {"backup", "restore", "20260101T000000Z-00000000", "--to-dir", dir.toString()},
                new String[] {"backup", "prune", "--storage", store});
    }

    @Test
    void everyCommandReadsTheConfigFileOfStewardConfigAndPlacesItsMistakes() throws IOException {
        Path bad = config(
                "bad.yaml",
                "web:\n  listen-address: \":0\"\ntargets:\n  - uri: redis://127.0.0.1:1\n" + "    pol-interval: 5s\n");
        for (String[] command : everyCommand()) {
            Cli.Run run = Cli.run(Map.of("STEWARD_CONFIG", bad.toString()), command);
            assertThat(run.exitCode()).as(String.join(" ", command)).isEqualTo(2);
            assertThat(run.err())
                    .as(String.join(" ", command))
                    .contains(bad + ":5:5: targets[0].pol-interval: unknown key (known: backup, cluster, name,"
                            + " password-env, password-file, poll-interval, seeds, sentinel-password-env,"
                            + " sentinel-password-file, sentinel-username, timeout, tls, uri, username)");
        }
    }

    @Test
    void theConfigFlagWinsOverStewardConfig() throws IOException {
        Path bad = config("bad.yaml", "nonsense: 1\n");
        Path good =
                config("good.yaml", "storage:\n  url: " + dir.resolve("store").toUri() + "\n");
        Files.createDirectories(dir.resolve("store"));
        Cli.Run run = Cli.run(Map.of("STEWARD_CONFIG", bad.toString()), "backup", "list", "--config", good.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).startsWith("no backups in " + dir.resolve("store").toUri());
    }

    @Test
    void theStorageUrlComesFromTheFlagThenTheEnvironmentThenTheFile() throws IOException {
        Path file = config(
                "steward.yaml", "storage:\n  url: " + dir.resolve("from-file").toUri() + "\n");
        Map<String, String> env =
                Map.of("STEWARD_STORAGE_URL", dir.resolve("from-env").toUri() + "");
        for (String store : List.of("from-file", "from-env", "from-flag")) {
            Files.createDirectories(dir.resolve(store));
        }
        assertThat(Cli.run(Map.of(), "backup", "list", "--config", file.toString())
                        .err())
                .contains("from-file");
        assertThat(Cli.run(env, "backup", "list", "--config", file.toString()).err())
                .contains("from-env");
        String flag = dir.resolve("from-flag").toUri().toString();
        assertThat(Cli.run(env, "backup", "list", "--config", file.toString(), "--storage", flag)
                        .err())
                .contains("from-flag");
    }

    @Test
    void aBadValueIsNamedByWhereItCameFrom() throws IOException {
        Path file = config("steward.yaml", "doctor:\n  interval: soon\n");
        assertThat(Cli.run(Map.of(), "serve", "--config", file.toString()).err())
                .contains(file + ":2:3: doctor.interval: 'soon' is not a duration");
        assertThat(Cli.run(Map.of("STEWARD_DOCTOR_INTERVAL", "later"), "serve", "--config", file.toString())
                        .err())
                .contains("STEWARD_DOCTOR_INTERVAL: 'later' is not a duration");
        assertThat(Cli.run(Map.of(), "serve", "--config", file.toString(), "--doctor.interval", "never")
                        .err())
                .contains("--doctor.interval: 'never' is not a duration");
        Path storage = config("storage.yaml", "storage:\n  url: ftp://host/backups\n");
        assertThat(Cli.run(Map.of(), "backup", "list", "--config", storage.toString())
                        .err())
                .contains(storage + ":2:3: storage.url: 'ftp://host/backups' is not a storage URL");
        assertThat(Cli.run(Map.of(), "backup", "list", "--storage", "ftp://elsewhere")
                        .err())
                .contains("--storage: 'ftp://elsewhere' is not a storage URL");
    }

    @Test
    void aMissingValueIsPlacedAtItsSection() throws IOException {
        Path file = config("steward.yaml", "targets:\n  - name: cache\n    poll-interval: 5s\n");
        Cli.Run run = Cli.run(Map.of(), "doctor", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(file + ":2:5: targets[0].uri: missing (for example uri: redis://localhost:6379)");
    }

    @Test
    void anUnknownTargetNameReadsTheSameInEveryCommandThatTakesOne() throws IOException {
        Path file = config("steward.yaml", "targets:\n  - name: cache-1\n    uri: redis://127.0.0.1:1\n");
        String expected = "--target: no target named 'cache-2' in " + file + " (known: cache-1)";
        assertThat(Cli.run(Map.of(), "doctor", "--config", file.toString(), "--target", "cache-2")
                        .err())
                .contains(expected);
        assertThat(Cli.run(Map.of(), "backup", "run", "--config", file.toString(), "--target", "cache-2")
                        .err())
                .contains(expected);
    }

    @Test
    void withoutTargetsEveryCommandThatConnectsUsesTheLocalDefault() {
        ServeCommand serve = new ServeCommand(Map.of());
        new CommandLine(serve).parseArgs();
        assertThat(serve.settings().targets()).map(Target::address).containsExactly("localhost:6379");
        DoctorCommand doctor = new DoctorCommand(Map.of(), () -> false);
        new CommandLine(doctor).parseArgs();
        assertThat(doctor.targets(Duration.ofSeconds(1))).map(Target::address).containsExactly("localhost:6379");
    }

    @Test
    void flagsForCommandLineTargetsFallBackToTheEnvironment() throws IOException {
        Path password = Files.writeString(dir.resolve("pass"), "from-file\n");
        ServeCommand fromEnv = new ServeCommand(Map.of("REDIS_USERNAME", "env-user", "REDIS_PASSWORD", "from-env"));
        new CommandLine(fromEnv).parseArgs("--redis", "redis://127.0.0.1:7000");
        assertThat(fromEnv.settings()
                        .targets()
                        .get(0)
                        .uri()
                        .getCredentialsProvider()
                        .resolveCredentials()
                        .block())
                .satisfies(credentials -> {
                    assertThat(credentials.getUsername()).isEqualTo("env-user");
                    assertThat(new String(credentials.getPassword())).isEqualTo("from-env");
                });
        ServeCommand fromFlags = new ServeCommand(Map.of("REDIS_USERNAME", "env-user", "REDIS_PASSWORD", "from-env"));
        new CommandLine(fromFlags)
                .parseArgs(
                        "--redis",
                        "redis://127.0.0.1:7000",
                        "--username",
                        "flag-user",
                        "--password-file",
                        password.toString());
        assertThat(fromFlags
                        .settings()
                        .targets()
                        .get(0)
                        .uri()
                        .getCredentialsProvider()
                        .resolveCredentials()
                        .block())
                .satisfies(credentials -> {
                    assertThat(credentials.getUsername()).isEqualTo("flag-user");
                    assertThat(new String(credentials.getPassword())).isEqualTo("from-file");
                });
    }
}
