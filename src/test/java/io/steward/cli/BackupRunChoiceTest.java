package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup run} forks a server (BGSAVE), so it is told which: {@code --target} (repeatable), {@code --redis} or
 * {@code --all}; never every target of the config by default.
 */
class BackupRunChoiceTest {

    @TempDir
    Path dir;

    private static RedisServer cache;
    private static RedisServer queue;
    private static RedisServer sessions;

    @BeforeAll
    static void startServers() {
        cache = RedisServer.start();
        queue = RedisServer.start();
        sessions = RedisServer.start();
    }

    @AfterAll
    static void stopServers() {
        cache.close();
        queue.close();
        sessions.close();
    }

    private Path store() {
        return dir.resolve("store");
    }

    private Path config() {
        return Cli.fileConfig(
                dir,
                store(),
                "targets:\n"
                        + "  - name: cache\n    uri: " + cache.uri() + "\n"
                        + "  - name: queue\n    uri: " + queue.uri() + "\n"
                        + "  - name: sessions\n    uri: " + sessions.uri() + "\n");
    }

    private static Map<RedisServer, Long> bgsaves() {
        return Map.of(cache, cache.calls("bgsave"), queue, queue.calls("bgsave"), sessions, sessions.calls("bgsave"));
    }

    private List<String> backedUpTargets(Path config) throws IOException {
        Cli.Run list = Cli.run(Map.of(), "backup", "list", "--config", config.toString(), "-o", "json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        List<String> targets = new ArrayList<>();
        new ObjectMapper()
                .readTree(list.out())
                .forEach(entry -> targets.add(entry.get("target").asText()));
        return targets;
    }

    @Test
    void withoutTargetRedisOrAllNoServerIsForkedAndTheConfigsTargetsAreNamed() {
        Map<RedisServer, Long> before = bgsaves();
        Path config = config();

        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--config", config.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("steward: say which Redis to back up: --target NAME (repeatable), --redis URI, or --all"
                        + " for every target of the config; the targets of " + config + ": cache, queue, sessions");
        assertThat(bgsaves()).isEqualTo(before);
        assertThat(store()).doesNotExist();
    }

    @Test
    void withoutAConfigFileOrItsTargetsTheMessageSaysToGiveARedisUri() throws IOException {
        Cli.Run none =
                Cli.run(Map.of(), "backup", "run", "--to", store().toUri().toString());
        assertThat(none.exitCode()).as(none.err()).isEqualTo(2);
        assertThat(none.err())
                .contains("say which Redis to back up")
                .contains("no config file is given (--config FILE or STEWARD_CONFIG), so give --redis URI");

        Path empty = Files.writeString(dir.resolve("empty.yaml"), "storage:\n  url: " + store().toUri() + "\n");
        Cli.Run all = Cli.run(Map.of(), "backup", "run", "--config", empty.toString(), "--all");
        assertThat(all.exitCode()).as(all.err()).isEqualTo(2);
        assertThat(all.err()).contains("--all: " + empty + " has no targets, so give --redis URI");
        assertThat(store()).doesNotExist();
    }

    @Test
    void eachTargetGivenIsBackedUpAndNoOther() throws IOException {
        Map<RedisServer, Long> before = bgsaves();
        Path config = config();

        Cli.Run run = Cli.run(
                Map.of(), "backup", "run", "--config", config.toString(), "--target", "cache", "--target", "queue");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(backedUpTargets(config)).containsExactlyInAnyOrder("cache", "queue");
        assertThat(sessions.calls("bgsave")).isEqualTo(before.get(sessions));
    }

    @Test
    void allBacksUpEveryTargetOfTheConfig() throws IOException {
        Path config = config();

        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--config", config.toString(), "--all");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(backedUpTargets(config)).containsExactlyInAnyOrder("cache", "queue", "sessions");
    }

    @Test
    void allBesideATargetIsAUsageError() {
        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--config", config().toString(), "--all", "--target", "cache");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("give one of --target, --redis and --all");
    }
}
