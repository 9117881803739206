package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.steward.backup.DrillMetrics;
import io.steward.backup.DrillResult;
import io.steward.backup.FileStore;
import io.steward.backup.RestoreDrill;
import io.steward.collector.RedisConnector;
import io.steward.testing.LogCapture;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steward backup drill} on real backups of a real server: keys in three databases, some with a TTL, five that
 * had expired already when the backup was taken (active expiry off, so Redis still held and saved them). A scratch
 * redis-server loads the backup and drops those five; the parse counts them.
 */
class BackupDrillTest {

    private static final Pattern STARTED = Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+) \\(pid");

    @TempDir
    static Path dir;

    private static RedisServer source;
    private static Path store;
    private static Path config;
    private static String id;

    @TempDir
    Path scratch;

    @BeforeAll
    static void backUpKeysInThreeDatabasesSomeExpired() {
        source = RedisServer.builder().enableDebugCommand().start();
        source.call("DEBUG", "POPULATE", "3000");
        for (int i = 0; i < 10; i++) {
            source.commands().setex("ttl:" + i, 3600, "later");
        }
        // With active expiry off, keys whose TTL ran out stay in the keyspace until read: INFO counts them, the RDB
        // holds them, and a server loading the RDB drops them.
        source.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        for (int i = 0; i < 5; i++) {
            source.commands().set("gone:" + i, "x");
            source.commands().pexpire("gone:" + i, 1);
        }
        source.call("SELECT", "1");
        source.call("DEBUG", "POPULATE", "200", "one");
        source.call("SELECT", "2");
        source.call("DEBUG", "POPULATE", "50", "two");
        for (int i = 0; i < 50; i++) {
            source.call("EXPIRE", "two:" + i, "86400");
        }
        source.call("SELECT", "0");
        store = dir.resolve("store");
        config = Cli.fileConfig(
                dir,
                store,
                "targets:\n  - name: shop\n    uri: " + source.uri() + "\n    backup:\n      drill:\n"
                        + "        schedule: \"0 0 3 * * ?\"\n        redis-server: " + redisServerOnPath() + "\n");
        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--target", "shop");
        assertThat(run.exitCode()).as(run.err()).isZero();
        id = run.backupId();
    }

    @AfterAll
    static void stop() {
        source.close();
    }

    static String redisServerOnPath() {
        for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(entry, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("these tests need a redis-server on PATH");
    }

    /** The test's PATH, where the drill finds its redis-server, and a temp directory of the test's own. */
    private Map<String, String> env() {
        return Map.of("PATH", System.getenv("PATH"), "TMPDIR", scratch.toString());
    }

    private Cli.Run drill(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("backup", "drill"));
        all.addAll(List.of(args));
        return Cli.run(env(), all.toArray(String[]::new));
    }

    @Test
    void aGoodBackupLoadsIntoAScratchRedisServerThatIsGoneAfterwards() throws IOException {
        Cli.Run run;
        List<String> log;
        try (LogCapture capture = new LogCapture()) {
            run = drill("--config", config.toString(), "--target", "shop");
            log = capture.lines();
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith("shop: backup " + id + ", redis-server, db0 3010 of 3015 keys loaded (5 expired), db1 200"
                        + " of 200 keys loaded, db2 50 of 50 keys loaded, ")
                .contains(": PASSED (backup " + id + " verified and loaded into redis-server 7.")
                .contains("per-key digests: not recorded");
        Matcher started = STARTED.matcher(String.join("\n", log));
        assertThat(started.find()).as(String.join("\n", log)).isTrue();
        int port = Integer.parseInt(started.group(1));
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        assertThat(entries(scratch))
                .as("what the drill left in its temp directory")
                .isEmpty();
    }

    @Test
    void aParseOnlyDrillCountsEveryDatabaseWithoutStartingAServer() throws IOException {
        Cli.Run run;
        List<String> log;
        try (LogCapture capture = new LogCapture()) {
            run = drill("--config", config.toString(), "--target", "shop", "--redis-server", "none", "--json");
            log = capture.lines();
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out()).get(0);
        assertThat(result.get("target").asText()).isEqualTo("shop");
        assertThat(result.get("backupId").asText()).isEqualTo(id);
        assertThat(result.get("mode").asText()).isEqualTo("parse-only");
        assertThat(result.get("passed").asBoolean()).isTrue();
        assertThat(result.get("reason").isNull()).isTrue();
        assertThat(result.get("perKeyDigests").asText()).isEqualTo("not recorded");
        assertThat(result.get("databases").toString())
                .isEqualTo("[{\"db\":\"db0\",\"expected\":3015,\"parsed\":3015,\"expired\":5,\"loaded\":null},"
                        + "{\"db\":\"db1\",\"expected\":200,\"parsed\":200,\"expired\":0,\"loaded\":null},"
                        + "{\"db\":\"db2\",\"expected\":50,\"parsed\":50,\"expired\":0,\"loaded\":null}]");
        assertThat(log).noneMatch(line -> line.contains("restore drill: redis-server"));
        assertThat(entries(scratch)).isEmpty();
    }

    @Test
    void aTamperedStoredObjectFailsTheDrillAsCorruptAndCountsIt() throws IOException {
        Path copy = copyOfTheStore();
        Restores.damageTheStoredObject(copy);

        Cli.Run run = drill("--storage", copy.toString(), id);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .startsWith("shop: backup " + id + ", redis-server, ")
                .contains("FAILED (corrupt): backup " + id)
                .contains("does not match its manifest");
        assertThat(entries(scratch)).isEmpty();

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DrillMetrics metrics = new DrillMetrics(registry);
        metrics.register("shop");
        metrics.scheduled("shop", Duration.ofDays(1));
        try (FileStore files = new FileStore(copy);
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            DrillResult result = new RestoreDrill(
                            files, connector::openScratchServer, metrics, Clock.systemUTC(), scratch)
                    .drill("shop", Optional.of(Path.of(redisServerOnPath())), io.steward.backup.Progress.NONE);
            assertThat(result.passed()).isFalse();
            assertThat(result.reason().label()).isEqualTo("corrupt");
        }
        assertThat(registry.scrape())
                .contains("steward_backup_drill_failures_total{reason=\"corrupt\",target=\"shop\"} 1.0")
                .contains("steward_backup_drill_failures_total{reason=\"keys-differ\",target=\"shop\"} 0.0")
                .contains("steward_backup_drill_last_success_timestamp_seconds{target=\"shop\"} 0.0")
                .contains("steward_backup_drill_schedule_interval_seconds{target=\"shop\"} 86400.0")
                .contains("steward_backup_drill_last_duration_seconds{target=\"shop\"} NaN");
    }

    @Test
    void aManifestWhoseKeyCountsDifferFromItsRdbFailsNamingTheDatabaseAndBothCounts() throws IOException {
        Path copy = copyOfTheStore();
        Path manifestFile = copy.resolve("shop").resolve(id).resolve("manifest.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(manifestFile.toFile());
        ((ObjectNode) manifest.get("keys")).put("db1", 199);
        Files.write(manifestFile, json.writeValueAsBytes(manifest));

        for (String mode : List.of(redisServerOnPath(), "none")) {
            Cli.Run run = drill("--storage", copy.toString(), "--target", "shop", "--redis-server", mode);
            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.out())
                    .contains("db1 200 ")
                    .contains("(manifest: 199)")
                    .contains("FAILED (keys-differ): backup " + id + " of shop: keys differ:"
                            + " db1: the manifest records 199 keys, the RDB holds 200");
        }
    }

    @Test
    void aRedisServerOlderThanTheBackupRefusesItAndTheDrillNamesBothVersions() throws IOException {
        Path copy = copyOfTheStore();
        // As Redis 7.2 writes it: RDB version 11, which the redis-server 7.0 of these tests cannot read.
        ForgedBackups.withRdbVersion(copy, "shop", id, 11);
        assertThat(Cli.run(Map.of(), "backup", "verify", "--storage", copy.toString(), id)
                        .exitCode())
                .isZero();

        Cli.Run run = drill("--storage", copy.toString(), id, "--redis-server", redisServerOnPath());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out())
                .contains("FAILED (load): redis-server 7.0.")
                .contains("refused backup " + id + " of shop (RDB version 11) and exited: Can't handle RDB format"
                        + " version 11");
        assertThat(entries(scratch)).isEmpty();

        Cli.Run parsed = drill("--storage", copy.toString(), id, "--redis-server", "none");
        assertThat(parsed.exitCode()).as(parsed.out()).isZero();
    }

    @Test
    void aTargetWithoutBackupsFailsAsNoBackup() {
        Cli.Run run = drill("--config", config.toString(), "--target", "nobody");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .isEqualTo(
                        "nobody: no backup, redis-server, 0.0 s: FAILED (no-backup): no complete backup of nobody in "
                                + store.toUri()
                                + " to drill (steward backup list shows what is there)\n");
    }

    @Test
    void aStoreThatDoesNotExistCannotBeDrilled() {
        Path missing = dir.resolve("no-such-store");
        Cli.Run run = drill("--storage", missing.toString(), "--target", "shop");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("--storage: the backup store " + missing + " does not exist");
    }

    @Test
    void anUnreachableS3StoreCannotBeDrilled() {
        int port = io.steward.testing.FreePort.find();
        Path s3 = Cli.s3Config(dir, "http://127.0.0.1:" + port, "nowhere", "");
        Cli.Run run = Cli.run(
                Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY),
                "backup",
                "drill",
                "--config",
                s3.toString(),
                "--target",
                "shop",
                "--redis-server",
                "none");
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.out()).contains("shop: no backup, parse-only, ").contains("FAILED (store): ");
        assertThat(run.out() + run.err()).doesNotContain(S3Server.SECRET_KEY);
    }

    @Test
    void aBackupInS3PassesItsDrill() {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY);
        env.put(Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);
        try (S3Server s3 = S3Server.start()) {
            s3.createBucket("drills");
            Path s3Config = Cli.s3Config(
                    dir,
                    s3.endpoint().toString(),
                    "drills",
                    "targets:\n  - name: shop\n    uri: " + source.uri() + "\n    backup: {}\n");
            Cli.Run backup = Cli.run(env, "backup", "run", "--config", s3Config.toString(), "--all");
            assertThat(backup.exitCode()).as(backup.err()).isZero();

            // No --target nor BACKUP_ID: every target with a backup: section.
            Cli.Run run = Cli.run(env, "backup", "drill", "--config", s3Config.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out())
                    .as(run.err())
                    .startsWith("shop: backup " + backup.backupId() + ", redis-server, db0 3010 of 3015 keys loaded")
                    .contains("PASSED");
        }
    }

    @Test
    void withoutATargetOrIdAndNoBackupSectionTheCommandSaysWhatToGive() {
        Path plain = Cli.fileConfig(dir, store, "targets:\n  - name: plain\n    uri: " + source.uri() + "\n");
        Cli.Run run = drill("--config", plain.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("give --target NAME or a BACKUP_ID: " + plain + " has no target with a backup:");

        Cli.Run both = drill("--config", config.toString(), "--target", "shop", id);
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--target: give --target NAME or a BACKUP_ID, not both");

        Cli.Run unknown = drill("--storage", store.toString(), "20200101T000000Z-deadbeef");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no backup '20200101T000000Z-deadbeef'");
    }

    private static Path copyOfTheStore() throws IOException {
        Path copy = Files.createTempDirectory(dir, "store-copy-");
        try (Stream<Path> files = Files.walk(store)) {
            for (Path file : files.toList()) {
                Path to = copy.resolve(store.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        return copy;
    }

    private static List<String> entries(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
