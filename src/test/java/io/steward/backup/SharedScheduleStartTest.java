package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.testing.Postgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Agents started together on one shared schedule, each having seen it empty. */
class SharedScheduleStartTest {

    private final List<Instant> fires = new CopyOnWriteArrayList<>();
    private final BackupScheduler.Work cache =
            new BackupScheduler.Work(BackupScheduler.BACKUP, "cache", "* * * * * ?", fire -> fires.add(fire.due()));

    private BackupScheduler agent(Postgres database, String name) {
        ScheduleStore.Jdbc store =
                new ScheduleStore.Jdbc(database.jdbcUrl(), "postgres", "", "steward_", Duration.ofSeconds(2));
        return BackupScheduler.shared(
                List.of(cache),
                ScheduleDatabase.open(store, 4),
                name,
                new SchedulerMetrics(new SimpleMeterRegistry(), "jdbc", name));
    }

    @Test
    void anAgentThatSawNoTriggerKeepsTheOneAnotherPutThereMeanwhileSoNoFireRunsTwice() throws Exception {
        try (Postgres database = Postgres.database();
                BackupScheduler first = agent(database, "first");
                BackupScheduler late = agent(database, "late")) {
            assertThat(first.schedule()).hasSize(1);
            first.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> !fires.isEmpty());

            // Right after the first fire: the late agent looked before the first agent put its trigger there.
            boolean created = late.put(cache, null);
            late.start();
            int seen = fires.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> fires.size() >= seen + 3);

            assertThat(fires).as("fires run").doesNotHaveDuplicates();
            assertThat(created).as("the late agent created nothing").isFalse();
        }
    }
}
