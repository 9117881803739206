package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup list} over a directory holding the backups of two targets. */
class BackupListTest {

    @TempDir
    static Path dir;

    private static RedisServer cache;
    private static RedisServer queue;
    private static Path config;
    private static final List<String> cacheIds = new ArrayList<>();
    private static String queueId;

    @BeforeAll
    static void backUpTwoServers() {
        cache = RedisServer.start();
        queue = RedisServer.start();
        cache.commands().set("user:1", "ada");
        queue.commands().rpush("jobs", "a", "b");
        config = Cli.fileConfig(
                dir,
                dir.resolve("store"),
                "targets:\n"
                        + "  - name: cache\n    uri: " + cache.uri() + "\n"
                        + "  - name: queue\n    uri: " + queue.uri() + "\n");
        cacheIds.add(backUp("cache"));
        queueId = backUp("queue");
        cacheIds.add(backUp("cache"));
    }

    private static String backUp(String target) {
        Cli.Run run = run("backup", "run", "--config", config.toString(), "--target", target);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.backupId();
    }

    @AfterAll
    static void stop() {
        cache.close();
        queue.close();
    }

    private static Cli.Run run(String... args) {
        return Cli.run(Map.of(), args);
    }

    private static List<JsonNode> listJson(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("backup", "list", "--config", config.toString(), "-o", "json"));
        args.addAll(List.of(more));
        Cli.Run run = run(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> entries = new ArrayList<>();
        new ObjectMapper().readTree(run.out()).forEach(entries::add);
        return entries;
    }

    @Test
    void withATargetOnlyThatTargetsBackupsAreListedNewestFirst() throws IOException {
        List<JsonNode> cacheBackups = listJson("--target", "cache");
        assertThat(cacheBackups)
                .extracting(entry -> entry.get("target").asText())
                .containsOnly("cache");
        assertThat(cacheBackups)
                .extracting(entry -> entry.get("id").asText())
                .containsExactly(cacheIds.get(1), cacheIds.get(0));

        assertThat(listJson("--target", "queue"))
                .extracting(entry -> entry.get("id").asText())
                .containsExactly(queueId);
        assertThat(listJson()).hasSize(3);
    }

    @Test
    void theTextListOfATargetHasARowForEachOfItsBackupsAndNoneOfTheOther() {
        Cli.Run run = run("backup", "list", "--config", config.toString(), "--target", "queue");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("TARGET");
        assertThat(lines.subList(1, lines.size()))
                .singleElement()
                .satisfies(row -> assertThat(row).startsWith(queueId).contains(" queue "));
        assertThat(run.out()).doesNotContain(cacheIds.get(0)).doesNotContain(cacheIds.get(1));
    }

    @Test
    void aTargetWithoutBackupsListsNothingAndSaysSo() {
        Cli.Run run = run("backup", "list", "--config", config.toString(), "--target", "sessions");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("no backups in").contains("for target sessions");
    }
}
