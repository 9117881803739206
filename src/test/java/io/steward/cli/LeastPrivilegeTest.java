package io.steward.cli;

import static io.steward.cli.LeastPrivilege.BACKUP_LOCAL;
import static io.steward.cli.LeastPrivilege.BACKUP_REPLICATION;
import static io.steward.cli.LeastPrivilege.DOCTOR;
import static io.steward.cli.LeastPrivilege.RESTORE_TO;
import static io.steward.cli.LeastPrivilege.SERVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.collector.InfoParser;
import io.steward.testing.Http;
import io.steward.testing.LogCapture;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each command run as a user made from exactly the README's Least privilege rule works, and sends every command the
 * rule allows (so the rule holds nothing more than it needs); with any one permission taken away, the command tells
 * which one the user lacks.
 */
class LeastPrivilegeTest {

    private static final String USER = "steward";
    private static final String PASSWORD = "steward-Secret-3141";
    private static final String DEFAULT_PASSWORD = "default-Secret-1414";
    private static final String PASSWORD_VARIABLE = "STEWARD_TEST_PASSWORD";

    /** What serve leaves out without each permission that has a series of its own. */
    private static final Map<String, String> SERIES = Map.of(
            "+memory|stats", "redis_memory_stats_keys{target=\"cache\"}",
            "+slowlog|len", "redis_slowlog_length{target=\"cache\"}",
            "+config|get", "redis_config_maxclients{target=\"cache\"}");

    @TempDir
    static Path dir;

    private static RedisServer source;
    private static RedisServer target;
    private static Path passwordFile;
    private static String backupId;

    @BeforeAll
    static void startAServerWithDataAndTakeABackupOfIt() throws IOException {
        // The default user has a password the agent does not know: every command runs as the rule's user.
        source = RedisServer.builder()
                .password(DEFAULT_PASSWORD)
                .option("repl-diskless-sync-delay", "0")
                .start();
        source.commands().set("greeting", "hello");
        source.call("SELECT", "2");
        source.commands().set("elsewhere", "in db2");
        source.call("SELECT", "0");
        target = RedisServer.builder().password(DEFAULT_PASSWORD).start();
        passwordFile = Files.writeString(dir.resolve("steward.pass"), PASSWORD + "\n");
        Path defaultPassword = Files.writeString(dir.resolve("default.pass"), DEFAULT_PASSWORD + "\n");
        Cli.Run backup = Cli.run(
                Map.of(),
                "backup",
                "run",
                "--redis",
                source.uri(),
                "--password-file",
                defaultPassword.toString(),
                "--to",
                store().toUri().toString());
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        backupId = backup.backupId();
    }

    @AfterAll
    static void stop() {
        source.close();
        target.close();
    }

    private static Path store() {
        return dir.resolve("store");
    }

    @Test
    void theReadmeGivesARuleForEveryCommandAndRedisTakesEachAsWritten() {
        Map<String, List<String>> table = LeastPrivilege.table();
        assertThat(table).containsOnlyKeys(SERVE, DOCTOR, BACKUP_LOCAL, BACKUP_REPLICATION, RESTORE_TO);
        table.forEach((command, rule) -> {
            LeastPrivilege.setUser(target, "readme-rule", PASSWORD, rule);
            assertThat(target.call("ACL", "GETUSER", "readme-rule")).as(command).isNotEmpty();
        });
        target.call("ACL", "DELUSER", "readme-rule");
    }

    // --- serve ------------------------------------------------------------------------------------------------

