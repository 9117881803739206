package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.api.sync.RedisCommands;
import io.steward.collector.InfoParser;
import io.steward.testing.Datasets;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Back up a server holding every data type, restore it into an empty directory, start a fresh redis-server there,
 * and find the same data: to S3 (S3Proxy, SigV4, multipart) and to a directory.
 */
class BackupRoundTripTest {

    private static final Map<String, String> ENV =
            Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);

    private static RedisServer source;
    private static S3Server s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void fillAServerWithEveryType() {
        source = RedisServer.builder().enableDebugCommand().start();
        Datasets.everyType(source, 50_000, true);
        RedisCommands<String, String> redis = source.commands();
        // Incompressible values, so the stored object spans several 8 MiB parts.
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 24; i++) {
            byte[] noise = new byte[512 * 1024];
            random.nextBytes(noise);
            redis.set("noise:" + i, HexFormat.of().formatHex(noise));
        }
        s3 = S3Server.start();
        s3.createBucket("round-trip");
    }

    @AfterAll
    static void stop() {
        s3.close();
        source.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "s3-checksums-when-required", "file"})
    void aRestoredBackupHoldsExactlyTheDataOfTheSource(String store) throws Exception {
        Path config = switch (store) {
            case "s3" -> Cli.s3Config(dir, s3.endpoint().toString(), "round-trip", "");
            // As for older S3-compatible stores: checksums only where required, Content-MD5 where they want it;
            // and stored without compression.
            case "s3-checksums-when-required" -> withChecksumsWhenRequired(dir);
            default -> Cli.fileConfig(dir, dir.resolve("store"), "");
        };

        Cli.Run backup = Cli.run(ENV, "backup", "run", "--config", config.toString(), "--redis", source.uri());
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        String id = backup.backupId();

        Cli.Run list = Cli.run(ENV, "backup", "list", "--config", config.toString(), "-o", "json");
        JsonNode entry = new ObjectMapper().readTree(list.out()).get(0);
        assertThat(entry.get("id").asText()).isEqualTo(id);
        assertThat(entry.get("target").asText()).isEqualTo("127.0.0.1:" + source.port());
        assertThat(entry.get("redisVersion").asText()).startsWith("7.");
        assertThat(entry.get("status").asText()).isEqualTo("complete");
        assertThat(entry.get("storedSize").asLong())
                .isGreaterThan(8L << 20)
                .isLessThanOrEqualTo(entry.get("rdbSize").asLong());

        Cli.Run verify = Cli.run(ENV, "backup", "verify", "--config", config.toString(), id);
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("backup " + id + " of 127.0.0.1:" + source.port() + " verified");

        Path restored = dir.resolve("restored");
        Cli.Run restore =
                Cli.run(ENV, "backup", "restore", "--config", config.toString(), id, "--to-dir", restored.toString());
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.err()).contains("appendonly");
        assertThat(Files.list(restored).map(p -> p.getFileName().toString())).containsExactly("dump.rdb");

        try (RedisServer copy =
                RedisServer.builder().enableDebugCommand().dir(restored).start()) {
            assertThat(copy.call("DEBUG", "DIGEST")).isEqualTo(source.call("DEBUG", "DIGEST"));
            assertThat(keyCounts(copy)).isEqualTo(keyCounts(source)).containsKeys("db0", "db1", "db2");
            assertThat(copy.commands().ttl("expiring")).isPositive();
        }
    }

    private static Path withChecksumsWhenRequired(Path dir) {
        try {
            return Files.writeString(
                    dir.resolve("when-required.yaml"),
                    "storage:\n"
                            + "  url: s3://round-trip/older-store\n"
                            + "  compression: none\n"
                            + "  s3:\n"
                            + "    endpoint: " + s3.endpoint() + "\n"
                            + "    access-key-env: " + Cli.KEY_VARIABLE + "\n"
                            + "    secret-key-env: " + Cli.SECRET_VARIABLE + "\n"
                            + "    checksums: when-required\n");
        } catch (java.io.IOException failure) {
            throw new java.io.UncheckedIOException(failure);
        }
    }

    /** keys and expires per database; avg_ttl is an estimate that differs from one INFO to the next. */
    private static Map<String, String> keyCounts(RedisServer server) {
        Map<String, String> counts = new java.util.TreeMap<>();
        InfoParser.parse(server.commands().info("keyspace"))
                .section("keyspace")
                .forEach((db, value) -> counts.put(db, value.replaceAll("keys=(\\d+),expires=(\\d+),.*", "$1/$2")));
        return counts;
    }
}
