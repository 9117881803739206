package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Retention through {@code steward backup prune} against S3, over backups that span two months. They are copies of
 * one real backup under the keys and start times of older ones, as if taken on those days: each verifies. Each rule
 * keeps exactly the backups it names, a backup kept by any rule stays, and an unfinished newer backup counts for
 * nothing.
 */
class BackupRetentionTest {

    private static final Map<String, String> ENV =
            Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);
    private static final String BUCKET = "retention";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** When each backup started, oldest first. 2026-05-04 is a Monday: ISO week 19 runs from 4 to 10 May. */
    private static final List<String> STARTS = List.of(
            "2026-03-02T10:00:00Z", // B1  March, week 10
            "2026-03-20T10:00:00Z", // B2  March, week 12
            "2026-04-06T09:00:00Z", // B3  April, week 15
            "2026-04-20T09:00:00Z", // B4  April, week 17
            "2026-05-04T09:00:00Z", // B5  May, week 19, Monday
            "2026-05-05T09:00:00Z", // B6  Tuesday
            "2026-05-06T08:00:00Z", // B7  Wednesday morning
            "2026-05-06T20:00:00Z", // B8  Wednesday evening
            "2026-05-07T08:00:00Z", // B9  Thursday, three times
            "2026-05-07T12:00:00Z", // B10
            "2026-05-07T16:00:00Z"); // B11 the newest

    /** Newer than all of them, with data but no manifest: a backup that never finished. */
    private static final String UNFINISHED = "20260508T000000Z-000000ff";

    private static S3Server s3;
    private static JsonNode realManifest;

    @TempDir
    Path dir;

    @BeforeAll
    static void takeOneRealBackup(@TempDir Path setup) throws IOException {
        s3 = S3Server.start();
        s3.createBucket(BUCKET);
        try (RedisServer redis = RedisServer.builder().enableDebugCommand().start()) {
            redis.call("DEBUG", "POPULATE", "2000");
            Path config = config(setup, "source", "");
            Cli.Run backup = Cli.run(ENV, "backup", "run", "--config", config.toString(), "--redis", redis.uri());
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            try (S3Client client = s3.client();
                    InputStream manifest = client.getObject(get -> get.bucket(BUCKET)
                            .key("source/127.0.0.1_" + redis.port() + "/" + backup.backupId() + "/manifest.json"))) {
                realManifest = new ObjectMapper().readTree(manifest);
            }
        }
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    private static Path config(Path dir, String prefix, String more) throws IOException {
        return Files.writeString(
                dir.resolve(prefix + ".yaml"),
                "storage:\n"
                        + "  url: s3://" + BUCKET + "/" + prefix + "\n"
                        + "  s3:\n"
                        + "    endpoint: " + s3.endpoint() + "\n"
                        + "    access-key-env: " + Cli.KEY_VARIABLE + "\n"
                        + "    secret-key-env: " + Cli.SECRET_VARIABLE + "\n"
                        + more);
    }

    private static String id(int backup) {
        return STAMP.format(Instant.parse(STARTS.get(backup - 1))) + "-" + String.format("%08x", backup);
    }

    /** Under {@code prefix}, the real backup copied once per start time, with its manifest saying so. */
    private static void backupsOnThoseDays(String prefix) throws IOException {
        String targetDir = realManifest.get("target").asText().replaceAll("[^A-Za-z0-9._-]", "_");
        String data = realManifest.get("stored").get("object").asText();
        try (S3Client client = s3.client()) {
            for (int backup = 1; backup <= STARTS.size(); backup++) {
                String id = id(backup);
                String object = targetDir + "/" + id + "/dump.rdb.zst";
                client.copyObject(copy -> copy.sourceBucket(BUCKET)
                        .sourceKey("source/" + data)
                        .destinationBucket(BUCKET)
                        .destinationKey(prefix + "/" + object));
                ObjectNode manifest = realManifest.deepCopy();
                Instant started = Instant.parse(STARTS.get(backup - 1));
                manifest.put("id", id);
                manifest.put("startedAt", started.toString());
                manifest.put("finishedAt", started.plusSeconds(5).toString());
                ((ObjectNode) manifest.get("stored")).put("object", object);
                client.putObject(
                        put -> put.bucket(BUCKET).key(prefix + "/" + targetDir + "/" + id + "/manifest.json"),
                        RequestBody.fromBytes(new ObjectMapper().writeValueAsBytes(manifest)));
            }
            client.copyObject(copy -> copy.sourceBucket(BUCKET)
                    .sourceKey("source/" + data)
                    .destinationBucket(BUCKET)
                    .destinationKey(prefix + "/" + targetDir + "/" + UNFINISHED + "/dump.rdb.zst"));
        }
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("keep-last: 3", List.of(11, 10, 9)),
                // The newest of each of the last three days that have a backup.
                Arguments.of("keep-daily: 3", List.of(11, 8, 6)),
                Arguments.of("keep-weekly: 3", List.of(11, 4, 3)),
                Arguments.of("keep-monthly: 3", List.of(11, 4, 2)),
                // More months than there are: one per month that has a backup.
                Arguments.of("keep-monthly: 12", List.of(11, 4, 2)),
                // What any rule keeps stays.
                Arguments.of(
                        "keep-last: 2\n  keep-daily: 2\n  keep-weekly: 2\n  keep-monthly: 3", List.of(11, 10, 8, 4, 2)),
                // Nothing older than the newest complete backup: the unfinished one does not count.
                Arguments.of("keep-last: 1", List.of(11)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void pruneKeepsExactlyWhatTheRuleSays(String rule, List<Integer> kept) throws IOException {
        String prefix = "rule-" + Integer.toHexString(rule.hashCode());
        backupsOnThoseDays(prefix);
        Path config = config(dir, prefix, "retention:\n  " + rule + "\n");

        Cli.Run prune = Cli.run(ENV, "backup", "prune", "--config", config.toString());

        assertThat(prune.exitCode()).as(prune.err()).isZero();
        List<String> expected = kept.stream().map(BackupRetentionTest::id).toList();
        assertThat(listedIds(config)).isEqualTo(expected);
        List<String> stored = new ArrayList<>();
        try (S3Client client = s3.client()) {
            client.listObjectsV2Paginator(list -> list.bucket(BUCKET).prefix(prefix + "/")).contents().stream()
                    .map(S3Object::key)
                    .forEach(stored::add);
        }
        // The pruned backups are gone with their data; the unfinished one is too young to be touched.
        for (int backup = 1; backup <= STARTS.size(); backup++) {
            String id = id(backup);
            if (expected.contains(id)) {
                assertThat(stored).filteredOn(key -> key.contains(id)).hasSize(2);
            } else {
                assertThat(stored).noneMatch(key -> key.contains(id));
            }
        }
        assertThat(stored).anyMatch(key -> key.contains(UNFINISHED + "/dump.rdb.zst"));
        Cli.Run verify = Cli.run(ENV, "backup", "verify", "--config", config.toString(), "--latest");
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("backup " + id(11) + " of ");
    }

    private static List<String> listedIds(Path config) throws IOException {
        Cli.Run list = Cli.run(ENV, "backup", "list", "--config", config.toString(), "-o", "json");
        List<String> ids = new ArrayList<>();
        new ObjectMapper()
                .readTree(list.out())
                .forEach(entry -> ids.add(entry.get("id").asText()));
        return ids;
    }
}