    @Test
    void serveAsTheReadmesUserPollsEverySeriesAndRefusesNothing() {
        LeastPrivilege.setUser(source, USER, PASSWORD, LeastPrivilege.rule(SERVE));
        source.call("CONFIG", "RESETSTAT");
        try (LogCapture log = new LogCapture();
                Agent agent = startAgent()) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String metrics = Http.get(TestAgents.base(agent) + "/metrics").body();
                assertThat(Metrics.value(metrics, "redis_up{target=\"cache\"}")).hasValue(1.0);
                assertThat(metrics).contains(SERIES.values());
                assertThat(called()).containsAll(LeastPrivilege.commands(LeastPrivilege.rule(SERVE)));
            });
            assertThat(log.lines()).noneMatch(line -> line.contains("refuse"));
        }
    }

    static Stream<String> servePermissions() {
        return LeastPrivilege.rule(SERVE).stream();
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("servePermissions")
    void serveWithOnePermissionLessLogsWhichOneAndLeavesOutWhatNeedsIt(String permission) {
        LeastPrivilege.setUser(source, USER, PASSWORD, LeastPrivilege.without(SERVE, permission));
        try (LogCapture log = new LogCapture();
                Agent agent = startAgent()) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(log.lines())
                            .anyMatch(line -> line.contains("the user '" + USER + "' lacks " + permission)));
            String metrics = Http.get(TestAgents.base(agent) + "/metrics").body();
            if (permission.equals("+info")) {
                assertThat(Metrics.value(metrics, "redis_up{target=\"cache\"}")).hasValue(0.0);
            } else {
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(Metrics.value(
                                        Http.get(TestAgents.base(agent) + "/metrics")
                                                .body(),
                                        "redis_up{target=\"cache\"}"))
                                .hasValue(1.0));
            }
            if (SERIES.containsKey(permission)) {
                assertThat(Http.get(TestAgents.base(agent) + "/metrics").body()).doesNotContain(SERIES.get(permission));
            }
            assertThat(log.lines()).noneMatch(line -> line.contains(PASSWORD));
        }
    }

    private static Agent startAgent() {
        return TestAgents.start(
                Map.of(PASSWORD_VARIABLE, PASSWORD),
                new StewardConfig.TargetEntry(
                        "cache", source.uri(), USER, null, PASSWORD_VARIABLE, "300ms", "2s", null));
    }

    // --- doctor -----------------------------------------------------------------------------------------------

    private static Cli.Run doctor() {
        return Cli.run(
                Map.of(),
                "doctor",
                source.uri(),
                "--username",
                USER,
                "--password-file",
                passwordFile.toString(),
                "--sample-seconds",
                "0",
                "-o",
                "json");
    }

    @Test
    void theDoctorAsTheReadmesUserChecksEveryRuleItCan() throws IOException {
        LeastPrivilege.setUser(source, USER, PASSWORD, LeastPrivilege.rule(DOCTOR));
        source.call("CONFIG", "RESETSTAT");
        try (LogCapture log = new LogCapture()) {
            Cli.Run run = doctor();
            assertThat(run.exitCode()).as(run.err()).isIn(0, 1);
            JsonNode report = new ObjectMapper().readTree(run.out());
            assertThat(report.path("summary").path("rulesChecked").asInt()).isPositive();
            assertThat(report.path("skipped").findValuesAsText("reason"))
                    .noneMatch(reason -> reason.contains("refused"));
            assertThat(log.lines()).noneMatch(line -> line.contains("refuse"));
        }
        assertThat(called()).containsAll(LeastPrivilege.commands(LeastPrivilege.rule(DOCTOR)));
    }

    static Stream<String> doctorPermissions() {
        return LeastPrivilege.rule(DOCTOR).stream();
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("doctorPermissions")
    void theDoctorWithOnePermissionLessSaysWhichOneItLacks(String permission) {
        LeastPrivilege.setUser(source, USER, PASSWORD, LeastPrivilege.without(DOCTOR, permission));
        String lacks = "the user '" + USER + "' lacks " + permission;
        try (LogCapture log = new LogCapture()) {
            Cli.Run run = doctor();
            if (permission.equals("+info")) {
                // Nothing can be judged without INFO: the doctor cannot run.
                assertThat(run.exitCode()).isEqualTo(Main.COULD_NOT_RUN);
                assertThat(run.err()).contains(lacks).doesNotContain("Exception");
            } else {
                // The report still comes out; what needs the refused read is skipped, and the log says why.
                assertThat(run.exitCode()).as(run.err()).isIn(0, 1);
                assertThat(run.out()).contains("\"rulesChecked\"");
                assertThat(log.lines()).anyMatch(line -> line.contains(lacks));
            }
            assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
        }
    }

    // --- backup run -------------------------------------------------------------------------------------------

    private static Cli.Run backup(String source, Path to) {
        return Cli.run(
                Map.of(),
                "backup",
                "run",
                "--redis",
                LeastPrivilegeTest.source.uri(),
                "--username",
                USER,
                "--password-file",
                passwordFile.toString(),
                "--to",
                to.toUri().toString(),
                "--source",
                source);
    }

    @Test
    void aLocalBackupAsTheReadmesUserIsStoredAndVerifies() {
        backupAsTheReadmesUser(BACKUP_LOCAL, "local");
    }

    @Test
    void aBackupOverReplicationAsTheReadmesUserIsStoredAndVerifies() {
        backupAsTheReadmesUser(BACKUP_REPLICATION, "replication");
    }

    private void backupAsTheReadmesUser(String command, String backupSource) {
        LeastPrivilege.setUser(source, USER, PASSWORD, LeastPrivilege.rule(command));
        source.call("CONFIG", "RESETSTAT");
        Path to = dir.resolve("backups-" + backupSource);
        Cli.Run run = backup(backupSource, to);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(called()).containsAll(LeastPrivilege.commands(LeastPrivilege.rule(command)));
        Cli.Run verify =
                Cli.run(Map.of(), "backup", "verify", "--storage", to.toUri().toString(), run.backupId());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("backup " + run.backupId() + " of " + source.address() + " verified");
    }

    static Stream<String> localBackupPermissions() {
        return LeastPrivilege.rule(BACKUP_LOCAL).stream();
    }

    static Stream<String> replicationBackupPermissions() {
        return LeastPrivilege.rule(BACKUP_REPLICATION).stream();
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("localBackupPermissions")
    void aLocalBackupWithOnePermissionLessSaysWhichOneAndStoresNothing(String permission) throws IOException {
        backupWithOneLess(BACKUP_LOCAL, "local", permission);
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("replicationBackupPermissions")
    void aBackupOverReplicationWithOnePermissionLessSaysWhichOneAndStoresNothing(String permission) throws IOException {
        backupWithOneLess(BACKUP_REPLICATION, "replication", permission);
    }

    private void backupWithOneLess(String command, String backupSource, String permission) throws IOException {
        LeastPrivilege.setUser(source, USER, PASSWORD, LeastPrivilege.without(command, permission));
        Path to = Files.createTempDirectory(dir, "refused-");
        Cli.Run run = backup(backupSource, to);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.COULD_NOT_RUN);
        assertThat(run.err())
                .contains("the user '" + USER + "' lacks " + permission)
                .doesNotContain("Exception")
                .doesNotContain(PASSWORD);
        try (Stream<Path> stored = Files.walk(to)) {
            assertThat(stored.filter(Files::isRegularFile)).isEmpty();
        }
    }

    // --- restore --to -----------------------------------------------------------------------------------------

    /** Into a server that holds a key of its own, so that the check for keys in the way ({@code EXISTS}) runs. */
    private static Cli.Run restore() {
        target.commands().flushall();
        target.commands().set("unrelated", "stays");
        return Cli.run(
                Map.of(),
                "backup",
                "restore",
                "--storage",
                store().toUri().toString(),
                backupId,
                "--to",
                target.uri(),
                "--username",
                USER,
                "--password-file",
                passwordFile.toString());
    }

    @Test
    void aRestoreAsTheReadmesUserLoadsEveryKey() {
        LeastPrivilege.setUser(target, USER, PASSWORD, LeastPrivilege.rule(RESTORE_TO));
        target.call("CONFIG", "RESETSTAT");
        Cli.Run run = restore();
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(target.commands().get("greeting")).isEqualTo("hello");
        assertThat(target.commands().get("unrelated")).isEqualTo("stays");
        assertThat(InfoParser.parse(target.commands().info("keyspace")).text("db2", ""))
                .startsWith("keys=1,");
        assertThat(calledOn(target)).containsAll(LeastPrivilege.commands(LeastPrivilege.rule(RESTORE_TO)));
    }

    static Stream<String> restorePermissions() {
        return LeastPrivilege.rule(RESTORE_TO).stream();
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("restorePermissions")
    void aRestoreWithOnePermissionLessSaysWhichOneAndChangesNothing(String permission) {
        LeastPrivilege.setUser(target, USER, PASSWORD, LeastPrivilege.without(RESTORE_TO, permission));
        Cli.Run run = restore();
        assertThat(run.exitCode()).as(run.err()).isNotZero();
        assertThat(run.err())
                .contains("the user '" + USER + "' lacks " + permission)
                .doesNotContain("Exception")
                .doesNotContain(PASSWORD);
        assertThat(target.commands().exists("greeting")).isZero();
    }

    // --- what the server saw ----------------------------------------------------------------------------------

    private static List<String> called() {
        return calledOn(source);
    }

    /** The commands the server ran (not only rejected) since its last CONFIG RESETSTAT. */
    private static List<String> calledOn(RedisServer server) {
        List<String> called = new ArrayList<>();
        for (String line : server.commands().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_") && !line.contains(":calls=0,")) {
                called.add(line.substring("cmdstat_".length(), line.indexOf(':')));
            }
        }
        return called;
    }
}
