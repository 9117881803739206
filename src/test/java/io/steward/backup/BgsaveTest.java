package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lettuce.core.RedisURI;
import io.steward.collector.RedisConnector;
import io.steward.collector.SaveControl;
import io.steward.collector.Target;
import io.steward.testing.FakeRedis;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a save is judged done on Redis before 7.0, which has no {@code rdb_saves} counter: only Redis 7.0 can be
 * installed here, so a stand-in plays a 6.2 server. What a real server can be made to do is tested on one
 * ({@code BackupPreflightTest}).
 */
class BgsaveTest {

    @TempDir
    Path dir;

    private static String redisSavingInto(List<String> command, Path rdbDir) {
        return switch (command.get(0)) {
            case "HELLO" -> "-ERR unknown command 'HELLO'\r\n";
            case "PING" -> "+PONG\r\n";
            case "CLIENT" -> "+OK\r\n";
            case "CONFIG" ->
                "*2\r\n" + FakeRedis.bulk(command.get(2))
                        + FakeRedis.bulk(command.get(2).equals("dir") ? rdbDir.toString() : "dump.rdb");
            case "INFO" ->
                FakeRedis.bulk(
                        "# Server\r\nredis_version:7.0.15\r\nrun_id:f00d\r\n# Persistence\r\n"
                                + "rdb_bgsave_in_progress:0\r\nrdb_saves:1\r\nrdb_last_save_time:1\r\nrdb_last_bgsave_status:ok\r\n");
            case "BGSAVE" -> "+Background saving started\r\n";
            default -> "-ERR unknown command\r\n";
        };
    }

    /**
     * A Redis 6.2 (no {@code rdb_saves}): after BGSAVE, INFO shows the save running twice, then done with
     * {@code rdb_last_save_time} moved on, or failed with it unchanged.
     */
    private static String olderRedisSaving(
            List<String> command, Path rdbDir, AtomicInteger infosSinceBgsave, boolean saveFails) {
        if (command.get(0).equals("BGSAVE")) {
            infosSinceBgsave.set(0);
            return "+Background saving started\r\n";
        }
        if (!command.get(0).equals("INFO")) {
            return redisSavingInto(command, rdbDir);
        }
        int seen = infosSinceBgsave.getAndIncrement();
        boolean saving = seen >= 0 && seen < 2;
        boolean done = seen >= 2;
        return FakeRedis.bulk("# Server\r\nredis_version:6.2.14\r\nrun_id:beef\r\n# Persistence\r\n"
                + "rdb_bgsave_in_progress:" + (saving ? 1 : 0) + "\r\n"
                + "rdb_last_save_time:" + (done && !saveFails ? 1700000100 : 1700000000) + "\r\n"
                + "rdb_last_bgsave_status:" + (done && saveFails ? "err" : "ok") + "\r\n"
                + "rdb_current_bgsave_time_sec:" + (saving ? 0 : -1) + "\r\n");
    }

    private Bgsave.Saved save(FakeRedis fake) {
        Target target = new Target("old", RedisURI.create("redis://127.0.0.1:" + fake.port()), Duration.ofSeconds(15));
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
                SaveControl server = connector.openSaveControl(target)) {
            return new Bgsave(Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofMinutes(1))
                    .run(server, target, Progress.NONE);
        }
    }

    @Test
    void onServersWithoutASaveCounterTheLastSaveTimeTellsTheSaveIsDone() throws IOException {
        AtomicInteger infos = new AtomicInteger(-100);
        try (FakeRedis fake = new FakeRedis(command -> olderRedisSaving(command, dir, infos, false))) {
            Bgsave.Saved saved = save(fake);
            assertThat(saved.file()).isEqualTo(dir.resolve("dump.rdb"));
            assertThat(saved.state().lastSaveTime()).isEqualTo(1700000100L);
        }
    }

    @Test
    void onServersWithoutASaveCounterAFailedSaveIsSeenAndReported() throws IOException {
        AtomicInteger infos = new AtomicInteger(-100);
        try (FakeRedis fake = new FakeRedis(command -> olderRedisSaving(command, dir, infos, true))) {
            BackupException failure = catchThrowableOfType(BackupException.class, () -> save(fake));
            assertThat(failure.reason()).isEqualTo(BackupFailure.BGSAVE_FAILED);
            assertThat(failure.getMessage()).contains("failed (rdb_last_bgsave_status:err)");
        }
    }
}
